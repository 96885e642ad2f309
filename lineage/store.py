"""The one store interface every graph store implements; traversal semantics live in `lineage/`."""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import AbstractContextManager
from typing import Protocol

from lineage.model import Direction, Edge, Flow, GraphFacts, Node, Relation, Subtype

# What an impact walk follows: value/row flow, and from a table reached by a table-level edge to
# each of its columns. OWNED_BY is never walked.
FLOW_RELATIONS = frozenset({Relation.FEEDS, Relation.HAS_COLUMN})

# An edge as a plain tuple: `Edge`'s fields in its order, flow and subtype "" when it has none.
# A big impact walks thousands of edges and needs few of them as `Edge` values (a frozen
# dataclass costs about a microsecond to make); tuples sort and group in C.
WalkRow = tuple[str, str, Relation, str, str, str, int, int]


def walk_row(edge: Edge) -> WalkRow:
    return (edge.source, edge.target, edge.relation, edge.flow or "", edge.subtype or "", edge.file, edge.line, edge.statement)


def row_edge(row: WalkRow) -> Edge:
    source, target, relation, flow, subtype, file, line, statement = row
    return Edge(source, target, relation, Flow(flow) if flow else None, Subtype(subtype) if subtype else None, file, line, statement)


class LineageStore(Protocol):
    def replace_file(self, facts: GraphFacts) -> None:
        """Replace everything `facts.source` asserted before with `facts` (empty facts delete it)."""

    def sources(self, prefix: str = "") -> list[str]:
        """Every source (file or catalog) that has facts in the store and whose name starts with
        `prefix` ("log:": the query logs), sorted."""

    def fingerprints(self) -> dict[str, str]:
        """Each source's `GraphFacts.fingerprint` as last written ("" when it had none)."""

    def walk(
        self, start: Iterable[str], direction: Direction, max_depth: int | None, relations: frozenset[Relation]
    ) -> list[Edge]:
        """Edges reachable from `start` within `max_depth` hops along `relations`, sorted."""

    def walk_rows(
        self, start: Iterable[str], direction: Direction, max_depth: int | None, relations: frozenset[Relation]
    ) -> list[WalkRow]:
        """`walk()`'s edges as `WalkRow`s, sorted: what an impact reads, making `Edge`s of the few it shows."""

    def find(self, pattern: str) -> list[Node]:
        """Nodes whose name matches the glob `pattern` (case-sensitive), sorted by id."""

    def nodes(self, ids: Iterable[str]) -> list[Node]:
        """The nodes with these ids that exist, sorted by id."""

    def transaction(self) -> AbstractContextManager[None]:
        """Writes inside are all-or-nothing: committed on exit, rolled back on error."""

    def close(self) -> None: ...
