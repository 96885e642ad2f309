"""What a lineage diagram shows: the subgraph around a target, arranged as table boxes with column rows.

Pure: `graphs/dot.py` and `graphs/mermaid.py` turn a `Diagram` into text. Everything here is sorted,
and ids are derived from names, so the same graph always gives the same picture.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from itertools import chain

from lineage.impact import Change, ChangeKind, ImpactReport, analyse_impact, distances, start_nodes
from lineage.model import Direction, Edge, Flow, Node, NodeKind, Relation
from lineage.names import resolve_target
from lineage.reach import reachable
from lineage.store import FLOW_RELATIONS, LineageStore

UNRESOLVED_TABLE = "<unresolved>"  # box for columns whose table the SQL does not name
_CONSUMERS = (NodeKind.DASHBOARD, NodeKind.ML_FEATURE)
_REF_PREFIX = {NodeKind.TABLE: "t", NodeKind.COLUMN: "c", NodeKind.DASHBOARD: "d", NodeKind.ML_FEATURE: "f"}


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
    CHANGED = "changed"
    TARGET = "target"
    IMPACTED = "impacted"
    DASHBOARD = "dashboard"
    ML_FEATURE = "ml feature"
    DIRECT = "direct"
    INDIRECT = "indirect"
    PATH = "path"
    COLLAPSED = "collapsed"


@dataclass(frozen=True, slots=True)
class DiagramOptions:
    max_nodes: int = 40  # column rows drawn before the tables farthest from the target collapse


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
        marks = {self.mark, *(r.mark for r in self.rows)}
        return next((m for m in (Mark.IMPACTED, Mark.CHANGED, Mark.TARGET) if m in marks), Mark.CONTEXT)


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


@dataclass(frozen=True, slots=True)
class Diagram:
    title: str
    notes: tuple[str, ...]
    boxes: tuple[Box, ...]
    links: tuple[Link, ...]
    legend: tuple[Legend, ...]


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
    counts = ", ".join(_count(len(items), noun) for items, noun in ((report.columns, "column"), (report.tables, "table"), (report.dashboards, "dashboard"), (report.features, "ML feature")))
    counts += " affected"
    notes = [counts + (f" within {report.max_depth} hops" if report.max_depth else "")]
    if report.owners:
        notes.append("Owners to notify: " + ", ".join(o.owner.name for o in report.owners))
    return Subgraph(
        title=f"Impact of {change_text(report.change)} on {names}",
        notes=tuple(notes),
        nodes=nodes,
        edges=report.edges,
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
    return Subgraph(title, (), _complete(store, set(signed), {}), tuple(sorted(edges)), frozenset(start), frozenset(), tuple(sorted(signed.items())), False)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _complete(store: LineageStore | None, ids: set[str], known: dict[str, Node]) -> tuple[Node, ...]:
    """The nodes `ids` name, plus the table of every column: from `known`, else the store, else bare names."""
    found = dict(known)
    _fill(found, ids, store)
    tables = {node_table_id(found[i]) for i in ids if found[i].kind is NodeKind.COLUMN}
    _fill(found, tables, store)
    return tuple(sorted(found[i] for i in ids | tables))


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
    """`source`, `table` or `view` for a table; a table no scanned file defines is a source."""
    if node.kind is not NodeKind.TABLE or node.name == UNRESOLVED_TABLE:
        return ""
    return node.attr("kind") or "source"


def node_table_id(column: Node) -> str:
    return f"{NodeKind.TABLE}:{column.attr('table') or UNRESOLVED_TABLE}"


def arrange(subgraph: Subgraph, options: DiagramOptions) -> Diagram:
    """Boxes and links to draw; beyond `options.max_nodes` columns the farthest tables collapse."""
    refs = _refs(subgraph.nodes)
    boxes = _boxes(subgraph, refs)
    boxes, notes = _collapse(boxes, subgraph, options.max_nodes)
    links = _links(subgraph, boxes)
    return Diagram(subgraph.title, subgraph.notes + notes, boxes, links, _legend(boxes, links))


def _refs(nodes: Iterable[Node]) -> dict[str, str]:
    """Readable ASCII ids from names; names that clash after slugging get a digest of their id."""
    slugs = {n.id: f"{_REF_PREFIX.get(n.kind, 'n')}_{re.sub(r'[^A-Za-z0-9]+', '_', n.name).strip('_') or 'x'}" for n in nodes}
    clashes = {s for s, n in Counter(slugs.values()).items() if n > 1}
    return {nid: f"{s}_{hashlib.sha1(nid.encode()).hexdigest()[:8]}" if s in clashes else s for nid, s in slugs.items()}


def _mark(nid: str, subgraph: Subgraph) -> Mark:
    if nid in subgraph.focus:
        return Mark.CHANGED if subgraph.impact else Mark.TARGET
    return Mark.IMPACTED if nid in subgraph.impacted else Mark.CONTEXT


def _boxes(subgraph: Subgraph, refs: dict[str, str]) -> tuple[Box, ...]:
    signed = dict(subgraph.distance)
    by_id = {n.id: n for n in subgraph.nodes}
    rows: dict[str, list[Row]] = {}
    for node in subgraph.nodes:
        if node.kind is NodeKind.COLUMN:
            label = node.attr("column") or node.name.rsplit(".", 1)[-1]
            table = node_table_id(node)
            # a table target is marked once, on its header, rather than on every row
            mark = Mark.CONTEXT if table in subgraph.focus else _mark(node.id, subgraph)
            rows.setdefault(table, []).append(Row(refs[node.id], node, label, mark))
    boxes = []
    for node in subgraph.nodes:
        if node.kind is NodeKind.TABLE or node.kind in _CONSUMERS:
            members = tuple(sorted(rows.get(node.id, ()), key=lambda r: r.label))
            near = [signed[i] for i in chain([node.id], (r.node.id for r in members)) if i in signed]
            distance = min(near, key=lambda d: (abs(d), d)) if near else 0
            boxes.append(Box(refs[node.id], by_id[node.id], _mark(node.id, subgraph), members, 0, distance))
    return tuple(sorted(boxes, key=lambda b: (b.distance, b.node.kind in _CONSUMERS, b.node.name)))


def _collapse(boxes: tuple[Box, ...], subgraph: Subgraph, budget: int) -> tuple[tuple[Box, ...], tuple[str, ...]]:
    total = sum(len(b.rows) for b in boxes)
    if total <= budget:
        return boxes, ()
    keep = {b.ref for b in boxes if b.node.id in subgraph.focus or any(r.node.id in subgraph.focus for r in b.rows)}
    candidates = sorted((b for b in boxes if b.rows and b.ref not in keep), key=lambda b: (-abs(b.distance), -len(b.rows), b.node.name))
    folded: dict[str, Box] = {}
    for box in candidates:
        if total <= budget:
            break
        folded[box.ref] = Box(box.ref, box.node, box.mark, (), len(box.rows), box.distance)
        total -= len(box.rows)
    names = sorted(b.node.name for b in folded.values())
    shown = ", ".join(names[:6]) + (f" and {len(names) - 6} more" if len(names) > 6 else "")
    notes = [f"{_count(len(folded), 'table')} farthest from the target drawn without columns, to stay within {budget} columns: {shown}"]
    if total > budget:
        notes.append(f"Still {total} columns around the target: narrow the diagram with --depth, --upstream or --downstream")
    return tuple(folded.get(b.ref, b) for b in boxes), tuple(notes)


def _links(subgraph: Subgraph, boxes: tuple[Box, ...]) -> tuple[Link, ...]:
    ports: dict[str, Port] = {}
    for box in boxes:
        ports[box.node.id] = Port(box.ref, None)
        ports.update({r.node.id: Port(box.ref, r.ref) for r in box.rows})
    for node in subgraph.nodes:  # columns of collapsed tables land on the table
        if node.kind is NodeKind.COLUMN and node.id not in ports:
            ports[node.id] = ports[node_table_id(node)]
    emphasised = _on_paths_to_consumers(subgraph)
    merged: dict[tuple[Port, Port, Flow], tuple[set[str], set[str], bool, bool]] = {}
    for edge in subgraph.edges:
        if edge.relation is not Relation.FEEDS or edge.source not in ports or edge.target not in ports:
            continue
        key = (ports[edge.source], ports[edge.target], edge.flow or Flow.DIRECT)
        subtypes, where, impacted, strong = merged.get(key, (set(), set(), False, False))
        subtypes.add(str(edge.subtype or ""))
        if edge.file:
            where.add(f"{edge.file}:{edge.line}" if edge.line else edge.file)
        hit = edge.target in subgraph.impacted and (edge.source in subgraph.impacted or edge.source in subgraph.focus)
        merged[key] = (subtypes, where, impacted or hit, strong or edge in emphasised)
    # in drawing order (box by box, row by row), which also keeps Graphviz from crossing edges needlessly
    order = {Port(b.ref, r): (i, j) for i, b in enumerate(boxes) for j, r in enumerate([None, *(r.ref for r in b.rows)])}
    links = [Link(s, t, f, tuple(sorted(sub - {""})), tuple(sorted(w)), i, e) for (s, t, f), (sub, w, i, e) in merged.items()]
    return tuple(sorted(links, key=lambda k: (order[k.source], order[k.target], k.flow)))


def _on_paths_to_consumers(subgraph: Subgraph) -> set[Edge]:
    """FEEDS edges that lie on a downstream path from the focus to a dashboard or ML feature."""
    consumers = {n.id for n in subgraph.nodes if n.kind in _CONSUMERS and n.id not in subgraph.focus}
    from_focus = reachable(subgraph.focus, ((e.source, e.target) for e in subgraph.edges))
    to_consumer = reachable(consumers, ((e.target, e.source) for e in subgraph.edges))
    return {e for e in subgraph.edges if e.relation is Relation.FEEDS and e.source in from_focus and e.target in to_consumer}


def _legend(boxes: tuple[Box, ...], links: tuple[Link, ...]) -> tuple[Legend, ...]:
    used: set[Legend] = set()
    for box in boxes:
        used.update(legend_keys(box))
        used.update(Legend(r.mark) for r in box.rows if r.mark is not Mark.CONTEXT)
    used.update(Legend.DIRECT if link.flow is Flow.DIRECT else Legend.INDIRECT for link in links)
    used.update(Legend.PATH for link in links if link.emphasised)
    return tuple(item for item in Legend if item in used)


def legend_keys(box: Box) -> set[Legend]:
    """The legend entries that describe how `box` is drawn."""
    keys: set[Legend] = set()
    if box.node.kind is NodeKind.DASHBOARD:
        keys.add(Legend.DASHBOARD)
    elif box.node.kind is NodeKind.ML_FEATURE:
        keys.add(Legend.ML_FEATURE)
    tier = {"core": Legend.CORE, "mart": Legend.MART, "view": Legend.VIEW_TIER}.get(box.node.attr("tier") or "")
    kind = {"table": Legend.TABLE, "source": Legend.SOURCE, "view": Legend.VIEW}.get(table_kind(box.node))
    keys.update(k for k in (tier, kind) if k is not None)
    if box.mark is not Mark.CONTEXT:
        keys.add(Legend(box.mark))
    if box.collapsed:
        keys.add(Legend.COLLAPSED)
    return keys
