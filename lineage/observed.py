"""Observed facts: what warehouse query logs say ran, as graph nodes and edges of one `log:<path>` source.

Each distinct query (its fingerprint) run by one user is one QUERY node holding how often it ran,
when first and last, and who ran it (roles, warehouses, applications). A query that only reads is an
observed consumer: every column it reads FEEDS its node. A query that writes asserts the column
edges it makes, with the log as their file and the query's number as their line, so that
`query_node(edge)` finds the counts of the query that made an observed edge.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from fnmatch import fnmatchcase

from typing import TYPE_CHECKING

from lineage.model import Direction, Edge, Flow, GraphFacts, Node, NodeKind, Relation, Subtype, node_id
from lineage.store import LineageStore

if TYPE_CHECKING:  # `lineage impact` reads observed facts without loading the catalog or the graph builder
    from lineage.catalog import OwnerRule


LOG_PREFIX = "log:"  # the source name of an ingested log: `log:<path>`; re-ingesting it replaces it


@dataclass(frozen=True, slots=True)
class ObservedEdge:
    """One column edge a query made (a write), names as the graph spells them."""

    source_table: str
    source_column: str
    target_table: str
    target_column: str | None  # None: a table-level edge (join, filter, ...)
    flow: Flow
    subtype: Subtype

    def key(self) -> tuple[str, str, str, str, str, str]:
        return (self.source_table, self.source_column, self.target_table, self.target_column or "", self.flow, self.subtype)


@dataclass(frozen=True, slots=True)
class ObservedQuery:
    """One fingerprint as run by one user, with what it reads and writes."""

    fingerprint: str
    user: str
    executions: int
    first_seen: str  # ISO 8601 UTC, "" when the log does not say (pg_stat_statements)
    last_seen: str
    roles: tuple[str, ...] = ()
    warehouses: tuple[str, ...] = ()
    applications: tuple[str, ...] = ()
    reads: tuple[tuple[str, str], ...] = ()  # (table, column) of every column it reads
    edges: tuple[ObservedEdge, ...] = ()  # what it writes; () for a query that only reads
    runs: tuple[int, ...] = ()  # a query that writes: epoch seconds (UTC) of each run, sorted; what freshness is measured by

    @property
    def reader(self) -> bool:
        return not self.edges


@dataclass(frozen=True, slots=True)
class ObservedLog:
    """One log file (or live server) read: its distinct queries, and the rows it could not use, per reason."""

    path: str
    dialect: str
    queries: tuple[ObservedQuery, ...]
    rows: int  # rows read, good or bad
    skipped: tuple[tuple[str, int], ...] = ()  # (reason, rows), sorted by reason
    unparsed: int = 0  # distinct fingerprints that did not parse (their rows are in `skipped`)
    window: tuple[str, str] = ("", "")  # ISO 8601 UTC of its first and last row: what it can say anything about

    @property
    def source(self) -> str:
        return LOG_PREFIX + self.path


def query_node(log_path: str, number: int) -> str:
    """The id of the query node a log edge (file `log:<path>`, line `number`) was made by."""
    return node_id(NodeKind.QUERY, f"{log_path}#{number}")


def owner_of(query: ObservedQuery, rules: Iterable[OwnerRule]) -> str:
    """The first `observed_owners` rule matching the user (`svc_*`) or one of its roles (`role:analyst`), in any case."""
    for rule in rules:
        if rule.pattern.startswith("role:"):
            if any(fnmatchcase(r.lower(), rule.pattern[5:].lower()) for r in query.roles):
                return rule.owner
        elif fnmatchcase(query.user.lower(), rule.pattern.lower()):
            return rule.owner
    return ""


def log_graph(log: ObservedLog, rules: Iterable[OwnerRule] = ()) -> GraphFacts:
    """The nodes and edges one log contributes; queries numbered in their sorted order."""
    from lineage.graph import UNRESOLVED

    rules = tuple(rules)
    nodes: dict[str, Node] = {}
    edges: set[Edge] = set()
    source = log.source

    def column(table: str, name: str) -> str:
        # as lineage/graph.py names them: a column of no known table is `<unresolved>.name`, in no table
        cid = node_id(NodeKind.COLUMN, f"{table}.{name}")
        if table == UNRESOLVED:
            nodes.setdefault(cid, Node(cid, NodeKind.COLUMN, f"{table}.{name}", (("column", name), ("table", ""), ("unresolved", "true"))))
            return cid
        tid = node_id(NodeKind.TABLE, table)
        nodes.setdefault(tid, Node(tid, NodeKind.TABLE, table))
        nodes.setdefault(cid, Node(cid, NodeKind.COLUMN, f"{table}.{name}", (("column", name), ("table", table))))
        edges.add(Edge(tid, cid, Relation.HAS_COLUMN, file=source))
        return cid

    for number, q in enumerate(sorted(log.queries, key=lambda q: (q.fingerprint, q.user)), start=1):
        qid = query_node(log.path, number)
        owner = owner_of(q, rules)
        nodes[qid] = Node(qid, NodeKind.QUERY, qid.split(":", 1)[1], _attrs(q, log, owner))
        if owner:
            edges.add(Edge(qid, node_id(NodeKind.OWNER, owner), Relation.OWNED_BY, file=source, line=number))
        if q.reader:
            for table, name in q.reads:
                edges.add(Edge(column(table, name), qid, Relation.FEEDS, Flow.DIRECT, Subtype.IDENTITY, source, number))
        for e in q.edges:
            target = column(e.target_table, e.target_column) if e.target_column else node_id(NodeKind.TABLE, e.target_table)
            if e.target_column is None:
                nodes.setdefault(target, Node(target, NodeKind.TABLE, e.target_table))
            edges.add(Edge(column(e.source_table, e.source_column), target, Relation.FEEDS, e.flow, e.subtype, source, number))
    return GraphFacts(source, tuple(sorted(nodes.values())), tuple(sorted(edges)))


def _attrs(q: ObservedQuery, log: ObservedLog, owner: str) -> tuple[tuple[str, str], ...]:
    writes = sorted({e.target_table for e in q.edges})
    pairs = {
        "user": q.user,
        "executions": str(q.executions),
        "first_seen": q.first_seen,
        "last_seen": q.last_seen,
        "roles": ",".join(q.roles),
        "warehouses": ",".join(q.warehouses),
        "applications": ",".join(q.applications),
        "sql": q.fingerprint[:500],
        "dialect": log.dialect,
        "log": log.path,
        "writes": ",".join(writes),
        "owner": owner,
        "runs": ",".join(map(str, q.runs)),
        "log_from": log.window[0],
        "log_to": log.window[1],
    }
    return tuple(sorted((k, v) for k, v in pairs.items() if v))


def known_columns(store: LineageStore) -> dict[str, list[tuple[str, str | None]]]:
    """Every table the store knows with its columns (their types where known): what a log's `*` expands to."""
    tables: dict[str, list[tuple[str, str | None]]] = {}
    for node in store.find("*"):
        table, column = node.attr("table"), node.attr("column")
        if node.kind is NodeKind.COLUMN and table and column and column != "*":
            tables.setdefault(table, []).append((column, node.attr("type")))
        elif node.kind is NodeKind.TABLE and not node.name.startswith("<"):
            tables.setdefault(node.name, [])
    return tables


