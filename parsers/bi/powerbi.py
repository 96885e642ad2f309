"""Power BI projects (PBIP): semantic models in TMDL (`definition/tables/*.tmdl`) or TMSL (`model.bim`).

Each table's partition says where its rows come from, in Power Query M: native SQL
(`Value.NativeQuery(src, "SELECT ...")`, `Sql.Database(server, db, [Query="SELECT ..."])`, or a
legacy `query` partition), traced with the SQL extractor, or a navigation to a warehouse table
(`Source{[Schema="mart",Item="daily_revenue"]}[Data]`, or `{[Name=..,Kind="Schema"]}` steps). A
column reads its `sourceColumn` there; a calculated column and a measure read the columns (and
measures) their DAX names: `'Table'[Column]`, `Table[Column]`, `[Name]`. Each measure becomes a
consumer `powerbi:<model>/<measure>`; reports (`parsers/bi/powerbi_report.py`) read measures and
columns through the model their `definition.pbir` names. PBIP files name no owner: the catalog's
`consumer_owners` rules apply.
"""

from __future__ import annotations

import bisect
import json
import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from lineage.catalog import Consumer
from lineage.model import ColumnEdge, Diagnostic, Location, NodeKind
from parsers.bi.common import Column, Sql, Traced, read, sorted_reads, warning
from parsers.bi.tmdl import Node, parse_tmdl

# strings and comments; an unclosed `/*` or string runs to the end (one pass, whatever the text)
_DAX_NOISE = re.compile(r'"(?:""|[^"])*(?:"|$)|//[^\n]*|--[^\n]*|/\*(?:.*?\*/|.*)', re.DOTALL)
# a bare table name starts a word: scanning from inside a long word would be quadratic
_DAX_REF = re.compile(r"('(?:''|[^'])+'|(?<!\w)[A-Za-z_]\w*)?\[([^\]]+)\]")
_M_STRING = r'"((?:""|[^"])*)"'
_NATIVE = re.compile(r"Value\.NativeQuery\s*\([^,]*,\s*" + _M_STRING, re.DOTALL)
_QUERY_OPTION = re.compile(r"\[\s*Query\s*=\s*" + _M_STRING, re.DOTALL)
_SCHEMA_ITEM = re.compile(r'\{\s*\[\s*Schema\s*=\s*"([^"]+)"\s*,\s*Item\s*=\s*"([^"]+)"\s*\]\s*\}')
_NAME_KIND = re.compile(r'\{\s*\[\s*Name\s*=\s*"([^"]+)"\s*,\s*Kind\s*=\s*"(\w+)"\s*\]\s*\}')
_M_ESCAPES = {"#(lf)": "\n", "#(cr)": "\r", "#(tab)": "\t", "#(cr,lf)": "\r\n", '""': '"'}
MAX_DAX_DEPTH = 100  # measures naming measures: a few deep in real models


def m_string(text: str) -> str:
    """An M string literal's text: `""` is a quote, `#(lf)` a line break."""
    return re.sub(r'#\((?:lf|cr|tab|cr,lf)\)|""', lambda m: _M_ESCAPES[m.group(0)], text)


@dataclass(slots=True)
class _Column:
    source: str | None  # sourceColumn
    expression: str | None  # a calculated column's DAX
    at: Location


@dataclass(slots=True)
class _Table:
    name: str
    at: Location
    relation: str | Traced | None = None
    columns: dict[str, _Column] = field(default_factory=dict)  # lower-case name -> column


