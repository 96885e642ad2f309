"""From parser facts and the catalog to graph nodes and edges: one `GraphFacts` per source file."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from operator import attrgetter
from typing import Protocol

from lineage.catalog import Catalog, Consumer
from lineage.digests import digest
from lineage.model import (
    ColumnEdge,
    Diagnostic,
    Edge,
    FileFacts,
    Flow,
    GraphFacts,
    Location,
    Node,
    NodeKind,
    Relation,
    Severity,
    Subtype,
    TableKind,
    node_id,
)
from lineage.model import UNMATCHED as UNMATCHED, UNPARSED as UNPARSED, UNRESOLVED as UNRESOLVED

# bump when the graph built from the same facts changes: it is part of every source's fingerprint
GRAPH_VERSION = 6  # 6: temp tables and table variables named with their file; 5: a fingerprint names only the tables whose canonical name differs
_MARK = f"graph-{GRAPH_VERSION}"


class Canonicaliser:
    """Maps partially qualified table names to the one fully qualified name they abbreviate.

    `orders` in one file and `app.orders` in another are one table when `app.orders` is the only
    known table named `orders`; with two candidates the short name stays as written (never a guess).
    """

    def __init__(self, names: Iterable[str]) -> None:
        by_last: dict[str, set[str]] = {}
        for name in names:
            by_last.setdefault(name.rsplit(".", 1)[-1], set()).add(name)
        self._map: dict[str, str] = {}
        for group in by_last.values():
            for name in group:
                longer = [n for n in group if n != name and n.endswith("." + name)]
                if len(longer) == 1:
                    self._map[name] = longer[0]

    @classmethod
    def of(cls, moved: Mapping[str, str]) -> Canonicaliser:
        """The canonicaliser whose `moved` is this map (made before, for the same names)."""
        made = cls(())
        made._map = dict(moved)
        return made

    def __call__(self, name: str) -> str:
        return self._map.get(name, name)

    @property
    def moved(self) -> Mapping[str, str]:
        """The names canonicalised to another one."""
        return self._map


def file_tables(facts: FileFacts) -> set[str]:
    """Every table one file's facts name."""
    names = {t.name for t in facts.tables}
    for edge in facts.edges:
        names.add(edge.target_table)
        if edge.source_table:
            names.add(edge.source_table)
    return names


def catalog_tables(catalog: Catalog | None) -> set[str]:
    """Every table the catalog names, and every table its consumers' queries read."""
    if catalog is None:
        return set()
    names = {e.pattern for e in catalog.tables if not _is_glob(e.pattern)}
    for consumer in catalog.consumers:
        names.update(c.rsplit(".", 1)[0] for c in consumer.columns if "." in c)
        names.update(e.source_table for e in consumer.reads if e.source_table)
    return names


def table_names(files: Sequence[FileFacts], catalog: Catalog | None) -> set[str]:
    return catalog_tables(catalog).union(*(file_tables(f) for f in files))


# Edge's own order (its fields in turn) as one key tuple per edge, not two tuples per comparison
_EDGE_ORDER = attrgetter("source", "target", "relation", "flow", "subtype", "file", "line", "statement")


