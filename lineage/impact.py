"""Impact analysis: what a change to some columns or tables reaches, and whom to tell.

Semantics, tested once for every store: follow FEEDS edges downstream; a table-level indirect edge
(join, filter, group by, sort) reaches a table, and through HAS_COLUMN every column of it, at the
same distance. Distance counts FEEDS hops only.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from itertools import chain
from typing import TypeVar

from lineage.completeness import Completeness, Gap, GapKind, Scope, survey
from lineage.model import Direction, Edge, Node, NodeKind, Relation
from lineage.observed import LOG_PREFIX, ObservedReader, last_runs, observed, readers
from lineage.store import FLOW_RELATIONS, LineageStore

T = TypeVar("T")


class ChangeKind(StrEnum):
    RENAME = "rename"
    DROP = "drop"
    RETYPE = "retype"
    ANY = "change"


@dataclass(frozen=True, slots=True)
class Change:
    kind: ChangeKind = ChangeKind.ANY
    new_name: str | None = None
    new_type: str | None = None

    def describe(self) -> str:
        if self.kind is ChangeKind.RENAME:
            return f"rename to {self.new_name}"
        if self.kind is ChangeKind.RETYPE:
            return f"retype to {self.new_type}"
        return "drop" if self.kind is ChangeKind.DROP else "change"


@dataclass(frozen=True, slots=True)
class Reached:
    node: Node
    distance: int
    via: str  # how it was first reached: "direct/identity", "indirect/filter", ...
    table: str  # for a column, its table; for a table or consumer, ""


@dataclass(frozen=True, slots=True)
class Statement:
    file: str
    line: int
    distance: int  # 1: reads a changed column itself, so it breaks; more: its input changes
    reads: tuple[str, ...]  # the changed or affected columns it reads
    writes: tuple[str, ...]  # the columns, tables or consumers it feeds
    last_run: str = ""  # when a query log last saw it run (ISO 8601 UTC); "" never, or no log says

    @property
    def breaks(self) -> bool:
        return self.distance == 1


@dataclass(frozen=True, slots=True)
class OwnerNotice:
    owner: Node
    assets: tuple[str, ...]  # names of impacted assets this owner owns


@dataclass(frozen=True, slots=True)
class Truncation:
    """A list of the report cut to its `shown` nearest entries out of `total`; `what` names the list."""

    what: str  # "columns", "tables", "dashboards", "ML features", "statements", "owners", "reads of f.sql:3", ...
    shown: int
    total: int

    def __str__(self) -> str:
        return f"truncated: {self.shown:,} of {self.total:,} {self.what} shown"


@dataclass(frozen=True, slots=True)
class ImpactReport:
    targets: tuple[Node, ...]
    change: Change
    columns: tuple[Reached, ...]
    tables: tuple[Reached, ...]
    dashboards: tuple[Reached, ...]
    features: tuple[Reached, ...]
    statements: tuple[Statement, ...]
    owners: tuple[OwnerNotice, ...]
    edges: tuple[Edge, ...]  # the impacted subgraph, for diagrams
    max_depth: int | None
    truncated: tuple[Truncation, ...] = ()  # the lists `limited` cut
    gaps: tuple[Gap, ...] = ()  # what the graph records it may miss (see lineage/completeness.py)
    readers: tuple[ObservedReader, ...] = ()  # users query logs saw read affected columns (lineage/observed.py)
    logs: tuple[str, ...] = ()  # the query logs the store holds: `last_run` and `readers` come from them

    def not_run_since(self, cutoff: str) -> tuple[Statement, ...]:
        """Statements of code no query log saw run at or after `cutoff` (ISO 8601 UTC); () without logs."""
        return tuple(s for s in self.statements if self.logs and s.last_run < cutoff)

    @property
    def completeness(self) -> Completeness:
        """Whether the answer may be incomplete: the graph's gaps, and every list `limited` cut."""
        lists = len(self.truncated)
        cut = Gap(GapKind.TRUNCATED, None, f"{lists:,} {'list' if lists == 1 else 'lists'} cut by --limit (the counts stay whole)")
        return Completeness(self.gaps + ((cut,) if lists else ()))

    @property
    def impacted(self) -> bool:
        return bool(self.columns or self.tables or self.dashboards or self.features or self.readers)

    def total(self, what: str) -> int:
        """How many entries the list `what` ("columns", "tables", ...) had before any cut."""
        lists: dict[str, Sequence[object]] = {
            "columns": self.columns, "tables": self.tables, "dashboards": self.dashboards, "ML features": self.features, "statements": self.statements, "owners": self.owners
        }
        return next((t.total for t in self.truncated if t.what == what), len(lists[what]))

    def limited(self, limit: int | None) -> ImpactReport:
        """Every list (and list within an entry) cut to its `limit` nearest entries, each cut recorded in `truncated`.

        Lists are sorted nearest first, so what is kept is what is most directly affected; `total()`
        still counts everything, and owners are listed from every affected asset, shown or not.
        """
        if limit is None:
            return self
        cut = _Cut(limit, {t.what: t.total for t in self.truncated})
        columns, tables = cut(self.columns, "columns"), cut(self.tables, "tables")
        dashboards, features = cut(self.dashboards, "dashboards"), cut(self.features, "ML features")
        statements = tuple(
            replace(s, reads=cut(s.reads, f"reads of {s.file}:{s.line}"), writes=cut(s.writes, f"writes of {s.file}:{s.line}"))
            for s in cut(self.statements, "statements")
        )
        owners = tuple(replace(o, assets=cut(o.assets, f"assets of owner {o.owner.name}")) for o in cut(self.owners, "owners"))
        shown = {n.id for n in self.targets} | {r.node.id for r in chain(columns, tables, dashboards, features)}
        return replace(
            self,
            columns=columns,
            tables=tables,
            dashboards=dashboards,
            features=features,
            statements=statements,
            owners=owners,
            edges=tuple(e for e in self.edges if e.source in shown and e.target in shown),
            truncated=tuple(cut.notes),
        )


