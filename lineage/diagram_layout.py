"""How a diagram's subgraph is laid out within `--max-nodes`: which boxes are drawn, with or without
their rows, which collapse into "and N more" summary nodes, and the links between what is drawn.

Linear in the subgraph: each node and edge is looked at a few times, and only the few boxes drawn are
ever sorted (a heap picks them), so a 200,000-table fan-out costs what walking it costs.
"""

from __future__ import annotations

import hashlib
import heapq
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import chain

from lineage.diagram import (
    Box,
    Diagram,
    DiagramOptions,
    Legend,
    Link,
    Mark,
    Port,
    Row,
    Subgraph,
    Summary,
    count_of,
    node_table_id,
    strongest,
    table_kind,
)
from lineage.model import Edge, Flow, Node, NodeKind, Relation
from lineage.reach import reachable

_CONSUMERS = (NodeKind.DASHBOARD, NodeKind.ML_FEATURE)
_REF_PREFIX = {NodeKind.TABLE: "t", NodeKind.COLUMN: "c", NodeKind.DASHBOARD: "d", NodeKind.ML_FEATURE: "f"}
_NOUN = {NodeKind.TABLE: "table", NodeKind.DASHBOARD: "dashboard", NodeKind.ML_FEATURE: "ML feature"}
_NAMES_SHOWN = 6  # names a caption note lists before "and N more"
_WHERE_SHOWN = 10  # statements a link's tooltip lists before "and N more"


def arrange(subgraph: Subgraph, options: DiagramOptions) -> Diagram:
    """Boxes, summaries and links to draw: at most `options.max_nodes` boxes (summaries included) and as
    many column rows. Past it the farthest tables collapse into summary nodes, and the farthest drawn
    tables lose their columns."""
    parts = _Parts(subgraph)
    fit = choose(parts.candidates(), options.max_nodes)
    boxes, summaries = parts.boxes(fit), parts.summaries(fit)
    links = _links(subgraph, parts.ports(boxes, summaries, fit), boxes, summaries, parts.emphasised)
    notes = _budget_notes(boxes, summaries, options.max_nodes)
    return Diagram(subgraph.title, subgraph.notes + notes, boxes, links, _legend(boxes, links, summaries), summaries)


Group = tuple[str, int]  # what a summary counts ("table", "dashboard", "changed table", ...) and its direction's sign


@dataclass(frozen=True, slots=True)
class Candidate:
    """A box the budget may draw, described by what `choose` needs to know."""

    id: str
    name: str
    rank: tuple[int, int, int, str]  # drawn in this order, lowest first
    group: Group  # the summary it joins when it is not drawn
    rows: int  # its column rows: each one node more when drawn with them
    pinned: bool  # a target's: its rows are the last to go
    distance: int  # signed FEEDS hops from the target


@dataclass(frozen=True, slots=True)
class Fit:
    """What `choose` decided: the boxes drawn with their rows, those drawn without, the rest per summary."""

    with_rows: frozenset[str]
    without_rows: frozenset[str]
    left_out: tuple[tuple[Group, tuple[Candidate, ...]], ...]  # per summary node, nearest first


def choose(candidates: Sequence[Candidate], budget: int) -> Fit:
    """At most `budget` boxes, then at most `budget` rows in them.

    Boxes are drawn in rank order while a node is left for a summary of each kind of the rest (the
    targets whatever the summaries need: a diagram is about them); then the farthest drawn boxes (the
    largest first among equally far, targets last) lose their rows until the rest fit.
    """
    left = Counter(c.group for c in candidates)
    drawn: list[Candidate] = []
    # each drawn box is a node, so no more than `budget` of them are ever looked at
    for candidate in heapq.nsmallest(budget, candidates, key=_rank):
        left[candidate.group] -= 1
        if len(drawn) + 1 + (0 if candidate.pinned else sum(1 for n in left.values() if n > 0)) > budget:
            break
        drawn.append(candidate)
    rows = sum(c.rows for c in drawn)
    bare: set[str] = set()
    for candidate in sorted(drawn, key=_fold_order):
        if rows <= budget:
            break
        if candidate.rows:
            bare.add(candidate.id)
            rows -= candidate.rows
    ids = {c.id for c in drawn}
    return Fit(frozenset(ids - bare), frozenset(bare), _left_out(candidates, ids))


