"""Where a Python ETL file passes SQL: `cursor.execute`, `spark.sql`, `pandas.read_sql`, SQLAlchemy `text()`
and Airflow SQL operators (inline, lists of statements, or `sql='file.sql'` beside the DAG or on its
`template_searchpath`), read with `ast`, never imported or run.

SQL built from string constants, `+`, f-strings, `.format()` and `%` is reassembled; a value only known at run
time becomes a placeholder mark. `parsers/etl/extract.py` turns the call sites into lineage.
"""

from __future__ import annotations

import ast
import re
import string
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path, PurePath

from jinja2.exceptions import TemplateError

from lineage.model import Diagnostic, Location, Severity
from parsers.sources.paths import Root
from parsers.etl.pysource import Names, call_name, follow, is_sum, label, parse_python, sum_tree
from parsers.sql.mentions import text_words
from parsers.sources.reading import DEFAULT_MAX_BYTES, read_text
from parsers.templating.placeholders import placeholder
from parsers.templating.sandbox import ContainedLoader

Shown = Callable[[Path], str]

# Airflow SQL operators and the dialect their hook speaks (None: the scan's dialect).
_OPERATORS: dict[str, str | None] = {
    "SQLExecuteQueryOperator": None, "SQLCheckOperator": None, "SQLValueCheckOperator": None, "JdbcOperator": None,
    "PostgresOperator": "postgres", "RedshiftSQLOperator": "redshift", "SnowflakeOperator": "snowflake",
    "SnowflakeSqlApiOperator": "snowflake", "MySqlOperator": "mysql", "MsSqlOperator": "tsql", "SqliteOperator": "sqlite",
    "TrinoOperator": "trino", "OracleOperator": "oracle", "DatabricksSqlOperator": "databricks", "SparkSqlOperator": "spark",
    "HiveOperator": "hive", "BigQueryExecuteQueryOperator": "bigquery", "BigQueryInsertJobOperator": "bigquery",
}
_EXECUTE = {"execute", "executemany", "executescript", "exec_driver_sql"}
_READ_SQL = {"read_sql", "read_sql_query"}
_TEMPLATE_EXT = (".sql", ".hql")
_TRIGGERS = ("execute", ".sql(", "read_sql", "Operator", "text(", "saveAsTable(", "insertInto(", "to_sql(", "TempView(", "registerTempTable(")
_SQL_START = re.compile(r"\s*(?:(?:--[^\n]*(?:\n|$)|/\*.*?\*/)\s*)*(?:\(|(?:select|with|insert|create|update|delete|merge|alter|drop|truncate|replace|copy|grant|revoke|call|set|use|begin|commit|rollback|explain|show|describe|values|unload|vacuum|analyze|cache|refresh|optimize|msck)\b)", re.IGNORECASE | re.DOTALL)
QUERY_START = re.compile(r"\s*(?:(?:--[^\n]*(?:\n|$)|/\*.*?\*/)\s*)*(?=\(|select\b|with\b)", re.IGNORECASE | re.DOTALL)
VIEW = "CREATE OR REPLACE TEMPORARY VIEW"
# where a DataFrame's rows land: a table, or a view later SQL reads by name
_WRITE_MODES = {"saveAsTable": "CREATE TABLE", "insertInto": "INSERT INTO", "to_sql": "INSERT INTO"} | {
    name: VIEW for name in ("createOrReplaceTempView", "createTempView", "registerTempTable", "createOrReplaceGlobalTempView", "createGlobalTempView")
}
_GLOBAL_VIEWS = ("createOrReplaceGlobalTempView", "createGlobalTempView")
SENTINEL = "\x00etl"  # extract_sql names a bare SELECT after its path's stem: rename it after


@dataclass(frozen=True, slots=True)
class CallSite:
    line: int  # file line of the SQL's first line
    span: int  # how many more lines the literal covers (escaped newlines stay on its last line)
    sql: str  # SQL text, with placeholder marks for run-time values
    dialect: str | None
    name: str  # what a bare SELECT's result is called: "<file stem>#<variable, task or line>"
    file: str = ""  # display path of a referenced .sql file; "" for SQL in the Python file
    jinja: bool = False  # an Airflow templated field
    params: tuple[tuple[str, object], ...] = ()  # Airflow `params={...}` constants
    dbapi: bool = False  # execute(sql, parameters): %s and %(name)s are parameters
    write: tuple[str, str] | None = None  # ("CREATE TABLE" | "INSERT INTO", table) of the DataFrame