@dataclass
class _Builder:
    """Collects one source's nodes and edges, merging attributes of repeated nodes."""

    source: str
    canon: Callable[[str], str]
    nodes: dict[str, dict[str, str]] = field(default_factory=dict)
    kinds: dict[str, tuple[NodeKind, str]] = field(default_factory=dict)
    edges: set[Edge] = field(default_factory=set)
    columns: dict[tuple[str | None, str], str] = field(default_factory=dict)
    tables: dict[str, str] = field(default_factory=dict)  # table name -> node id

    def node(self, node_kind: NodeKind, name: str, **attrs: str) -> str:
        nid = node_id(node_kind, name)
        merged = self.nodes.get(nid)
        if merged is None:
            self.kinds[nid] = (node_kind, name)
            merged = self.nodes[nid] = {}
        for key, value in attrs.items():
            if value:
                merged[key] = value
        return nid

    def table(self, name: str, kind: TableKind | None = None) -> str:
        if kind is None:  # a table named again (every edge names two): nothing to merge
            return self.tables.get(name) or self.tables.setdefault(name, self.node(NodeKind.TABLE, name))
        return self.node(NodeKind.TABLE, name, kind=str(kind))

    def column(self, table: str | None, name: str, type_: str | None = None) -> str:
        seen = self.columns.get((table, name))
        if seen is not None and not type_:  # most columns recur in a file: skip the re-merge
            return seen
        if table is None:
            cid = self.node(NodeKind.COLUMN, f"{UNRESOLVED}.{name}", table="", column=name, unresolved="true")
        else:
            cid = self.node(NodeKind.COLUMN, f"{table}.{name}", table=table, column=name, type=type_ or "")
            self.edges.add(Edge(self.table(table), cid, Relation.HAS_COLUMN, file=self.source))
        self.columns[(table, name)] = cid
        return cid

    def freeze(self) -> GraphFacts:
        nodes = tuple(
            Node(nid, kind, name, tuple(sorted(self.nodes[nid].items())))
            for nid, (kind, name) in sorted(self.kinds.items())
        )
        return GraphFacts(self.source, nodes, tuple(sorted(self.edges, key=_EDGE_ORDER)))


def file_graph(facts: FileFacts, canon: Canonicaliser) -> GraphFacts:
    """Tables, columns and FEEDS edges one SQL file asserts."""
    local = _file_scoped(facts.path, canon, frozenset(facts.temporary))
    b = _Builder(facts.path, local)
    for table in facts.tables:
        name = local(table.name)
        b.node(NodeKind.TABLE, name, kind=str(table.kind), defined_at=str(table.at))
        for column, type_ in table.columns:
            b.column(name, column, type_)
    for edge in facts.edges:
        _feed(b, edge, b.table(local(edge.target_table)) if edge.target_column is None else None)
    for change in facts.schema_changes:
        if change.action in ("add_column", "alter_type"):  # ALTER ... ADD: a column no statement may read yet
            b.column(local(change.table), change.column, change.new_name)
    _unparsed(b, facts.diagnostics)
    return b.freeze()


def _file_scoped(path: str, canon: Canonicaliser, temporary: frozenset[str]) -> Callable[[str], str]:
    """Table names as one file's graph gives them. Temp tables (T-SQL's `#stage`, and what a file
    creates as TEMPORARY) and T-SQL's table variables (`@rows`) live only as long as the session or
    batch that makes them, so one file's `#stage` is not another's: as one node, the rows of one script
    reached every other script's `#stage` readers, and a temp `stage` the permanent `stage`'s. Each is
    named with its file, `#stage (sql/load.sql)`; a global temp table (`##stage`) is shared, as its
    engine shares it."""

    def name(table: str) -> str:
        own = table in temporary or (table[:1] in ("#", "@") and not table.startswith("##"))
        return f"{table} ({path})" if own else canon(table)

    return name


def _unparsed(b: _Builder, diagnostics: Iterable[Diagnostic]) -> None:
    """One node per location where an error lost lineage, with the words that say what it may read.

    Kept in the graph, not only printed at scan time, so that every later answer can say it may be
    incomplete; two errors at one place are one node, reading anything if either may.
    """
    found: dict[Location, tuple[str, set[str] | None]] = {}  # at statement 0: a line holds one node
    for d in diagnostics:
        if d.severity is Severity.ERROR or d.mentions:  # a warning with words: lineage known missing there
            at = Location(d.at.file, d.at.line)
            message, words = found.get(at, (d.message, set()))
            found[at] = (message, None if words is None or not d.mentions else words | set(d.mentions))
    for at, (message, words) in sorted(found.items()):
        b.node(NodeKind.UNPARSED, f"{UNPARSED} {at}", file=at.file, line=str(at.line), message=message, mentions=json.dumps(sorted(words or ())))


