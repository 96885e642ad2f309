"""The Python API: extract, scan, impact and paths, as the CLI uses them.

This module is the one seam that composes the layers (parsers in, stores out); it imports them
lazily so that `import lineage` stays free of sqlglot and of any I/O.

    >>> from lineage import extract
    >>> [str(e.subtype) for e in extract("select sum(v) as total from t", "q.sql").edges]
    ['aggregation']
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from lineage.errors import ConfigError
from lineage.model import Diagnostic, Direction, Edge, FileFacts, GraphFacts, Location, Node, NodeKind, Relation, Severity
from lineage.names import resolve_target
from lineage.store import FLOW_RELATIONS, LineageStore

if TYPE_CHECKING:  # the analyses load when a query runs: a scan never needs them
    from graphs.render.openlineage import EventOptions, Export
    from lineage.completeness import Completeness
    from lineage.impact import Change, ImpactReport
    from parsers.dbt.profiles import ProfileSearch
    from parsers.scan import ScanOptions
    from parsers.sql.schema import SchemaRegistry


@dataclass(frozen=True, slots=True)
class ScanSummary:
    files: int
    statements: int
    edges: int
    removed_sources: int
    diagnostics: tuple[Diagnostic, ...]
    reused: int = 0  # file extractions taken from the incremental-scan cache
    unchanged: int = 0  # sources whose graph the store held already: not rebuilt nor rewritten
    unmatched: int = 0  # catalog names that match nothing scanned (each also a diagnostic)
    uncached: int = 0  # files the scan cache does not hold (dbt projects', ETL code's, catalog queries)

    @property
    def failures(self) -> int:
        return sum(1 for d in self.diagnostics if d.severity is Severity.ERROR)

    @property
    def warnings(self) -> int:
        return sum(1 for d in self.diagnostics if d.severity is Severity.WARNING)


@dataclass(frozen=True, slots=True)
class Hop:
    edge: Edge
    depth: int
    source: Node
    target: Node


def extract(text: str, path: str = "<stdin>", dialect: str | None = None, schema: SchemaRegistry | None = None, statement_seconds: float | None = 30.0) -> FileFacts:
    """Column edges of one SQL text, without a store; a statement slower than `statement_seconds` is a diagnostic."""
    from parsers.sql.extract import extract_sql

    return extract_sql(text, path, dialect, schema.copy() if schema else None, statement_seconds)


def scan_into(
    store: LineageStore,
    paths: Sequence[Path],
    *,
    dialect: str | None = None,
    schema: SchemaRegistry | None = None,
    catalog: Path | None = None,
    progress: Callable[[str], None] | None = None,
    jobs: int = 1,
    cache: Path | None = None,
    max_file_mb: float | None = 10.0,
    statement_seconds: float | None = 30.0,
    rebuild: bool = False,
    profiles: ProfileSearch | None = None,
    strict: bool = False,
) -> ScanSummary:
    """Scan `paths` and write the result into `store` in one transaction; with `rebuild`, the
    store then holds exactly this scan, every source rebuilt, and the scan cache is not read.
    A catalog name that matches nothing scanned is a warning, an error with `strict`."""
    from lineage.collector import long_lived_scope
    from parsers.cache_facts import CacheDamaged
    from parsers.dbt.profiles import ProfileSearch
    from parsers.scan import ScanOptions

    options = ScanOptions(dialect, schema, catalog, jobs, cache, max_file_mb, statement_seconds, rebuild, profiles or ProfileSearch(), keep_result=True)
    with long_lived_scope():  # what the scan set aside from the cycle collector, handed back at its end
        try:
            return _scan_and_write(store, paths, options, progress, rebuild, strict)
        except CacheDamaged as damaged:
            # the facts an entry points at are not what was written (an edited or truncated facts
            # file, a writer killed between its two renames): trust nothing the cache holds, and say so
            note = Diagnostic(damaged.at or Location(""), "the scan cache's facts are damaged; ignored, every file is parsed again", Severity.WARNING)
            return _scan_and_write(store, paths, replace(options, rebuild=True), progress, rebuild, strict, (note,))


def _scan_and_write(store: LineageStore, paths: Sequence[Path], options: ScanOptions, progress: Callable[[str], None] | None, rebuild: bool, strict: bool, notes: tuple[Diagnostic, ...] = ()) -> ScanSummary:
    from lineage.catalog_check import with_unmatched  # a scan's: `lineage impact` never loads the catalog
    from lineage.graph import build_changed
    from parsers.scan import scan

    result = scan(paths, options, progress)
    last = result.last
    # the last scan's check, when nothing it read has changed; else the check made again
    checked: set[str] = set()
    catalog = last.check_stands(result.catalog, result.scanned) if last is not None else None
    if catalog is None:
        catalog = with_unmatched(result.catalog, result.scanned, checked)
    else:
        checked.update(last.checked)  # type: ignore[union-attr]
    result = replace(result, catalog=catalog, notes=(*notes, *result.notes))
    unmatched = result.catalog.unmatched if result.catalog else ()
    severity = Severity.ERROR if strict else Severity.WARNING
    said = tuple(Diagnostic(u.at or Location(result.catalog.path if result.catalog else ""), f"{u.message}; {u.hint}" if u.hint else u.message, severity) for u in unmatched)
    fresh = {f.path for f in result.scanned} | ({result.catalog.path} if result.catalog else set())
    with store.transaction():
        # inside the transaction: the fingerprints are those of the graph this write replaces
        held = store.fingerprints()
        graphs = build_changed(result.scanned, result.catalog, {} if rebuild else held, last)
        # a source with nothing to store (a dashboard's query: its reads are the catalog's) is never
        # held, so it is built at every scan: writing it would only delete nothing
        graphs = [g for g in graphs if g.nodes or g.edges or g.source in held]
        for graph in graphs:
            if not _under(graph.source, result.kept):  # unreadable: its diagnostic is reported, its graph stays
                store.replace_file(graph)
        gone = [s for s in sorted(held) if s not in fresh and (rebuild or (_under(s, result.roots) and not _under(s, result.kept)))]
        for source in gone:
            store.replace_file(GraphFacts(source))
    if last is not None:
        last.save(result.catalog, checked)
    return ScanSummary(
        files=len(result.scanned),
        statements=result.statements,
        edges=result.edges + (sum(len(c.reads) for c in result.catalog.consumers) if result.catalog else 0),
        removed_sources=len(gone),
        diagnostics=tuple(sorted((*result.diagnostics, *said))),
        reused=result.reused,
        unchanged=len({s for s in fresh if s in held} - {g.source for g in graphs}),  # the catalog too: a file the scan read
        unmatched=len(unmatched),
        uncached=result.uncached,
    )


def _under(source: str, roots: Sequence[str]) -> bool:
    return any(source == r or source.startswith(r.rstrip("/") + "/") or r in (".", "") for r in roots)


def impact_of(store: LineageStore, targets: Sequence[str], change: Change, max_depth: int | None = None, limit: int | None = None) -> ImpactReport:
    """What changing `targets` (names, partial names or globs) reaches; with `limit`, each list's nearest `limit` entries."""
    from lineage.impact import analyse_impact

    nodes: list[Node] = []
    for text in targets:
        nodes += resolve_target(store, text)
    return analyse_impact(store, sorted(set(nodes)), change, max_depth).limited(limit)