@dataclass(slots=True)
class Model:
    """One semantic model: tables, measures (lower-case name -> (table, DAX, where)), its notes."""

    name: str
    sql: Sql
    tables: dict[str, _Table] = field(default_factory=dict)
    measures: dict[str, tuple[str, str, Location, str]] = field(default_factory=dict)  # -> (table, dax, at, name)
    notes: dict[str, list[Diagnostic]] = field(default_factory=dict)
    statements: dict[str, int] = field(default_factory=dict)
    resolved: dict[tuple[str, str], frozenset[Column]] = field(default_factory=dict)

    def note(self, at: Location, message: str) -> None:
        self.notes.setdefault(at.file, []).append(warning(at, message))

    def field(self, table: str, name: str, at: Location, stack: tuple[tuple[str, str], ...] = ()) -> frozenset[Column]:
        """What `table[name]` reads: a measure's or a column's warehouse columns, once each."""
        measure = self.measures.get(name.lower())
        # DAX's convention: `Table[Column]`, `[Measure]`; a qualified name is a column where its table has one
        has_column = table.lower() in self.tables and name.lower() in self.tables[table.lower()].columns
        is_measure = measure is not None and not has_column
        key = ("", name.lower()) if is_measure else (table.lower(), name.lower())  # measure names are the model's
        if key in self.resolved:
            return self.resolved[key]
        if key in stack or len(stack) > MAX_DAX_DEPTH:
            self.note(at, f"DAX references form a cycle or a chain deeper than {MAX_DAX_DEPTH} at {table}[{name}]; it reads nothing through it")
            return frozenset()
        if measure is not None and is_measure:
            found = frozenset(self.dax(measure[0], measure[1], measure[2], (*stack, key)))
        else:
            found = self._column(table, name, at, (*stack, key))
        self.resolved[key] = found
        return found

    def _column(self, table: str, name: str, at: Location, stack: tuple[tuple[str, str], ...]) -> frozenset[Column]:
        found = self.tables.get(table.lower())
        column = found.columns.get(name.lower()) if found else None
        if found is None or column is None:
            self.note(at, f"{table or '?'}[{name}] is no column or measure of the model; it is not traced")
            return frozenset()
        if column.expression is not None:
            return frozenset(self.dax(found.name, column.expression, column.at, stack))
        source = column.source or name
        if isinstance(found.relation, Traced):
            return frozenset(found.relation.of(source))
        return frozenset({(found.relation, source)}) if found.relation else frozenset()

    def dax(self, host: str, dax: str, at: Location, stack: tuple[tuple[str, str], ...] = ()) -> set[Column]:
        """The warehouse columns a DAX expression in table `host` reads."""
        reads: set[Column] = set()
        for table, name in _DAX_REF.findall(_DAX_NOISE.sub(" ", dax)):
            table = _unquote(table) if table else "" if name.lower() in self.measures else host
            reads |= self.field(table, name, at, stack)
        return reads

    def consumers(self) -> list[Consumer]:
        found: list[Consumer] = []
        for key in sorted(self.measures):
            host, _, at, name = self.measures[key]
            cid = f"powerbi:{self.name}/{name}"
            reads = {read(cid, t, c, at) for t, c in self.field(host, name, at)}
            found.append(Consumer(cid, NodeKind.DASHBOARD, "", name, "", (), "", sorted_reads(reads), at))
        return found


def _unquote(name: str) -> str:
    return name[1:-1].replace("''", "'") if name.startswith("'") else name


def relation(model: Model, table: str, source: tuple[str, bool], at: Location) -> None:
    """Where a table's partition takes its rows from: `source` is M, or SQL (a `query` partition)."""
    found = model.tables[table.lower()]
    if source[1]:
        found.relation = _trace(model, found, source[0], at)
        return
    native = _NATIVE.search(source[0]) or _QUERY_OPTION.search(source[0])
    if native:
        found.relation = _trace(model, found, m_string(native.group(1)), at)
        return
    step = _SCHEMA_ITEM.search(source[0])
    if step:
        found.relation = f"{step.group(1)}.{step.group(2)}"
        return
    names = [n for n, kind in _NAME_KIND.findall(source[0]) if kind.lower() in ("schema", "table", "view")]
    if names:
        found.relation = ".".join(names)
        return
    model.note(at, f"partition of table '{found.name}' is neither native SQL nor a navigation to a warehouse table; its columns are not traced")


def _trace(model: Model, table: _Table, sql: str, at: Location) -> Traced:
    traced = model.sql.trace(sql, "powerbi_query." + re.sub(r"\W", "_", table.name).lower(), at)
    model.notes.setdefault(at.file, []).extend(traced.diagnostics)
    model.statements[at.file] = model.statements.get(at.file, 0) + traced.statements
    return traced


def read_tmdl(model: Model, files: list[tuple[str, str]]) -> None:
    """A TMDL folder's `tables/*.tmdl` files (others hold no lineage and are skipped)."""
    partitions: list[tuple[str, tuple[str, bool], Location]] = []
    for shown, text in files:
        model.notes.setdefault(shown, [])
        for node in parse_tmdl(text).of("table"):
            table = _Table(node.name, Location(shown, node.line))
            model.tables[node.name.lower()] = table
            for column in node.of("column"):
                table.columns[column.name.lower()] = _Column(column.properties.get("sourceColumn"), column.expression, Location(shown, column.line))
            for measure in node.of("measure"):
                model.measures[measure.name.lower()] = (node.name, measure.expression or "", Location(shown, measure.line), measure.name)
            partitions += [(node.name, *_partition_source(p, shown)) for p in node.of("partition")]
    _relations(model, partitions)


