"""What a statement writes: its target relation, target columns, and the query whose outputs fill them.

MERGE and UPDATE are rewritten into an equivalent SELECT (one projection per assigned column, the
same FROM/JOIN/WHERE), so that one tracer handles every kind of write the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlglot import exp

from lineage.model import TableKind
from parsers.trace import MERGE_WHEN, table_name


@dataclass(frozen=True, slots=True)
class Write:
    target: str  # "" for a bare SELECT (named after the file later)
    query: exp.Expr | None = None
    columns: list[str] | None = None  # explicit target columns, in output order
    positional: bool = False  # without explicit columns, outputs fill the target's columns in order
    defines: TableKind | None = None  # CREATE ... AS defines the target's columns
    ddl_columns: list[tuple[str, str | None]] | None = None  # CREATE TABLE (col type, ...)


def write_of(statement: exp.Expr) -> Write | None:
    if isinstance(statement, exp.Create):
        return _create(statement)
    if isinstance(statement, exp.Insert):
        return _insert(statement)
    if isinstance(statement, exp.Merge):
        return _merge(statement)
    if isinstance(statement, exp.Update):
        return _update(statement)
    if isinstance(statement, exp.Select) and isinstance(statement.args.get("into"), exp.Into):
        return _select_into(statement)
    if isinstance(statement, exp.Query):
        return Write("", statement)
    return None


def _target(node: exp.Expr) -> tuple[str, list[str] | None]:
    """`t` or `t (a, b)` -> ("t", ["a", "b"])."""
    if isinstance(node, exp.Schema):
        names = [c.name for c in node.expressions if isinstance(c, (exp.Identifier, exp.Column, exp.ColumnDef))]
        assert isinstance(node.this, exp.Table)
        return table_name(node.this), names or None
    assert isinstance(node, exp.Table)
    return table_name(node), None


def _create(statement: exp.Create) -> Write | None:
    kind = str(statement.args.get("kind") or "").upper()
    if kind not in ("TABLE", "VIEW"):
        return None
    target, columns = _target(statement.this)
    query = statement.expression
    if isinstance(query, exp.Query):
        defines = TableKind.VIEW if kind == "VIEW" else TableKind.TABLE
        return Write(target, query, columns, defines=defines)
    definitions = statement.this.expressions if isinstance(statement.this, exp.Schema) else []
    ddl = [(c.name, c.args["kind"].sql() if c.args.get("kind") else None) for c in definitions if isinstance(c, exp.ColumnDef)]
    return Write(target, ddl_columns=ddl)


def _select_into(statement: exp.Select) -> Write | None:
    """T-SQL / Postgres `SELECT ... INTO t FROM ...` creates t from the query."""
    into = statement.args["into"]
    if not isinstance(into.this, exp.Table):
        return None
    name = table_name(into.this)
    query = statement.copy()
    query.set("into", None)
    return Write(name, query, defines=TableKind.TABLE)


def _insert(statement: exp.Insert) -> Write | None:
    query = statement.expression
    if not isinstance(query, exp.Query) or not isinstance(statement.this, (exp.Table, exp.Schema)):
        return None  # INSERT ... VALUES carries no lineage
    target, columns = _target(statement.this)
    return Write(target, query, columns, positional=True)


def _update(statement: exp.Update) -> Write | None:
    if not isinstance(statement.this, exp.Table):
        return None
    target_table = statement.this.copy()
    # MySQL's `UPDATE t JOIN s ON ... SET` keeps the joins on the target table
    joins = [j.copy() for j in target_table.args.get("joins") or ()]
    target_table.set("joins", None)
    select = exp.Select(expressions=[_assigned(eq) for eq in statement.expressions])
    select.set("from_", exp.From(this=target_table))
    source = statement.args.get("from_") or statement.args.get("from")
    if isinstance(source, exp.From):
        joins.insert(0, exp.Join(this=source.this.copy()))
    joins += [j.copy() for j in statement.args.get("joins") or ()]
    select.set("joins", joins or None)
    if statement.args.get("where") is not None:
        select.set("where", statement.args["where"].copy())
    return Write(table_name(statement.this), select)


def _merge(statement: exp.Merge) -> Write | None:
    if not isinstance(statement.this, exp.Table):
        return None
    source = statement.args["using"]
    projections: list[exp.Expr] = []
    deletes: list[exp.Expr] = []
    whens = statement.args.get("whens")
    for when in whens.expressions if isinstance(whens, exp.Whens) else []:
        condition, action = when.args.get("condition"), when.args.get("then")
        if isinstance(action, (exp.Update, exp.Insert)):
            projections += _merge_assignments(action, source.alias_or_name, condition)
        elif condition is not None:  # WHEN MATCHED AND cond THEN DELETE: cond decides which rows stay
            deletes.append(condition.copy())
    if not projections and not deletes:
        return None
    select = exp.Select(expressions=projections)
    select.set("from_", exp.From(this=statement.this.copy()))
    select.set("joins", [exp.Join(this=source.copy(), on=statement.args["on"].copy())])
    if deletes:
        select.set("where", exp.Where(this=exp.or_(*deletes)))
    return Write(table_name(statement.this), select)


def _merge_assignments(action: exp.Expr, source: str, condition: exp.Expr | None) -> list[exp.Expr]:
    """`SET c = v` / `INSERT (c) VALUES (v)` as projections `v AS c`; `SET *` / `INSERT *` as `source.*`."""
    if isinstance(action, exp.Update):
        if any(isinstance(e, exp.Star) for e in action.expressions):
            return [exp.Column(this=exp.Star(), table=exp.to_identifier(source))]
        pairs = [(eq.this.name, eq.expression) for eq in action.expressions]
    elif isinstance(action.this, exp.Star):
        return [exp.Column(this=exp.Star(), table=exp.to_identifier(source))]
    elif isinstance(action.this, exp.Tuple) and isinstance(action.expression, exp.Tuple):
        pairs = list(zip([n.name for n in action.this.expressions], action.expression.expressions))
    else:
        return []
    return [exp.alias_(_when(condition, value.copy()), name, copy=False) for name, value in pairs]


def _when(condition: exp.Expr | None, value: exp.Expr) -> exp.Expr:
    if condition is None:
        return value
    return exp.Anonymous(this=MERGE_WHEN, expressions=[condition.copy(), value])


def _assigned(eq: exp.Expr) -> exp.Expr:
    return exp.alias_(eq.expression.copy(), eq.this.name, copy=False)
