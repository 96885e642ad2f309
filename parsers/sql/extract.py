"""SQL files in, `FileFacts` out: column edges per statement, schema learned from DDL, diagnostics."""

from __future__ import annotations

import logging
import re
from collections import deque
from dataclasses import dataclass, field, replace
from pathlib import PurePath

from sqlglot import exp
from sqlglot.dialects.dialect import Dialect, NormalizationStrategy
from sqlglot.errors import ParseError, SqlglotError, TokenError, UnsupportedError
from sqlglot.tokens import Token

from lineage.errors import ConfigError
from lineage.model import (
    SchemaChange,
    ColumnEdge,
    Diagnostic,
    FileFacts,
    Formula,
    Location,
    Severity,
    TableFact,
    TableKind,
)
from parsers.sql.alters import alter
from parsers.sql.date_units import unit_first
from parsers.sql.insert_exec import InsertExec, insert_exec
from parsers.sql.upserts import conflict_update
from parsers.sql.aliases import DEFAULT_RULES, AliasRules, alias_rules
from parsers.sql.dialects import FALLBACKS, HOW_TO_SET, header, header_problem, is_family
from parsers.sql.blocks import Statement, split_script, split_unterminated
from parsers.sql.variables import Variables, table_variables
from parsers.sql.budget import DEFAULT_STATEMENT_SECONDS, NO_DEADLINE, Deadline, OverBudget
from parsers.sql.mentions import with_mentions
from parsers.sql.modifying import lift_modifying
from parsers.sql.schema import SchemaRegistry
from parsers.sql.shapes import reshape, with_leading
from parsers.sql.stack import on_deep_stack as on_deep_stack  # re-exported: callers wrap batches of extract_sql
from parsers.sql.scope_parts import stage_names, table_name
from parsers.sql.multitable import multitable_inserts
from parsers.sql.writes import is_temporary, loaded_table, write_of
from parsers.sql.tsql_output import cut_output, output_insert
from parsers.sql.reparse import Seen, lineage_command, parse_statement
from parsers.sql.query_lineage import query

_UNSUPPORTED = "cannot parse statement: the SQL parser does not support its syntax; its lineage is missing"
# Statements that say nothing about lineage; counted, never reported as unsupported.
# INSERT ... VALUES writes constants: no column feeds another.
_SILENT = (exp.Use, exp.Command, exp.Set, exp.Declare, exp.Transaction, exp.Commit, exp.Rollback, exp.Delete, exp.Grant, exp.Insert, exp.TruncateTable)


def get_dialect(name: str | None) -> Dialect:
    try:
        return Dialect.get_or_raise(name)
    except ValueError:
        from parsers.sql.dialects import unknown

        message, hint = unknown(str(name).lower()) or (f"unknown dialect '{name}'", "")
        raise ConfigError(message, hint=hint) from None


# The characters of failed SQL one file may have parsed again in other dialects, each try counted as
# at least _TRY_CHARS (setting up a parse costs that much): every statement of a script written for
# another warehouse costs a try or two, a file of thousands of statements no dialect reads (or a data
# dump) at most about a second more, and its later failures keep their plain message.
_RETRY_CHARS = 2_000_000
_TRY_CHARS = 200


@dataclass
class FileState:
    path: str
    edges: list[ColumnEdge] = field(default_factory=list)
    tables: list[TableFact] = field(default_factory=list)
    changes: list[SchemaChange] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    formulas: list[Formula] = field(default_factory=list)
    bare_selects: list[int] = field(default_factory=list)  # indexes into edges where each starts
    reads: set[str] = field(default_factory=set)
    temporary: set[str] = field(default_factory=set)  # tables the file creates as TEMPORARY
    deadline: Deadline = NO_DEADLINE  # the current statement's
    aliases: AliasRules = DEFAULT_RULES  # the dialect's: where a query may name its own SELECT-list aliases
    dialect: str | None = None  # the name the file is read in, as messages give it
    parses_as: str | None = None  # the other dialect that read its last statement that failed in its own
    retry_chars: int = _RETRY_CHARS  # what is left of its allowance for parsing failed SQL in other dialects
    in_body: bool = False  # the current statement's
    variables: frozenset[str] = frozenset()  # the current statement's, as the splitter found them
    assigns: tuple[str, ...] = ()  # the current statement's
    values: Variables = field(default_factory=Variables)


