"""The small questions column tracing asks of sqlglot's trees: a table's name, which columns a star
keeps (EXCEPT, REPLACE, ILIKE, COLUMNS('re')), what a PIVOT/UNPIVOT reads and makes, whether a name is a
source in scope, and how a read's flow and subtype combine along the way. Pure functions.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import TypeGuard

from sqlglot import exp
from sqlglot.optimizer.scope import Scope

from lineage.model import Flow, Subtype
from parsers.sql.shapes import OPAQUE

# (source table or None when the SQL does not say, source column, flow, subtype)
Hit = tuple[str | None, str, Flow, Subtype]
Context = tuple[Flow, Subtype]

STAR = "*"
# MERGE ... WHEN MATCHED AND cond THEN UPDATE SET c = v is rewritten to `MERGE_WHEN(k, v) AS c` beside
# one `MERGE_WHEN(cond, NULL) AS k` (parsers.sql.writes): v lands unchanged when cond holds (unlike CASE,
# which would write NULL otherwise), and cond, an alias here, is traced once for all the columns.
MERGE_WHEN = "__lineage_merge_when__"
MERGE_CONDITION = "__lineage_merge_condition_"  # what a MERGE's conditions are aliased as, in WHERE too
RANK = {Subtype.IDENTITY: 0, Subtype.TRANSFORMATION: 1, Subtype.AGGREGATION: 2}
# a COLUMNS('re') pattern with a quantifier or back-reference is not expanded: DuckDB's RE2 runs in
# linear time, Python's `re` can backtrack exponentially (its column list is then a counted warning)
UNSAFE_REGEX = re.compile(r"[*+?{]|\\[1-9]")
OPEN_ENDS = re.compile(r"^\^?\.\*|\.\*\$?$")
STAR_MODIFIERS = ("except_", "except", "replace", "rename", "ilike")


class Columns:
    """Column names in order, with constant-time `in`: every output column of a statement asks
    whether a source has it, so scanning the names each time is quadratic in the columns."""

    __slots__ = ("names", "_known")

    def __init__(self, names: Iterable[str]) -> None:
        self.names = tuple(names)
        self._known = frozenset(self.names)

    def __contains__(self, name: object) -> bool:
        return name in self._known

    def __iter__(self) -> Iterator[str]:
        return iter(self.names)


def table_name(table: exp.Table) -> str:
    if isinstance(table.this, exp.Parameter):
        # T-SQL's table variable `@tv`: its own table, never a table named `tv` (nor the NULL a
        # variable's value would make of it); the name folds as T-SQL's variable names do
        return "@" + table.this.name.lower()
    name = ".".join(part.name for part in table.parts)
    # sqlglot drops T-SQL's `#` / `##` from temp table names and marks the identifier instead: keep
    # them, so `#recent` is one table wherever it is written or read, and never the permanent `recent`
    if isinstance(table.this, exp.Identifier) and not name.startswith("#"):
        marks = "##" if table.this.args.get("global_") else "#" if table.this.args.get("temporary") else ""
        return marks + name
    return name


def is_base(node: object) -> TypeGuard[exp.Table]:
    """A base table: not a name that only looks like one for want of its CTE (see parsers.sql.shapes),
    nor a table function (`read_parquet('x')`, `generate_series(1, 9) AS t(n)`: see `table_function`)."""
    return isinstance(node, exp.Table) and not node.meta.get(OPAQUE) and not isinstance(node.this, exp.Func)


def table_function(node: object) -> exp.Func | None:
    """The function of a table function in FROM: its rows are made by the function, from its arguments."""
    return node.this if isinstance(node, exp.Table) and isinstance(node.this, exp.Func) else None


# Table functions that read files (DuckDB, Databricks, ClickHouse, Snowflake's INFER_SCHEMA aside): their
# columns' values come from no SQL, which is said
FILE_READERS = frozenset(
    {"read_parquet", "read_csv", "read_csv_auto", "read_json", "read_json_auto", "read_ndjson", "read_ndjson_auto",
     "read_files", "parquet_scan", "csv_scan", "json_scan", "cloud_files", "read_text", "read_blob", "file", "s3", "url"}
)


def function_name(func: exp.Func) -> str:
    return (func.name if isinstance(func, exp.Anonymous) else func.sql_name()).lower()


def combine(local: Context, hit: Hit) -> Hit:
    """How a value that reached a column via `hit` reaches the current output via `local`."""
    table, column, flow, subtype = hit
    if local[0] is Flow.INDIRECT:
        return (table, column, Flow.INDIRECT, local[1])
    if flow is Flow.INDIRECT:
        return hit
    return (table, column, Flow.DIRECT, max(local[1], subtype, key=RANK.__getitem__))


def stage_names(query: exp.Expr) -> set[str]:
    """Snowflake's `FROM @stage/path` (`@~`, `@%table`) in a query: staged files read as a table, no
    table of the warehouse. sqlglot reads such a name as a Var; T-SQL's table variable `@tv` is a
    Parameter, a table (see `table_name`), so the test is the node's kind and not the name's `@`."""
    return {t.this.name for t in query.find_all(exp.Table) if isinstance(t.this, exp.Var) and t.this.name.startswith("@")}


def renamed_columns(node: exp.Expr | Scope | None) -> list[str]:
    """The column list of a base table's alias, `FROM t AS r(a, b)`: it renames t's first columns in
    order (the others keep their names). Derived tables and CTEs are renamed by sqlglot's scopes."""
    alias = node.args.get("alias") if isinstance(node, exp.Table) else None
    return [c.name for c in alias.columns] if isinstance(alias, exp.TableAlias) else []


