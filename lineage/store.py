"""The one store interface every graph store implements; traversal semantics live in `lineage/`."""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import AbstractContextManager
from typing import Protocol

from lineage.model import Direction, Edge, GraphFacts, Node, Relation

# What an impact walk follows: value/row flow, and from a table reached by a table-level edge to
# each of its columns. OWNED_BY is never walked.
FLOW_RELATIONS = frozenset({Relation.FEEDS, Relation.HAS_COLUMN})


class LineageStore(Protocol):
    def replace_file(self, facts: GraphFacts) -> None:
        """Replace everything `facts.source` asserted before with `facts` (empty facts delete it)."""

    def sources(self) -> list[str]:
        """Every source (file or catalog) that has facts in the store, sorted."""

    def fingerprints(self) -> dict[str, str]:
        """Each source's `GraphFacts.fingerprint` as last written ("" when it had none)."""

    def walk(
        self, start: Iterable[str], direction: Direction, max_depth: int | None, relations: frozenset[Relation]
    ) -> list[Edge]:
        """Edges reachable from `start` within `max_depth` hops along `relations`, sorted."""

    def find(self, pattern: str) -> list[Node]:
        """Nodes whose name matches the glob `pattern` (case-sensitive), sorted by id."""

    def nodes(self, ids: Iterable[str]) -> list[Node]:
        """The nodes with these ids that exist, sorted by id."""

    def transaction(self) -> AbstractContextManager[None]:
        """Writes inside are all-or-nothing: committed on exit, rolled back on error."""

    def close(self) -> None: ...