def paths_of(store: LineageStore, target: str, direction: str, max_depth: int | None = None) -> list[Hop]:
    """Every hop upstream or downstream of `target`, nearest first."""
    from lineage.impact import distances

    way = Direction(direction)
    start = [n.id for n in resolve_target(store, target)]
    # HAS_COLUMN hops are free (a filter into table `mid` is a hop of `mid.a`'s): a FEEDS depth of d
    # needs up to 2d walked hops, then only hops whose nearer end is within d - 1 are kept
    walked = store.walk(start, way, None if max_depth is None else 2 * max_depth, FLOW_RELATIONS)
    oriented = walked if way is Direction.DOWNSTREAM else [Edge(e.target, e.source, e.relation) for e in walked]
    depth = {n: d for n, (d, _) in distances(start, oriented).items()}
    edges = [e for e, o in zip(walked, oriented, strict=True) if o.source in depth and (max_depth is None or depth[o.source] + (o.relation is not Relation.HAS_COLUMN) <= max_depth)]
    nodes = {n.id: n for n in store.nodes({e.source for e in edges} | {e.target for e in edges})}

    def near(edge: Edge) -> int:  # the end of the hop nearer to the target
        return depth.get(edge.source if way is Direction.DOWNSTREAM else edge.target, 0)

    return sorted(
        (Hop(e, near(e) + 1, nodes[e.source], nodes[e.target]) for e in edges if e.flow is not None),
        key=lambda h: (h.depth, h.edge),
    )