def _fold_order(candidate: Candidate) -> tuple[bool, int, int, str]:
    return (candidate.pinned, -abs(candidate.distance), -candidate.rows, candidate.name)


def _rank(candidate: Candidate) -> tuple[int, int, int, str]:
    return candidate.rank


def _left_out(candidates: Sequence[Candidate], drawn: set[str]) -> tuple[tuple[Group, tuple[Candidate, ...]], ...]:
    groups: dict[Group, list[Candidate]] = {}
    for candidate in candidates:
        if candidate.id not in drawn:
            groups.setdefault(candidate.group, []).append(candidate)
    # summaries in the order their nearest members would have been drawn: targets, consumers, tables
    return tuple(sorted(((group, tuple(members)) for group, members in groups.items()), key=lambda kv: min(map(_rank, kv[1]))))


def _reach(members: Sequence[Candidate]) -> str:
    """How far from the target `members` lie: `1 hop downstream`, `2–7 hops upstream`, or "" at the target."""
    hops = [abs(m.distance) for m in members]
    near, far = min(hops), max(hops)
    if far == 0:
        return ""
    way = "upstream" if members[0].distance < 0 else "downstream"
    span = f"{near:,}" if near == far else f"{near:,}–{far:,}"
    return f"{span} hop{'' if far == 1 else 's'} {way}"


def _nearest(members: Sequence[Candidate], n: int) -> list[Candidate]:
    return heapq.nsmallest(n, members, key=_rank)


def _refs(nodes: Iterable[Node]) -> dict[str, str]:
    """Readable ASCII ids from names; names that clash after slugging get a digest of their id."""
    slugs = {n.id: f"{_REF_PREFIX.get(n.kind, 'n')}_{_slug(n.name)}" for n in nodes}
    clashes = {s for s, n in Counter(slugs.values()).items() if n > 1}
    return {nid: f"{s}_{hashlib.sha1(nid.encode()).hexdigest()[:8]}" if s in clashes else s for nid, s in slugs.items()}


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", name).strip("_") or "x"


def _mark(nid: str, subgraph: Subgraph) -> Mark:
    if nid in subgraph.focus:
        return Mark.CHANGED if subgraph.impact else Mark.TARGET
    return Mark.IMPACTED if nid in subgraph.impacted else Mark.CONTEXT