def _feed(b: _Builder, edge: ColumnEdge, target: str | None) -> None:
    source_table = b.canon(edge.source_table) if edge.source_table else None
    if source_table is not None:
        b.table(source_table)
    source = b.column(source_table, edge.source_column)
    if target is None:
        target = b.column(b.canon(edge.target_table), edge.target_column or "")
    b.edges.add(Edge(source, target, Relation.FEEDS, edge.flow, edge.subtype, edge.at.file, edge.at.line, edge.at.statement))


def catalog_graph(catalog: Catalog, canon: Canonicaliser, tables: Iterable[str]) -> GraphFacts:
    """Owners, table ownership and tiers, and what each dashboard or ML feature reads."""
    b = _Builder(catalog.path, canon)
    for owner in catalog.owners:
        b.node(NodeKind.OWNER, owner.id, display=owner.name, email=owner.email, slack=owner.slack, github=owner.github)
    for table in sorted(set(tables) | {canon(e.pattern) for e in catalog.tables if not _is_glob(e.pattern)}):
        entry = catalog.table_entry(table)
        if entry is None:
            continue
        tid = b.node(NodeKind.TABLE, table, owner=entry.owner, tier=str(entry.tier or ""), description=entry.description, deprecated=entry.deprecated)
        if entry.owner:
            b.edges.add(Edge(tid, node_id(NodeKind.OWNER, entry.owner), Relation.OWNED_BY, file=catalog.path, line=_line(entry.at)))
    for consumer in catalog.consumers:
        _consumer(b, catalog.path, consumer)
    for name in catalog.unmatched:
        # kept in the graph (an UNPARSED kind: lineage the catalog meant to give is missing) so that
        # every later answer says it may be incomplete, not only the scan that found it
        at = name.at or Location(catalog.path)
        b.node(NodeKind.UNPARSED, f"{UNMATCHED} {at} {name.name}", file=at.file, line=str(at.line), message=str(name))
    return b.freeze()


def _consumer(b: _Builder, path: str, consumer: Consumer) -> None:
    where = {"table_level": "true", "file": consumer.at.file, "line": str(consumer.at.line)} if consumer.table_level and consumer.at else {}
    cid = b.node(consumer.kind, consumer.id, title=consumer.title, owner=consumer.owner, url=consumer.url, sql=consumer.sql, tags=consumer.tags, **where)
    if consumer.owner:
        b.edges.add(Edge(cid, node_id(NodeKind.OWNER, consumer.owner), Relation.OWNED_BY, file=path, line=_line(consumer.at)))
    for dotted in consumer.columns:
        table, _, column = dotted.rpartition(".")
        source = b.column(b.canon(table) if table else None, column)
        b.edges.add(Edge(source, cid, Relation.FEEDS, Flow.DIRECT, Subtype.IDENTITY, path, _line(consumer.at)))
    for edge in consumer.reads:
        # every column the consumer's query reads, directly or as a filter, feeds the consumer
        source_table = b.canon(edge.source_table) if edge.source_table else None
        source = b.column(source_table, edge.source_column)
        b.edges.add(Edge(source, cid, Relation.FEEDS, edge.flow, edge.subtype, edge.at.file, edge.at.line, edge.at.statement))


def build_graph(files: Sequence[FileFacts], catalog: Catalog | None) -> list[GraphFacts]:
    """One GraphFacts per file (and one for the catalog), with table names made canonical."""
    names = table_names(files, catalog)
    canon = Canonicaliser(names)
    graphs = [file_graph(facts, canon) for facts in files]
    if catalog is not None:
        graphs.append(catalog_graph(catalog, canon, {canon(n) for n in names}))
    return graphs


class Scanned(Protocol):
    """A scanned file as `build_changed` needs it: its facts' digest and tables, its facts on demand."""

    @property
    def path(self) -> str: ...
    @property
    def digest(self) -> str: ...
    @property
    def tables(self) -> tuple[str, ...]: ...
    @property
    def facts(self) -> FileFacts: ...