class _Cut:
    """Cuts lists to `limit` entries and notes each cut; `totals` are the lengths of lists cut before."""

    def __init__(self, limit: int, totals: dict[str, int]) -> None:
        self.limit = limit
        self.totals = totals
        self.notes: list[Truncation] = []

    def __call__(self, items: Sequence[T], what: str) -> tuple[T, ...]:
        shown, total = min(len(items), self.limit), self.totals.get(what, len(items))
        if shown < total:
            self.notes.append(Truncation(what, shown, total))
        return tuple(items[:shown])


def start_nodes(store: LineageStore, targets: Sequence[Node]) -> list[str]:
    """A table target means the table and every column of it."""
    ids = [t.id for t in targets]
    tables = [t.id for t in targets if t.kind is NodeKind.TABLE]
    if tables:
        ids += [e.target for e in store.walk(tables, Direction.DOWNSTREAM, 1, frozenset({Relation.HAS_COLUMN}))]
    return sorted(set(ids))


def distances(start: Iterable[str], edges: Iterable[Edge]) -> dict[str, tuple[int, Edge | None]]:
    """0-1 BFS: FEEDS costs one hop, HAS_COLUMN none; each node with its first reaching edge."""
    out: dict[str, list[Edge]] = {}
    for edge in edges:
        out.setdefault(edge.source, []).append(edge)
    best: dict[str, tuple[int, Edge | None]] = {s: (0, None) for s in start}
    queue = deque(best)
    while queue:
        node = queue.popleft()
        dist = best[node][0]
        for edge in out.get(node, ()):
            cost = 0 if edge.relation is Relation.HAS_COLUMN else 1
            if edge.target not in best or best[edge.target][0] > dist + cost:
                best[edge.target] = (dist + cost, edge)
                (queue.appendleft if cost == 0 else queue.append)(edge.target)
    return best