class _Parts:
    """What a subgraph could draw (tables with their columns, dashboards, ML features), and the
    boxes, summaries and edge ends once the budget has chosen; each step linear in the subgraph."""

    def __init__(self, subgraph: Subgraph) -> None:
        self.subgraph = subgraph
        self.signed = dict(subgraph.distance)
        self.heads = [n for n in subgraph.nodes if n.kind is NodeKind.TABLE or n.kind in _CONSUMERS]
        self.columns: dict[str, list[Node]] = {}
        for node in subgraph.nodes:
            if node.kind is NodeKind.COLUMN:
                self.columns.setdefault(node_table_id(node), []).append(node)
        self.emphasised = _on_paths_to_consumers(subgraph)

    def candidates(self) -> list[Candidate]:
        """Targets first, then dashboards and ML features, then tables on a path to them, then the rest; nearest first."""
        box_of = {c.id: table for table, columns in self.columns.items() for c in columns}
        on_path = {box_of.get(n, n) for e in self.emphasised for n in (e.source, e.target)}
        focus = self.subgraph.focus
        out: list[Candidate] = []
        for head in self.heads:
            members = self.columns.get(head.id, [])
            distance = self._distance(head, members)
            noun = _NOUN[head.kind]
            if head.id in focus or any(c.id in focus for c in members):
                tier, noun = 0, f"{Mark.CHANGED if self.subgraph.impact else Mark.TARGET} {noun}"
            else:
                tier = 1 if head.kind in _CONSUMERS else 2 if head.id in on_path else 3
            out.append(Candidate(head.id, head.name, (tier, abs(distance), distance, head.name), (noun, -1 if distance < 0 else 1), len(members), tier == 0, distance))
        return out

    def _distance(self, head: Node, members: list[Node]) -> int:
        """Signed hops of its nearest row (or itself); 0 when nothing says."""
        near = [self.signed[i] for i in chain([head.id], (c.id for c in members)) if i in self.signed]
        return min(near, key=lambda d: (abs(d), d)) if near else 0

    def boxes(self, fit: Fit) -> tuple[Box, ...]:
        drawn = [h for h in self.heads if h.id in fit.with_rows or h.id in fit.without_rows]
        rows = {h.id: self.columns.get(h.id, []) if h.id in fit.with_rows else [] for h in drawn}
        refs = _refs(chain(drawn, *rows.values()))
        boxes = [self._box(head, rows[head.id], refs) for head in drawn]
        return tuple(sorted(boxes, key=lambda b: (b.distance, b.node.kind in _CONSUMERS, b.node.name)))

    def _box(self, head: Node, shown: list[Node], refs: dict[str, str]) -> Box:
        members = self.columns.get(head.id, [])
        # a table target is marked once, on its header, rather than on every row
        plain = head.id in self.subgraph.focus
        rows = [Row(refs[c.id], c, c.attr("column") or c.name.rsplit(".", 1)[-1], Mark.CONTEXT if plain else _mark(c.id, self.subgraph)) for c in shown]
        rows.sort(key=lambda r: r.label)
        return Box(refs[head.id], head, _mark(head.id, self.subgraph), tuple(rows), len(members) - len(rows), self._distance(head, members))

    def summaries(self, fit: Fit) -> tuple[Summary, ...]:
        return tuple(self._summary(noun, sign, members) for (noun, sign), members in fit.left_out)

    def _summary(self, noun: str, sign: int, members: tuple[Candidate, ...]) -> Summary:
        ids = chain.from_iterable(chain([m.id], (c.id for c in self.columns.get(m.id, ()))) for m in members)
        ref = f"s_{_slug(noun)}_{'up' if sign < 0 else 'down'}"
        named = tuple(m.name for m in _nearest(members, _NAMES_SHOWN))
        return Summary(ref, noun, len(members), _reach(members), strongest(_mark(i, self.subgraph) for i in ids), named)

    def ports(self, boxes: tuple[Box, ...], summaries: tuple[Summary, ...], fit: Fit) -> dict[str, Port]:
        """Where each node's edges end: its row, else its box's header (a collapsed table), else its summary."""
        ports: dict[str, Port] = {}
        ends = chain(((b.node.id, Port(b.ref, None)) for b in boxes), ((m.id, Port(s.ref, None)) for s, (_, ms) in zip(summaries, fit.left_out) for m in ms))
        for head, port in ends:
            ports[head] = port
            ports.update({c.id: port for c in self.columns.get(head, ())})
        for box in boxes:
            ports.update({r.node.id: Port(box.ref, r.ref) for r in box.rows})
        return ports


def _budget_notes(boxes: tuple[Box, ...], summaries: tuple[Summary, ...], budget: int) -> tuple[str, ...]:
    """The caption's account of what the budget left out: exact counts, and the nearest names."""
    notes: list[str] = []
    bare = sorted(b.node.name for b in boxes if b.collapsed)
    if bare:
        notes.append(f"{count_of(len(bare), 'table')} farthest from the target drawn without columns, to stay within {budget} columns: {_names(bare, len(bare))}")
    for s in summaries:
        notes.append(f"{count_of(s.count, s.noun)}{' ' + s.reach if s.reach else ''} drawn as one node, to stay within {budget} boxes: {_names(s.nearest, s.count)}")
    if len(boxes) + len(summaries) > budget:  # a summary for each kind and direction is drawn whatever the budget
        notes.append(f"Still {len(boxes) + len(summaries)} boxes around the target: narrow the diagram with --depth, --upstream or --downstream")
    return tuple(notes)


