"""Tableau: workbooks (`.twb`) and data sources (`.tds`), and their packaged zips (`.twbx`, `.tdsx`).

The XML is parsed with defusedxml: a document declaring entities (a billion-laughs bomb) or an
external DTD is refused, as one line. A zip is opened only for its one workbook or data-source
member, read up to the size limit whatever its header claims, so a zip bomb costs that much at most.

A data source maps its local column names to the columns of its relations (`<cols><map>`, metadata
records): a warehouse table, or custom SQL traced with the SQL extractor. A calculated field reads
the fields its formula names. Each worksheet (`tableau:<workbook>/<sheet>`) reads what its
`datasource-dependencies` name (direct) and its filters (indirect); each dashboard reads what the
worksheets in its zones read; in a `.tds`, the data source itself is the consumer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from lineage.catalog import Consumer
from lineage.model import ColumnEdge, Diagnostic, Flow, Location, NodeKind, Subtype
from parsers.sources.reading import Unreadable, decode
from parsers.bi.archive import read_zip
from parsers.bi.common import BiFacts, Column, Declarations, Sql, Traced, file_facts, read, sorted_reads

_BRACKETED = re.compile(r"\[([^\]]+)\]")
_INSTANCE = re.compile(r"^(?:\[[^\]]+\]\.)?\[(?:\w+:)?([^:\]]+)(?::\w+)?\]$")  # [ds].[sum:revenue_usd:qk] -> revenue_usd
MAX_FORMULA_DEPTH = 100  # calculated fields naming calculated fields: a few deep in real workbooks


@dataclass(slots=True)
class _Source:
    """One data source: local column -> (relation, remote column), relations, calculations."""

    name: str
    caption: str
    tables: dict[str, str | Traced] = field(default_factory=dict)  # relation name -> table or traced SQL
    columns: dict[str, tuple[str, str]] = field(default_factory=dict)  # local name -> (relation, remote)
    formulas: dict[str, str] = field(default_factory=dict)  # calculated field -> formula

    def reads(self, name: str, seen: frozenset[str] = frozenset()) -> set[Column]:
        if name in seen or len(seen) > MAX_FORMULA_DEPTH:  # a calculation naming itself: Tableau refuses it, so do we
            return set()
        if name in self.formulas:
            return {c for ref in _BRACKETED.findall(self.formulas[name]) for c in self.reads(ref, seen | {name})}
        relation, remote = self.columns.get(name, (next(iter(self.tables), ""), name) if len(self.tables) == 1 else ("", name))
        table = self.tables.get(relation)
        if isinstance(table, Traced):
            return table.of(remote)
        return {(table, remote)} if table else set()


def unpack(shown: str, data: bytes, max_bytes: int | None) -> str | Diagnostic:
    """The workbook or data source inside a packaged `.twbx`/`.tdsx`, bounded by `max_bytes`."""
    found = read_zip(shown, data, lambda names: [n for n in names if PurePosixPath(n).suffix in (".twb", ".tds") and "/" not in n.strip("/")][:1], max_bytes)
    if isinstance(found, Diagnostic):
        return found
    if not found:
        return Diagnostic(Location(shown), "packaged file holds no .twb or .tds at its top level; not read")
    text = next(iter(found.values()))
    if isinstance(text, Diagnostic):
        return text
    try:
        return decode(text, Location(shown))
    except Unreadable as err:
        return err.diagnostic


def read_tableau(shown: str, text: str, sql: Sql) -> BiFacts:
    """One workbook or data source file's consumers."""
    try:
        root = SafeET.fromstring(text)
    except DefusedXmlException as err:
        return _refused(shown, 1, f"refused: the XML declares {type(err).__name__.removesuffix('Forbidden').lower() or 'entities'} (an entity bomb or an external reference); not read")
    except ParseError as err:
        return _refused(shown, err.position[0], f"not valid XML ({str(err).split(':')[0]}); not read")
    lines = Declarations(text)
    notes: list[Diagnostic] = []
    traced: list[Traced] = []
    sources = {s.name: s for s in (_source(shown, lines, e, sql, notes, traced) for e in root.iter("datasource") if e.find("connection") is not None)}
    book = PurePosixPath(shown).stem
    if root.tag == "datasource":
        consumers = [_source_consumer(book, lines, shown, s) for s in sources.values()]
    else:
        sheets = {str(w.get("name")): _worksheet(book, lines, shown, w, sources) for w in root.iter("worksheet")}
        consumers = [*sheets.values(), *(_dashboard(book, lines, shown, d, sheets) for d in root.iter("dashboard"))]
    return BiFacts(tuple(consumers), (), (file_facts(shown, notes, sum(t.statements for t in traced)),))


def _refused(shown: str, line: int, message: str) -> BiFacts:
    return BiFacts((), (), (file_facts(shown, [Diagnostic(Location(shown, line), message)]),))


