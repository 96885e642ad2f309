"""Superset: the YAML of `superset export-dashboards` (a folder holding `metadata.yaml`, or the
export's zip, whose one top folder holds it: known by that content, whatever the zip is called).

Datasets (`datasets/<database>/<table>.yaml`) are physical (`schema` + `table_name`) or virtual
(`sql`, traced with the SQL extractor); their metrics and calculated columns are SQL expressions,
traced over the dataset. Each chart (`superset:<slice_name>`) reads what its params name: metrics,
group-bys, columns and x-axis (direct), ad-hoc filters and the time column (indirect). Each
dashboard (`superset:<dashboard_title>`) reads what the charts in its `position` read. `owners:`,
where an export carries them, name the owner; else the catalog's `consumer_owners` rules apply.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, BinaryIO

from lineage.catalog import Consumer, Owner
from lineage.model import ColumnEdge, Diagnostic, Flow, Location, NodeKind, Subtype
from parsers.bi.common import BiFacts, Column, Declarations, Sql, file_facts, owner_of, read, sorted_reads
from parsers.bi.archive import read_zip
from parsers.sources.documents import parse_yaml
from parsers.sources.paths import SUPERSET_FILE
from parsers.sources.reading import Unreadable, decode

_DIRECT = ("metrics", "metric", "percent_metrics", "timeseries_limit_metric", "groupby", "columns", "all_columns", "x_axis", "series", "entity", "secondary_metric")
_FILTERS = ("adhoc_filters", "granularity_sqla")
# metadata.yaml's `type` in Superset's exports: dashboards, charts, datasets, databases, saved queries
EXPORT_TYPES = frozenset({"Dashboard", "Slice", "SqlaTable", "Database", "SavedQuery"})


@dataclass(slots=True)
class _Dataset:
    shown: str
    relation: str  # the FROM of its expressions: a table, or its SQL as a subquery
    metrics: dict[str, str] = field(default_factory=dict)  # metric name -> SQL expression
    computed: dict[str, str] = field(default_factory=dict)  # calculated column -> SQL expression
    table: str | None = None  # a physical dataset's table: plain columns need no tracing


@dataclass(slots=True)
class _Export:
    sql: Sql
    notes: dict[str, list[Diagnostic]] = field(default_factory=dict)
    statements: dict[str, int] = field(default_factory=dict)
    owners: dict[str, Owner] = field(default_factory=dict)

    def expression(self, dataset: _Dataset, sql: str, at: Location) -> set[Column]:
        """The warehouse columns a SQL expression over the dataset reads."""
        traced = self.sql.trace(f"SELECT {sql} AS superset_value FROM {dataset.relation}", "superset_expr", at)
        if traced.diagnostics:
            self.notes.setdefault(at.file, []).extend(traced.diagnostics)
        return traced.of("superset_value")

    def column(self, dataset: _Dataset, name: str, at: Location) -> set[Column]:
        if name in dataset.metrics:
            return self.expression(dataset, dataset.metrics[name], at)
        if name in dataset.computed:
            return self.expression(dataset, dataset.computed[name], at)
        if dataset.table is not None:
            return {(dataset.table, name)}
        return self.expression(dataset, _quoted(name), at)


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _metadata(names: list[str]) -> list[str]:
    return sorted(n for n in names if n.count("/") == 1 and n.endswith("/" + SUPERSET_FILE))


def unpack_export(shown: str, data: bytes | BinaryIO, max_bytes: int | None) -> tuple[list[tuple[str, str]], list[Diagnostic]] | None:
    """An export zip's YAML files (shown as `export.zip!member`, text) and why any was not read; None
    for a zip that is no Superset export (no top folder holding metadata.yaml): scans ignore those."""
    marker = read_zip(shown, data, _metadata, max_bytes)
    if isinstance(marker, Diagnostic):
        return [], [marker]
    if not marker:
        return None
    name, content = sorted(marker.items())[0]
    where = Location(f"{shown}!{name}")
    try:
        meta = parse_yaml(decode(content, where), where) if isinstance(content, bytes) else content
    except Unreadable as err:
        meta = err.diagnostic
    if isinstance(meta, Diagnostic):
        return [], [meta]
    kind = meta.get("type") if isinstance(meta, dict) else None
    if kind not in EXPORT_TYPES:
        return [], [Diagnostic(Location(where.file, 1), f"has a metadata.yaml whose type is {kind!r}, not a Superset export's ({', '.join(sorted(EXPORT_TYPES))}); not read")]
    top = name.split("/")[0] + "/"
    members = read_zip(shown, data, lambda names: sorted(n for n in names if n.startswith(top) and n.endswith(".yaml") and n != name), max_bytes)
    if isinstance(members, Diagnostic):
        return [], [members]
    texts: list[tuple[str, str]] = []
    unread: list[Diagnostic] = []
    for member, content in members.items():
        if isinstance(content, Diagnostic):
            unread.append(content)
            continue
        try:
            texts.append((f"{shown}!{member}", decode(content, Location(f"{shown}!{member}"))))
        except Unreadable as err:
            unread.append(err.diagnostic)
    return texts, unread


def read_superset(files: list[tuple[str, str]], sql: Sql) -> BiFacts:
    """An export's YAML files (path shown, text): datasets first, then charts, then dashboards."""
    export = _Export(sql)
    docs: dict[str, list[tuple[str, Declarations, dict[str, Any]]]] = {"datasets": [], "charts": [], "dashboards": []}
    for shown, text in files:
        export.notes.setdefault(shown, [])
        data = parse_yaml(text, Location(shown))
        if isinstance(data, Diagnostic):
            export.notes[shown].append(data)
        elif isinstance(data, dict):
            kind = "datasets" if "table_name" in data else "charts" if "slice_name" in data else "dashboards" if "dashboard_title" in data else ""
            if kind:
                docs[kind].append((shown, Declarations(text), data))
    # by uuid, which charts and dashboards name them by (a file without one still counts, by its path)
    datasets = {str(d.get("uuid") or s): _dataset(export, s, lines, d) for s, lines, d in docs["datasets"]}
    charts = {str(d.get("uuid") or s): _chart(export, s, lines, d, datasets) for s, lines, d in docs["charts"]}
    boards = [_dashboard(export, s, lines, d, charts) for s, lines, d in docs["dashboards"]]
    files_out = tuple(file_facts(s, n, export.statements.get(s, 0)) for s, n in sorted(export.notes.items()))
    return BiFacts((*charts.values(), *boards), tuple(export.owners.values()), files_out)