def extract_sql(text: str, path: str, dialect: str | None = None, registry: SchemaRegistry | None = None, budget: float | None = DEFAULT_STATEMENT_SECONDS) -> FileFacts:
    """Column lineage of every statement in one SQL text.

    `registry` is updated in place with what DDL and CREATE statements declare, so a scan can
    share one registry across files (schema learned in one file resolves `*` in the next).
    A statement still extracting after `budget` seconds is skipped with a diagnostic (see parsers.sql.budget).
    """
    return on_deep_stack(lambda: _extract_sql(text, path, dialect, registry, budget))


def _extract_sql(text: str, path: str, dialect: str | None, registry: SchemaRegistry | None, budget: float | None) -> FileFacts:
    get_dialect(dialect)  # a bad --dialect is the user's error even where a header overrides it
    problem = header_problem(text, path)
    if problem is not None:
        return FileFacts(path, diagnostics=(problem,))
    found = header(text)
    name = found[0] if found else dialect  # the file's own word on its dialect wins
    unsupported = _Unsupported()
    _SQLGLOT_LOG.addHandler(unsupported)
    try:
        return _extract_statements(text, path, name, registry if registry is not None else SchemaRegistry(), (budget, unsupported))
    finally:
        _SQLGLOT_LOG.removeHandler(unsupported)


class _Unsupported(logging.Handler):
    """sqlglot does not raise on syntax it does not support: it logs a line and keeps the statement as
    an opaque Command. That line is not `path:line`, and it quotes the SQL as parsed (a dbt model's
    `CREATE VIEW ... AS` wrapper, template placeholders such as `:name`), not as written; taking it
    here makes it that statement's diagnostic instead."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.seen = False

    def emit(self, record: logging.LogRecord) -> None:
        self.seen = True


_SQLGLOT_LOG = logging.getLogger("sqlglot")
# `CREATE [OR REPLACE] [TEMPORARY ...] TABLE|VIEW`, INSERT, ... kept as a Command lose their lineage



def _extract_statements(text: str, path: str, name: str | None, registry: SchemaRegistry, how: tuple[float | None, _Unsupported]) -> FileFacts:
    budget, unsupported = how
    dia = get_dialect(name)
    state = FileState(path, aliases=alias_rules(dia), dialect=name)
    chunks = deque(_split(text, dia, state))
    tokens_of: dict[int, list[Token]] = {}  # each statement's tokens by its number: the words a failed one may name
    index = 0
    while chunks:
        chunk, index = chunks.popleft(), index + 1
        line, state.in_body, state.variables, state.assigns = chunk.line, chunk.in_body, chunk.variables, chunk.assigns
        tokens_of[index] = chunk.tokens
        at = Location(path, line, index)
        state.deadline, unsupported.seen = Deadline(budget), False  # the parse counts too
        try:
            if is_family(dia, "tsql.TSQL") and _with_output(chunk, at, dia, registry, state, unsupported):
                continue  # read without its OUTPUT clause, which sqlglot misreads or refuses
            statement = parse_statement(chunk, dia, unsupported)
        except ParseError as err:
            detail = err.errors[0] if err.errors else {}
            parts = split_unterminated(chunk, int(detail.get("line") or 0), int(detail.get("col") or 0)) if is_family(dia, "tsql.TSQL") else None
            if parts is not None:
                chunks.extendleft(reversed(parts))
                index -= 1
                continue
            executed = insert_exec(chunk, dia) if is_family(dia, "tsql.TSQL") else None
            if executed is not None:
                _written_by_procedure(executed, at, dia, registry, state)
                continue
            where = Location(path, int(detail.get("line") or line), index)
            _unparsed(_statement_text(chunk.sql, chunk.tokens), state, Diagnostic(where, f"cannot parse statement: {_describe(detail.get('description') or str(err))}"))
            continue
        except RecursionError:
            state.diagnostics.append(Diagnostic(at, _TOO_DEEP))
            continue
        except Exception as err:  # noqa: BLE001 - sqlglot's parser can fail in other ways on odd input
            failed = Diagnostic(at, f"cannot parse statement: the SQL parser failed ({type(err).__name__}: {_first_line(str(err))})")
            _unparsed(_statement_text(chunk.sql, chunk.tokens), state, failed)
            continue
        if unsupported.seen and lineage_command(statement):
            _unparsed(_statement_text(chunk.sql, chunk.tokens), state, Diagnostic(at, _UNSUPPORTED))
        elif statement is not None:
            _guarded_statement(statement, at, dia, registry, state)
    _name_bare_selects(state)
    return FileFacts(
        path=path,
        edges=tuple(sorted(set(state.edges), key=ColumnEdge.key)),
        tables=tuple(state.tables),
        schema_changes=tuple(state.changes),
        diagnostics=tuple(sorted(with_mentions(state.diagnostics, [tokens_of[i] for i in range(1, index + 1)]))),
        statements=index,
        reads=tuple(sorted(state.reads)),
        formulas=tuple(state.formulas),
        temporary=tuple(sorted(state.temporary)),
    )


def _with_output(chunk: Statement, at: Location, dia: Dialect, registry: SchemaRegistry, state: FileState, unsupported: Seen) -> bool:
    """A T-SQL statement with an OUTPUT clause (see tsql_output.py): the statement, then the rows its
    OUTPUT ... INTO writes. False when it has no such clause or does not parse without it."""
    cut = cut_output(chunk.tokens, chunk.sql)
    try:  # parsed as any statement is (`UPDATE TOP (10) ... OUTPUT`: without its neutral TOP, see neutral.py)
        statement = parse_statement(replace(chunk, tokens=cut.statement), dia, unsupported) if cut is not None else None
        written = write_of(statement, state.deadline) if isinstance(statement, exp.Update) else None
        output = output_insert(statement, cut, dia, written.query if written is not None and isinstance(written.query, exp.Select) else None) if cut is not None and cut.into and statement is not None else None
    except (ParseError, UnsupportedError):
        return False
    if statement is None:
        return False
    _guarded_statement(statement, at, dia, registry, state)
    if isinstance(output, str):
        state.diagnostics.append(Diagnostic(at, output, Severity.WARNING))
    elif output is not None:
        _guarded_statement(output, at, dia, registry, state)
    return True


def _split(text: str, dia: Dialect, state: FileState) -> list[Statement]:
    """Tokenise once and cut into statements, block bodies included, so one bad statement spoils only itself."""
    try:
        split = split_script(text, dia)
    except TokenError as err:
        failed = Diagnostic(Location(state.path, _token_error_line(str(err))), f"cannot tokenise: {_first_line(str(err))}")
        _unparsed(text, state, failed, "tokenise the file")
        return []
    state.diagnostics.extend(Diagnostic(Location(state.path, n.line), n.message, n.severity) for n in split.notes)
    return split.statements


_TOO_DEEP = "statement is nested too deeply to analyse; split it into CTEs or views"


def _statement_text(text: str, tokens: list[Token]) -> str:
    return text[tokens[0].start : tokens[-1].end + 1] if tokens else ""


def _unparsed(sql: str, state: FileState, failed: Diagnostic, what: str = "parse statement") -> None:
    """Record `failed`, or, when a common dialect other than the file's parses `sql`, a diagnostic that names it."""
    works = _parses_as(sql, state) if sql.strip() else None
    if works is None:
        state.diagnostics.append(failed)
        return
    where = f"as {state.dialect}" if state.dialect else "as generic SQL (no dialect set)"
    message = f"cannot {what} {where}; it parses as {works}: set the dialect for this file ({HOW_TO_SET.format(name=works)})"
    state.diagnostics.append(Diagnostic(failed.at, message))


