"""Power BI reports of a PBIP project: the visuals, and the measures and columns they use.

A report folder holds `definition.pbir`, naming its semantic model (`datasetReference.byPath`),
and its visuals either in the PBIR format (`definition/pages/<page>/page.json` and
`.../visuals/<visual>/visual.json`) or in the older `report.json` (`sections[].visualContainers[]`,
each `config` a JSON string). A field is `{"Measure"|"Column": {"Expression": {"SourceRef":
{"Entity": table}}, "Property": name}}` (or a `Source` alias of the query's `From`). Each visual
(`powerbi:<report>/<page>/<visual>`) reads what its query's fields read (direct) and its filters
(indirect); the report (`powerbi:<report>`) reads what its visuals read.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from lineage.catalog import Consumer
from lineage.model import ColumnEdge, Diagnostic, Flow, Location, NodeKind, Subtype
from parsers.bi.common import BiFacts, Sql, file_facts, read, sorted_reads, warning
from parsers.bi.powerbi import Model, model_name, read_bim, read_tmdl

Fields = list[tuple[str, str, Flow]]  # (table, measure or column, how it is used)


@dataclass(slots=True)
class Report:
    folder: str  # as shown
    files: dict[str, str] = field(default_factory=dict)  # shown path -> text
    notes: dict[str, list[Diagnostic]] = field(default_factory=dict)

    def json(self, shown: str) -> Any:
        try:
            return json.loads(self.files[shown])
        except (json.JSONDecodeError, RecursionError) as err:
            line = getattr(err, "lineno", 1)
            self.notes.setdefault(shown, []).append(Diagnostic(Location(shown, line), f"not valid JSON ({getattr(err, 'msg', 'nested too deeply')}); not read"))
            return None

    def model_folder(self) -> str | None:
        """The folder of the semantic model `definition.pbir` names by path, else a note."""
        shown = f"{self.folder}/definition.pbir"
        data = self.json(shown) if shown in self.files else None
        ref = data.get("datasetReference") if isinstance(data, dict) else None
        path = ref.get("byPath", {}).get("path") if isinstance(ref, dict) and isinstance(ref.get("byPath"), dict) else None
        if isinstance(path, str):
            return os.path.normpath(os.path.join(self.folder, path))
        if shown in self.files and data is not None:
            self.notes.setdefault(shown, []).append(warning(Location(shown, 1), "report uses a published semantic model (no datasetReference.byPath); its visuals are not traced"))
        return None


def name(folder: str) -> str:
    return PurePosixPath(folder).name.removesuffix(".Report")


def _refs(value: Any, aliases: dict[str, str], flow: Flow) -> Iterator[tuple[str, str, Flow]]:
    """Every Measure or Column field in a visual's JSON, with its table."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key in ("Measure", "Column"):
                ref = item.get(key)
                source = ref.get("Expression", {}).get("SourceRef", {}) if isinstance(ref, dict) and isinstance(ref.get("Expression"), dict) else {}
                if isinstance(source, dict) and isinstance(ref, dict) and isinstance(ref.get("Property"), str):
                    table = source.get("Entity") or aliases.get(str(source.get("Source")), "")
                    yield str(table), ref["Property"], flow
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def _visuals(report: Report) -> list[tuple[str, str, Location, Fields]]:
    """(page, visual, where, fields used) for each visual, in either report format."""
    found: list[tuple[str, str, Location, Fields]] = []
    pages: dict[str, str] = {}
    for shown in sorted(p for p in report.files if p.endswith("/page.json")):
        data = report.json(shown)
        pages[str(PurePosixPath(shown).parent)] = str(data.get("displayName") or data.get("name")) if isinstance(data, dict) else PurePosixPath(shown).parent.name
    for shown in sorted(p for p in report.files if p.endswith("/visual.json")):
        data = report.json(shown)
        if not isinstance(data, dict):
            continue
        page_folder = str(PurePosixPath(shown).parent.parent.parent)
        visual = data.get("visual") if isinstance(data.get("visual"), dict) else {}
        fields = [*_refs(visual.get("query"), {}, Flow.DIRECT), *_refs(data.get("filterConfig"), {}, Flow.INDIRECT)]
        found.append((pages.get(page_folder, PurePosixPath(page_folder).name), _title(visual) or str(data.get("name")), Location(shown, 1), fields))
    legacy = f"{report.folder}/report.json"
    if legacy in report.files:
        found += _legacy(report, legacy)
    return found