@dataclass(frozen=True, slots=True)
class EtlFile:
    path: str  # display path of the Python file
    sites: tuple[CallSite, ...] = ()
    sql_files: tuple[Path, ...] = ()  # .sql files its operators run: not plain SQL to the scan
    diagnostics: tuple[Diagnostic, ...] = ()
    loader: ContainedLoader | None = None  # reads its templates: the DAG's folder and template_searchpath


@dataclass(frozen=True, slots=True)
class _Piece:
    """Reassembled Python string: text (with marks), the file line of its first line, its span."""

    text: str
    line: int
    span: int


def read_etl(path: Path, shown: Shown, text: str, root: Root | None = None, max_bytes: int | None = DEFAULT_MAX_BYTES) -> EtlFile | None:
    """The SQL call sites of one Python file, or None when it has none; the files its templates
    name must lie in `root` (the scanned folders; by default the file's own folder)."""
    if not any(trigger in text for trigger in _TRIGGERS):
        return None
    tree, notes = parse_python(text, shown(path))
    if tree is None:
        return EtlFile(shown(path), diagnostics=tuple(notes))
    reader = _Reader(tree, path, shown, root or Root.of([path.parent], "the scanned folder"), max_bytes)
    reader.diagnostics += notes
    sites = reader.sites()
    if not sites and not reader.diagnostics:
        return None
    return EtlFile(shown(path), tuple(sites), tuple(sorted(set(reader.sql_files))), tuple(reader.diagnostics), reader.loader)


