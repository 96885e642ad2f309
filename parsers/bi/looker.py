"""Looker: LookML views, explores and dashboards as consumers reading warehouse columns.

Views (`*.view.lkml`) say how each field is computed: `${TABLE}.col` reads the view's table (its
`sql_table_name`, or its derived table's SQL, traced with the SQL extractor), `${field}` and
`${view.field}` read another field. Explores (`*.model.lkml`, `*.explore.lkml`) name the views their
joins bring in. Each dashboard (`*.dashboard.lookml`, YAML) and each of its tiles becomes a consumer
reading the warehouse columns behind the fields, filters, sorts and pivots it uses. A cycle of
`${field}` references is reported once and read as nothing; every field is resolved once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import lkml

from lineage.catalog import Consumer
from lineage.model import ColumnEdge, Diagnostic, Flow, Location, NodeKind, Subtype
from parsers.bi.common import BiFacts, Column, Declarations, Sql, Traced, file_facts, read, sorted_reads, warning
from parsers.sources.documents import parse_yaml
from parsers.sql.schema import SchemaRegistry

_REF = re.compile(r"\$\{\s*([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)?)\s*\}")
_TABLE_COLUMN = re.compile(r"""\$\{\s*TABLE\s*\}\s*\.\s*[`"\[]?(\w+)""")
_PLAIN = re.compile(r"^\s*[`\"]?(\w+)[`\"]?\s*$")
_LITERAL = re.compile(r"^\s*('[^']*'|\d+(\.\d+)?|NULL|TRUE|FALSE)?\s*$", re.IGNORECASE)
_FIELD_KINDS = ("dimensions", "measures", "dimension_groups", "filters", "parameters")
_KIND_WORDS = ("dimension", "measure", "dimension_group", "filter", "parameter")
# `${field}` chains in real projects are a few deep; past this one is generated or hostile
MAX_REFERENCE_DEPTH = 100


@dataclass(frozen=True, slots=True)
class _Field:
    sql: str | None
    at: Location
    group: bool = False  # a dimension_group: `created` answers to `created_date`, `created_month`
    column: bool = True  # without `sql:` a dimension is its own-named column; a count measure reads none


@dataclass(slots=True)
class _View:
    name: str
    table: str | None  # sql_table_name, or the derived table's traced output
    at: Location
    fields: dict[str, _Field] = field(default_factory=dict)
    derived: Traced | None = None  # the derived table's SQL, traced


@dataclass(slots=True)
class _Project:
    sql: Sql
    views: dict[str, _View] = field(default_factory=dict)
    explores: dict[str, dict[str, str]] = field(default_factory=dict)  # explore -> alias -> view
    joins: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # explore -> (join alias, sql_on)
    notes: dict[str, list[Diagnostic]] = field(default_factory=dict)
    resolved: dict[tuple[str, str], frozenset[Column]] = field(default_factory=dict)
    statements: dict[str, int] = field(default_factory=dict)  # file -> derived tables' statements traced

    def note(self, at: Location, message: str) -> None:
        self.notes.setdefault(at.file, []).append(warning(at, message))


def read_looker(files: list[tuple[str, str]], registry: SchemaRegistry, dialect: str | None = None, budget: float | None = None) -> BiFacts:
    """Every LookML file of a project (path shown, text): views and explores first, then dashboards."""
    project = _Project(Sql(registry, dialect, budget))
    dashboards: list[tuple[str, str]] = []
    for shown, text in files:
        project.notes.setdefault(shown, [])
        if shown.endswith(".lookml"):
            dashboards.append((shown, text))
            continue
        try:
            parsed = lkml.load(text)
        except (SyntaxError, RecursionError, KeyError, ValueError, TypeError) as err:
            project.note(Location(shown, _error_line(err)), f"not valid LookML ({str(err).splitlines()[0] if str(err) else type(err).__name__}); this file is not read")
            continue
        _load(project, shown, Declarations(text), parsed)
    consumers = [c for shown, text in dashboards for c in _dashboards(project, shown, text)]
    return BiFacts(tuple(consumers), (), tuple(file_facts(s, n, project.statements.get(s, 0)) for s, n in sorted(project.notes.items())))


