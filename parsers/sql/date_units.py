"""Date and time functions whose unit is a bare word: `dateadd(month, 1, d)`, `datediff(day, a, b)`,
BigQuery's `last_day(d, month)`. A dialect whose parser does not know the function keeps the word as a
column (a column of no table, said as unresolved), and sqlglot's default dialect reads `datediff(day, a, b)`
as `datediff(day, a)` in units of `b`, losing the column b.
"""

from __future__ import annotations

from sqlglot import exp

from parsers.sql.scope_parts import function_name

# Date and time functions whose unit is a bare word (`dateadd(month, 1, d)`, BigQuery's `date_trunc(d, month)`,
# `last_day(d, month)`): a dialect whose parser does not know the function keeps the word as a column
_DATE_UNIT_FUNCTIONS = frozenset({
    "dateadd", "date_add", "timestampadd", "timestamp_add", "datetime_add", "time_add", "datediff", "date_diff",
    "timestampdiff", "timestamp_diff", "datetime_diff", "time_diff", "datepart", "date_part", "datename", "date_trunc",
    "datetrunc", "timestamp_trunc", "datetime_trunc", "time_trunc", "trunc", "last_day", "extract", "time_slice",
    "date_sub", "timestamp_sub", "datetime_sub", "time_sub", "months_between", "date_bucket",
})
_DATE_UNITS = frozenset({
    "year", "years", "yy", "yyyy", "quarter", "quarters", "qq", "month", "months", "mm", "mon", "week", "weeks", "wk", "ww",
    "isoweek", "day", "days", "dd", "dayofweek", "dayofyear", "dy", "weekday", "dw", "hour", "hours", "hh", "minute", "minutes",
    "mi", "second", "seconds", "ss", "millisecond", "milliseconds", "ms", "microsecond", "microseconds", "us", "nanosecond",
    "nanoseconds", "ns", "epoch", "isoyear", "yearofweek", "dow", "doy", "decade", "century", "millennium",
})


def date_unit(column: exp.Column) -> bool:
    """`month` in `dateadd(month, 1, d)`: the function's unit, not a column (see _DATE_UNIT_FUNCTIONS)."""
    parent = column.parent
    return column.name.lower() in _DATE_UNITS and isinstance(parent, exp.Func) and function_name(parent) in _DATE_UNIT_FUNCTIONS


def unit_first(node: exp.Expr) -> None:
    """`datediff(day, a, b)` / `timestampdiff(second, a, b)` as T-SQL, Snowflake and MySQL write it, read by a
    parser that takes the last argument for the unit: the unit put back, and b a column again."""
    this, unit = node.this, node.args.get("unit")
    word = isinstance(this, exp.Column) and not this.table and not this.this.quoted or isinstance(this, exp.Literal) and this.is_string
    if not word or this.name.lower() not in _DATE_UNITS:  # `day` or Redshift's 'day'
        return
    if not isinstance(unit, exp.Var) or unit.name.lower() in _DATE_UNITS:
        return
    node.set("unit", exp.var(this.name.upper()))
    node.set("this", exp.column(unit.name.lower()))