class _Reader:
    def __init__(self, tree: ast.Module, path: Path, shown: Shown, root: Root, max_bytes: int | None) -> None:
        self.tree, self.path, self.shown, self.max_bytes = tree, path, shown, max_bytes
        self.stem = PurePath(path).stem
        self.names = Names(tree)
        self.parents = self.names.parents
        self.ends: dict[str, dict[ast.AST, ast.AST]] = {"top": {}, "root": {}}  # follow's memos
        self.consumed: set[int] = set()  # text() calls already read as part of an execute()
        self.sql_files: list[Path] = []
        self.string_words: set[str] | None = None  # the words of the file's strings, once asked for
        self.linked_writes: set[tuple[str, int]] = set()  # (variable, line) of writes a SQL call site's result made
        self.diagnostics: list[Diagnostic] = []
        self.loader = ContainedLoader([path.parent, *self._template_searchpath(root)], root, shown)

    def sites(self) -> list[CallSite]:
        calls = sorted(self.names.calls, key=lambda n: (n.lineno, n.col_offset))
        found = [s for call in calls if call_name(call) != "text" for s in self._site(call)]
        found += [s for call in calls if call_name(call) == "text" and id(call) not in self.consumed for s in self._site(call)]
        writes = self._writes()
        linked = [self._with_write(s, writes) for s in sorted(found, key=lambda s: (s.file, s.line))]
        self._unread_writes(writes)
        return linked

    def _unread_writes(self, writes: dict[str, list[tuple[int, str, ast.AST, ast.AST | None]]]) -> None:
        """A table written from a DataFrame no SQL here built (DataFrame API calls, Python values): the
        lineage into it is missing, and the scan must say so rather than show the table as fed by nothing."""
        for variable, found in sorted(writes.items()):
            for line, mode, target, schema in found:
                if (variable, line) in self.linked_writes:
                    continue
                table = self._table(target, schema)
                written = f"is registered as the view '{table}'" if mode == VIEW else f"is written into '{table}'"
                message = f"'{variable}' {written} but is not the result of SQL this tool reads (DataFrame API calls or Python values): the lineage into '{table}' is missing"
                self.diagnostics.append(Diagnostic(Location(self.shown(self.path), line), message, Severity.WARNING, mentions=self._words(table)))

    def _words(self, table: str) -> tuple[str, ...]:
        """The target's words and those of every string in the file (the tables `spark.table(...)` reads
        among them): what answers reaching any of those tables must say may be missing."""
        # never capped at mentions.MAX_WORDS: on a warning, no words would mean no gap at all
        if self.string_words is None:  # once per file, however many writes it has
            self.string_words = set()
            for node in ast.walk(self.tree):
                if isinstance(node, ast.Constant) and isinstance(node.value, str):
                    self.string_words |= text_words(node.value)
        return tuple(sorted(self.string_words | text_words(table)))

    def _site(self, call: ast.Call) -> Iterator[CallSite]:
        receiver, name = _callee(call)
        if name in _OPERATORS:
            yield from self._operator(call, name)
            return
        if name in _EXECUTE or name == "sql" and receiver:
            argument, dbapi = _argument(call, ("sql", "statement", "query", "operation", "sqlQuery")), _has_parameters(call)
            dialect = "spark" if name == "sql" and "spark" in receiver.lower() else "duckdb" if name == "sql" and "duck" in receiver.lower() else None
        elif name in _READ_SQL or name == "text" and receiver in ("", "sqlalchemy", "sa", "sqlalchemy.sql"):
            argument, dbapi, dialect = _argument(call, ("sql", "text")), name != "text" and _keyword(call, "params") is not None, None
        else:
            return
        piece = self._resolve(argument, call) if argument is not None else None
        if piece is not None and (name in _READ_SQL or _SQL_START.match(piece.text)):
            yield CallSite(piece.line, piece.span, piece.text, dialect, self._name(call), dbapi=dbapi)

    def _operator(self, call: ast.Call, operator: str) -> Iterator[CallSite]:
        value = _keyword(call, "sql")
        if operator == "BigQueryInsertJobOperator":
            value = _dict_path(_keyword(call, "configuration"), ("query", "query"))
        task = _keyword(call, "task_id")
        name = f"{self.stem}#{task.value}" if isinstance(task, ast.Constant) and isinstance(task.value, str) else self._name(call)
        params = _constants(_keyword(call, "params"))
        items = value.elts if isinstance(value, (ast.List, ast.Tuple)) else [value] if value is not None else []
        for item in items:
            piece = self._resolve(item, call)
            if piece is None:
                continue
            site: CallSite | None = CallSite(piece.line, piece.span, piece.text, _OPERATORS[operator], name, jinja=True, params=params)
            if site is not None and piece.text.strip().endswith(_TEMPLATE_EXT) and "\n" not in piece.text.strip():
                site = self._template_file(piece, site)
            if site is not None:
                yield site

    def _template_file(self, piece: _Piece, site: CallSite) -> CallSite | None:
        """`sql='load.sql'`: Airflow reads it from the DAG's folder or its template_searchpath."""
        relative = piece.text.strip()
        try:
            candidate = self.loader.find(relative).resolve()
        except TemplateError as err:
            self.diagnostics.append(Diagnostic(Location(self.shown(self.path), piece.line), f"SQL file {err}"))
            return None
        text = read_text(candidate, self.max_bytes, self.shown(candidate))
        if isinstance(text, Diagnostic):
            self.diagnostics.append(text)
            return None
        self.sql_files.append(candidate)
        return replace(site, line=1, span=10**9, sql=text, file=self.shown(candidate))

    def _template_searchpath(self, root: Root) -> list[Path]:
        """The DAG's template_searchpath (relative to its folder); a folder outside `root` is dropped."""
        paths: list[Path] = []
        for call in ast.walk(self.tree):
            if isinstance(call, ast.Call) and _callee(call)[1] in ("DAG", "dag"):
                value = _keyword(call, "template_searchpath")
                items = value.elts if isinstance(value, (ast.List, ast.Tuple)) else [value] if value is not None else []
                for item in (i for i in items if isinstance(i, ast.Constant) and isinstance(i.value, str)):
                    if root.holds(self.path.parent / item.value):
                        paths.append(self.path.parent / item.value)
                    else:
                        message = f"template_searchpath '{item.value}' is outside {root.name}; not searched"
                        self.diagnostics.append(Diagnostic(Location(self.shown(self.path), item.lineno), message))
        return paths

    def _name(self, call: ast.Call) -> str:
        # pd.read_sql(text(...)), spark.sql(...).cache(): the whole chain is what gets a name
        node = follow(call, lambda n: p if isinstance(p := self.parents.get(n), (ast.Call, ast.Attribute)) else None, self.ends["top"])
        parent = self.parents.get(node)
        if isinstance(parent, ast.Assign) and len(parent.targets) == 1 and isinstance(parent.targets[0], ast.Name):
            return f"{self.stem}#{parent.targets[0].id}"
        return f"{self.stem}#L{call.lineno}"

    def _resolve(self, node: ast.AST, at: ast.AST, depth: int = 0) -> _Piece | None:
        """A Python expression as SQL text, or None when no part of it is a string we can see."""
        if depth > 8:
            return None
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return _Piece(node.value, node.lineno, (node.end_lineno or node.lineno) - node.lineno)
        if isinstance(node, ast.JoinedStr):
            text = "".join(str(v.value) if isinstance(v, ast.Constant) else self._value(v.value, at, depth) for v in node.values if isinstance(v, (ast.Constant, ast.FormattedValue)))
            return _Piece(str(text), node.lineno, (node.end_lineno or node.lineno) - node.lineno)
        if is_sum(node):
            return self._sum(node, at, depth)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
            base = self._resolve(node.left, at, depth + 1)
            return replace(base, text=self._percent(base.text, node.right, at, depth)) if base else None
        if isinstance(node, ast.Call):
            return self._resolve_call(node, at, depth)
        if isinstance(node, ast.Name):
            value = self.names.assigned(node.id, at)
            return self._resolve(value, at, depth + 1) if value is not None else None
        return None

    def _sum(self, node: ast.BinOp, at: ast.AST, depth: int) -> _Piece | None:
        """`a + b + ...` folded as the recursion over its tree would, with explicit stacks: a
        100,000-term sum is a tree 100,000 deep. Each term is resolved once; a sub-sum with no
        visible string is one placeholder, any other term without one is its value."""
        pieces: dict[ast.AST, _Piece | None] = {}  # a term's piece; a sum's: its first term's that has one
        for term in reversed(sum_tree(node)):  # children before their parents
            pieces[term] = pieces[term.left] or pieces[term.right] if is_sum(term) else self._resolve(term, at, depth + 1)
        first = pieces[node]
        if first is None:
            return None
        text: list[str] = []
        stack: list[ast.AST] = [node]
        while stack:
            term = stack.pop()
            piece = pieces[term]
            if is_sum(term) and piece is not None:
                stack += [term.right, term.left]
            else:
                text.append(piece.text if piece else placeholder(label(term)) if is_sum(term) else self._value(term, at, depth))
        return _Piece("".join(text), first.line, (node.end_lineno or first.line) - first.line)

    def _resolve_call(self, node: ast.Call, at: ast.AST, depth: int) -> _Piece | None:
        receiver, name = _callee(node)
        if name == "text" and node.args:
            self.consumed.add(id(node))
            return self._resolve(node.args[0], at, depth + 1)
        if name == "dedent" and node.args:
            return self._resolve(node.args[0], at, depth + 1)
        if isinstance(node.func, ast.Attribute) and name in ("strip", "lstrip", "rstrip", "format"):
            base = self._resolve(node.func.value, at, depth + 1)
            if base is None:
                return None
            if name == "format":
                return replace(base, text=self._format(base.text, node, at, depth))
            text = base.text.rstrip() if name == "rstrip" else base.text.lstrip() if name == "lstrip" else base.text.strip()
            dropped = base.text[: len(base.text) - len(base.text.lstrip())].count("\n") if name != "rstrip" else 0
            return _Piece(text, base.line + dropped, max(base.span - dropped, 0))
        return None

    def _value(self, node: ast.AST, at: ast.AST, depth: int) -> str:
        """An interpolated value: its text when it is a constant, else a placeholder."""
        if isinstance(node, ast.Constant) and isinstance(node.value, (str, int, float)):
            return str(node.value)
        if isinstance(node, ast.Name):
            assigned = self.names.assigned(node.id, at)
            if isinstance(assigned, ast.Constant) and isinstance(assigned.value, (str, int, float)):
                return str(assigned.value)
        resolved = self._resolve(node, at, depth + 1) if isinstance(node, (ast.JoinedStr, ast.BinOp, ast.Call)) else None
        return resolved.text if resolved is not None else placeholder(label(node))

    def _format(self, text: str, call: ast.Call, at: ast.AST, depth: int) -> str:
        values = {k.arg: self._value(k.value, at, depth) for k in call.keywords if k.arg}
        positional = [self._value(a, at, depth) for a in call.args]
        out: list[str] = []
        for index, (literal, field, _, _) in enumerate(string.Formatter().parse(text)):
            out.append(literal)
            if field is not None:
                key = field.split(".")[0].split("[")[0]
                known = positional[int(key)] if key.isdigit() and int(key) < len(positional) else positional[index] if key == "" and index < len(positional) else values.get(key)
                out.append(known if known is not None else placeholder(field or f"arg{index}"))
        return "".join(out)

    def _percent(self, text: str, right: ast.AST, at: ast.AST, depth: int) -> str:
        items = right.elts if isinstance(right, ast.Tuple) else [right]
        values = iter([self._value(i, at, depth) for i in items])
        named = _constants(right) if isinstance(right, ast.Dict) else ()
        lookup = {k: str(v) for k, v in named}
        return re.sub(r"%(?:\((\w+)\))?[sdif]|%%", lambda m: "%" if m.group(0) == "%%" else lookup.get(m.group(1), placeholder(m.group(1))) if m.group(1) else next(values, placeholder("arg")), text)

    def _writes(self) -> dict[str, list[tuple[int, str, ast.AST, ast.AST | None]]]:
        """`df.write...saveAsTable(t)`, `.insertInto(t)`, `df.to_sql(t, schema=s)`: where a query's result lands."""
        writes: dict[str, list[tuple[int, str, ast.AST, ast.AST | None]]] = {}
        for call in ast.walk(self.tree):
            if not isinstance(call, ast.Call) or not call.args:
                continue
            name = call_name(call)
            mode = _WRITE_MODES.get(name)
            if mode is None:
                continue
            root = follow(call.func, lambda n: n.func if isinstance(n, ast.Call) else n.value if isinstance(n, ast.Attribute) else None, self.ends["root"])
            if isinstance(root, ast.Name):
                if name == "to_sql" and isinstance(_keyword(call, "if_exists"), ast.Constant) and _keyword(call, "if_exists").value == "replace":  # type: ignore[union-attr]
                    mode = "CREATE TABLE"
                schema = _keyword(call, "schema") if name == "to_sql" else None  # pandas: the table's schema, apart
                if name in _GLOBAL_VIEWS:  # Spark reads a global temporary view as global_temp.<name>
                    schema = ast.Constant("global_temp")
                writes.setdefault(root.id, []).append((call.lineno, mode, call.args[0], schema))
        return writes

    def _with_write(self, site: CallSite, writes: dict[str, list[tuple[int, str, ast.AST, ast.AST | None]]]) -> CallSite:
        variable = site.name.partition("#")[2]
        later = [w for w in writes.get(variable, ()) if w[0] >= site.line]
        if site.file or not later or not QUERY_START.match(site.sql):
            return site
        line, mode, target, schema = later[0]
        self.linked_writes.add((variable, line))
        return replace(site, write=(mode, self._table(target, schema)))

    def _table(self, target: ast.AST, schema: ast.AST | None) -> str:
        table = self._value(target, target, 0)
        if schema is not None and not (isinstance(schema, ast.Constant) and schema.value is None):
            table = f"{self._value(schema, schema, 0)}.{table}"
        return table