def _error_line(err: Exception) -> int:
    found = re.search(r"line (\d+)", str(err))
    return int(found.group(1)) if found else 1


def _load(project: _Project, shown: str, text: Declarations, parsed: dict[str, Any]) -> None:
    for view in parsed.get("views") or []:
        _view(project, shown, text, view)
    for explore in parsed.get("explores") or []:
        name = str(explore.get("name", ""))
        aliases = {name: str(explore.get("from") or explore.get("view_name") or name)}
        project.joins[name] = []
        for join in explore.get("joins") or []:
            alias = str(join.get("name", ""))
            aliases[alias] = str(join.get("from") or join.get("view_name") or alias)
            if join.get("sql_on"):
                project.joins[name].append((alias, str(join["sql_on"])))
        project.explores[name] = aliases


def _view(project: _Project, shown: str, text: Declarations, view: dict[str, Any]) -> None:
    name = str(view.get("name", ""))
    at = Location(shown, text.line(("view",), name))
    table = str(view["sql_table_name"]).strip().strip("`\"") if view.get("sql_table_name") else None
    found = _View(name, table or name, at)
    for kind in _FIELD_KINDS:
        for item in view.get(kind) or []:
            fname = str(item.get("name", ""))
            line = text.line(_KIND_WORDS, fname, at.line)
            found.fields[fname] = _Field(str(item["sql"]) if "sql" in item else None, Location(shown, line), kind == "dimension_groups", kind in ("dimensions", "dimension_groups"))
    derived = view.get("derived_table") or {}
    if derived.get("sql"):
        _derived(project, found, str(derived["sql"]), Location(shown, text.find(r"^\s*sql:", text.find(r"derived_table:", at.line))))
    elif derived:
        project.note(at, f"derived table of view '{name}' is not SQL (explore_source): its fields read nothing")
        found.table = None
    project.views[name] = found


def _derived(project: _Project, view: _View, sql: str, at: Location) -> None:
    """Trace a derived table's SQL as a view: its columns' warehouse sources, and what shapes its rows."""
    if "{%" in sql or "{{" in sql:
        project.note(at, f"derived table of view '{view.name}' uses Liquid templating; its SQL is not traced")
        view.table = None
        return
    sql = _REF.sub(lambda m: _table_name(project, m.group(1)), sql)
    view.table = f"looker_derived.{view.name}"
    view.derived = project.sql.trace(sql, view.table, at)
    project.notes.setdefault(at.file, []).extend(view.derived.diagnostics)
    project.statements[at.file] = project.statements.get(at.file, 0) + view.derived.statements


def _table_name(project: _Project, ref: str) -> str:
    """`${orders.SQL_TABLE_NAME}` in derived SQL is that view's table."""
    view, _, what = ref.partition(".")
    found = project.views.get(view)
    return found.table if what.upper() == "SQL_TABLE_NAME" and found and found.table else ref


def _columns(project: _Project, view_name: str, name: str, stack: tuple[tuple[str, str], ...] = ()) -> frozenset[Column]:
    """The warehouse columns one field reads, following `${...}` references once each."""
    key = (view_name, name)
    if key in project.resolved:
        return project.resolved[key]
    view = project.views.get(view_name)
    found = _field(view, name) if view else None
    if view is None or found is None:
        return frozenset()
    if key in stack:
        loop = " -> ".join(f"{v}.{f}" for v, f in (*stack[stack.index(key):], key))
        project.note(found.at, f"field references form a cycle ({loop}); the fields in it read nothing through it")
        return frozenset()
    if len(stack) >= MAX_REFERENCE_DEPTH:
        project.note(found.at, f"field '{view_name}.{name}' is more than {MAX_REFERENCE_DEPTH} ${{field}} references deep; what it reads is not followed further")
        return frozenset()
    result = frozenset(_field_reads(project, view, name, found, (*stack, key)))
    project.resolved[key] = result
    return result


def _field(view: _View, name: str) -> _Field | None:
    if name in view.fields:
        return view.fields[name]
    head = name
    while "_" in head:  # created_date -> the dimension_group created
        head = head.rsplit("_", 1)[0]
        if head in view.fields and view.fields[head].group:
            return view.fields[head]
    return None


