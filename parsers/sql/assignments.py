"""Assignments: `SET c = v, ...` of UPDATE and MERGE as (column, value) pairs, their row forms taken
apart, and an assigned value as the expression it is (DEFAULT as NULL)."""

from __future__ import annotations

from sqlglot import exp
from sqlglot.errors import UnsupportedError


def set_pairs(assignments: list[exp.Expr]) -> list[tuple[str, exp.Expr]]:
    """`SET c = v, ...` as (c, v) pairs, with the row forms of Postgres, Oracle and DB2 taken apart:
    `SET (a, b) = (x, y)` or `= ROW(x, y)` pairs a with x and b with y, and `SET (a, b) = (SELECT x, y
    FROM ...)` pairs a with the scalar subquery selecting x and b with the one selecting y (the same FROM
    and WHERE, so each column keeps the filters that decide its row)."""
    pairs: list[tuple[str, exp.Expr]] = []
    for eq in assignments:
        target = eq.this.unnest()  # `SET (c) = (...)`: a one-column row
        if isinstance(target, exp.Column):
            pairs.append((target.name, eq.expression))
            continue
        if isinstance(target, (exp.Parameter, exp.SessionParameter, exp.Placeholder)):
            continue  # T-SQL's `SET @total = amount`: a variable, no column of the target
        if not isinstance(target, exp.Tuple) or not all(isinstance(c, exp.Column) for c in target.expressions):
            raise UnsupportedError(f"an assignment to a target not read: {eq.sql()[:60]}")
        names = [column.name for column in target.expressions]
        values = _row_values(eq.expression, len(names))
        if values is None:
            raise UnsupportedError(f"a row assignment of a shape not read: {eq.sql()[:60]}")
        pairs.extend(zip(names, values))
    return pairs


def assigned_value(value: exp.Expr) -> exp.Expr:
    """A copy of an assigned value; the keyword DEFAULT (which sqlglot reads as a column named DEFAULT)
    becomes NULL: the column's default comes from its DDL, not from a column of the same name."""
    if isinstance(value, exp.Column) and not value.table and not value.this.quoted and value.name.upper() == "DEFAULT":
        return exp.Null()
    return value.copy()


def _row_values(row: exp.Expr, width: int) -> list[exp.Expr] | None:
    """The values a row assignment of `width` columns takes, in order; None when they cannot be told apart."""
    if isinstance(row, exp.Paren) and width == 1:
        return [row.this]
    if isinstance(row, exp.Subquery) and width == 1:
        return [row]
    if isinstance(row, exp.Tuple) or (isinstance(row, exp.Anonymous) and row.name.upper() == "ROW"):
        values = list(row.expressions)
    elif isinstance(row, exp.Subquery) and isinstance(row.this, exp.Select) and not row.this.is_star:
        values = [_one_output(row, projection) for projection in row.this.expressions]
    else:
        return None
    return values if len(values) == width else None


def _one_output(subquery: exp.Subquery, projection: exp.Expr) -> exp.Expr:
    single = subquery.copy()
    single.this.set("expressions", [projection.copy()])
    return single


def assigned_by(select: exp.Select) -> dict[str, exp.Expr]:
    """An UPDATE read as its SELECT (writes.py): each assigned column's value, by the column's name."""
    return {p.alias: p.this for p in select.expressions if isinstance(p, exp.Alias)}