def _callee(call: ast.Call) -> tuple[str, str]:
    """`spark.sql(...)` -> ("spark", "sql"); `text(...)` -> ("", "text"); other shapes -> ("", "")."""
    return (label(call.func.value) if isinstance(call.func, ast.Attribute) else ""), call_name(call)


def _keyword(call: ast.Call, name: str) -> ast.expr | None:
    return next((k.value for k in call.keywords if k.arg == name), None)


def _argument(call: ast.Call, names: tuple[str, ...]) -> ast.expr | None:
    if call.args and not isinstance(call.args[0], ast.Starred):
        return call.args[0]
    return next((v for n in names if (v := _keyword(call, n)) is not None), None)


def _has_parameters(call: ast.Call) -> bool:
    return len(call.args) > 1 or any(k.arg in ("parameters", "params", "vars", "args") for k in call.keywords)


def _dict_path(node: ast.expr | None, keys: tuple[str, ...]) -> ast.expr | None:
    for key in keys:
        if not isinstance(node, ast.Dict):
            return None
        node = next((v for k, v in zip(node.keys, node.values) if isinstance(k, ast.Constant) and k.value == key), None)
    return node


def _constants(node: ast.expr | None) -> tuple[tuple[str, object], ...]:
    if not isinstance(node, ast.Dict):
        return ()
    pairs = [(k.value, v.value) for k, v in zip(node.keys, node.values) if isinstance(k, ast.Constant) and isinstance(k.value, str) and isinstance(v, ast.Constant)]
    return tuple(sorted(pairs, key=lambda p: p[0]))
