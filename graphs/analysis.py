"""networkx over the subgraph a question needs: reach and cycles for `lineage stats`, files for `lineage export`.

The graph is built from `lineage` values (nodes and edges a store returned), in sorted order, so
every file written from the same graph is byte-for-byte the same.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from enum import StrEnum
from io import BytesIO

import networkx as nx

from lineage.model import Edge, Node


class ExportFormat(StrEnum):
    GRAPHML = "graphml"  # yEd, Cytoscape
    GEXF = "gexf"  # Gephi
    NODE_LINK = "node-link"  # JSON for notebooks, d3


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


def export(nodes: Sequence[Node], edges: Sequence[Edge], fmt: ExportFormat) -> bytes:
    """The graph as a GraphML, GEXF or node-link JSON document; one edge per lineage edge (a multigraph)."""
    graph = nx.MultiDiGraph()
    for node in sorted(nodes):
        graph.add_node(node.id, kind=str(node.kind), name=node.name, **{f"attr_{k}": v for k, v in node.attrs})
    for edge in sorted(edges):
        record = {k: ("" if v is None else v) for k, v in edge.to_record().items() if k not in ("source", "target")}
        graph.add_edge(edge.source, edge.target, **record)
    if fmt is ExportFormat.NODE_LINK:
        data = nx.node_link_data(graph, edges="edges")
        return (json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")
    out = BytesIO()
    if fmt is ExportFormat.GRAPHML:
        nx.write_graphml(graph, out, encoding="utf-8")
    else:
        nx.write_gexf(graph, out, encoding="utf-8")
    return out.getvalue()
