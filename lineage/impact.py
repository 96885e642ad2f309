"""Impact analysis: what a change to some columns or tables reaches, and whom to tell.

Semantics, tested once for every store: follow FEEDS edges downstream; a table-level indirect edge
(join, filter, group by, sort) reaches a table, and through HAS_COLUMN every column of it, at the
same distance. Distance counts FEEDS hops only.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from itertools import chain, groupby
from operator import attrgetter, itemgetter
from typing import TypeVar, overload

from lineage.collector import cycle_collector_off
from lineage.completeness import Completeness, Gap, GapKind, Scope, survey
from lineage.model import Direction, Edge, Node, NodeKind, Relation, maker
from lineage.observed import LOG_PREFIX, ObservedReader, last_runs, readers
from lineage.store import FLOW_RELATIONS, LineageStore, WalkRow, row_edge, walk_row

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


class Walked(Sequence[Edge]):
    """The impacted subgraph's edges, made from the walk's rows when first read (by a diagram or
    `lineage diff`): a big impact walks thousands of edges, and its table and JSON show none of them."""

    __slots__ = ("rows", "_made")

    def __init__(self, rows: Iterable[WalkRow]) -> None:
        self.rows = tuple(rows)
        self._made: tuple[Edge, ...] | None = None

    def _edges(self) -> tuple[Edge, ...]:
        if self._made is None:
            self._made = tuple(row_edge(r) for r in self.rows)
        return self._made

    def __len__(self) -> int:
        return len(self.rows)

    @overload
    def __getitem__(self, index: int) -> Edge: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[Edge, ...]: ...
    def __getitem__(self, index: int | slice) -> Edge | tuple[Edge, ...]:
        return self._edges()[index]

    def __iter__(self) -> Iterator[Edge]:
        return iter(self._edges())

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and tuple(self) == tuple(other)

    def __hash__(self) -> int:
        return hash(self._edges())

    def __repr__(self) -> str:
        return f"Walked({self._edges()!r})"

    def within(self, shown: set[str]) -> Walked:
        """The edges both of whose ends are in `shown`."""
        return Walked(r for r in self.rows if r[0] in shown and r[1] in shown)


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
    edges: Sequence[Edge]  # the impacted subgraph, for diagrams: a `Walked` from `analyse_impact`
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
            edges=self.edges.within(shown) if isinstance(self.edges, Walked) else tuple(e for e in self.edges if e.source in shown and e.target in shown),
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
    rows = {walk_row(e): e for e in edges}
    return {n: (d, rows[r] if r is not None else None) for n, (d, r) in row_distances(start, rows).items()}


def row_distances(start: Iterable[str], rows: Iterable[WalkRow]) -> dict[str, tuple[int, WalkRow | None]]:
    """`distances` over the walk's rows."""
    out: dict[str, list[WalkRow]] = {}
    # a walk's rows come sorted, so each source's rows are one run, taken in C (any order is right)
    for source, run in groupby(rows, _SOURCE):
        held = out.get(source)
        if held is None:
            out[source] = list(run)
        else:
            held.extend(run)
    best: dict[str, tuple[int, WalkRow | None]] = {s: (0, None) for s in start}
    queue = deque(best)
    free, now, later = Relation.HAS_COLUMN, queue.appendleft, queue.append
    while queue:
        node = queue.popleft()
        dist = best[node][0]
        for row in out.get(node, ()):
            cost = dist if row[2] is free else dist + 1
            target = row[1]
            was = best.get(target)
            if was is None or was[0] > cost:
                best[target] = (cost, row)
                (now if cost == dist else later)(target)
    return best


_SOURCE = itemgetter(0)


def analyse_impact(store: LineageStore, targets: Sequence[Node], change: Change, max_depth: int | None = None) -> ImpactReport:
    # a wide impact makes ~20,000 objects, none in a cycle: with the cycle collector on, a fifth of
    # its time went to collections that freed nothing
    with cycle_collector_off():
        return _analysis(store, targets, change, max_depth)


