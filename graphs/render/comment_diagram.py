"""The Mermaid diagram a pull-request comment draws for one change: the changed column, what its change
reaches, tables as groups, consumers in their own shapes, at most `MAX_DIAGRAM_NODES` boxes."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence

from lineage.diff import AssessedChange
from lineage.model import Edge, Flow, NodeKind, Relation


# -- Mermaid ------------------------------------------------------------------------------------
MAX_DIAGRAM_NODES = 30
# entity codes for what would end or reinterpret a quoted label:
# https://mermaid.js.org/syntax/flowchart.html#entity-codes-to-escape-characters
_MERMAID_CODES = {'"': "#quot;", "#": "#35;", "&": "#amp;", "<": "#lt;", ">": "#gt;", "`": "#96;", ";": "#59;", "|": "#124;"}
_REF_PREFIX = {NodeKind.TABLE: "t_", NodeKind.COLUMN: "c_", NodeKind.DASHBOARD: "d_", NodeKind.ML_FEATURE: "f_", NodeKind.OWNER: "o_"}
_SHAPES = {NodeKind.DASHBOARD: ('[/"', '"/]', "consumer"), NodeKind.ML_FEATURE: ('(["', '"])', "consumer")}


def mermaid_label(value: str) -> str:
    return "".join(_MERMAID_CODES.get(ch) or (" " if ord(ch) < 32 else ch) for ch in value)


def diagram(change: AssessedChange) -> list[str]:
    """Each impacted path from the change to a dashboard or ML feature, as a Mermaid flowchart.

    Beyond MAX_DIAGRAM_NODES columns the paths are drawn table to table; beyond that, not at all.
    """
    edges = _diagram_edges(change.paths)
    nodes = sorted({n for e in edges for n in e[:2]})
    if len(nodes) > MAX_DIAGRAM_NODES:
        edges = _merged((_table_of(a), _table_of(b), flow) for a, b, flow in edges if _table_of(a) != _table_of(b))
        nodes = sorted({n for e in edges for n in e[:2]})
    if not nodes or len(nodes) > MAX_DIAGRAM_NODES:
        return [f"_The paths to dashboards and ML features cross {len(nodes)} tables: too many to draw here._"] if nodes else []
    start = {t.id for t in change.impact.targets} if change.impact else set()
    refs = _refs(nodes)
    out = ["```mermaid", "flowchart LR"]
    for nid in nodes:
        kind, _, name = nid.partition(":")
        opening, closing, style = _SHAPES.get(NodeKind(kind), ('["', '"]', ""))
        style = "changed" if nid in start or _table_of(nid) in start else style
        out.append(f"  {refs[nid]}{opening}{mermaid_label(name)}{closing}" + (f":::{style}" if style else ""))
    out += [f"  {refs[a]} {'-->' if flow else '-.->'} {refs[b]}" for a, b, flow in edges]
    out += ["  classDef changed fill:#fdd0c2,stroke:#cb181d", "  classDef consumer fill:#fff2cc,stroke:#b08800", "```"]
    return out


def _diagram_edges(edges: Iterable[Edge]) -> list[tuple[str, str, bool]]:
    """(source, target, direct?) per edge; a table's HAS_COLUMN hop is drawn as its indirect edge."""
    return _merged((e.source, e.target, e.relation is Relation.FEEDS and e.flow is Flow.DIRECT) for e in edges)


def _merged(edges: Iterable[tuple[str, str, bool]]) -> list[tuple[str, str, bool]]:
    """One arrow per pair of nodes: direct when any edge between them is."""
    direct: dict[tuple[str, str], bool] = {}
    for a, b, flow in edges:
        direct[(a, b)] = direct.get((a, b), False) or flow
    return sorted((a, b, flow) for (a, b), flow in direct.items())


def _table_of(nid: str) -> str:
    kind, _, name = nid.partition(":")
    return f"{NodeKind.TABLE}:{name.rpartition('.')[0]}" if kind == NodeKind.COLUMN and "." in name else nid


def _refs(nodes: Sequence[str]) -> dict[str, str]:
    """Readable ids from names; ids that clash after slugging get a digest of the node id."""
    slugs = {n: _REF_PREFIX[NodeKind(n.partition(":")[0])] + re.sub(r"[^A-Za-z0-9]+", "_", n.partition(":")[2]).strip("_") for n in nodes}
    counts: dict[str, int] = {}
    for slug in slugs.values():
        counts[slug] = counts.get(slug, 0) + 1
    return {n: f"{s}_{hashlib.sha1(n.encode()).hexdigest()[:8]}" if counts[s] > 1 else s for n, s in slugs.items()}
