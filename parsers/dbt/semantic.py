"""dbt's semantic layer as consumers: semantic models, metrics and saved queries.

Each becomes a consumer in `impact`, with its owner, like an exposure
(https://docs.getdbt.com/docs/build/semantic-models). A semantic model reads the columns its
entities, dimensions and measures name (`expr`, else the element's name) in the model it is
built on; a metric reads the columns of its measures (simple, cumulative, conversion) and of the
metrics it is made of (ratio, derived); a saved query reads what its metrics read. A measure
whose `expr` names no column (`expr: 1`, a row count) reads the rows' primary entity. Ids are
prefixed (`metric.orders`), as a semantic model and a metric may share a name.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from sqlglot import exp
from sqlglot.errors import SqlglotError

from lineage.catalog import Consumer, Owner
from lineage.model import ColumnEdge, Diagnostic, Flow, Location, NodeKind, Severity, Subtype
from parsers.dbt.project import Project, owner_of, plain
from parsers.sql.extract import get_dialect

SECTIONS = ("semantic_models", "metrics", "saved_queries")
_PREFIX = {"semantic_models": "semantic_model", "metrics": "metric", "saved_queries": "saved_query"}
_ELEMENTS = ("entities", "dimensions", "measures")
# MetricFlow's names in filters and group-bys: Dimension('order__is_food'), TimeDimension('order__at', 'day'), Entity('order')
_SEMANTIC_NAME = re.compile(r"""\b(?:Dimension|TimeDimension|Entity)\(\s*['"]([\w]+)['"]""")


@dataclass(frozen=True, slots=True)
class SemanticEntry:
    section: str  # one of SECTIONS
    entry: Mapping[str, Any]  # as written in YAML, or as the manifest holds it
    at: Location
    depends: tuple[str, ...] = ()  # a semantic model's model, as a node uid


@dataclass(frozen=True, slots=True)
class _Read:
    table: str
    column: str


def semantic_consumers(project: Project, entries: list[SemanticEntry], table_of: Callable[[str], str], groups: Mapping[str, Owner | None]) -> tuple[list[Consumer], list[Diagnostic]]:
    """A consumer per semantic model, metric and saved query, and what could not be followed."""
    layer = _Layer(project, table_of)
    layer.metrics.update({str(e.entry["name"]): e.entry for e in entries if e.section == "metrics"})
    for entry in entries:
        if entry.section == "semantic_models":
            layer.model(entry)
    consumers = []
    for entry in sorted(entries, key=lambda e: (SECTIONS.index(e.section), str(e.entry.get("name")))):
        name = str(entry.entry["name"])
        reads = layer.reads(entry)
        ident = f"{_PREFIX[entry.section]}.{name}"
        edges = tuple(sorted({ColumnEdge(r.table, r.column, ident, None, Flow.DIRECT, Subtype.IDENTITY, entry.at) for r in reads}, key=ColumnEdge.key))
        owner = _owner(entry.entry, groups)
        consumers.append(Consumer(ident, NodeKind.DASHBOARD, owner.id if owner else "", str(entry.entry.get("label") or name), "", (), "", edges, entry.at))
    return consumers, sorted(set(layer.notes))


def owners(entries: list[SemanticEntry], groups: Mapping[str, Owner | None]) -> list[Owner]:
    return [o for o in (_owner(e.entry, groups) for e in entries) if o is not None]


def _owner(entry: Mapping[str, Any], groups: Mapping[str, Owner | None]) -> Owner | None:
    config = plain(entry.get("config") or {})
    meta = {**(plain(entry.get("meta")) or {}), **(config.get("meta") or {})}
    return owner_of(meta.get("owner")) or groups.get(str(config.get("group") or entry.get("group") or ""))


class _Layer:
    """Measures and metrics by name, and the reads each resolves to."""

    def __init__(self, project: Project, table_of: Callable[[str], str]) -> None:
        self.project, self.table_of = project, table_of
        self.models: dict[str, list[_Read]] = {}
        self.measures: dict[str, list[_Read]] = {}
        self.dimensions: dict[str, list[_Read]] = {}  # "entity__dimension", "entity": what it reads
        self.metrics: dict[str, Mapping[str, Any]] = {}
        self.notes: list[Diagnostic] = []
        self._resolving: set[str] = set()

    def model(self, entry: SemanticEntry) -> None:
        node = self.project.nodes.get(entry.depends[0]) if entry.depends else None
        name = str(entry.entry["name"])
        if node is None or not node.relation:
            self.notes.append(Diagnostic(entry.at, f"semantic model '{name}' is built on {entry.entry.get('model') or 'no model'}, which names no model of this project", Severity.WARNING))
            self.models[name] = []
            return
        table = self.table_of(node.relation)
        primary = [self._columns(e) for e in entry.entry.get("entities") or () if isinstance(e, dict) and e.get("type") == "primary"]
        reads: list[_Read] = []
        for kind in _ELEMENTS:
            for element in entry.entry.get(kind) or ():
                if not isinstance(element, dict) or not element.get("name"):
                    continue
                columns = self._columns(element) or (primary[0] if primary else [])
                found = [_Read(table, c) for c in columns]
                reads += found
                if kind == "measures":
                    self.measures[str(element["name"])] = found
                elif kind == "entities":
                    self.dimensions[str(element["name"])] = found
                else:
                    self._by_entity(entry, str(element["name"]), found)
        self.models[name] = reads

    def _by_entity(self, entry: SemanticEntry, dimension: str, found: list[_Read]) -> None:
        """A dimension as filters and group-bys name it: through any entity of its model."""
        for entity in entry.entry.get("entities") or ():
            if isinstance(entity, dict) and entity.get("name"):
                self.dimensions[f"{entity['name']}__{dimension}"] = found

    def _columns(self, element: Mapping[str, Any]) -> list[str]:
        """The columns an element's `expr` (else its name) names."""
        text = str(element.get("expr") if element.get("expr") is not None else element["name"])
        try:
            parsed = exp.maybe_parse(text, dialect=get_dialect(self.project.dialect))
        except (SqlglotError, RecursionError):
            return [text.lower()] if text.isidentifier() else []
        return sorted({c.name.lower() for c in parsed.find_all(exp.Column)})

    def reads(self, entry: SemanticEntry) -> list[_Read]:
        name = str(entry.entry["name"])
        if entry.section == "semantic_models":
            return self.models.get(name, [])
        if entry.section == "metrics":
            return self._metric(name, entry.at)
        params = entry.entry.get("query_params") or {}
        metrics = params.get("metrics") or ()
        return [r for m in metrics for r in self._metric(str(m), entry.at)] + self._filters([params.get("where"), params.get("group_by")], entry.at)

    def _filters(self, value: object, at: Location) -> list[_Read]:
        """What the `Dimension('entity__name')`, `TimeDimension(...)` and `Entity(...)` in filters
        and group-bys read (`metric_time` is the time spine's, no column of a model)."""
        reads: list[_Read] = []
        for text in _texts(value):
            for name in _SEMANTIC_NAME.findall(text):
                if name in self.dimensions:
                    reads += self.dimensions[name]
                elif name != "metric_time" and not name.startswith("metric_time__"):
                    self.notes.append(Diagnostic(at, f"'{name}' names no dimension or entity of a semantic model", Severity.WARNING))
        return reads

    def _metric(self, name: str, at: Location) -> list[_Read]:
        definition = self.metrics.get(name)
        if definition is None or name in self._resolving:
            if definition is None:
                self.notes.append(Diagnostic(at, f"metric '{name}' is not defined in this project", Severity.WARNING))
            return []
        self._resolving.add(name)
        try:
            reads = [r for m in _measures(definition) for r in self._measure(m, at)]
            reads += self._filters([definition.get("filter"), (definition.get("type_params") or {}).get("measure")], at)
            return reads + [r for m in _submetrics(definition) for r in self._metric(m, at)]
        finally:
            self._resolving.discard(name)

    def _measure(self, name: str, at: Location) -> list[_Read]:
        if name not in self.measures:
            self.notes.append(Diagnostic(at, f"measure '{name}' is not defined by any semantic model", Severity.WARNING))
        return self.measures.get(name, [])


def _texts(value: object) -> Iterator[str]:
    """Every string in a YAML (or manifest) value."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _texts(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _texts(item)


def _named(value: object) -> Iterator[str]:
    """`measure: x`, `measure: {name: x}`, `metrics: [x, {name: y}]`."""
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, dict) and item.get("name"):
            yield str(item["name"])
        elif isinstance(item, str) and item:
            yield item


def _measures(metric: Mapping[str, Any]) -> list[str]:
    params = metric.get("type_params") or {}
    conversion = params.get("conversion_type_params") or {}
    found = [*_named(params.get("measure")), *_named(conversion.get("base_measure")), *_named(conversion.get("conversion_measure"))]
    if not found:  # the manifest lists a metric's measures resolved, ratio and derived too
        found = list(_named(params.get("input_measures")))
    return found


def _submetrics(metric: Mapping[str, Any]) -> list[str]:
    params = metric.get("type_params") or {}
    return [*_named(params.get("numerator")), *_named(params.get("denominator")), *_named(params.get("metrics"))]