def paths_completeness(store: LineageStore, target: str, hops: Sequence[Hop], direction: str, max_depth: int | None = None) -> Completeness:
    """What `paths_of`'s answer may miss: the gaps the graph records around the hops it found."""
    from lineage.completeness import Scope, survey

    way = Direction(direction)
    nodes = {n.id: n for n in resolve_target(store, target)}
    nodes.update({n.id: n for h in hops for n in (h.source, h.target)})
    frontier = {(h.target if way is Direction.DOWNSTREAM else h.source).id for h in hops if h.depth == max_depth}
    return survey(store, Scope(way, tuple(nodes.values()), tuple(sorted(frontier)), tuple(h.edge for h in hops)), max_depth)


DEFAULT_NAMESPACE = "default"  # the openlineage-python client's own default namespace


def openlineage_of(store: LineageStore, target: str | None, options: EventOptions) -> Export:
    """The graph, or TARGET's neighbourhood, as OpenLineage static events; each job's `sql` facet
    read again from its .sql file. An empty `options.namespace` is the catalog's `namespace:`."""
    from graphs.render.openlineage import openlineage_events, wanted_queries
    from lineage.stats import graph_of, neighbourhood
    from parsers.sql.statements import queries

    nodes, edges = graph_of(store) if target is None else neighbourhood(store, target)
    namespace = options.namespace or catalog_namespace(store.sources()) or DEFAULT_NAMESPACE
    return openlineage_events(nodes, edges, replace(options, namespace=namespace, queries=queries(wanted_queries(nodes, edges))))


def catalog_namespace(sources: Sequence[str]) -> str:
    """The `namespace:` of the catalog the store was scanned with ("" when none says one)."""
    from parsers.catalog import load_catalog
    from parsers.scan import CATALOG_NAME

    found = {load_catalog(Path(s)).namespace for s in sources if Path(s).name == CATALOG_NAME and Path(s).is_file()} - {""}
    if len(found) > 1:
        raise ConfigError(f"the scanned catalogs name {len(found)} namespaces ({', '.join(sorted(found))})", hint="pass --namespace")
    return found.pop() if found else ""


def find_nodes(store: LineageStore, pattern: str, kinds: Sequence[NodeKind] = ()) -> list[Node]:
    """Nodes whose qualified name matches the glob `pattern` (case-sensitive), or contains it when it
    has no glob character (`order_value` finds `app.orders.order_value`); only `kinds` when given."""
    from lineage.names import is_glob

    text = pattern.strip()
    if not text:
        raise ConfigError("empty pattern", hint="give part of a name (order_value) or a glob (app.orders.*)")
    found = store.find(text if is_glob(text) else f"*{text}*")
    return [n for n in found if not kinds or n.kind in kinds]
