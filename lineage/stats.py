"""`lineage stats`: which columns reach furthest downstream, which are written and never read, where lineage loops.

Pure: the store answers through its Protocol, and the graph algorithms that need a whole graph
(reach over strongly connected components, cycles) come in as a `GraphAlgorithms` (networkx, in
`graphs/analysis.py`), so this module decides only what is counted and how it is ranked.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from lineage.model import Direction, Edge, Node, NodeKind, Relation
from lineage.names import resolve_target
from lineage.store import FLOW_RELATIONS, LineageStore

# what a change can break: the reach of a column counts these, as `lineage impact` lists them
CONSUMERS = frozenset({NodeKind.COLUMN, NodeKind.DASHBOARD, NodeKind.ML_FEATURE})
DEFAULT_TOP = 20


class GraphAlgorithms(Protocol):
    def reach(self, ids: Sequence[str], edges: Sequence[Edge], counted: frozenset[str]) -> dict[str, int]:
        """For every id: how many of `counted` it reaches along `edges`, itself excluded."""

    def cycles(self, ids: Sequence[str], edges: Sequence[Edge]) -> list[list[str]]:
        """The strongly connected components with a cycle in them (a self-loop counts), each sorted."""


@dataclass(frozen=True, slots=True)
class Reach:
    node: Node
    downstream: int  # columns, dashboards and ML features it reaches

    def to_record(self) -> dict[str, object]:
        return {"column": self.node.name, "downstream": self.downstream}


@dataclass(frozen=True, slots=True)
class Stats:
    """The blast-radius leaderboard (top columns by downstream reach), dead columns, and cycles."""

    columns: int  # columns ranked
    leaderboard: tuple[Reach, ...]
    dead: tuple[Node, ...]  # written by some statement, read by none: candidates to drop
    cycles: tuple[tuple[Node, ...], ...]

    def to_record(self) -> dict[str, object]:
        return {
            "columns": self.columns,
            "leaderboard": [r.to_record() for r in self.leaderboard],
            "dead_columns": [n.name for n in self.dead],
            "cycles": [[n.name for n in cycle] for cycle in self.cycles],
        }


def graph_of(store: LineageStore) -> tuple[list[Node], list[Edge]]:
    """Every node and every edge along which data flows."""
    nodes = store.find("*")
    return nodes, store.walk([n.id for n in nodes], Direction.DOWNSTREAM, None, FLOW_RELATIONS)


def neighbourhood(store: LineageStore, target: str) -> tuple[list[Node], list[Edge]]:
    """TARGET's nodes, everything upstream and downstream of them, and the edges between."""
    start = [n.id for n in resolve_target(store, target)]
    edges = sorted({e for way in Direction for e in store.walk(start, way, None, FLOW_RELATIONS)})
    return store.nodes({*start, *(i for e in edges for i in (e.source, e.target))}), edges


def ranked(node: Node) -> bool:
    """A real column: not a stand-in for a column whose table the SQL does not name, nor a statement that did not parse."""
    return node.kind is NodeKind.COLUMN and node.attr("unresolved") != "true" and not node.name.startswith("<")


def dead_columns(nodes: Iterable[Node], edges: Iterable[Edge]) -> list[Node]:
    """Columns some statement writes (an incoming FEEDS) that nothing reads (no outgoing FEEDS), sorted by name."""
    feeds = [e for e in edges if e.relation is Relation.FEEDS]
    written, read = {e.target for e in feeds}, {e.source for e in feeds}
    return sorted((n for n in nodes if ranked(n) and n.id in written and n.id not in read), key=lambda n: n.name)


def stats(nodes: Sequence[Node], edges: Sequence[Edge], algorithms: GraphAlgorithms, top: int = DEFAULT_TOP) -> Stats:
    """Rank columns by downstream reach (ties by name), list dead columns and cycles."""
    ids = [n.id for n in nodes]
    counted = frozenset(n.id for n in nodes if n.kind in CONSUMERS and not n.name.startswith("<"))
    reach: Mapping[str, int] = algorithms.reach(ids, edges, counted)
    columns = [n for n in nodes if ranked(n)]
    board = sorted((Reach(n, reach.get(n.id, 0)) for n in columns), key=lambda r: (-r.downstream, r.node.name))
    by_id = {n.id: n for n in nodes}
    loops = sorted(tuple(sorted((by_id[i] for i in cycle), key=lambda n: n.name)) for cycle in algorithms.cycles(ids, edges))
    return Stats(len(columns), tuple(board[:top] if top else board), tuple(dead_columns(nodes, edges)), tuple(sorted(loops, key=lambda c: [n.name for n in c])))
