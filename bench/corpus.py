"""The read-only TPC corpora in `../shared/corpora`: query texts and their schema, loaded once."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from parsers.schema import SchemaRegistry, load_schema_file

REPO_ROOT = Path(__file__).resolve().parents[1]
# Beside the repository, as issue 2 names it; the corpora are read in place, never copied in.
CORPORA_ROOT = REPO_ROOT / ".." / "shared" / "corpora"
CORPUS_NAMES = ("tpch", "tpcds")


@dataclass(frozen=True, slots=True)
class Query:
    name: str  # file stem, lower case: the target table a bare SELECT is named after
    path: str
    text: str


@dataclass(frozen=True, slots=True)
class Corpus:
    """Every approach reads these same texts and the same schema, so timings compare like with like."""

    name: str
    queries: tuple[Query, ...]
    schema: dict[str, object]  # `{table: {column: type}}`, as `sqlglot.lineage.lineage(schema=...)` takes it
    registry: SchemaRegistry  # the same schema as our extractor takes it; copy before use

    @property
    def statements(self) -> int:
        return len(self.queries)


def load_corpus(root: Path) -> Corpus:
    """Read `queries/*.sql` (sorted by name) and `schema.json` under `root`."""
    schema_path = root / "schema.json"
    files = sorted((root / "queries").glob("*.sql"), key=lambda p: p.name.lower())
    queries = tuple(Query(p.stem.lower(), str(p), p.read_text(encoding="utf-8")) for p in files)
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    return Corpus(root.name, queries, schema, load_schema_file(schema_path))


def load_corpora(root: Path = CORPORA_ROOT, names: tuple[str, ...] = CORPUS_NAMES) -> list[Corpus]:
    return [load_corpus(root / name) for name in names]