def _names(shown: Sequence[str], total: int) -> str:
    return ", ".join(shown[:_NAMES_SHOWN]) + (f" and {total - _NAMES_SHOWN:,} more" if total > _NAMES_SHOWN else "")


def _links(subgraph: Subgraph, ports: dict[str, Port], boxes: tuple[Box, ...], summaries: tuple[Summary, ...], emphasised: set[Edge]) -> tuple[Link, ...]:
    summarised = {s.ref for s in summaries}
    merged: dict[tuple[Port, Port, Flow], _Merged] = {}
    for edge in subgraph.edges:
        if edge.relation is not Relation.FEEDS or edge.source not in ports or edge.target not in ports:
            continue
        source, target = ports[edge.source], ports[edge.target]
        if source == target and source.box in summarised:
            continue  # between members of one summary: nothing to draw
        hit = edge.target in subgraph.impacted and (edge.source in subgraph.impacted or edge.source in subgraph.focus)
        merged.setdefault((source, target, edge.flow or Flow.DIRECT), _Merged()).add(edge, hit, edge in emphasised)
    # in drawing order (box by box, row by row), which also keeps Graphviz from crossing edges needlessly
    order = {Port(b.ref, r): (i, j) for i, b in enumerate(boxes) for j, r in enumerate([None, *(r.ref for r in b.rows)])}
    order.update({Port(s.ref, None): (len(boxes) + i, 0) for i, s in enumerate(summaries)})
    links = [m.link(s, t, f, bool({s.box, t.box} & summarised)) for (s, t, f), m in merged.items()]
    return tuple(sorted(links, key=lambda k: (order[k.source], order[k.target], k.flow)))


class _Merged:
    """The graph edges that one drawn link stands for."""

    def __init__(self) -> None:
        self.subtypes: set[str] = set()
        self.where: set[tuple[str, int]] = set()
        self.edges = 0
        self.impacted = False
        self.emphasised = False

    def add(self, edge: Edge, impacted: bool, emphasised: bool) -> None:
        self.subtypes.add(str(edge.subtype or ""))
        if edge.file:
            self.where.add((edge.file, edge.line))
        self.edges += 1
        self.impacted |= impacted
        self.emphasised |= emphasised

    def link(self, source: Port, target: Port, flow: Flow, summarised: bool) -> Link:
        where = tuple(f"{file}:{line}" if line else file for file, line in heapq.nsmallest(_WHERE_SHOWN, self.where))
        return Link(source, target, flow, tuple(sorted(self.subtypes - {""})), where, self.impacted, self.emphasised, len(self.where), self.edges if summarised else 0)


def _on_paths_to_consumers(subgraph: Subgraph) -> set[Edge]:
    """FEEDS edges that lie on a downstream path from the focus to a dashboard or ML feature."""
    consumers = {n.id for n in subgraph.nodes if n.kind in _CONSUMERS and n.id not in subgraph.focus}
    from_focus = reachable(subgraph.focus, ((e.source, e.target) for e in subgraph.edges))
    to_consumer = reachable(consumers, ((e.target, e.source) for e in subgraph.edges))
    return {e for e in subgraph.edges if e.relation is Relation.FEEDS and e.source in from_focus and e.target in to_consumer}


def _legend(boxes: tuple[Box, ...], links: tuple[Link, ...], summaries: tuple[Summary, ...]) -> tuple[Legend, ...]:
    used: set[Legend] = {Legend.SUMMARY} if summaries else set()
    used.update(Legend(s.mark) for s in summaries if s.mark is not Mark.CONTEXT)
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
    kind = {"table": Legend.TABLE, "source": Legend.SOURCE, "view": Legend.VIEW, "unresolved": Legend.UNRESOLVED}.get(table_kind(box.node))
    keys.update(k for k in (tier, kind) if k is not None)
    if box.mark is not Mark.CONTEXT:
        keys.add(Legend(box.mark))
    if box.collapsed:
        keys.add(Legend.COLLAPSED)
    return keys
