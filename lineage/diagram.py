"""What a lineage diagram shows: the subgraph around a target, arranged as table boxes with column rows.

Pure: `lineage/diagram_layout.py` arranges a `Subgraph` into a `Diagram` within its budget, and
`graphs/render/dot.py` and `graphs/render/mermaid.py` turn a `Diagram` into text. Everything here is sorted,
and ids are derived from names, so the same graph always gives the same picture.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from itertools import chain

from lineage.impact import Change, ChangeKind, ImpactReport, analyse_impact, distances, start_nodes
from lineage.model import Direction, Edge, Flow, Node, NodeKind, Relation
from lineage.names import resolve_target
from lineage.store import FLOW_RELATIONS, LineageStore

UNRESOLVED_TABLE = "<unresolved>"  # box for columns whose table the SQL does not name


class Mark(StrEnum):
    CHANGED = "changed"  # a target of an impact diagram: the column or table being changed
    TARGET = "target"  # a target of a lineage diagram
    IMPACTED = "impacted"  # reached by the change (impact diagrams only)
    CONTEXT = "context"


class Legend(StrEnum):
    """Legend entries, in the order drawn; a diagram lists only those it uses."""

    CORE = "core"
    MART = "mart"
    VIEW_TIER = "view tier"
    TABLE = "table"
    SOURCE = "source"
    VIEW = "view"
    UNRESOLVED = "unresolved"
    CHANGED = "changed"
    TARGET = "target"
    IMPACTED = "impacted"
    DASHBOARD = "dashboard"
    ML_FEATURE = "ml feature"
    DIRECT = "direct"
    INDIRECT = "indirect"
    PATH = "path"
    COLLAPSED = "collapsed"
    SUMMARY = "summary"


@dataclass(frozen=True, slots=True)
class DiagramOptions:
    max_nodes: int = 40  # column rows, and boxes (summaries included), drawn at most; the farthest collapse first


@dataclass(frozen=True, slots=True)
class Subgraph:
    """What to draw, before arranging: nodes, FEEDS and HAS_COLUMN edges, and the targets."""

    title: str
    notes: tuple[str, ...]
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    focus: frozenset[str]  # ids of the targets (a table target: the table and its columns)
    impacted: frozenset[str]  # ids reached by the change; empty outside impact diagrams
    distance: tuple[tuple[str, int], ...]  # FEEDS hops from the focus; negative upstream
    impact: bool  # an impact diagram: the focus is what changes


@dataclass(frozen=True, slots=True)
class Row:
    ref: str  # deterministic id, safe as a DOT port and a Mermaid node id
    node: Node
    label: str
    mark: Mark


@dataclass(frozen=True, slots=True)
class Box:
    """A table with its relevant columns as rows, or a dashboard or ML feature."""

    ref: str
    node: Node
    mark: Mark
    rows: tuple[Row, ...]
    hidden: int  # columns not drawn because the table was collapsed to one node
    distance: int  # signed, of its nearest row

    @property
    def collapsed(self) -> bool:
        return self.hidden > 0

    @property
    def outline(self) -> Mark:
        """The strongest mark in the box, for its outline: impacted, then a target, then context."""
        return strongest([self.mark, *(r.mark for r in self.rows)])


@dataclass(frozen=True, slots=True)
class Summary:
    """One node for the boxes of one kind and direction that the budget left out: "and 199,960 more tables"."""

    ref: str
    noun: str  # what it counts, singular: "table", "dashboard", "ML feature", "changed table", ...
    count: int
    reach: str  # "1 hop downstream", "2–7 hops upstream"; "" at the target
    mark: Mark  # the strongest of its members'
    nearest: tuple[str, ...]  # names of its nearest members, for the caption


@dataclass(frozen=True, slots=True, order=True)
class Port:
    box: str
    row: str | None  # None: the box itself (a table's header)


@dataclass(frozen=True, slots=True, order=True)
class Link:
    source: Port
    target: Port
    flow: Flow
    subtypes: tuple[str, ...]
    where: tuple[str, ...]  # file:line of the statements that assert it
    impacted: bool
    emphasised: bool  # on a path from the focus to a dashboard or ML feature
    statements: int  # how many `where` had before it was cut to the first few
    count: int  # the edges it stands for, when it leads to or from a summary; else 0


@dataclass(frozen=True, slots=True)
class Diagram:
    title: str
    notes: tuple[str, ...]
    boxes: tuple[Box, ...]
    links: tuple[Link, ...]
    legend: tuple[Legend, ...]
    summaries: tuple[Summary, ...] = ()


def change_text(change: Change) -> str:
    if change.kind is ChangeKind.RENAME:
        return f"rename to {change.new_name}" if change.new_name else "rename"
    if change.kind is ChangeKind.RETYPE:
        return f"retype to {change.new_type}" if change.new_type else "retype"
    return str(change.kind)


def diagram_subgraph(store: LineageStore, target: str, directions: Collection[Direction], depth: int | None, change: Change | None) -> Subgraph:
    """The subgraph `lineage diagram` draws: the impact of `change`, or the lineage around `target`."""
    targets = resolve_target(store, target)
    if change is not None:
        return impact_subgraph(analyse_impact(store, targets, change, depth), store)
    return lineage_subgraph(store, targets, directions, depth)


def impact_subgraph(report: ImpactReport, store: LineageStore | None = None) -> Subgraph:
    """The impacted subgraph of `report`; with `store`, tables the report does not list get their tier and kind."""
    reached = list(chain(report.columns, report.tables, report.dashboards, report.features))
    target_ids = {t.id for t in report.targets}
    start = target_ids | {e.target for e in report.edges if e.relation is Relation.HAS_COLUMN and e.source in target_ids}
    best = distances(start, report.edges)
    known = {n.id: n for n in chain(report.targets, (r.node for r in reached))}
    nodes = _complete(store, set(best) | set(known), known)
    names = ", ".join(t.name for t in report.targets)
    # totals, as `lineage impact` prints them, even of a report cut by `limited`
    counts = ", ".join(count_of(report.total(what), noun) for what, noun in (("columns", "column"), ("tables", "table"), ("dashboards", "dashboard"), ("ML features", "ML feature")))
    counts += " affected"
    notes = [counts + (f" within {report.max_depth} hops" if report.max_depth else "")]
    if report.owners:
        notes.append("Owners to notify: " + ", ".join(o.owner.name for o in report.owners))
    return Subgraph(
        title=f"Impact of {change_text(report.change)} on {names}",
        notes=tuple(notes),
        nodes=nodes,
        edges=tuple(report.edges),
        focus=frozenset(start),
        impacted=frozenset(r.node.id for r in reached),
        distance=tuple(sorted((n, d) for n, (d, _) in best.items())),
        impact=True,
    )


def lineage_subgraph(store: LineageStore, targets: Sequence[Node], directions: Collection[Direction], depth: int | None) -> Subgraph:
    """Everything within `depth` FEEDS hops of `targets`, upstream and/or downstream."""
    start = start_nodes(store, targets)
    edges: set[Edge] = set()
    signed = dict.fromkeys(start, 0)
    for way, sign in ((Direction.DOWNSTREAM, 1), (Direction.UPSTREAM, -1)):
        if way not in directions:
            continue
        # HAS_COLUMN hops are free, so a FEEDS depth of d needs up to 2d walked hops
        walked = store.walk(start, way, None if depth is None else 2 * depth, FLOW_RELATIONS)
        oriented = walked if sign > 0 else [Edge(e.target, e.source, e.relation) for e in walked]
        best = {n: d for n, (d, _) in distances(start, oriented).items() if depth is None or d <= depth}
        edges.update(e for e in walked if e.source in best and e.target in best)
        for nid, dist in best.items():
            signed.setdefault(nid, sign * dist)
    ways = " and ".join(str(d) for d in (Direction.UPSTREAM, Direction.DOWNSTREAM) if d in directions)
    title = f"Lineage of {', '.join(t.name for t in targets)}: {ways}" + (f", {depth} hops" if depth else "")
    return Subgraph(title, (), _complete(store, set(signed), {}), tuple(sorted(edges, key=_edge_key)), frozenset(start), frozenset(), tuple(sorted(signed.items())), False)


def _edge_key(edge: Edge) -> tuple[object, ...]:
    """Edge's own order, compared field by field in C rather than through its generated `__lt__`."""
    return (edge.source, edge.target, edge.relation, edge.flow or "", edge.subtype or "", edge.file, edge.line, edge.statement)


