"""Every approach measured, by name: what is timed, and how its edges are read afterwards.

Each branch imports its tool only when prepared, so a worker process loads only the library it
measures: the sqlglot approaches never import sqlfluff, and the peers never import sqlglot.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Generic, TypeVar

from bench.corpus import Corpus
from bench.edges import EdgeKey
from bench.peers import PeerRun, SqlLineage, openlineage_edges, run_openlineage, sqllineage_edges

R = TypeVar("R")

# (name, label); "ours" must stay: every ratio is against it.
APPROACHES = (
    ("parse_floor", "`sqlglot.parse_one` only (floor)"),
    ("ours", "ours: `extract_sql`"),
    ("naive_per_column", "naive: `lineage(column, sql)` per output column"),
    ("naive_all_columns", "`lineage(None, sql)`, all columns per call"),
    ("sqllineage", "sqllineage 1.5.9 (`LineageRunner`, schema as metadata)"),
    ("openlineage_sql", "openlineage-sql (`parse`, no schema)"),
)
PEERS = ("sqllineage", "openlineage_sql")


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one approach found; `edges` is None for the parse floor, which finds none."""

    edges: frozenset[EdgeKey] | None
    failures: tuple[tuple[str, str, str], ...] = ()  # query, kind, message
    indirect: Mapping[EdgeKey, tuple[str, ...]] = field(default_factory=dict)
    details: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Prepared(Generic[R]):
    run: Callable[[Corpus], R]  # timed: the whole corpus
    outcome: Callable[[R], Outcome]  # untimed: edges out of the tool's own result


def prepare(name: str, corpus: Corpus, timeout_s: float) -> Prepared[Any]:
    """The approach `name`, set up for `corpus` outside any timing (schema objects, output names)."""
    if name in ("parse_floor", "ours"):
        return _sqlglot_ours(name)
    if name in ("naive_per_column", "naive_all_columns"):
        return _sqlglot_lineage(name, corpus)
    if name == "sqllineage":
        return Prepared(SqlLineage(corpus, timeout_s), partial(_peer_outcome, sqllineage_edges))
    if name == "openlineage_sql":
        return Prepared(run_openlineage, partial(_peer_outcome, openlineage_edges))
    raise ValueError(f"unknown approach {name!r}; known: {', '.join(n for n, _ in APPROACHES)}")


def _sqlglot_ours(name: str) -> Prepared[Any]:
    from bench.edges import our_edges
    from bench.measure import parse_floor, run_ours
    from lineage.model import FileFacts

    if name == "parse_floor":
        return Prepared(parse_floor, lambda _: Outcome(None))

    def outcome(facts: list[FileFacts]) -> Outcome:
        edges = our_edges(facts)
        diagnostics = sorted(str(d) for file_facts in facts for d in file_facts.diagnostics)
        return Outcome(edges.direct, indirect=edges.indirect, details={"diagnostics": diagnostics})

    return Prepared(run_ours, outcome)


def _sqlglot_lineage(name: str, corpus: Corpus) -> Prepared[Any]:
    from sqlglot.schema import ensure_schema

    from bench.edges import naive_edges, non_table_leaves
    from bench.measure import Trees, output_columns, run_naive, run_naive_all_columns

    schema = ensure_schema(corpus.schema)

    def outcome(trees: Trees) -> Outcome:
        # walking the trees is not what costs, so it is left out of the timing
        edges = frozenset(edge for query, column, root in trees.roots for edge in naive_edges(query, column, root))
        details = {"calls": len(trees.roots) + len(trees.failures), "non_table_leaves": non_table_leaves(root for _, _, root in trees.roots)}
        return Outcome(edges, failures=tuple(f[:1] + ("error", f"{f[1]}: {f[2]}") for f in trees.failures), details=details)

    if name == "naive_per_column":
        return Prepared(partial(run_naive, columns=output_columns(corpus, schema), schema=schema), outcome)
    return Prepared(partial(run_naive_all_columns, schema=schema), outcome)


def _peer_outcome(edges_of: Callable[[PeerRun], set[EdgeKey]], run: PeerRun) -> Outcome:
    return Outcome(frozenset(edges_of(run)), failures=run.failures)