def _line(lines: Declarations, tag: str, name: str) -> int:
    return lines.find(rf"<{tag}\b[^>]*\bname=['\"]{re.escape(name)}['\"]")


def _source(shown: str, lines: Declarations, element: Element, sql: Sql, notes: list[Diagnostic], traced: list[Traced]) -> _Source:
    name = str(element.get("name") or element.get("formatted-name") or "")
    source = _Source(name, str(element.get("caption") or name))
    start = _line(lines, "datasource", name)
    for relation in element.iter("relation"):
        kind, rel = relation.get("type"), str(relation.get("name", ""))
        if kind == "table" and relation.get("table"):
            source.tables[rel] = ".".join(_BRACKETED.findall(str(relation.get("table"))) or [str(relation.get("table"))])
        elif kind == "text" and (relation.text or "").strip():
            at = Location(shown, lines.find(rf"<relation\b[^>]*\bname=['\"]{re.escape(rel)}['\"]", start))
            query = sql.trace(str(relation.text), "tableau_sql." + re.sub(r"\W", "_", rel).lower(), at)
            notes.extend(query.diagnostics)
            traced.append(query)
            source.tables[rel] = query
    for mapping in element.iter("map"):
        key, value = _BRACKETED.findall(str(mapping.get("key", ""))), _BRACKETED.findall(str(mapping.get("value", "")))
        if key and len(value) == 2:
            source.columns[key[0]] = (value[0], value[1])
    for record in element.iter("metadata-record"):
        local, remote, parent = (_BRACKETED.findall(record.findtext(k) or "") for k in ("local-name", "remote-name", "parent-name"))
        if local and parent:
            source.columns.setdefault(local[0], (parent[0], (record.findtext("remote-name") or local[0]).strip()))
    for column in element.iter("column"):
        calc = column.find("calculation")
        if calc is not None and calc.get("formula") is not None:
            source.formulas[_BRACKETED.findall(str(column.get("name", "")))[0] if _BRACKETED.findall(str(column.get("name", ""))) else str(column.get("name"))] = str(calc.get("formula"))
    return source


def _uses(view: Element, sources: dict[str, _Source]) -> list[tuple[_Source, str, Flow, Subtype]]:
    """The fields a worksheet's view uses: its datasource dependencies (direct) and filters (indirect)."""
    uses: list[tuple[_Source, str, Flow, Subtype]] = []
    for deps in view.iter("datasource-dependencies"):
        source = sources.get(str(deps.get("datasource")))
        if source is None:
            continue
        for column in deps.iter("column"):
            names = _BRACKETED.findall(str(column.get("name", "")))
            uses += [(source, names[0], Flow.DIRECT, Subtype.IDENTITY)] if names else []
    for flt in view.iter("filter"):
        parts = _BRACKETED.findall(str(flt.get("column", "")))
        instance = _INSTANCE.match(str(flt.get("column", "")))
        if len(parts) == 2 and parts[0] in sources and instance:
            uses.append((sources[parts[0]], instance.group(1), Flow.INDIRECT, Subtype.FILTER))
    return uses


def _worksheet(book: str, lines: Declarations, shown: str, sheet: Element, sources: dict[str, _Source]) -> Consumer:
    name = str(sheet.get("name", ""))
    cid, at = f"tableau:{book}/{name}", Location(shown, _line(lines, "worksheet", name))
    reads: set[ColumnEdge] = set()
    for source, column, flow, subtype in _uses(sheet, sources):
        reads |= {read(cid, t, c, at, flow, subtype) for t, c in source.reads(column)}
    return Consumer(cid, NodeKind.DASHBOARD, "", name, "", (), "", sorted_reads(reads), at)


def _dashboard(book: str, lines: Declarations, shown: str, board: Element, sheets: dict[str, Consumer]) -> Consumer:
    name = str(board.get("name", ""))
    cid, at = f"tableau:{book}/{name}", Location(shown, _line(lines, "dashboard", name))
    zones = {str(z.get("name")) for z in board.iter("zone") if z.get("name") in sheets}
    reads = {read(cid, e.source_table, e.source_column, e.at, e.flow, e.subtype) for z in zones for e in sheets[z].reads}
    return Consumer(cid, NodeKind.DASHBOARD, "", name, "", (), "", sorted_reads(reads), at)


def _source_consumer(book: str, lines: Declarations, shown: str, source: _Source) -> Consumer:
    cid, at = f"tableau:{book}", Location(shown, lines.find(r"<datasource\b"))  # the file's root element
    names: dict[str, Any] = {**dict.fromkeys(source.columns), **dict.fromkeys(source.formulas)}
    reads = {read(cid, t, c, at) for n in names for t, c in source.reads(n)}
    return Consumer(cid, NodeKind.DASHBOARD, "", source.caption, "", (), "", sorted_reads(reads), at)