def count_of(n: int, noun: str) -> str:
    """`1 table`, `199,960 tables`."""
    return f"{n:,} {noun}" + ("" if n == 1 else "s")


def _complete(store: LineageStore | None, ids: set[str], known: dict[str, Node]) -> tuple[Node, ...]:
    """The nodes `ids` name, plus the table of every column: from `known`, else the store, else bare names."""
    found = dict(known)
    _fill(found, ids, store)
    tables = {node_table_id(found[i]) for i in ids if found[i].kind is NodeKind.COLUMN}
    _fill(found, tables, store)
    return tuple(sorted((found[i] for i in ids | tables), key=_node_id))  # ids are unique: no Node comparisons


def _node_id(node: Node) -> str:
    return node.id


def _fill(found: dict[str, Node], wanted: set[str], store: LineageStore | None) -> None:
    missing = wanted - set(found)
    if store is not None and missing:
        found.update({n.id: n for n in store.nodes(missing)})
    found.update({i: _bare(i) for i in wanted - set(found)})


def _bare(nid: str) -> Node:
    kind, _, name = nid.partition(":")
    if kind == NodeKind.COLUMN:
        table, _, column = name.rpartition(".")
        return Node(nid, NodeKind.COLUMN, name, (("column", column), ("table", table)))
    return Node(nid, NodeKind(kind), name)


def table_kind(node: Node) -> str:
    """`source`, `table` or `view` for a table; a table no scanned file defines is a source; the box of
    columns whose table the SQL does not name is `unresolved` (drawn apart: it is no table at all)."""
    if node.kind is not NodeKind.TABLE:
        return ""
    if node.name == UNRESOLVED_TABLE:
        return "unresolved"
    return node.attr("kind") or "source"


def node_table_id(column: Node) -> str:
    return f"{NodeKind.TABLE}:{column.attr('table') or UNRESOLVED_TABLE}"


def consumer_lines(node: Node) -> list[str]:
    """A dashboard's or ML feature's name, then its title unless that only repeats the name."""
    title = node.attr("title") or ""
    return [node.name] + ([title] if title and title != node.name else [])


def strongest(marks: Iterable[Mark]) -> Mark:
    """Impacted, then a target, then context: what an outline around all of them shows."""
    found = set(marks)
    return next((m for m in (Mark.IMPACTED, Mark.CHANGED, Mark.TARGET) if m in found), Mark.CONTEXT)