def _partition_source(partition: Node, shown: str) -> tuple[tuple[str, bool], Location]:
    """Its `source =` M (or SQL, in a partition of type `query`), and the line its text starts on."""
    text = partition.properties.get("source", "")
    line = partition.property_lines.get("source", partition.line)
    # `source =` alone on its line: the expression starts on the line below
    first = partition.properties.get("source", "").split("\n")[0]
    return (text, (partition.expression or "").strip() == "query"), Location(shown, line if first.strip() and "\n" not in text else line + 1)


def read_bim(model: Model, shown: str, text: str) -> None:
    """A `model.bim` (TMSL JSON): `model.tables[]` with columns, measures and partitions."""
    model.notes.setdefault(shown, [])
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        model.notes[shown].append(Diagnostic(Location(shown, err.lineno), f"not valid JSON ({err.msg}); not read"))
        return
    except RecursionError:
        model.notes[shown].append(Diagnostic(Location(shown, 1), "JSON nested too deeply; not read"))
        return
    lines = _JsonLines(text)
    tables = data.get("model", {}).get("tables", []) if isinstance(data, dict) and isinstance(data.get("model"), dict) else []
    partitions: list[tuple[str, tuple[str, bool], Location]] = []
    for item in (t for t in tables if isinstance(t, dict)):
        name = str(item.get("name", ""))
        start = lines.name(name)
        table = _Table(name, Location(shown, start))
        model.tables[name.lower()] = table
        for column in (c for c in item.get("columns") or [] if isinstance(c, dict)):
            at = Location(shown, lines.name(str(column.get("name")), start))
            table.columns[str(column.get("name", "")).lower()] = _Column(column.get("sourceColumn"), _text(column.get("expression")) if column.get("type") == "calculated" else None, at)
        for measure in (m for m in item.get("measures") or [] if isinstance(m, dict)):
            at = Location(shown, lines.name(str(measure.get("name")), start))
            model.measures[str(measure.get("name", "")).lower()] = (name, _text(measure.get("expression")), at, str(measure.get("name", "")))
        for partition in (p for p in item.get("partitions") or [] if isinstance(p, dict)):
            source = partition.get("source") if isinstance(partition.get("source"), dict) else {}
            at = Location(shown, lines.key(("expression", "query"), lines.name(str(partition.get("name")), start)))
            partitions.append((name, (_text(source.get("expression") or source.get("query")), source.get("type") == "query"), at))
    _relations(model, partitions)


def _relations(model: Model, partitions: list[tuple[str, tuple[str, bool], Location]]) -> None:
    for table, source, at in partitions:
        relation(model, table, source, at)
    sourced = {t.lower() for t, _, _ in partitions}
    for key, table in sorted(model.tables.items()):
        if key not in sourced and any(c.expression is None for c in table.columns.values()):
            model.note(table.at, f"table '{table.name}' has no partition: where its columns come from is unknown, they are not traced")


class _JsonLines:
    """Where each `"name": "..."` (and other key) of a JSON text is: one pass, then a lookup per name."""

    _KEY = re.compile(r'"(\w+)"\s*:\s*(?:"((?:\\.|[^"\\])*)")?')

    def __init__(self, text: str) -> None:
        self.names: dict[str, list[int]] = {}
        self.keys: dict[str, list[int]] = {}
        line, last = 1, 0
        for match in self._KEY.finditer(text):
            line += text.count("\n", last, match.start())
            last = match.start()
            self.keys.setdefault(match.group(1), []).append(line)
            if match.group(1) == "name" and match.group(2) is not None:
                self.names.setdefault(match.group(2), []).append(line)

    def name(self, name: str, start: int = 1) -> int:
        """The first line at or after `start` naming `name` (as JSON writes it, escaped or not)."""
        return _first([self.names.get(raw, []) for raw in {json.dumps(name)[1:-1], json.dumps(name, ensure_ascii=False)[1:-1]}], start)

    def key(self, keys: tuple[str, ...], start: int) -> int:
        return _first([self.keys.get(key, []) for key in keys], start)


def _first(lines: list[list[int]], start: int) -> int:
    """The least line at or after `start` in sorted lists (a bisection each: a model of ten thousand
    tables, each with a column `id`, asks ten thousand times)."""
    found = [found[i] for found in lines if (i := bisect.bisect_left(found, start)) < len(found)]
    return min(found) if found else start


def _text(value: Any) -> str:
    """TMSL writes a long expression as a list of lines."""
    return "\n".join(str(v) for v in value) if isinstance(value, list) else str(value or "")


def model_name(folder: str) -> str:
    return PurePosixPath(folder).name.removesuffix(".SemanticModel").removesuffix(".Dataset")
