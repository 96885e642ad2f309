"""Schema-changing DDL, applied in statement order: what later statements see, and the edges a rename makes.

ALTER TABLE ... RENAME COLUMN / ADD / DROP COLUMN / ALTER COLUMN TYPE / RENAME TO, and the dialect
forms of the same changes: MySQL's `CHANGE` and `MODIFY` and `RENAME TABLE a TO b, c TO d`,
Postgres' and DuckDB's `RENAME a TO b` (COLUMN is optional there) and `SET SCHEMA s`, Hive's and
Spark's `CHANGE [COLUMN] old new type`, `ADD COLUMNS (...)` and `REPLACE COLUMNS (...)`, Oracle's
`ADD (...)`, `MODIFY (...)` and `DROP (...)`, Snowflake's `SWAP WITH`, and SQL Server's `sp_rename`.
An action this module does not know is said in a warning, unless it is one known to change no column
(constraints, partitions, properties, clustering): a change not applied here is a schema later
statements would read wrong.

A rename keeps the values, so it is a direct identity edge from the old column to the new one:
impact through a rename reaches whatever reads the new name, and the new name is a known column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlglot import exp
from sqlglot.dialects.dialect import Dialect, NormalizationStrategy
from sqlglot.errors import SqlglotError

from lineage.model import ColumnEdge, Diagnostic, Flow, Location, SchemaChange, Severity, Subtype
from parsers.sql.alter_texts import command_alters
from parsers.sql.schema import SchemaRegistry
from parsers.sql.scope_parts import STAR, table_name

RENAME_COLUMN = "rename_column"
RENAME_TABLE = "rename_table"
SWAP_TABLE = "swap_table"
ADD_COLUMN = "add_column"
DROP_COLUMN = "drop_column"
ALTER_TYPE = "alter_type"


@dataclass
class Altered:
    """What one statement's schema changes record: the changes, the rename edges, any warnings."""

    changes: list[SchemaChange] = field(default_factory=list)
    edges: list[ColumnEdge] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Apply:
    registry: SchemaRegistry
    at: Location
    out: Altered

    def rename_column(self, table: str, old: str, new: str) -> None:
        self.registry.rename_column(table, old, new)
        self.out.changes.append(SchemaChange(table, RENAME_COLUMN, old, new, self.at))
        self.out.edges.append(ColumnEdge(table, old, table, new, Flow.DIRECT, Subtype.IDENTITY, self.at))

    def add_column(self, table: str, column: str, type_: str | None) -> None:
        self.registry.add_column(table, column, type_)
        self.out.changes.append(SchemaChange(table, ADD_COLUMN, column, type_, self.at))

    def drop_column(self, table: str, column: str) -> None:
        self.registry.drop_column(table, column)
        self.out.changes.append(SchemaChange(table, DROP_COLUMN, column, None, self.at))

    def retype(self, table: str, column: str, type_: str) -> None:
        self.registry.retype_column(table, column, type_)
        self.out.changes.append(SchemaChange(table, ALTER_TYPE, column, type_, self.at))

    def rename_table(self, old: str, new: str) -> None:
        """Every known column carries over; with none known, one `*` edge stands for them all."""
        self._carry(old, new, "rename to")
        self.registry.rename_table(old, new)
        self.out.changes.append(SchemaChange(old, RENAME_TABLE, "", new, self.at))

    def swap(self, first: str, second: str) -> None:
        """Snowflake's `ALTER TABLE a SWAP WITH b`: each name now holds the other's rows and columns."""
        columns = self.registry.columns(first), self.registry.columns(second)
        self._carry(first, second, "swap with")
        self._carry(second, first, "swap with")
        for name, cols in ((second, columns[0]), (first, columns[1])):
            if cols is None:
                self.registry.drop(name)  # the other's columns are unknown: so are this name's now
            else:
                self.registry.define(name, cols)
        self.out.changes.append(SchemaChange(first, SWAP_TABLE, "", second, self.at))

    def replace_columns(self, table: str, columns: list[tuple[str, str | None]]) -> None:
        """Hive's and Spark's `REPLACE COLUMNS (...)`: the columns not listed are dropped, the new ones added."""
        old = dict(self.registry.columns(table) or ())
        for name in old:
            if name not in dict(columns):
                self.drop_column(table, name)
        for name, type_ in columns:
            if name not in old:
                self.add_column(table, name, type_)
            elif type_ is not None and type_ != old[name]:
                self.retype(table, name, type_)

    def _carry(self, old: str, new: str, how: str) -> None:
        columns = self.registry.columns(old)
        if columns is None:
            self.out.edges.append(ColumnEdge(old, STAR, new, STAR, Flow.DIRECT, Subtype.IDENTITY, self.at))
            message = f"columns of '{old}' are unknown: its {how} '{new}' is recorded as one '*' edge (add its DDL or --schema)"
            self.out.diagnostics.append(Diagnostic(self.at, message, Severity.WARNING, needs_schema=True))
        else:
            self.out.edges += [ColumnEdge(old, c, new, c, Flow.DIRECT, Subtype.IDENTITY, self.at) for c, _ in columns]

    def unread(self, table: str, action: exp.Expr) -> None:
        text = " ".join(action.sql().split())[:80]
        message = f"ALTER TABLE {table}: '{text}' is not read; if it changes columns, later statements do not see the change"
        self.out.diagnostics.append(Diagnostic(self.at, message, Severity.WARNING))