@dataclass(frozen=True, slots=True)
class ObservedReader:
    """A user the logs saw read affected columns: outside every repository, so no scan finds it."""

    user: str
    columns: tuple[str, ...]  # the affected columns its queries read
    distance: int
    executions: int
    first_seen: str
    last_seen: str
    queries: int  # distinct queries (fingerprints)
    roles: tuple[str, ...] = ()
    applications: tuple[str, ...] = ()
    owner: str = ""

    def to_record(self) -> dict[str, object]:
        return {
            "user": self.user, "columns": list(self.columns), "distance": self.distance, "executions": self.executions,
            "first_seen": self.first_seen, "last_seen": self.last_seen, "queries": self.queries,
            "roles": list(self.roles), "applications": list(self.applications), "owner": self.owner,
        }


def readers(queries: Iterable[tuple[Node, int]], edges: Iterable[Edge], names: dict[str, str]) -> tuple[ObservedReader, ...]:
    """Reached query nodes (with their distance) grouped by user; `names`: column id -> name, for what each reads."""
    reads: dict[str, set[str]] = {}
    for edge in edges:
        reads.setdefault(edge.target, set()).add(names.get(edge.source, edge.source.split(":", 1)[1]))
    by_user: dict[str, list[tuple[Node, int]]] = {}
    for node, distance in queries:
        by_user.setdefault(node.attr("user") or "", []).append((node, distance))
    found = []
    for user, runs in by_user.items():
        nodes = [n for n, _ in runs]
        firsts, lasts = [n.attr("first_seen") or "" for n in nodes], [n.attr("last_seen") or "" for n in nodes]
        found.append(ObservedReader(
            user, tuple(sorted(set().union(*(reads.get(n.id, set()) for n in nodes)))), min(d for _, d in runs),
            sum(int(n.attr("executions") or 0) for n in nodes), min((f for f in firsts if f), default=""), max(lasts),
            len(nodes), _joined(nodes, "roles"), _joined(nodes, "applications"), next((o for n in nodes if (o := n.attr("owner") or "")), ""),
        ))
    return tuple(sorted(found, key=lambda r: (r.distance, -r.executions, r.user)))


