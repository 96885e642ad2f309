"""The inputs every approach reads: the TPC corpora in `tests/corpora/` (copied from sqlglot's fixtures; see tests/corpora/NOTICE.md) and the synthetic warehouse.

A corpus is named so a worker process can rebuild it (`tpch`, `tpcds`, `warehouse-1000`), and may be
cut to every k-th statement (`every`) when a slow peer cannot run it whole.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path

from bench.warehouse import generate
from parsers.sql.schema import SchemaRegistry, load_schema_file

REPO_ROOT = Path(__file__).resolve().parents[1]
# Copied into the repository (tests/corpora/NOTICE.md) so that a clone benchmarks anywhere.
CORPORA_ROOT = REPO_ROOT / "tests" / "corpora"
CORPUS_NAMES = ("tpch", "tpcds")
WAREHOUSE = "warehouse-"  # + the number of models
# The TPC queries are written in sqlglot's default dialect, which is also valid DuckDB (corpora README);
# the generated warehouse too. Peers get this name; ours and sqlglot keep the default dialect.
PEER_DIALECT = "duckdb"


@dataclass(frozen=True, slots=True)
class Query:
    name: str  # lower case: the file stem a bare SELECT is named after, or the table a model creates
    path: str
    text: str


@dataclass(frozen=True, slots=True)
class Corpus:
    """Every approach reads these same texts and the same schema, so timings compare like with like."""

    name: str
    queries: tuple[Query, ...]
    schema: dict[str, object]  # `{table: {column: type}}` (or `{db: {table: ...}}`), as sqlglot takes it
    registry: SchemaRegistry  # the same schema as our extractor takes it; copy before use
    bare_selects: bool  # statements are plain SELECTs with no target table (the TPC queries)
    every: int = 1  # only every k-th statement of the named corpus

    @property
    def statements(self) -> int:
        return len(self.queries)

    def table_columns(self) -> dict[str, list[str]]:
        """`{qualified table: [column, ...]}`, for peers that take column names only."""
        return {table: [column for column, _ in columns] for table, columns in self.registry.tables().items()}


def load_corpus(root: Path) -> Corpus:
    """Read `queries/*.sql` (sorted by name) and `schema.json` under `root`."""
    schema_path = root / "schema.json"
    files = sorted((root / "queries").glob("*.sql"), key=lambda p: p.name.lower())
    queries = tuple(Query(p.stem.lower(), str(p), p.read_text(encoding="utf-8")) for p in files)
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    return Corpus(root.name, queries, schema, load_schema_file(schema_path), bare_selects=True)


def load_corpora(root: Path = CORPORA_ROOT, names: tuple[str, ...] = CORPUS_NAMES) -> list[Corpus]:
    return [load_corpus(root / name) for name in names]


def warehouse_corpus(models: int) -> Corpus:
    """The models of `bench.warehouse` (views and CTAS, one statement each), with every table's columns known.

    The source DDL is not a statement here: its columns go into the schema, as `schema.json` does for TPC.
    """
    sources, built, _ = generate(models)
    queries = tuple(Query(m.name.rsplit(".", 1)[-1], m.name.replace(".", "/") + ".sql", m.sql) for m in built)
    schema: dict[str, dict[str, dict[str, str]]] = {}
    for model in sources + built:
        db, table = model.name.split(".")
        schema.setdefault(db, {})[table] = {column: "int" if column.endswith("id") else "varchar" for column in model.columns}
    registry = SchemaRegistry({m.name: [(column, None) for column in m.columns] for m in sources + built})
    return Corpus(f"{WAREHOUSE}{models}", queries, dict(schema), registry, bare_selects=False)


def named_corpus(name: str, every: int = 1) -> Corpus:
    """`tpch`, `tpcds` or `warehouse-N`, cut to every k-th statement when `every` > 1."""
    corpus = warehouse_corpus(int(name.removeprefix(WAREHOUSE))) if name.startswith(WAREHOUSE) else load_corpus(CORPORA_ROOT / name)
    return corpus if every == 1 else replace(corpus, queries=corpus.queries[::every], every=every)