def _field_reads(project: _Project, view: _View, name: str, found: _Field, stack: tuple[tuple[str, str], ...]) -> set[Column]:
    sql = found.sql
    if sql is None:  # Looker's default: a dimension is the column of its own name
        return _table_columns(view, name) if found.column else set()
    reads: set[Column] = set()
    for column in _TABLE_COLUMN.findall(sql):
        reads |= _table_columns(view, column)
    for ref in _REF.findall(sql):
        if ref == "TABLE":
            continue
        other, _, fname = ref.rpartition(".")
        reads |= _columns(project, other or view.name, fname, stack)
    plain = _PLAIN.match(sql)
    if not _REF.search(sql) and plain and not _LITERAL.match(sql):
        reads |= _table_columns(view, plain.group(1))
    elif not _REF.search(sql) and not _LITERAL.match(sql):
        project.note(found.at, f"sql of field '{view.name}.{name}' names no column through ${{TABLE}} or ${{field}}; it reads nothing known")
    return reads


def _table_columns(view: _View, column: str) -> set[Column]:
    if view.table is None:
        return set()
    if view.derived is not None:
        return view.derived.of(column)
    return {(view.table, column)}


def _dashboards(project: _Project, shown: str, text: str) -> list[Consumer]:
    data = parse_yaml(text, Location(shown))  # refuses an alias bomb
    if isinstance(data, Diagnostic):
        project.notes.setdefault(shown, []).append(data)
        return []
    consumers: list[Consumer] = []
    lines = Declarations(text)
    for board in data if isinstance(data, list) else [data] if isinstance(data, dict) else []:
        if not isinstance(board, dict) or "dashboard" not in board:
            continue
        name = str(board["dashboard"])
        at = Location(shown, lines.line(("dashboard",), name))
        cid = f"looker:{name}"
        tiles = [_tile(project, cid, lines, e, at) for e in board.get("elements") or [] if isinstance(e, dict)]
        reads = {read(cid, t, c, r.at, r.flow, r.subtype) for tile in tiles for r in tile.reads for t, c in [(r.source_table, r.source_column)]}
        consumers.append(Consumer(cid, NodeKind.DASHBOARD, "", str(board.get("title") or name), "", (), "", sorted_reads(reads), at))
        consumers += tiles
    return consumers


def _tile(project: _Project, board: str, lines: Declarations, element: dict[str, Any], start: Location) -> Consumer:
    name = str(element.get("name") or element.get("title") or "tile")
    at = Location(start.file, lines.line(("name",), name, start.line))
    cid = f"{board}/{name}"
    aliases = project.explores.get(str(element.get("explore", "")), {})
    uses: list[tuple[str, Flow, Subtype]] = [(str(f), Flow.DIRECT, Subtype.IDENTITY) for f in element.get("fields") or []]
    uses += [(str(f), Flow.DIRECT, Subtype.IDENTITY) for f in element.get("pivots") or []]
    uses += [(str(f), Flow.INDIRECT, Subtype.FILTER) for f in (element.get("filters") or {})]
    uses += [(str(s).split()[0], Flow.INDIRECT, Subtype.SORT) for s in element.get("sorts") or [] if str(s).split()]
    reads: set[ColumnEdge] = set()
    used = {dotted.rpartition(".")[0] for dotted, _, _ in uses}
    for dotted, flow, subtype in uses:
        alias, _, fname = dotted.rpartition(".")
        view = aliases.get(alias, alias)
        if view not in project.views or _field(project.views[view], fname) is None:
            project.note(at, f"tile '{name}' uses field '{dotted}' that no view defines; it is not traced")
            continue
        reads |= {read(cid, t, c, at, flow, subtype) for t, c in _columns(project, view, fname)}
    # a join Looker brings in for the fields used: its keys decide which rows the tile shows
    for sql_on in (on for alias, on in project.joins.get(str(element.get("explore", "")), []) if alias in used):
        for ref in _REF.findall(sql_on):
            alias, _, fname = ref.rpartition(".")
            reads |= {read(cid, t, c, at, Flow.INDIRECT, Subtype.JOIN) for t, c in _columns(project, aliases.get(alias, alias), fname)}
    return Consumer(cid, NodeKind.DASHBOARD, "", str(element.get("title") or name), "", (), "", sorted_reads(reads), at)