def _title(visual: dict[str, Any]) -> str:
    """The visual's title text, where set (`visualContainerObjects.title`), without its quotes."""
    try:
        value = visual["visualContainerObjects"]["title"][0]["properties"]["text"]["expr"]["Literal"]["Value"]
    except (KeyError, IndexError, TypeError):
        return ""
    return str(value).strip("'")


def _legacy(report: Report, shown: str) -> list[tuple[str, str, Location, Fields]]:
    data = report.json(shown)
    found: list[tuple[str, str, Location, Fields]] = []
    lines = report.files[shown].splitlines()
    for section in (s for s in (data.get("sections") or [] if isinstance(data, dict) else []) if isinstance(s, dict)):
        page = str(section.get("displayName") or section.get("name"))
        for container in (c for c in section.get("visualContainers") or [] if isinstance(c, dict)):
            config = _embedded(container.get("config"))
            single = config.get("singleVisual") if isinstance(config.get("singleVisual"), dict) else {}
            query = single.get("prototypeQuery") if isinstance(single.get("prototypeQuery"), dict) else {}
            aliases = {str(f.get("Name")): str(f.get("Entity")) for f in query.get("From") or [] if isinstance(f, dict)}
            fields = [*_refs(query.get("Select"), aliases, Flow.DIRECT), *_refs(_embedded(container.get("filters"), []), {}, Flow.INDIRECT)]
            visual = str(config.get("name") or "visual")
            line = next((i + 1 for i, text in enumerate(lines) if visual in text), 1)
            found.append((page, _title({"visualContainerObjects": single.get("vcObjects")}) or visual, Location(shown, line), fields))
    return found


def _embedded(value: Any, empty: Any = None) -> Any:
    """report.json keeps a visual's config and filters as JSON strings inside the JSON."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except (json.JSONDecodeError, RecursionError):
            return {} if empty is None else empty
    return value if value is not None else ({} if empty is None else empty)


def report_consumers(report: Report, model: Model | None) -> list[Consumer]:
    visuals = _visuals(report)
    if model is None:
        return []
    rid = f"powerbi:{name(report.folder)}"
    consumers: list[Consumer] = []
    for page, title, at, fields in visuals:
        cid = f"{rid}/{page}/{title}"
        reads: set[ColumnEdge] = set()
        for table, prop, flow in fields:
            subtype = Subtype.IDENTITY if flow is Flow.DIRECT else Subtype.FILTER
            reads |= {read(cid, t, c, at, flow, subtype) for t, c in model.field(table, prop, at)}
        consumers.append(Consumer(cid, NodeKind.DASHBOARD, "", title, "", (), "", sorted_reads(reads), at))
    whole = {read(rid, e.source_table, e.source_column, e.at, e.flow, e.subtype) for c in consumers for e in c.reads}
    at = Location(f"{report.folder}/definition.pbir", 1)
    return [Consumer(rid, NodeKind.DASHBOARD, "", name(report.folder), "", (), "", sorted_reads(whole), at), *consumers]


def read_powerbi(models: dict[str, list[tuple[str, str]]], reports: dict[str, dict[str, str]], sql: Sql) -> BiFacts:
    """A PBIP project's semantic models (folder -> its `model.bim` or `.tmdl` files) and reports
    (folder -> its files), as shown: each measure, each report and each visual a consumer."""
    read_models: dict[str, Model] = {}
    consumers: list[Consumer] = []
    for folder in sorted(models):
        model = read_models[os.path.normpath(folder)] = Model(model_name(folder), sql)
        bim = [(s, t) for s, t in models[folder] if s.endswith(".bim")]
        if bim:
            read_bim(model, *bim[0])
        else:
            read_tmdl(model, [(s, t) for s, t in models[folder] if "/tables/" in s])
        consumers += model.consumers()
    notes: dict[str, list[Diagnostic]] = {}
    for folder in sorted(reports):
        report = Report(folder, reports[folder])
        target = report.model_folder()
        model = read_models.get(target) if target else None
        if target and model is None:
            report.notes.setdefault(f"{folder}/definition.pbir", []).append(warning(Location(f"{folder}/definition.pbir", 1), f"report names semantic model {target}, which is not in the scanned paths; its visuals are not traced"))
        consumers += report_consumers(report, model)
        for shown in report.files:
            notes.setdefault(shown, []).extend(report.notes.get(shown, []))
    statements: dict[str, int] = {}
    for model in read_models.values():
        for shown, found in model.notes.items():
            notes.setdefault(shown, []).extend(found)
        for shown, count in model.statements.items():
            statements[shown] = statements.get(shown, 0) + count
    return BiFacts(tuple(consumers), (), tuple(file_facts(s, n, statements.get(s, 0)) for s, n in sorted(notes.items())))
