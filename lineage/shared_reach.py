"""Many changes' reach from one walk of a graph: what `lineage diff` needs of each change, without a full impact per change.

Impact analysis run once per change walks the same downstream graph again and again, and lists every
column each change reaches: a 1,500-view chain with 750 renames reaches 562,500 columns in all. Here
one store walk starts from every change at once; the walked subgraph gets integer ids; and a change's
reached set is built from those of the changes it reaches (a change whose start another change reaches
reaches everything that one does), starting from the changes furthest downstream, so each edge is
followed about once. Per change only counts, the statements that break, owners and gaps are kept;
`ImpactReport`s with every list are made on demand (`lineage.impact.analyse_impact`), for the few
changes a reader asks about.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from lineage.completeness import Gap, Surveyor
from lineage.impact import ImpactReport, OwnerNotice, Statement
from lineage.model import Direction, Edge, Node, NodeKind, Relation
from lineage.observed import observed
from lineage.store import FLOW_RELATIONS, LineageStore

_COUNTED = (NodeKind.COLUMN, NodeKind.TABLE, NodeKind.DASHBOARD, NodeKind.ML_FEATURE, NodeKind.QUERY)
# a reached set and the table of each of its tables and columns, by id: the names are unions of the
# memoised reaches' names too, so no change's tables are collected node by node
_Found = tuple[frozenset[int], dict[int, str]]


@dataclass(frozen=True, slots=True)
class Reach:
    """One change's reach, summarised: as many of each kind as `analyse_impact` lists, and what breaks."""

    columns: int = 0
    tables: int = 0
    dashboards: int = 0
    features: int = 0
    breaking: tuple[Statement, ...] = ()  # the statements that read a changed column or table itself
    owners: tuple[OwnerNotice, ...] = ()
    gaps: tuple[Gap, ...] = ()
    readers: int = 0  # users query logs saw read what it reaches: outside the repository, so no change set updates them

    @property
    def impacted(self) -> bool:
        return bool(self.columns or self.tables or self.dashboards or self.features or self.readers)

    @classmethod
    def summary(cls, report: ImpactReport) -> Reach:
        """The summary of a full impact report (what `SharedReach.reach` gives without one)."""
        breaking = tuple(s for s in report.statements if s.breaks)
        return cls(len(report.columns), len(report.tables), len(report.dashboards), len(report.features), breaking, report.owners, report.completeness.gaps, len(report.readers))


