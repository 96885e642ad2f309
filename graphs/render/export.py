"""`lineage export`: a lineage subgraph as a GraphML (yEd), GEXF (Gephi) or node-link JSON (notebooks) document, through networkx.readwrite.

The graph is built from `lineage` values (nodes and edges a store returned) in sorted order, so
the same graph always gives the same document (GEXF adds the day's date, as its format asks).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from enum import StrEnum
from io import BytesIO

import networkx as nx

from lineage.model import Edge, Node


class ExportFormat(StrEnum):
    GRAPHML = "graphml"
    GEXF = "gexf"
    NODE_LINK = "node-link"


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