def _analysis(store: LineageStore, targets: Sequence[Node], change: Change, max_depth: int | None) -> ImpactReport:
    start = start_nodes(store, targets)
    # HAS_COLUMN hops are free, so a FEEDS depth of d needs up to 2d walked hops
    walked = store.walk_rows(start, Direction.DOWNSTREAM, None if max_depth is None else 2 * max_depth, FLOW_RELATIONS)
    best = row_distances(start, walked)
    if max_depth is not None:
        best = {n: d for n, d in best.items() if d[0] <= max_depth}
    # unbounded, every walked edge joins two reached nodes
    rows = walked if max_depth is None else [r for r in walked if r[0] in best and r[1] in best]
    nodes = {n.id: n for n in store.nodes(best)}
    by_kind: dict[NodeKind, list[Reached]] = {kind: [] for kind in NodeKind}
    vias: dict[tuple[str, str], str] = {}  # formatting the enums is most of making a `Reached`: once per pair
    starts = set(start)
    for n, (d, r) in best.items():
        node = nodes.get(n)
        if node is not None and n not in starts:
            by_kind[node.kind].append(_reached(node, d, _via(r, vias), node.attr("table", "") or ""))
    kinds = {kind: tuple(sorted(found, key=_ORDER)) for kind, found in by_kind.items()}
    table_ids = {_TABLE + r.table for r in kinds[NodeKind.COLUMN] if r.table}
    nodes.update({n.id: n for n in store.nodes(table_ids - set(nodes))})
    tables = _tables(kinds[NodeKind.TABLE], kinds[NodeKind.COLUMN], nodes)
    frontier = () if max_depth is None else tuple(sorted(n for n, (d, _) in best.items() if d == max_depth))
    gaps = survey(store, Scope(Direction.DOWNSTREAM, tuple(nodes.values()), frontier), max_depth).gaps
    queries = [(r.node, r.distance) for r in kinds[NodeKind.QUERY]]
    names = {n: nodes[n].name if n in nodes else n.split(":", 1)[1] for n in best}
    seen = readers(queries, (row_edge(r) for r in rows if r[1].startswith(f"{NodeKind.QUERY}:")), names) if queries else ()
    logs = tuple(s.removeprefix(LOG_PREFIX) for s in store.sources(LOG_PREFIX))
    runs = last_runs([row_edge(r) for r in rows], store) if logs else {}
    code = [r for r in rows if not r[5].startswith(LOG_PREFIX)] if logs else rows  # only a log asserts observed edges
    return ImpactReport(
        targets=tuple(sorted(targets)),
        change=change,
        columns=kinds[NodeKind.COLUMN],
        tables=tables,
        dashboards=kinds[NodeKind.DASHBOARD],
        features=kinds[NodeKind.ML_FEATURE],
        statements=_statements(code, best, names) if not runs else tuple(replace(s, last_run=runs.get((s.file, s.line), "")) for s in _statements(code, best, names)),
        owners=_owners(store, [r for found in kinds.values() for r in found]),
        edges=Walked(code),  # the diagrams draw code's lineage
        max_depth=max_depth,
        gaps=gaps,
        readers=seen,
        logs=logs,
    )


_TABLE = f"{NodeKind.TABLE}:"


def _via(row: WalkRow | None, vias: dict[tuple[str, str], str]) -> str:
    """`Reached.via` of a node first reached by `row`; `vias`: the texts made so far."""
    if row is None or not row[3]:
        return "table"
    via = vias.get(row[3:5])
    if via is None:
        via = vias[row[3:5]] = f"{row[3]}/{row[4] or None}"
    return via


_ORDER = attrgetter("distance", "node.name")  # nearest first, then by name
_reached = maker(Reached)
_statement = maker(Statement)


def _tables(tables: tuple[Reached, ...], columns: tuple[Reached, ...], nodes: dict[str, Node]) -> tuple[Reached, ...]:
    """A table is affected when any column of it is; its distance is its nearest column's."""
    best: dict[str, Reached] = {r.node.name: r for r in tables}
    for column in columns:
        name = column.table
        if name and (name not in best or best[name].distance > column.distance):
            node = nodes.get(f"{NodeKind.TABLE}:{name}") or Node(f"{NodeKind.TABLE}:{name}", NodeKind.TABLE, name)
            best[name] = Reached(node, column.distance, column.via, "")
    return tuple(sorted(best.values(), key=_ORDER))


def _statements(rows: Iterable[WalkRow], best: dict[str, tuple[int, WalkRow | None]], names: dict[str, str]) -> tuple[Statement, ...]:
    """The statements among the walked rows of code, grouped by where they are, nearest first;
    `names`: each reached node's name. A statement's distance is its nearest read's, plus one."""
    grouped: dict[tuple[str, int], tuple[set[str], set[str]]] = {}
    feeds = Relation.FEEDS
    for source, target, relation, _, _, file, line, _ in rows:
        if relation is feeds and file:
            current = grouped.get((file, line))
            if current is None:
                grouped[(file, line)] = ({source}, {target})
            else:
                current[0].add(source)
                current[1].add(target)
    distance = {n: d for n, (d, _) in best.items()}.__getitem__
    found = sorted([(min(map(distance, reads)) + 1, file, line, reads, writes) for (file, line), (reads, writes) in grouped.items()])
    name = names.__getitem__
    # most statements read or write one reached column: its name alone, without a set to sort
    return tuple(
        _statement(
            file,
            line,
            dist,
            (name(*reads),) if len(reads) == 1 else tuple(sorted({*map(name, reads)})),
            (name(*writes),) if len(writes) == 1 else tuple(sorted({*map(name, writes)})),
            "",
        )
        for dist, file, line, reads, writes in found
    )


def _owners(store: LineageStore, reached: list[Reached]) -> tuple[OwnerNotice, ...]:
    """Columns inherit their table's owner; tables and consumers name theirs in the catalog."""
    owned: dict[str, set[str]] = {}
    holders: dict[str, str] = {}  # asset id whose OWNED_BY edge we follow -> name to report
    tables: set[str] = set()  # a wide impact's thousand columns are of a hundred tables
    for r in reached:
        asset = r.node
        if asset.kind is NodeKind.COLUMN:
            if r.table and r.table not in tables:  # the column's `table` attribute
                tables.add(r.table)
                holders.setdefault(_TABLE + r.table, r.table)
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