def alter(statement: exp.Expr, at: Location, dia: Dialect, registry: SchemaRegistry) -> Altered | None:
    """The schema changes of `statement` applied to `registry`, or None when it changes no schema."""
    out = Altered()
    apply = _Apply(registry, at, out)
    if isinstance(statement, exp.Alter):
        if not isinstance(statement.this, exp.Table):
            return out  # ALTER SESSION, ALTER WAREHOUSE, ...: no table changes shape
        table = table_name(statement.this)
        for action in statement.args.get("actions") or ():
            _action(apply, table, action, statement)
        return out
    if isinstance(statement, exp.Command) and str(statement.this).upper() == "ALTER" and (moved := _SET_SCHEMA.match(_command_text(statement))):
        old = ".".join(_parts(moved.group(1), dia))  # Postgres' `SET SCHEMA s`: the table is s.<name> now
        apply.rename_table(old, f"{'.'.join(_parts(moved.group(2), dia))}.{old.rsplit('.', 1)[-1]}")
        return out
    if isinstance(statement, exp.Command) and str(statement.this).upper() == "ALTER" and _SCHEMA_CHANGE.match(_command_text(statement)):
        for one in command_alters(_command_text(statement), dia):
            _fold(one, dia)
            for action in one.args.get("actions") or ():
                _action(apply, table_name(one.this), action, one)
        return out
    if _is_rename_table(statement):
        for old, new in _renamed_tables(_command_text(statement), dia):
            apply.rename_table(old, new)
        return out
    if isinstance(statement, exp.Execute) and statement.this.name.lower() == "sp_rename":
        _sp_rename(apply, statement, dia)
        return out
    return None