class KnownMarks(Protocol):
    """What the last scan knew (`parsers/last_result.py`): every table the files name, and the
    fingerprints that still stand under the canonical names of this scan."""

    def names(self) -> set[str]: ...
    def canonical(self) -> Mapping[str, str] | None: ...  # the last scan's map, when it named the same tables
    def marks_for(self, moved: Mapping[str, str]) -> Mapping[str, str]: ...
    def catalog_mark(self) -> str | None: ...  # the catalog's graph's, when it and every name are as last time
    def record(self, moved: Mapping[str, str], marks: Mapping[str, str]) -> None: ...


def build_changed(files: Sequence[Scanned], catalog: Catalog | None, held: Mapping[str, str], known: KnownMarks | None = None) -> list[GraphFacts]:
    """`build_graph`, fingerprinted, for the sources whose fingerprint differs from `held`'s.

    A file's graph is a pure function of its facts and of the canonical names of the tables they
    name, so that is its fingerprint; an unchanged file of an unchanged neighbourhood is skipped
    without ever loading its facts. The catalog's graph depends on the catalog and on every table.
    A store keeps one graph per source, so parts that share a source (a dbt project's catalog is
    its `dbt_project.yml`, which is also a scanned file when it has a diagnostic) become one graph
    under one fingerprint: as two, the second replaced the first, and the next scan dropped it.
    """
    names = catalog_tables(catalog) | known.names() if known is not None else catalog_tables(catalog).union(*(f.tables for f in files))
    kept = known.canonical() if known is not None else None
    canon = Canonicaliser.of(kept) if kept is not None else Canonicaliser(names)
    # an unchanged file's fingerprint, as the last scan made it, when no table it names moved
    standing = known.marks_for(canon.moved) if known is not None else {}
    parts: dict[str, list[tuple[str, Scanned | Catalog]]] = {}
    for scanned in files:
        mark = standing.get(scanned.path)
        if mark is not None and held.get(scanned.path) == mark:
            continue  # as stored, and as the last scan kept it (which keeps its fingerprint)
        parts.setdefault(scanned.path, []).append((mark or _mark(scanned, canon), scanned))
    if catalog is not None:
        # a frozen dataclass of tuples: equal catalogs have equal reprs
        mark = (known.catalog_mark() if known is not None else None) or digest(_MARK, repr(catalog), sorted((n, canon(n)) for n in names))
        parts.setdefault(catalog.path, []).append((mark, catalog))
    graphs: list[GraphFacts] = []
    marks = {source: made[0][0] if len(made) == 1 else digest(*(m for m, _ in made)) for source, made in parts.items()}
    if known is not None:
        known.record(canon.moved, marks)
    for source, made in parts.items():
        mark = marks[source]
        if held.get(source) != mark:
            built = [catalog_graph(p, canon, {canon(n) for n in names}) if isinstance(p, Catalog) else file_graph(p.facts, canon) for _, p in made]
            graphs.append(replace(_joined(source, built), fingerprint=mark))
    return graphs


def _mark(scanned: Scanned, canon: Canonicaliser) -> str:
    # the facts (their digest) fix the tables they name, so the names canonicalised to another
    # say the whole map; most files have none, and two strings hash at a fraction of the cost
    # of encoding every table's pair (10,000 files a re-scan)
    moved = [(t, c) for t in scanned.tables if (c := canon(t)) != t]
    return digest(_MARK, scanned.digest, moved) if moved else digest(_MARK, scanned.digest)


def _joined(source: str, graphs: list[GraphFacts]) -> GraphFacts:
    if len(graphs) == 1:
        return graphs[0]
    return GraphFacts(source, tuple(sorted({n for g in graphs for n in g.nodes})), tuple(sorted({e for g in graphs for e in g.edges})))


def _is_glob(pattern: str) -> bool:
    return any(ch in pattern for ch in "*?[")


def _line(at: Location | None) -> int:
    return at.line if at else 0
