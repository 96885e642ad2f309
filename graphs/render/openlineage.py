"""`lineage export --format openlineage`: the lineage graph as OpenLineage static lineage events.

A scanned graph has no runs, so it is told with the spec's static events
(https://openlineage.io/docs/spec/static-lineage): one `DatasetEvent` per table (its `schema`,
`ownership` and `documentation` facets) and one `JobEvent` per statement, dashboard or ML feature,
with its input and output datasets, the output's `columnLineage` facet and the statement's `sql`.
A dashboard or ML feature is its own job's output (`dashboard:NAME`), whose lineage names every
column it reads. Pure: the caller gives the statement texts, the namespace and the event time.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from lineage.model import Edge, Flow, Node, NodeKind, Relation

SPEC = "https://openlineage.io/spec/2-0-2/OpenLineage.json"
# the facet versions the openlineage-python client pins (tests/interfaces/openlineage_spec holds them)
FACETS = {
    "schema": "https://openlineage.io/spec/facets/1-2-0/SchemaDatasetFacet.json#/$defs/SchemaDatasetFacet",
    "columnLineage": "https://openlineage.io/spec/facets/1-2-0/ColumnLineageDatasetFacet.json#/$defs/ColumnLineageDatasetFacet",
    "ownership": "https://openlineage.io/spec/facets/1-0-1/OwnershipDatasetFacet.json#/$defs/OwnershipDatasetFacet",
    "documentation": "https://openlineage.io/spec/facets/1-1-0/DocumentationDatasetFacet.json#/$defs/DocumentationDatasetFacet",
    "jobOwnership": "https://openlineage.io/spec/facets/1-0-1/OwnershipJobFacet.json#/$defs/OwnershipJobFacet",
    "sql": "https://openlineage.io/spec/facets/1-1-0/SQLJobFacet.json#/$defs/SQLJobFacet",
}
CONSUMERS = frozenset({NodeKind.DASHBOARD, NodeKind.ML_FEATURE})

Record = dict[str, object]


@dataclass(frozen=True, slots=True)
class EventOptions:
    namespace: str
    event_time: str  # ISO 8601, e.g. 2026-12-05T12:00:00Z: when the export was made
    producer: str  # a URI naming this tool and its version
    # (file, statement number) -> the statement's text; for a dashboard or feature: (its SQL file, 0)
    queries: Mapping[tuple[str, int], str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Export:
    events: tuple[Record, ...]
    jobs: int
    datasets: int
    without_sql: int  # jobs whose statement text was not given: no `sql` facet
    left_out: tuple[Edge, ...]  # edges no event can carry (a source column of no named table)
    unparsed: int  # places whose lineage is missing from the graph (and so from the events)


@dataclass(frozen=True, slots=True)
class _Job:
    name: str
    query_key: tuple[str, int] | None
    consumer: Node | None  # a dashboard's or ML feature's job: the consumer is its output
    feeds: tuple[Edge, ...]


def openlineage_events(nodes: Sequence[Node], edges: Sequence[Edge], options: EventOptions) -> Export:
    """Every table's DatasetEvent, then every job's JobEvent, each list sorted by name."""
    graph = _Graph(nodes, edges)
    jobs, left_out = graph.jobs()
    datasets = [_dataset_event(graph, table, options) for table in graph.tables()]
    job_events = [_job_event(graph, job, options) for job in jobs]
    without = sum(1 for job in jobs if job.query_key not in options.queries)
    unparsed = sum(1 for n in nodes if n.kind is NodeKind.UNPARSED)
    return Export(tuple(datasets + job_events), len(jobs), len(datasets), without, tuple(left_out), unparsed)


def wanted_queries(nodes: Sequence[Node], edges: Sequence[Edge]) -> dict[tuple[str, int], set[int]]:
    """The statement texts the jobs' `sql` facets need: (file, statement number) -> the lines of its edges."""
    jobs, _ = _Graph(nodes, edges).jobs()
    wanted: dict[tuple[str, int], set[int]] = {}
    for job in jobs:
        if job.query_key is not None:
            lines = wanted.setdefault(job.query_key, set())
            lines.update(e.line for e in job.feeds if job.query_key[1])
    return wanted


class _Graph:
    """The nodes by id, each table's columns, and the FEEDS edges grouped into jobs."""

    def __init__(self, nodes: Sequence[Node], edges: Sequence[Edge]) -> None:
        self.nodes = {n.id: n for n in nodes}
        self.columns: dict[str, set[Node]] = defaultdict(set)  # several files may each say a table has a column
        for edge in edges:
            if edge.relation is Relation.HAS_COLUMN and edge.target in self.nodes:
                self.columns[edge.source].add(self.nodes[edge.target])
        self.feeds = sorted(e for e in edges if e.relation is Relation.FEEDS)

    def tables(self) -> list[Node]:
        return sorted((n for n in self.nodes.values() if n.kind is NodeKind.TABLE and _named(n.name)), key=lambda n: n.name)

    def table_of(self, node_id: str) -> str | None:
        """The dataset a column or table node belongs to; None for a column of no named table."""
        node = self.nodes.get(node_id)
        if node is None:
            return None
        if node.kind is NodeKind.TABLE:
            return node.name if _named(node.name) else None
        table = node.attr("table") if node.kind is NodeKind.COLUMN else None
        return table if table and _named(table) and node.attr("unresolved") != "true" else None

    def jobs(self) -> tuple[list[_Job], list[Edge]]:
        """One job per statement writing tables, one per dashboard or feature; the edges none can carry."""
        grouped: dict[str, list[Edge]] = defaultdict(list)
        keys: dict[str, tuple[Node | None, tuple[str, int] | None]] = {}
        left_out = []
        for edge in self.feeds:
            target = self.nodes.get(edge.target)
            if self.table_of(edge.source) is None or target is None:
                left_out.append(edge)
            elif target.kind in CONSUMERS:
                grouped[target.id].append(edge)
                sql = target.attr("sql")
                keys[target.id] = (target, (sql, 0) if sql else None)
            elif self.table_of(edge.target) is None:
                left_out.append(edge)
            else:
                name = f"{edge.file}#{edge.statement}"
                grouped[name].append(edge)
                keys[name] = (None, (edge.file, edge.statement))
        jobs = [_Job(name, keys[name][1], keys[name][0], tuple(found)) for name, found in sorted(grouped.items())]
        return jobs, left_out