def _action(apply: _Apply, table: str, action: exp.Expr, statement: exp.Alter) -> None:
    if isinstance(action, _NO_COLUMN_CHANGE) or isinstance(action, exp.Drop) and str(action.args.get("kind") or "").upper() not in ("COLUMN", "COLUMNS"):
        return
    if isinstance(action, exp.RenameColumn):
        apply.rename_column(table, action.this.name, action.args["to"].name)
    elif isinstance(action, exp.AlterRename):
        to = next((o for o in statement.args.get("options") or () if isinstance(o, exp.ToTableProperty)), None)
        if to is not None:  # Postgres' and DuckDB's `RENAME a TO b`: the COLUMN keyword is optional
            apply.rename_column(table, action.this.name, to.this.name)
        else:
            apply.rename_table(table, _qualified(table_name(action.this), table))
    elif isinstance(action, exp.ColumnDef):
        apply.add_column(table, *_definition(action))
    elif isinstance(action, exp.Schema):  # Hive's and Spark's ADD COLUMNS (...), Oracle's ADD (...)
        for definition in action.expressions:
            apply.add_column(table, *_definition(definition))
    elif isinstance(action, exp.ReplaceColumns):
        apply.replace_columns(table, [_definition(d) for d in action.expressions])
    elif isinstance(action, exp.Drop):  # DROP [COLUMN] a, b; Spark's DROP COLUMNS (a, b)
        for column in action.args.get("tables") or ():
            for name in column.expressions if isinstance(column, exp.Schema) else (column,):
                apply.drop_column(table, name.name)
    elif isinstance(action, exp.AlterColumn):  # TYPE / SET DATA TYPE; Hive's CHANGE [COLUMN] old new type
        name, to = action.name, action.args.get("rename_to")
        if to is not None and to.name != name:
            apply.rename_column(table, name, to.name)
            name = to.name
        if action.args.get("dtype") is not None:
            apply.retype(table, name, action.args["dtype"].sql())
    elif isinstance(action, exp.SwapTable):
        apply.swap(table, _qualified(table_name(action.this), table))
    elif isinstance(action, exp.Command) and str(action.this).upper() == "DROP" and (names := _parenthesised(str(action.expression or ""))):
        for name in names:  # Oracle's DROP (a, b)
            apply.drop_column(table, name)
    elif isinstance(action, exp.Command) and str(action.this).upper() == "DROP" and str(action.expression or "").upper().split() == ["UNUSED", "COLUMNS"]:
        return  # Oracle's DROP UNUSED COLUMNS: the columns SET UNUSED already took away, now freed on disk
    elif isinstance(action, exp.ModifyColumn):  # MySQL: CHANGE old new type / MODIFY name type
        definition = action.this
        old = action.args.get("rename_from")
        if old is not None and old.name != definition.name:
            apply.rename_column(table, old.name, definition.name)
        if definition.args.get("kind") is not None:
            apply.retype(table, definition.name, definition.args["kind"].sql())
    else:
        apply.unread(table, action)


# actions that change no column's name, type or presence
_NO_COLUMN_CHANGE = (
    exp.AddConstraint, exp.AlterSet, exp.AlterDistStyle, exp.AlterSortKey, exp.AlterIndex, exp.RenameIndex,
    exp.AddPartition, exp.DropPartition, exp.DropPrimaryKey, exp.ReplacePartition, exp.AlterModifySqlSecurity,
    exp.ClusterProperty, exp.Delete, exp.Constraint, exp.PrimaryKey, exp.ForeignKey, exp.Properties,
)


def _definition(column: exp.Expr) -> tuple[str, str | None]:
    kind = column.args.get("kind")
    return column.name, kind.sql() if kind is not None else None


def _parenthesised(text: str) -> list[str]:
    """The plain names of `(a, b)`, or [] when `text` is anything else."""
    text = text.strip()
    if not (text.startswith("(") and text.endswith(")")):
        return []
    names = [part.strip() for part in text[1:-1].split(",")]
    return [n.lower() for n in names] if all(re.fullmatch(r"\w+", n) for n in names) else []


# an ALTER TABLE kept as a Command that renames, adds, drops or retypes: read it, or say it was not read
# (other ALTERs kept as Commands, `ALTER SESSION`, `ALTER TABLE ... CLUSTER BY`, change no column)
_SCHEMA_CHANGE = re.compile(r"(?is)\s*TABLE\b.*\b(RENAME|ADD|DROP|ALTER|MODIFY|CHANGE|SWAP|UNUSED)\b")
_SET_SCHEMA = re.compile(r"(?is)\s*TABLE\s+(?:IF\s+EXISTS\s+)?(?:ONLY\s+)?(\S+)\s+SET\s+SCHEMA\s+([^\s;]+)\s*;?\s*$")