def pivot_of(node: exp.Expr | Scope | None) -> exp.Pivot | None:
    """The PIVOT / UNPIVOT applied to a source: on its table, or on the derived table around its query."""
    holder = node.expression.parent if isinstance(node, Scope) else node
    pivots = holder.args.get("pivots") if isinstance(holder, (exp.Table, exp.Subquery)) else None
    return pivots[0] if pivots and isinstance(pivots[0], exp.Pivot) else None


def unpivot_parts(pivot: exp.Pivot) -> tuple[list[str], str, list[list[str]]]:
    """UNPIVOT (v FOR n IN (a, b)): the value columns [v], the name column n, and per listed item the
    columns giving each value column ([[a], [b]]; `(a1, b1)` items for several value columns)."""
    values = [i.name for e in pivot.expressions for i in (e.expressions if isinstance(e, exp.Tuple) else [e])]
    field = pivot.args["fields"][0]
    items = [i.this if isinstance(i, exp.PivotAlias) else i for i in field.expressions]
    return values, field.this.name, [[c.name for c in (i.expressions if isinstance(i, exp.Tuple) else [i])] for i in items]


def pivot_reads(pivot: exp.Pivot | None, name: str) -> list[tuple[Context, str]] | None:
    """The columns of the source under `pivot` that its output `name` is made of, and how; None when
    `name` is a column of the source passed through (a PIVOT's grouping column, one UNPIVOT keeps)."""
    if pivot is None or not pivot.args.get("fields"):
        return None
    if pivot.args.get("unpivot"):
        values, label, items = unpivot_parts(pivot)
        if name in values:  # each listed column's value lands in the value column, row by row
            return [((Flow.DIRECT, Subtype.IDENTITY), item[values.index(name)]) for item in items if values.index(name) < len(item)]
        if name == label:  # says which listed column a row came from
            return [((Flow.INDIRECT, Subtype.CONDITIONAL), column) for item in items for column in item]
        return None
    outputs = [c.name for c in pivot.args.get("columns") or ()]
    if name not in outputs:
        return None
    aggregations = pivot.expressions
    # one output per pivot value and aggregation, the aggregations varying fastest
    aggregation = aggregations[outputs.index(name) % len(aggregations)]
    keys = [c.name for field in pivot.args["fields"] for c in field.this.find_all(exp.Column)]
    read = [c.name for c in aggregation.find_all(exp.Column) if not isinstance(c.this, exp.Star)]
    read += [STAR] if aggregation.find(exp.Star) else []  # COUNT(*) counts the source's rows
    return [((Flow.DIRECT, Subtype.AGGREGATION), name) for name in read] + [((Flow.INDIRECT, Subtype.CONDITIONAL), key) for key in keys]


def pivoted_columns(pivot: exp.Pivot, names: Iterable[str]) -> list[str] | None:
    """The columns a source has after `pivot`, given the ones it has before; None when they depend on
    the data (Snowflake's `IN (ANY)` / `IN (SELECT ...)`: no output names are written)."""
    if pivot.args.get("unpivot"):
        values, label, items = unpivot_parts(pivot)
        listed = {column for item in items for column in item}
        return [n for n in names if n not in listed] + [label, *values]
    if not pivot.args.get("columns"):
        return None
    consumed = {c.name for e in [*pivot.expressions, *(f.this for f in pivot.args.get("fields") or ())] for c in e.find_all(exp.Column)}
    return [n for n in names if n not in consumed] + [c.name for c in pivot.args.get("columns") or ()]


