"""What a statement writes: its target relation, target columns, and the query whose outputs fill them.

MERGE and UPDATE are rewritten into an equivalent SELECT (one projection per assigned column, the
same FROM/JOIN/WHERE), so that one tracer handles every kind of write the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlglot import exp

from lineage.model import TableKind
from parsers.trace import table_name


@dataclass(frozen=True, slots=True)
class Write:
    target: str  # "" for a bare SELECT (named after the file later)
    query: exp.Expression | None = None
    columns: list[str] | None = None  # explicit target columns, in output order
    positional: bool = False  # without explicit columns, outputs fill the target's columns in order
    defines: TableKind | None = None  # CREATE ... AS defines the target's columns
    ddl_columns: list[tuple[str, str | None]] | None = None  # CREATE TABLE (col type, ...)


def write_of(statement: exp.Expression) -> Write | None:
    if isinstance(statement, exp.Create):
        return _create(statement)
    if isinstance(statement, exp.Insert):
        return _insert(statement)
    if isinstance(statement, exp.Merge):
        return _merge(statement)
    if isinstance(statement, exp.Update):
        return _update(statement)
    if isinstance(statement, exp.Query):
        return Write("", statement)
    return None


def _target(node: exp.Expression) -> tuple[str, list[str] | None]:
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


def _insert(statement: exp.Insert) -> Write | None:
    query = statement.expression
    if not isinstance(query, exp.Query) or not isinstance(statement.this, (exp.Table, exp.Schema)):
        return None  # INSERT ... VALUES carries no lineage
    target, columns = _target(statement.this)
    return Write(target, query, columns, positional=True)


def _update(statement: exp.Update) -> Write | None:
    if not isinstance(statement.this, exp.Table):
        return None
    target = table_name(statement.this)
    select = exp.Select(expressions=[_assigned(eq) for eq in statement.expressions])
    select.set("from_", exp.From(this=statement.this.copy()))
    source = statement.args.get("from_") or statement.args.get("from")
    joins = [j.copy() for j in statement.args.get("joins") or ()]
    if isinstance(source, exp.From):
        joins.insert(0, exp.Join(this=source.this.copy()))
    select.set("joins", joins or None)
    if statement.args.get("where") is not None:
        select.set("where", statement.args["where"].copy())
    return Write(target, select, [eq.this.name for eq in statement.expressions])


def _merge(statement: exp.Merge) -> Write | None:
    if not isinstance(statement.this, exp.Table):
        return None
    target = table_name(statement.this)
    projections: list[exp.Expression] = []
    columns: list[str] = []
    whens = statement.args.get("whens")
    for when in (whens.expressions if isinstance(whens, exp.Whens) else []):
        condition, action = when.args.get("condition"), when.args.get("then")
        for column, value in _merge_assignments(action):
            if condition is not None:  # WHEN MATCHED AND cond: cond decides whether value lands
                value = exp.Case(ifs=[exp.If(this=condition.copy(), true=value)])
            projections.append(exp.alias_(value, column))
            columns.append(column)
    if not projections:
        return None
    select = exp.Select(expressions=projections)
    select.set("from_", exp.From(this=statement.this.copy()))
    select.set("joins", [exp.Join(this=statement.args["using"].copy(), on=statement.args["on"].copy())])
    return Write(target, select, columns)


def _merge_assignments(action: object) -> list[tuple[str, exp.Expression]]:
    if isinstance(action, exp.Update):
        return [(eq.this.name, eq.expression.copy()) for eq in action.expressions]
    if isinstance(action, exp.Insert):
        names, values = action.this, action.expression
        if isinstance(names, exp.Tuple) and isinstance(values, exp.Tuple):
            return [(n.name, v.copy()) for n, v in zip(names.expressions, values.expressions)]
    return []


def _assigned(eq: exp.Expression) -> exp.Expression:
    return exp.alias_(eq.expression.copy(), eq.this.name)