def _command_text(statement: exp.Expr) -> str:
    expression = statement.args.get("expression")
    return expression.name if isinstance(expression, exp.Literal) else str(expression or "")


def _fold(tree: exp.Expr, dia: Dialect) -> None:
    """Unquoted identifiers folded as `parsers.sql.extract` folds those of every statement it reads."""
    if dia.normalization_strategy is NormalizationStrategy.CASE_SENSITIVE:
        return
    for identifier in tree.find_all(exp.Identifier):
        if not identifier.quoted:
            identifier.set("this", identifier.this.lower())


def _qualified(new: str, old: str) -> str:
    """A new name without a schema stays in the old table's schema (and database)."""
    if "." in new or "." not in old:
        return new
    return f"{old.rsplit('.', 1)[0]}.{new}"


def _is_rename_table(statement: exp.Expr) -> bool:
    """MySQL's `RENAME TABLE a TO b, c TO d`, which sqlglot keeps as an opaque Command."""
    return isinstance(statement, exp.Command) and str(statement.this).upper() == "RENAME"


_PAIR = re.compile(r"\s*(\S+)\s+TO\s+(\S+)\s*", re.IGNORECASE)


def _renamed_tables(text: str, dia: Dialect) -> list[tuple[str, str]]:
    words = text.split(None, 1)
    if len(words) != 2 or words[0].upper() != "TABLE":
        raise SqlglotError(f"RENAME {_first(text)} is not RENAME TABLE a TO b")
    pairs = []
    for part in words[1].split(","):
        match = _PAIR.fullmatch(part)
        if match is None:
            raise SqlglotError(f"'{part.strip()}' in RENAME TABLE is not 'old TO new'")
        old = ".".join(_parts(match.group(1), dia))
        pairs.append((old, _qualified(".".join(_parts(match.group(2), dia)), old)))
    return pairs


def _sp_rename(apply: _Apply, statement: exp.Execute, dia: Dialect) -> None:
    """`sp_rename 'schema.table.column', 'new', 'COLUMN'` renames a column; without a type, a table.

    The arguments come by position or by name (@objname, @newname, @objtype):
    https://learn.microsoft.com/en-us/sql/relational-databases/system-stored-procedures/sp-rename-transact-sql
    """
    args = _arguments(statement)
    objname, newname, objtype = (args.get(k, "") for k in ("objname", "newname", "objtype"))
    if not objname or not newname:
        raise SqlglotError("sp_rename needs @objname and @newname")
    names, new = _parts(objname, dia), _parts(newname, dia)[-1]
    if objtype.upper() == "COLUMN":
        if len(names) < 2:
            raise SqlglotError(f"sp_rename of column '{objname}' must name table.column")
        apply.rename_column(".".join(names[:-1]), names[-1], new)
    elif objtype.upper() in ("", "OBJECT"):
        old = ".".join(names)
        apply.rename_table(old, _qualified(new, old))
    # INDEX, STATISTICS, DATABASE, USERDATATYPE: no column or table changes name


_SP_RENAME = ("objname", "newname", "objtype")


def _arguments(statement: exp.Execute) -> dict[str, str]:
    out: dict[str, str] = {}
    for position, arg in enumerate(statement.expressions):
        if isinstance(arg, exp.EQ) and isinstance(arg.this, exp.Parameter):
            out[arg.this.name.lower()] = arg.expression.name
        elif position < len(_SP_RENAME):
            out[_SP_RENAME[position]] = arg.name
    return out


def _parts(text: str, dia: Dialect) -> list[str]:
    """A dotted name as written in a string, each part folded as `parsers.sql` folds identifiers."""
    table = exp.to_table(text, dialect=dia)
    _fold(table, dia)
    return [p.name for p in table.parts]


def _first(text: str) -> str:
    return text.split(None, 1)[0] if text.strip() else ""