def analyse_impact(store: LineageStore, targets: Sequence[Node], change: Change, max_depth: int | None = None) -> ImpactReport:
    start = start_nodes(store, targets)
    # HAS_COLUMN hops are free, so a FEEDS depth of d needs up to 2d walked hops
    walked = store.walk(start, Direction.DOWNSTREAM, None if max_depth is None else 2 * max_depth, FLOW_RELATIONS)
    best = {n: d for n, d in distances(start, walked).items() if max_depth is None or d[0] <= max_depth}
    edges = tuple(e for e in walked if e.source in best and e.target in best)
    nodes = {n.id: n for n in store.nodes(best)}
    reached = [_reached(nodes[n], d, e) for n, (d, e) in best.items() if n not in start and n in nodes]
    by_kind = {kind: tuple(sorted((r for r in reached if r.node.kind is kind), key=_order)) for kind in NodeKind}
    table_ids = {f"{NodeKind.TABLE}:{r.table}" for r in by_kind[NodeKind.COLUMN] if r.table}
    nodes.update({n.id: n for n in store.nodes(table_ids - set(nodes))})
    tables = _tables(by_kind[NodeKind.TABLE], by_kind[NodeKind.COLUMN], nodes)
    frontier = tuple(sorted(n for n, (d, _) in best.items() if d == max_depth))
    gaps = survey(store, Scope(Direction.DOWNSTREAM, tuple(nodes.values()), frontier), max_depth).gaps
    queries = [(r.node, r.distance) for r in by_kind[NodeKind.QUERY]]
    seen = readers(queries, (e for e in edges if e.target.startswith(f"{NodeKind.QUERY}:")), {n: v.name for n, v in nodes.items()})
    logs = tuple(s.removeprefix(LOG_PREFIX) for s in store.sources() if s.startswith(LOG_PREFIX))
    runs = last_runs(edges, store) if logs else {}
    return ImpactReport(
        targets=tuple(sorted(targets)),
        change=change,
        columns=by_kind[NodeKind.COLUMN],
        tables=tables,
        dashboards=by_kind[NodeKind.DASHBOARD],
        features=by_kind[NodeKind.ML_FEATURE],
        statements=tuple(replace(s, last_run=runs.get((s.file, s.line), "")) for s in _statements(edges, best, nodes)),
        owners=_owners(store, [r.node for r in reached]),
        edges=tuple(e for e in edges if not observed(e)),  # the diagrams draw code's lineage
        max_depth=max_depth,
        gaps=gaps,
        readers=seen,
        logs=logs,
    )


def _reached(node: Node, distance: int, edge: Edge | None) -> Reached:
    via = f"{edge.flow}/{edge.subtype}" if edge is not None and edge.flow else "table"
    return Reached(node, distance, via, node.attr("table", "") or "")


def _order(r: Reached) -> tuple[int, str]:
    return (r.distance, r.node.name)


def _tables(tables: tuple[Reached, ...], columns: tuple[Reached, ...], nodes: dict[str, Node]) -> tuple[Reached, ...]:
    """A table is affected when any column of it is; its distance is its nearest column's."""
    best: dict[str, Reached] = {r.node.name: r for r in tables}
    for column in columns:
        name = column.table
        if name and (name not in best or best[name].distance > column.distance):
            node = nodes.get(f"{NodeKind.TABLE}:{name}") or Node(f"{NodeKind.TABLE}:{name}", NodeKind.TABLE, name)
            best[name] = Reached(node, column.distance, column.via, "")
    return tuple(sorted(best.values(), key=_order))


def _statements(edges: Iterable[Edge], best: dict[str, tuple[int, Edge | None]], nodes: dict[str, Node]) -> tuple[Statement, ...]:
    grouped: dict[tuple[str, int], tuple[int, set[str], set[str]]] = {}
    for edge in edges:
        if edge.relation is not Relation.FEEDS or not edge.file or observed(edge):
            continue
        distance = best[edge.source][0] + 1
        key = (edge.file, edge.line)
        current = grouped.get(key, (distance, set(), set()))
        current[1].add(_name(edge.source, nodes))
        current[2].add(_name(edge.target, nodes))
        grouped[key] = (min(current[0], distance), current[1], current[2])
    return tuple(
        Statement(file, line, dist, tuple(sorted(reads)), tuple(sorted(writes)))
        for (file, line), (dist, reads, writes) in sorted(grouped.items(), key=lambda kv: (kv[1][0], kv[0]))
    )


def _owners(store: LineageStore, assets: list[Node]) -> tuple[OwnerNotice, ...]:
    """Columns inherit their table's owner; tables and consumers name theirs in the catalog."""
    owned: dict[str, set[str]] = {}
    holders: dict[str, str] = {}  # asset id whose OWNED_BY edge we follow -> name to report
    for asset in assets:
        if asset.kind is NodeKind.COLUMN:
            table = asset.attr("table") or ""
            if table:
                holders.setdefault(f"{NodeKind.TABLE}:{table}", table)
        else:
            holders.setdefault(asset.id, f"{asset.attr('user')} (query log)" if asset.kind is NodeKind.QUERY else asset.name)
    for edge in store.walk(sorted(holders), Direction.DOWNSTREAM, 1, frozenset({Relation.OWNED_BY})):
        if edge.source in holders:
            owned.setdefault(edge.target, set()).add(holders[edge.source])
    owners = {n.id: n for n in store.nodes(owned)}
    return tuple(
        OwnerNotice(owners.get(oid) or Node(oid, NodeKind.OWNER, oid.split(":", 1)[1]), tuple(sorted(names)))
        for oid, names in sorted(owned.items())
    )


def _name(nid: str, nodes: dict[str, Node]) -> str:
    node = nodes.get(nid)
    return node.name if node else nid.split(":", 1)[1]