def pivot_renames(pivot: exp.Pivot, before: Iterable[str] | None) -> dict[str, str]:
    """`PIVOT (...) AS p (a, b, c)` (Snowflake, T-SQL, DuckDB): each listed name mapped to the output it
    renames, in order; "" for a column the pivot keeps whose name is unknown (`before`, the source's
    columns, None). Without those columns the list is read as naming every output, the pivot's last."""
    alias = pivot.args.get("alias")
    listed = [c.name for c in alias.columns] if isinstance(alias, exp.TableAlias) else []
    made = pivoted_columns(pivot, before or ()) if listed else None
    if made is None:
        return {}
    if before is None:
        made = [""] * max(0, len(listed) - len(made)) + made
    return {name: made[i] for i, name in enumerate(listed) if i < len(made)}


def selected(star: exp.Star | exp.Columns, names: Columns) -> list[str] | None:
    """The columns a star keeps: all but its EXCLUDE / EXCEPT; COLUMNS(*) all, COLUMNS('re') those
    the pattern finds (DuckDB's RE2, which Python's `re` reads alike for column patterns); None when
    we cannot tell (a lambda, a pattern Python cannot read)."""
    if isinstance(star, exp.Star):
        excluded = {e.name for e in star.args.get("except_") or star.args.get("except") or ()}
        ilike = star.args.get("ilike")  # Snowflake's `* ILIKE '%id'`: SQL wildcards, any case
        like = ilike.name.lower() if isinstance(ilike, exp.Literal) else None
        return [name for name in names if name not in excluded and (like is None or like_match(like, name.lower()))]
    pattern = star.this
    if isinstance(pattern, exp.Star):
        return list(names)
    if not (isinstance(pattern, exp.Literal) and pattern.is_string):
        return None
    text = OPEN_ENDS.sub("", pattern.name)  # `.*_id`, `^id.*`: an unanchored search needs no `.*`
    if UNSAFE_REGEX.search(text):
        return None
    try:
        found = re.compile(text)
    except re.error:
        return None
    return [name for name in names if found.search(name)]


def like_match(pattern: str, name: str) -> bool:
    """SQL LIKE (`%` any run, `_` one character) in O(len(pattern) * len(name)): a regex of many `%`
    backtracks exponentially on a long hostile column name."""
    p = n = 0
    star, resume = -1, 0  # the last `%` seen, and where in `name` it last resumed
    while n < len(name):
        if p < len(pattern) and pattern[p] in ("_", name[n]) and pattern[p] != "%":
            p, n = p + 1, n + 1
        elif p < len(pattern) and pattern[p] == "%":
            star, resume, p = p, n, p + 1
        elif star >= 0:
            resume += 1
            p, n = star + 1, resume
        else:
            return False
    return all(ch == "%" for ch in pattern[p:])


def visible(scope: Scope, source: str) -> bool:
    """`source` names a source of `scope` or of a scope it is nested in (a correlated reference)."""
    current: Scope | None = scope
    while current is not None:
        if source in current.sources:
            return True
        current = current.parent
    return False


def alias_columns(node: exp.Expr) -> list[str]:
    parent = node.parent
    while isinstance(parent, exp.SetOperation) and parent.this is node:
        # a recursive CTE's self-reference is scoped as its first branch: the CTE's list names it too
        node, parent = parent, parent.parent
    if not isinstance(node, (exp.Select, exp.SetOperation)) or not isinstance(parent, (exp.CTE, exp.Subquery)):
        return []
    alias = parent.args.get("alias")
    return [c.name for c in alias.columns] if isinstance(alias, exp.TableAlias) else []


def upgrade(ctx: Context, subtype: Subtype) -> Context:
    if ctx[0] is Flow.INDIRECT:
        return ctx
    return (Flow.DIRECT, max(ctx[1], subtype, key=RANK.__getitem__))


def children(value: object) -> list[exp.Expr]:
    if value is None:
        return []
    if isinstance(value, list):
        return [v for v in value if isinstance(v, exp.Expr)]
    return [value] if isinstance(value, exp.Expr) else []


# Clauses whose columns shape which rows reach the target, not any one column's value.


def lateral_query(scope: Scope) -> Scope | None:
    """The SELECT inside LATERAL (...) / APPLY (...), whose outputs are the lateral's."""
    node = scope.expression
    inner = node.this if isinstance(node, exp.Lateral) else None
    if isinstance(inner, exp.Subquery):
        inner = inner.this
    if not isinstance(inner, (exp.Select, exp.SetOperation)):
        return None
    return next((s for s in scope.subquery_scopes if s.expression is inner), None)
