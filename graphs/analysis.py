"""networkx over the graph a question needs: reach over strongly connected components and cycles, for `lineage stats`."""

from __future__ import annotations

from collections.abc import Sequence

import networkx as nx

from lineage.model import Edge


def _flow(ids: Sequence[str], edges: Sequence[Edge]) -> nx.DiGraph:
    graph = nx.DiGraph()
    graph.add_nodes_from(ids)
    graph.add_edges_from((e.source, e.target) for e in edges)
    return graph


class NetworkxAlgorithms:
    """`lineage.stats.GraphAlgorithms` on networkx."""

    def reach(self, ids: Sequence[str], edges: Sequence[Edge], counted: frozenset[str]) -> dict[str, int]:
        # one set per strongly connected component, built leaves first: members of a component all
        # reach one another, so a walk per column (quadratic on a deep graph) is never needed
        graph = _flow(ids, edges)
        dag = nx.condensation(graph)
        members: dict[int, list[str]] = {c: sorted(dag.nodes[c]["members"]) for c in dag}
        reached: dict[int, frozenset[str]] = {}
        for component in reversed(list(nx.topological_sort(dag))):
            below = frozenset().union(*(reached[s] for s in dag.successors(component)))
            reached[component] = below | {m for m in members[component] if m in counted}
        mapping = dag.graph["mapping"]
        return {nid: len(reached[mapping[nid]]) - (nid in counted) for nid in graph}

    def cycles(self, ids: Sequence[str], edges: Sequence[Edge]) -> list[list[str]]:
        graph = _flow(ids, edges)
        loops = {n for n in graph if graph.has_edge(n, n)}
        return sorted(sorted(c) for c in nx.strongly_connected_components(graph) if len(c) > 1 or c & loops)
