"""The JSON store's file format, line by line: the header line's fields and the lines' digest, and nodes and
edges as the rows written to (and read back from) each source's line."""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterable
from pathlib import Path
from typing import cast

from lineage.digests import intact
from lineage.model import Edge, Flow, Node, NodeKind, Relation, Subtype

# [id, kind, name, {attr: value}] and [source, target, relation, flow, subtype, file, line, statement]
NodeRow = list[object]
EdgeRow = list[object]
Rows = tuple[list[NodeRow], list[EdgeRow]]
RELATIONS = {str(r): r for r in Relation}
FLOWS = {str(f): f for f in Flow}
SUBTYPES = {str(s): s for s in Subtype}
KINDS = {str(k): k for k in NodeKind}


def read_generation(path: Path) -> str | None:
    """The header's generation, new at every save: has another writer committed since we read?"""
    try:
        with open(path, "rb") as handle:
            header = parse_header(handle.readline().rstrip(b"\n"))
    except FileNotFoundError:
        return None
    except OSError:
        return ""  # unreadable: reload, and let the load say what is wrong
    return str(header.get("generation", "")) if header is not None else ""


def parse_header(line: bytes) -> dict[str, object] | None:
    """The header line's fields: sealed from version 4 on, bare JSON before; None if damaged."""
    if not line.startswith(b"{") and not intact(line):
        return None
    try:
        header = json.loads(line if line.startswith(b"{") else line[9:])
    except ValueError:
        return None
    return header if isinstance(header, dict) else None


def lines_digest(prefixes: Iterable[bytes]) -> str:
    """The lines' CRCs, in order, digested: the header's record of which lines the body holds."""
    return f"{zlib.crc32(b''.join(prefixes)):08x}"


def node_of(nid: str, row: tuple[str, str, dict[str, str]]) -> Node:
    kind, name, attrs = row
    return Node(nid, KINDS[kind], name, tuple(sorted(attrs.items())))


def edge_of(row: EdgeRow | tuple[object, ...]) -> Edge:
    # rows hold what JSON decodes to (str, int, None): no conversions, only the enum lookups
    source, target, relation, flow, subtype, file, line, statement = cast(tuple[str, str, str, str | None, str | None, str, int, int], row)
    return Edge(source, target, RELATIONS[relation], FLOWS[flow] if flow else None, SUBTYPES[subtype] if subtype else None, file, line, statement)


def node_row_of(node: Node) -> NodeRow:
    return [node.id, str(node.kind), node.name, dict(node.attrs)]


def edge_row_of(edge: Edge) -> EdgeRow:
    return [edge.source, edge.target, str(edge.relation), str(edge.flow) if edge.flow else None, str(edge.subtype) if edge.subtype else None, edge.file, edge.line, edge.statement]
