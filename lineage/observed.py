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

from lineage.catalog import OwnerRule
from lineage.model import Edge, Flow, GraphFacts, Node, NodeKind, Relation, Subtype, node_id

UNRESOLVED = "<unresolved>"  # lineage/graph.py's: the table of a column whose table the SQL does not name
LOG_PREFIX = "log:"  # the source name of an ingested log: `log:<path>`; re-ingesting it replaces it


@dataclass(frozen=True, slots=True, order=True)
class ObservedEdge:
    """One column edge a query made (a write), names as the graph spells them."""

    source_table: str
    source_column: str
    target_table: str
    target_column: str | None  # None: a table-level edge (join, filter, ...)
    flow: Flow
    subtype: Subtype


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
    }
    return tuple(sorted((k, v) for k, v in pairs.items() if v))