def _parses_as(sql: str, state: FileState) -> str | None:
    """The first of FALLBACKS, other than the file's dialect, that parses `sql` whole with no statement
    left an opaque Command; the one that read the file's previous such statement is tried first."""
    for name in sorted(FALLBACKS, key=lambda n: n != state.parses_as):
        if name == (state.dialect or "").lower():
            continue
        cost = max(len(sql), _TRY_CHARS)
        if state.retry_chars < cost:
            return None
        state.retry_chars -= cost
        try:
            parsed = Dialect.get_or_raise(name).parse(sql)
        except Exception:  # noqa: BLE001 - any failure (a parse error, a recursion too deep) means: not this one
            continue
        if any(s is not None for s in parsed) and not any(lineage_command(s) for s in parsed):
            state.parses_as = name
            return name
    return None


def _guarded_statement(statement: exp.Expr, at: Location, dia: Dialect, registry: SchemaRegistry, state: FileState) -> None:
    """One statement's failure is that statement's diagnostic; the file and the scan go on."""
    edges_before, diagnostics_before, tables_before = len(state.edges), len(state.diagnostics), len(state.tables)
    formulas_before = len(state.formulas)
    try:
        _statement(statement, at, dia, registry, state)
    except OverBudget:  # raised before the registry changes: only what this statement recorded goes
        del state.edges[edges_before:], state.diagnostics[diagnostics_before:], state.tables[tables_before:], state.formulas[formulas_before:]
        state.diagnostics.append(Diagnostic(at, state.deadline.message()))
    except RecursionError:
        del state.edges[edges_before:], state.formulas[formulas_before:]
        state.diagnostics.append(Diagnostic(at, _TOO_DEEP))
    except SqlglotError as err:
        del state.edges[edges_before:], state.formulas[formulas_before:]
        state.diagnostics.append(Diagnostic(at, f"cannot analyse statement: {_describe(str(err))}"))
    except Exception as err:  # noqa: BLE001 - one odd statement must not cost the rest of the scan
        del state.edges[edges_before:], state.formulas[formulas_before:]
        message = f"internal error while analysing this statement ({type(err).__name__}: {_first_line(str(err))}); please report it with the statement"
        state.diagnostics.append(Diagnostic(at, message))