def _dataset(export: _Export, shown: str, lines: Declarations, data: dict[str, Any]) -> _Dataset:
    name = str(data.get("table_name"))
    virtual = data.get("sql")
    if isinstance(virtual, str) and virtual.strip():
        export.statements[shown] = export.statements.get(shown, 0) + 1
        found = _Dataset(shown, f"({virtual.strip().rstrip(';')}) AS {_quoted(name)}")
    else:
        table = ".".join(str(p) for p in (data.get("schema"), name) if p)
        found = _Dataset(shown, table, table=table)
    for metric in data.get("metrics") or []:
        if isinstance(metric, dict) and metric.get("expression"):
            found.metrics[str(metric.get("metric_name"))] = str(metric["expression"])
    for column in data.get("columns") or []:
        if isinstance(column, dict) and column.get("expression"):
            found.computed[str(column.get("column_name"))] = str(column["expression"])
    return found


def _uses(params: dict[str, Any]) -> list[tuple[object, Flow, Subtype]]:
    uses: list[tuple[object, Flow, Subtype]] = []
    for key, flow, subtype in [*((k, Flow.DIRECT, Subtype.IDENTITY) for k in _DIRECT), *((k, Flow.INDIRECT, Subtype.FILTER) for k in _FILTERS)]:
        value = params.get(key)
        uses += [(item, flow, subtype) for item in (value if isinstance(value, list) else [value] if value else [])]
    return uses


def _columns(export: _Export, dataset: _Dataset, item: object, at: Location) -> set[Column]:
    """One metric, column or filter of a chart: a name, or an ad-hoc SIMPLE or SQL definition."""
    if isinstance(item, str):
        return export.column(dataset, item, at)
    if not isinstance(item, dict):
        return set()
    if item.get("expressionType") == "SQL" and item.get("sqlExpression"):
        return export.expression(dataset, str(item["sqlExpression"]), at)
    column = item.get("column") or item.get("subject")
    name = column.get("column_name") if isinstance(column, dict) else column
    return export.column(dataset, str(name), at) if name else set()


def _chart(export: _Export, shown: str, lines: Declarations, data: dict[str, Any], datasets: dict[str, _Dataset]) -> Consumer:
    name = str(data.get("slice_name"))
    cid, at = f"superset:{name}", Location(shown, lines.find(r"^slice_name:"))
    dataset = datasets.get(str(data.get("dataset_uuid")))
    reads: set[ColumnEdge] = set()
    if dataset is None:
        export.notes[shown].append(Diagnostic(at, f"chart '{name}' names a dataset not in the export; its reads are not traced"))
    else:
        params = data.get("params") if isinstance(data.get("params"), dict) else {}
        for item, flow, subtype in _uses(params):
            reads |= {read(cid, t, c, at, flow, subtype) for t, c in _columns(export, dataset, item, at)}
    return Consumer(cid, NodeKind.DASHBOARD, _owner(export, data), name, "", (), "", sorted_reads(reads), at)


def _owner(export: _Export, data: dict[str, Any]) -> str:
    owners = [o for o in (data.get("owners") or []) if isinstance(o, str)]
    found = owner_of(owners[0]) if owners else None
    if found is None:
        return ""
    export.owners.setdefault(found.id, found)
    return found.id


def _dashboard(export: _Export, shown: str, lines: Declarations, data: dict[str, Any], charts: dict[str, Consumer]) -> Consumer:
    title = str(data.get("dashboard_title"))
    cid, at = f"superset:{title}", Location(shown, lines.find(r"^dashboard_title:"))
    position = data.get("position") if isinstance(data.get("position"), dict) else {}
    used = {str(p["meta"].get("uuid")) for p in position.values() if isinstance(p, dict) and p.get("type") == "CHART" and isinstance(p.get("meta"), dict)}
    reads = {read(cid, e.source_table, e.source_column, e.at, e.flow, e.subtype) for u in sorted(used) if u in charts for e in charts[u].reads}
    return Consumer(cid, NodeKind.DASHBOARD, _owner(export, data), title, "", (), "", sorted_reads(reads), at)