class SharedReach:
    """The downstream subgraph of every start in `starts`, walked once; `reach(start)` per change."""

    def __init__(self, store: LineageStore, starts: Iterable[str]) -> None:
        self.store = store
        edges = self._walk(sorted(set(starts)))
        self.ids = sorted(self.nodes)
        self.number = {nid: i for i, nid in enumerate(self.ids)}
        self.succ: list[list[int]] = [[] for _ in self.ids]
        self.feeds: dict[int, list[Edge]] = {}  # FEEDS edges with a file, by source: what a start's readers are
        self.statements: dict[tuple[str, int], list[Edge]] = {}
        for edge in edges:
            a, b = self.number[edge.source], self.number[edge.target]
            self.succ[a].append(b)
            if edge.relation is Relation.FEEDS and edge.file and not observed(edge):  # a log's query is no statement to fix
                self.feeds.setdefault(a, []).append(edge)
                self.statements.setdefault((edge.file, edge.line), []).append(edge)
        self.kind = {kind: {self.number[n.id] for n in self.nodes.values() if n.kind is kind} for kind in _COUNTED}
        self.table_of = {self.number[n.id]: t for n in self.nodes.values() if n.kind is NodeKind.COLUMN and (t := n.attr("table"))}
        # the table of every table node and column of the subgraph, and the nodes of each table
        self.table_name = {**self.table_of, **{i: self.nodes[self.ids[i]].name for i in self.kind[NodeKind.TABLE]}}
        self.members: dict[str, set[int]] = {}
        for i, t in self.table_name.items():
            self.members.setdefault(t, set()).add(i)
        self.memo: dict[int, _Found] = {}
        self.surveyor = Surveyor(store, Direction.DOWNSTREAM)
        self._owners: dict[str, list[str]] | None = None

    def _walk(self, wanted: list[str]) -> list[Edge]:
        """One store walk from every start (a table's columns too); the nodes it reaches kept in `nodes`."""
        tables = [s for s in wanted if s.startswith(f"{NodeKind.TABLE}:")]
        self.columns_of: dict[str, list[str]] = {}
        for edge in self.store.walk(tables, Direction.DOWNSTREAM, 1, frozenset({Relation.HAS_COLUMN})) if tables else ():
            self.columns_of.setdefault(edge.source, []).append(edge.target)
        columns = [c for found in self.columns_of.values() for c in found]
        edges = self.store.walk(wanted + columns, Direction.DOWNSTREAM, None, FLOW_RELATIONS)
        self.nodes = {n.id: n for n in self.store.nodes({*wanted, *columns, *(e.source for e in edges), *(e.target for e in edges)})}
        return edges

    def start_of(self, target: str) -> list[str]:
        """A table target means the table and every column of it."""
        return sorted({target, *self.columns_of.get(target, ())}) if target in self.nodes else []

    def prepare(self, targets: Sequence[str]) -> None:
        """Reach the targets furthest downstream first, so the others' walks stop where those start."""
        order = self._topological()
        for target in sorted((t for t in targets if t in self.number), key=lambda t: -order[self.number[t]]):
            self._reached(frozenset(self.number[s] for s in self.start_of(target)))

    def reach(self, target: str) -> Reach:
        start = frozenset(self.number[s] for s in self.start_of(target))
        if not start:
            return Reach()
        found, touched = self._reached(start)
        reached = found - start
        names = set(touched.values())
        for table in {self.table_name[i] for i in start if i in self.table_name}:
            if not self.members[table] & reached:  # a start's table, reached only through the start itself
                names.discard(table)
        return Reach(
            columns=len(reached & self.kind[NodeKind.COLUMN]),
            tables=len(names),
            dashboards=len(reached & self.kind[NodeKind.DASHBOARD]),
            features=len(reached & self.kind[NodeKind.ML_FEATURE]),
            breaking=self._breaking(start, reached),
            owners=self._owned(names, reached),
            gaps=self.surveyor.gaps(self._names(start) | names),
            readers=len({self.nodes[self.ids[i]].attr("user") or "" for i in reached & self.kind[NodeKind.QUERY]}),
        )

    def _reached(self, start: frozenset[int]) -> _Found:
        """`start` and everything downstream of it, and the table of each; a node whose reach is known adds it whole."""
        single = next(iter(start)) if len(start) == 1 else None
        if single is not None and single in self.memo:
            return self.memo[single]
        seen, known = set(start), []
        queue = deque(start)
        while queue:
            for nxt in self.succ[queue.popleft()]:
                if nxt in seen:
                    continue
                seen.add(nxt)
                if nxt in self.memo:
                    known.append(self.memo[nxt])
                else:
                    queue.append(nxt)
        tables = {i: t for i in seen if (t := self.table_name.get(i))}
        for ids, named in known:
            tables.update(named)
        found = (frozenset(seen.union(*(ids for ids, _ in known))), tables)
        if single is not None:
            self.memo[single] = found
        return found

    def _topological(self) -> list[int]:
        """Each node's place in a topological order of the subgraph (Kahn's; a cycle's nodes go last)."""
        indegree = [0] * len(self.ids)
        for targets in self.succ:
            for b in targets:
                indegree[b] += 1
        queue = deque(i for i, d in enumerate(indegree) if d == 0)
        place = [len(self.ids)] * len(self.ids)
        position = 0
        while queue:
            node = queue.popleft()
            place[node], position = position, position + 1
            for b in self.succ[node]:
                indegree[b] -= 1
                if indegree[b] == 0:
                    queue.append(b)
        return place

    def _names(self, reached: frozenset[int]) -> set[str]:
        """The tables reached: table nodes, and the tables of reached columns (as `analyse_impact` counts them)."""
        names = {self.nodes[self.ids[i]].name for i in reached & self.kind[NodeKind.TABLE]}
        table_of = self.table_of
        names.update(table_of[i] for i in reached & table_of.keys())
        return names

    def _breaking(self, start: frozenset[int], reached: frozenset[int]) -> tuple[Statement, ...]:
        """Statements that read a start itself, each with every reached column it reads and what it writes."""
        keys = sorted({(e.file, e.line) for s in start for e in self.feeds.get(s, ())})
        out = []
        for key in keys:
            edges = [e for e in self.statements[key] if self.number[e.source] in start or self.number[e.source] in reached]
            reads = sorted({self.nodes[e.source].name for e in edges})
            writes = sorted({self.nodes[e.target].name for e in edges})
            out.append(Statement(key[0], key[1], 1, tuple(reads), tuple(writes)))
        return tuple(out)

    def _owned(self, tables: set[str], reached: frozenset[int]) -> tuple[OwnerNotice, ...]:
        """Columns inherit their table's owner; tables and consumers name theirs (as `analyse_impact` says)."""
        holders = self._holders()
        if not holders:
            return ()
        consumers = reached & (self.kind[NodeKind.DASHBOARD] | self.kind[NodeKind.ML_FEATURE])
        assets = {f"{NodeKind.TABLE}:{t}": t for t in tables} | {self.ids[i]: self.nodes[self.ids[i]].name for i in consumers}
        owned: dict[str, set[str]] = {}
        for holder in holders.keys() & assets.keys():
            for owner in holders[holder]:
                owned.setdefault(owner, set()).add(assets[holder])
        people = {n.id: n for n in self.store.nodes(owned)}
        return tuple(
            OwnerNotice(people.get(oid) or Node(oid, NodeKind.OWNER, oid.split(":", 1)[1]), tuple(sorted(names)))
            for oid, names in sorted(owned.items())
        )

    def _holders(self) -> dict[str, list[str]]:
        """Every table and consumer of the subgraph that has an owner, with its owners (one walk, made once)."""
        if self._owners is None:
            tables = {f"{NodeKind.TABLE}:{t}" for t in self.table_of.values()} | {self.ids[i] for k in _COUNTED[1:] for i in self.kind[k]}
            self._owners = {}
            for edge in self.store.walk(sorted(tables), Direction.DOWNSTREAM, 1, frozenset({Relation.OWNED_BY})):
                if edge.source in tables:
                    self._owners.setdefault(edge.source, []).append(edge.target)
        return self._owners