def _named(name: str) -> bool:
    """A real table's name, not a stand-in (`<unresolved>`, `<unparsed> ...`)."""
    return bool(name) and not name.startswith("<")


def _facet(kind: str, options: EventOptions, **body: object) -> Record:
    return {"_producer": options.producer, "_schemaURL": FACETS[kind], **body}


def _dataset_event(graph: _Graph, table: Node, options: EventOptions) -> Record:
    facets: Record = {"schema": _schema(graph, table, options)}
    owner, description = table.attr("owner"), table.attr("description")
    if owner:
        facets["ownership"] = _facet("ownership", options, owners=[{"name": owner}])
    if description:
        facets["documentation"] = _facet("documentation", options, description=description)
    dataset = {"namespace": options.namespace, "name": table.name, "facets": facets}
    return _event("DatasetEvent", options, dataset=dataset)


def _schema(graph: _Graph, table: Node, options: EventOptions) -> Record:
    fields = []
    for column in sorted(graph.columns.get(table.id, ()), key=lambda n: n.attr("column") or ""):
        type_ = column.attr("type")
        fields.append({"name": column.attr("column") or "", **({"type": type_} if type_ else {})})
    return _facet("schema", options, fields=fields)


def _event(kind: str, options: EventOptions, **body: object) -> Record:
    return {"eventTime": options.event_time, "producer": options.producer, "schemaURL": f"{SPEC}#/$defs/{kind}", **body}


def _job_event(graph: _Graph, job: _Job, options: EventOptions) -> Record:
    facets: Record = {}
    if job.query_key in options.queries:
        facets["sql"] = _facet("sql", options, query=options.queries[job.query_key])
    owner = job.consumer.attr("owner") if job.consumer else None
    if owner:
        facets["ownership"] = _facet("jobOwnership", options, owners=[{"name": owner}])
    reads = sorted({t for e in job.feeds if (t := graph.table_of(e.source))})
    written = sorted({t for e in job.feeds if (t := graph.table_of(e.target))})
    outputs = [_output(graph, table, [e for e in job.feeds if graph.table_of(e.target) == table], options) for table in written]
    if job.consumer is not None:
        outputs.append(_consumer_output(graph, job.consumer, job.feeds, options))
    inputs = [{"namespace": options.namespace, "name": name} for name in reads]
    return _event("JobEvent", options, job={"namespace": options.namespace, "name": job.name, "facets": facets}, inputs=inputs, outputs=outputs)


def _output(graph: _Graph, table: str, feeds: Iterable[Edge], options: EventOptions) -> Record:
    """An output dataset: each column's input fields, and the fields that shape the whole table's rows."""
    fields: dict[str, dict[tuple[str, str], list[Edge]]] = defaultdict(lambda: defaultdict(list))
    whole: dict[tuple[str, str], list[Edge]] = defaultdict(list)
    for edge in feeds:
        source = graph.nodes[edge.source]
        key = (graph.table_of(edge.source) or "", source.attr("column") or "")
        target = graph.nodes[edge.target]
        if target.kind is NodeKind.TABLE:
            whole[key].append(edge)
        else:
            fields[target.attr("column") or ""][key].append(edge)
    lineage: Record = {"fields": {name: {"inputFields": _inputs(by, options)} for name, by in sorted(fields.items())}}
    if whole:
        lineage["dataset"] = _inputs(whole, options)
    facets = {"columnLineage": _facet("columnLineage", options, **lineage)}
    node = graph.nodes.get(f"{NodeKind.TABLE}:{table}")
    if node is not None:
        facets["schema"] = _schema(graph, node, options)
    return {"namespace": options.namespace, "name": table, "facets": facets}


def _consumer_output(graph: _Graph, consumer: Node, feeds: Iterable[Edge], options: EventOptions) -> Record:
    """A dashboard or ML feature as its job's output, named by its id (`dashboard:NAME`) so that it
    never meets a table's name; it has no columns, so every column it reads shapes it as a whole."""
    read: dict[tuple[str, str], list[Edge]] = defaultdict(list)
    for edge in feeds:
        read[(graph.table_of(edge.source) or "", graph.nodes[edge.source].attr("column") or "")].append(edge)
    lineage = _facet("columnLineage", options, fields={}, dataset=_inputs(read, options))
    return {"namespace": options.namespace, "name": consumer.id, "facets": {"columnLineage": lineage}}


def _inputs(by_field: Mapping[tuple[str, str], list[Edge]], options: EventOptions) -> list[Record]:
    return [
        {"namespace": options.namespace, "name": table, "field": column, "transformations": _transformations(edges)}
        for (table, column), edges in sorted(by_field.items())
    ]


def _transformations(edges: Iterable[Edge]) -> list[Record]:
    """Our flow and subtype are the facet's type and subtype (lineage/model.py); masking is not
    known from the SQL's shape alone, so it is left out rather than said to be false."""
    kinds = sorted({(e.flow or Flow.DIRECT, e.subtype) for e in edges})
    return [{"type": flow.upper(), **({"subtype": subtype.upper()} if subtype else {})} for flow, subtype in kinds]