def _statement(statement: exp.Expr, at: Location, dia: Dialect, registry: SchemaRegistry, state: FileState) -> None:
    state.reads.update(_normalise(statement, dia))
    if isinstance(statement, exp.Declare) and (tables := table_variables(statement)):
        for create in tables:  # `DECLARE @tv TABLE (id INT, ...)`: a table of those columns, as CREATE TABLE makes one
            _statement(create, at, dia, registry, state)
        if not statement.expressions:
            return
    if state.values.bind(statement, state.variables, columns=not is_family(dia, "snowflake.Snowflake"), assigns=state.assigns):
        return
    altered = alter(statement, at, dia, registry)
    if altered is not None:
        state.changes += altered.changes
        state.edges += altered.edges
        state.diagnostics += altered.diagnostics
        return
    if isinstance(statement, exp.Drop):
        _drop(statement, registry)
        return
    if isinstance(statement, exp.MultitableInserts):
        for insert in multitable_inserts(statement, state.deadline):  # one write per INTO, each into its own target
            _statement(insert, at, dia, registry, state)
        return
    for lifted in lift_modifying(statement):  # `WITH upd AS (UPDATE t ... RETURNING ...)`: t is written too
        _statement(lifted, at, dia, registry, state)
    upsert = conflict_update(statement, registry.column_names)
    if upsert is not None:  # `ON CONFLICT ... DO UPDATE SET`, `ON DUPLICATE KEY UPDATE`: the existing rows are written too
        _statement(upsert, at, dia, registry, state)
    shape = reshape(statement)
    statement, write = shape.statement, write_of(shape.statement, state.deadline, registry.column_names)
    if write is not None and write.target and is_temporary(statement):
        state.temporary.add(write.target)
    state.diagnostics += [Diagnostic(at, note, Severity.WARNING) for note in shape.notes]
    state.diagnostics += [Diagnostic(at, note, Severity.WARNING, needs_schema=True) for note in write.notes] if write is not None else []
    if write is not None and write.target in shape.leading_names():
        # T-SQL's updatable CTE: the rows land in the CTE's base table, through its projections
        state.diagnostics.append(Diagnostic(at, f"cannot analyse statement: it writes through the CTE '{write.target}', whose base table is not resolved; its lineage is missing"))
        return
    if write is not None and write.query is not None:
        with_leading(write.query, shape.leading)
        for stage in sorted(stage_names(write.query)):
            state.diagnostics.append(Diagnostic(at, f"reads the staged files {stage}: the values it takes from them ($1, ...) have no source in the SQL and are not recorded", Severity.WARNING))
    loaded = loaded_table(statement) if write is None else None
    if loaded is not None:  # rows from files: the table is written here, its values come from no SQL
        _written_outside(loaded, f"'{loaded}' is loaded from files: its columns' sources are outside the SQL and not recorded", at, registry, state)
        return
    if write is None:
        if not isinstance(statement, (exp.DDL, exp.DML, *_SILENT)):
            state.diagnostics.append(Diagnostic(at, f"cannot parse statement: '{_first_line(statement.sql())[:60]}' is not a SQL statement"))
        elif not isinstance(statement, _SILENT):
            state.diagnostics.append(Diagnostic(at, f"skipped {statement.key.upper()} statement: no lineage to extract", Severity.WARNING))
        elif isinstance(statement, exp.Insert) and isinstance(statement.expression, exp.Query):  # its rows go somewhere not read
            target = _first_line(statement.this.sql(dia) if isinstance(statement.this, exp.Expr) else "")[:60]
            state.diagnostics.append(Diagnostic(at, f"cannot analyse statement: it inserts into '{target}', which is no table this tool reads; its lineage is missing"))
        return
    if write.ddl_columns is not None:
        registry.define(write.target, write.ddl_columns)
        state.tables.append(TableFact(write.target, TableKind.TABLE, tuple(write.ddl_columns), at))
        return
    if write.target == "":
        if state.in_body:
            return  # a procedure's result set goes to its caller, not to a table
        state.bare_selects.append(len(state.edges))
    query(write, at, dia, registry, state)