def _joined(nodes: list[Node], key: str) -> tuple[str, ...]:
    return tuple(sorted({v for n in nodes for v in (n.attr(key) or "").split(",") if v}))


def observed(edge: Edge) -> bool:
    """An edge a query log asserted (not code)."""
    return edge.file.startswith(LOG_PREFIX)


def last_runs(edges: Iterable[Edge], store: LineageStore) -> dict[tuple[str, int], str]:
    """For each statement of code (file, line) among `edges`: the last time a log saw a query make one of its edges ("" never)."""
    made: dict[tuple[str, str], set[str]] = {}
    code: dict[tuple[str, int], set[tuple[str, str]]] = {}
    for edge in edges:
        if edge.relation is not Relation.FEEDS or not edge.file:
            continue
        if observed(edge):
            made.setdefault((edge.source, edge.target), set()).add(query_node(edge.file.removeprefix(LOG_PREFIX), edge.line))
        else:
            code.setdefault((edge.file, edge.line), set()).add((edge.source, edge.target))
    last = {n.id: n.attr("last_seen") or "" for n in store.nodes(set().union(*made.values()))} if made else {}
    return {where: max((last.get(q, "") for pair in pairs for q in made.get(pair, ())), default="") for where, pairs in code.items()}


@dataclass(frozen=True, slots=True)
class TableReader:
    """A user the logs saw read a table: its runs (of every query reading the table) and when."""

    user: str
    executions: int
    first_seen: str  # ISO 8601 UTC, "" when the log does not say
    last_seen: str

    def __str__(self) -> str:
        return f"{self.user}: {self.executions:,} run{'s' if self.executions != 1 else ''}, last {self.last_seen or 'unknown'}"


@dataclass(frozen=True, slots=True)
class Observations:
    """What ingested query logs saw: when each table was written, and who read it, within the logs' window."""

    source: str  # the log(s), for evidence
    writes: tuple[tuple[str, tuple[int, ...]], ...] = ()  # table -> epoch seconds of each write, sorted
    readers: tuple[tuple[str, tuple[TableReader, ...]], ...] = ()  # table -> users seen reading it
    window: tuple[int, int] | None = None  # epoch seconds of the logs' first and last row; None: unknown


def observations(store: LineageStore) -> Observations | None:
    """The query logs' writes and readers per table, from the query nodes `lineage logs` stored (None: no log ingested)."""
    queries = [n for n in store.find("*") if n.kind is NodeKind.QUERY]
    if not queries:
        return None
    writes: dict[str, list[int]] = {}
    for node in queries:
        runs = [int(r) for r in (node.attr("runs") or "").split(",") if r]
        for table in (node.attr("writes") or "").split(","):
            if table:
                writes.setdefault(table, []).extend(runs)
    starts, ends = [n.attr("log_from") or "" for n in queries], [n.attr("log_to") or "" for n in queries]
    window = (_epoch(min(starts)), _epoch(max(ends))) if all(starts) and all(ends) else None
    return Observations(
        ", ".join(sorted({n.attr("log") or n.name for n in queries})),
        tuple(sorted((t, tuple(sorted(r))) for t, r in writes.items())),
        _table_readers(store, [n for n in queries if not n.attr("writes")]),
        window,
    )


def _table_readers(store: LineageStore, readers: list[Node]) -> tuple[tuple[str, tuple[TableReader, ...]], ...]:
    by_id = {n.id: n for n in readers}
    edges = store.walk(list(by_id), Direction.UPSTREAM, 1, frozenset({Relation.FEEDS})) if by_id else []
    table_of = {n.id: n.attr("table") or "" for n in store.nodes({e.source for e in edges})}
    queries: dict[str, set[str]] = {}  # table -> the query nodes reading one of its columns
    for edge in edges:
        if edge.target in by_id and table_of.get(edge.source):
            queries.setdefault(table_of[edge.source], set()).add(edge.target)
    out = []
    for table, ids in sorted(queries.items()):
        users: dict[str, list[Node]] = {}
        for qid in ids:
            users.setdefault(by_id[qid].attr("user") or "", []).append(by_id[qid])
        out.append((table, tuple(sorted(
            (TableReader(u, sum(int(n.attr("executions") or 0) for n in ns), min((f for n in ns if (f := n.attr("first_seen") or "")), default=""),
                         max(n.attr("last_seen") or "" for n in ns)) for u, ns in users.items()),
            key=lambda r: (-r.executions, r.user)))))
    return tuple(out)


def _epoch(iso_utc: str) -> int:
    """Seconds since 1970 of `2026-12-01T08:00:00Z` (pure arithmetic: `lineage/` reads no clock or zone)."""
    from datetime import datetime, timezone

    return int(datetime.strptime(iso_utc, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc).timestamp())
