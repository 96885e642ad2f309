"""Postgres's data-modifying CTEs: `WITH moved AS (DELETE ... RETURNING ...)`, `WITH upd AS (UPDATE ...
RETURNING ...)`, `WITH ins AS (INSERT ... RETURNING ...)`. Each body is a write of its own, read as the
statement it is, and the CTE's rows are what its RETURNING gives, read as a query over the rows it
touched: the archive pattern `INSERT INTO t_log SELECT * FROM moved` traces to t. A body whose rows
cannot be written as a query stays one (parsers.sql.shapes says its columns are unresolved).
"""

from __future__ import annotations

from sqlglot import exp

from parsers.sql.assignments import assigned_by
from parsers.sql.budget import NO_DEADLINE
from parsers.sql.writes import write_of


def lift_modifying(statement: exp.Expr) -> list[exp.Expr]:
    """The writes of `statement`'s data-modifying CTEs (without their RETURNING), each CTE's body
    replaced, in place, by the query of the rows it returns where that can be written."""
    writes: list[exp.Expr] = []
    for cte in list(statement.find_all(exp.CTE)):
        body = cte.this
        if not isinstance(body, (exp.Update, exp.Insert, exp.Delete, exp.Merge)):
            continue
        write = body.copy()  # a DELETE moves no value, but its condition decides which rows remain
        write.set("returning", None)
        writes.append(write)
        rows = _returned_rows(body)
        if rows is not None:
            cte.set("this", rows)
    return writes


def _returned_rows(body: exp.Expr) -> exp.Select | None:
    returning = body.args.get("returning")
    if not isinstance(returning, exp.Returning) or not isinstance(body.this, (exp.Table, exp.Schema)):
        return None
    if isinstance(body, exp.Delete) and isinstance(body.this, exp.Table):
        return _deleted(body, returning)
    if isinstance(body, exp.Update) and not any(isinstance(e, exp.Star) or (isinstance(e, exp.Column) and isinstance(e.this, exp.Star)) for e in returning.expressions):
        return _updated(body, returning)
    if isinstance(body, exp.Insert) and isinstance(body.this, exp.Schema) and isinstance(body.expression, exp.Query):
        return _inserted(body, returning)
    return None  # `UPDATE ... RETURNING *` would give each assigned column's old value: left unresolved, and said


def _deleted(body: exp.Delete, returning: exp.Returning) -> exp.Select:
    """`DELETE FROM t [USING u] WHERE c RETURNING x, ...`: t's deleted rows, `SELECT x, ... FROM t [, u] WHERE c`."""
    select = exp.Select(expressions=[e.copy() for e in returning.expressions])
    select.set("from_", exp.From(this=body.this.copy()))
    select.set("joins", [exp.Join(this=u.copy()) for u in body.args.get("using") or ()] or None)
    if body.args.get("where") is not None:
        select.set("where", body.args["where"].copy())
    return select


def _updated(body: exp.Update, returning: exp.Returning) -> exp.Select | None:
    """`UPDATE t SET a = v ... RETURNING t.a, b`: the updated rows, each assigned column its new value."""
    update = body.copy()
    update.set("returning", None)
    write = write_of(update, NO_DEADLINE)
    query = write.query if write is not None else None
    if not isinstance(query, exp.Select):
        return None
    name = body.this.alias_or_name
    assigned = assigned_by(query)

    def new(node: exp.Expr) -> exp.Expr:
        if isinstance(node, exp.Column) and node.table in ("", name) and node.name in assigned:
            value = assigned[node.name].copy()
            return value if isinstance(node.parent, exp.Alias) else exp.alias_(value, node.name)
        return node

    rows = query.copy()
    rows.set("expressions", [e.copy().transform(new) for e in returning.expressions])
    return rows


def _inserted(body: exp.Insert, returning: exp.Returning) -> exp.Select:
    """`INSERT INTO t (a, b) SELECT ... RETURNING a, b`: the inserted rows, as the query's rows named t (a, b)."""
    schema = body.this
    name = schema.this.alias_or_name if isinstance(schema.this, exp.Table) else "inserted"
    columns = [exp.to_identifier(c.name) for c in schema.expressions]
    rows = exp.Subquery(this=body.expression.copy(), alias=exp.TableAlias(this=exp.to_identifier(name), columns=columns))
    return exp.Select(expressions=[e.copy() for e in returning.expressions]).from_(rows)