def _written_by_procedure(executed: InsertExec, at: Location, dia: Dialect, registry: SchemaRegistry, state: FileState) -> None:
    """`INSERT INTO t EXEC proc`: t is written here, from a result set no SQL here describes."""
    state.reads.update(_normalise(executed.insert, dia))
    target = executed.insert.this
    table = target.this if isinstance(target, exp.Schema) else target
    if not isinstance(table, exp.Table):
        state.diagnostics.append(Diagnostic(at, "cannot parse statement: INSERT ... EXEC into no table this tool reads; its lineage is missing"))
        return
    name = table_name(table)
    message = f"'{name}' is written by INSERT ... EXEC of {executed.procedure}: its columns come from that result set, which is not read here, so their sources are not recorded"
    _written_outside(name, message, at, registry, state)


def _written_outside(name: str, message: str, at: Location, registry: SchemaRegistry, state: FileState) -> None:
    """A table written here whose values come from no SQL (files, a procedure's result set): known as
    written, with its declared columns, and one warning saying its sources are not recorded."""
    state.tables.append(TableFact(name, TableKind.TABLE, tuple(registry.columns(name) or ()), at))
    state.diagnostics.append(Diagnostic(at, message, Severity.WARNING))


def _drop(statement: exp.Drop, registry: SchemaRegistry) -> None:
    if str(statement.args.get("kind") or "").upper() in ("TABLE", "VIEW"):
        dropped = statement.args.get("tables") or [statement.this]
        for table in dropped:
            if isinstance(table, exp.Table):
                registry.drop(table_name(table))


def _normalise(statement: exp.Expr, dia: Dialect) -> set[str]:
    """Fold unquoted identifiers to lower case unless the dialect is case-sensitive; return the
    relations the statement names (one walk of the tree for both).

    Snowflake folds to upper case internally, but users write and read lower case, and one table
    must get one name whichever dialect a file was scanned with.
    """
    fold = dia.normalization_strategy is not NormalizationStrategy.CASE_SENSITIVE
    live = is_family(dia, "databricks.Databricks")
    upper = dia.normalization_strategy is NormalizationStrategy.UPPERCASE
    tables: list[exp.Table] = []
    for node in statement.walk():
        if isinstance(node, exp.Identifier):
            if fold and (not node.quoted or (upper and node.this.isupper())):
                # Oracle and Snowflake fold unquoted names to upper case: "ORDERS" is orders
                node.set("this", node.this.lower())
        elif isinstance(node, (exp.DateDiff, exp.TimestampDiff)):
            unit_first(node)
        elif isinstance(node, exp.Table):
            tables.append(node)
            if live and node.args.get("db") is not None and node.db.lower() == "live" and not node.catalog:
                node.set("db", None)  # Delta Live Tables: `LIVE.orders` is the pipeline's own table `orders`
    return {table_name(t) for t in tables if t.name}  # after the walk: names are folded by then


def _name_bare_selects(state: FileState) -> None:
    """A bare SELECT's output is named after the file: `q01`, or `report#1`, `report#2`, ..."""
    stem = "<stdin>" if state.path in ("-", "<stdin>") else PurePath(state.path).stem
    starts = state.bare_selects
    ends = [*starts[1:], len(state.edges)]  # each SELECT's edges run up to the next one's
    for number, (start, end) in enumerate(zip(starts, ends), start=1):
        name = stem if len(starts) == 1 else f"{stem}#{number}"
        for i in range(start, end):
            if state.edges[i].target_table == "":
                edge = state.edges[i]
                state.edges[i] = ColumnEdge(edge.source_table, edge.source_column, name, edge.target_column, edge.flow, edge.subtype, edge.at)


_TOKEN = re.compile(r"<Token token_type: [^,]*, text: (.*?), line: .*?>")


def _describe(message: str) -> str:
    """sqlglot's parse errors, without its token reprs: `got <Token ... text: WHERE ...>` -> `got 'WHERE'`."""
    return _TOKEN.sub(lambda m: repr(m.group(1)), _first_line(message))


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else "syntax error"


def _token_error_line(message: str) -> int:
    match = re.search(r"[Ll]ine (\d+)", message)
    return int(match.group(1)) if match else 0
