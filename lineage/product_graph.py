"""The lineage graph indexed for the scorecard: what reads a table (directly, or anywhere downstream),
its dead columns, and who owns each consumer."""

from __future__ import annotations

from collections.abc import Sequence

from lineage.model import Edge, GraphFacts, Node, NodeKind, Relation, node_id

_CONSUMER_KINDS = (NodeKind.TABLE, NodeKind.DASHBOARD, NodeKind.ML_FEATURE)


class ProductGraph:
    """The lineage graph indexed for scoring: who reads what, and who owns whom."""

    def __init__(self, graphs: Sequence[GraphFacts]) -> None:
        self.nodes: dict[str, Node] = {n.id: n for g in graphs for n in g.nodes}
        self.feeds: dict[str, list[Edge]] = {}
        self.columns: dict[str, list[str]] = {}
        self.table_of: dict[str, str] = {}
        self.owner: dict[str, str] = {}
        for edge in sorted((e for g in graphs for e in g.edges), key=lambda e: (e.source, e.file, e.line, e.target)):
            if edge.relation is Relation.FEEDS:
                self.feeds.setdefault(edge.source, []).append(edge)
            elif edge.relation is Relation.HAS_COLUMN:
                self.columns.setdefault(edge.source, []).append(edge.target)
                self.table_of[edge.target] = edge.source
            elif edge.relation is Relation.OWNED_BY:
                self.owner.setdefault(edge.source, edge.target.partition(":")[2])

    def consumer(self, node: str) -> str:
        """The table a column belongs to, or the dashboard or feature itself."""
        return self.table_of.get(node, node)

    def readers(self, table: str) -> dict[str, Edge]:
        """What reads the table directly (one hop), with the first edge that says so."""
        start = self._start(table)
        found: dict[str, Edge] = {}
        for source in sorted(start):
            for edge in self.feeds.get(source, []):
                found.setdefault(self.consumer(edge.target), edge)
        found.pop(node_id(NodeKind.TABLE, table), None)
        return found

    def downstream(self, table: str) -> dict[str, Edge]:
        """Every table, dashboard and ML feature the table's data reaches, with the edge that reached it first."""
        own = node_id(NodeKind.TABLE, table)
        seen, frontier, found = set(self._start(table)), sorted(self._start(table)), {}
        while frontier:
            step: list[str] = []
            for source in frontier:
                for edge in self.feeds.get(source, []):
                    found.setdefault(self.consumer(edge.target), edge)
                    nexts = [edge.target, *self.columns.get(edge.target, [])]
                    step += [n for n in nexts if n not in seen]
                    seen.update(nexts)
            frontier = sorted(set(step))
        found.pop(own, None)
        return {k: v for k, v in found.items() if k.partition(":")[0] in _CONSUMER_KINDS}

    def dead_columns(self, table: str) -> list[str]:
        return [c.rpartition(".")[2] for c in self.columns.get(node_id(NodeKind.TABLE, table), []) if c not in self.feeds]

    def _start(self, table: str) -> set[str]:
        own = node_id(NodeKind.TABLE, table)
        return {own, *self.columns.get(own, [])}
