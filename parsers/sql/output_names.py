"""The name of a SELECT output written without an alias, as the engine that runs the SQL names it.

Engines differ, and the name matters: it is the column a view or CTAS creates, the column an outer
query reads from a derived table, and the header a dashboard shows. The rule:

- A column reference (`t.col`, `(col)`, `s.field`) is named after the column everywhere.
- The Postgres family (Postgres, Redshift, Materialize, RisingWave) names a function call after the
  function (`max(x)` is `max`), a cast after what it casts or else its type (`x::int` is `x`, `1::int`
  is `int4`), `CASE` after its ELSE branch or `case`, `EXISTS (...)` `exists`, `TRUE` `bool`; anything
  else (`x + y`, a literal) gets the placeholder `?column?`, which we do not use (below).
  https://www.postgresql.org/docs/current/queries-select-lists.html#QUERIES-COLUMN-LABELS
  (`FigureColnameInternal` in src/backend/parser/parse_target.c has the details).
- Every other engine either names the output by its SQL text (Snowflake `MAX(X)`, Spark `max(x)`,
  DuckDB `max(x)`, MySQL, Oracle) or gives it a placeholder or no name at all: BigQuery `f0_`, which an
  outer query cannot even select (https://github.com/malloydata/malloy-py/issues/40), Trino `_col0`,
  T-SQL none. There, and for Postgres's `?column?`, the output is named by its SQL text as sqlglot
  writes it in the file's dialect (function names lower case, identifiers folded as everywhere else,
  comments and layout dropped), e.g. `max(col1)`, `col1 + col2`: readable, stable when the SQL is only
  re-formatted, and never a made-up positional name such as `_col_0` that no engine uses.
"""

from __future__ import annotations

import re

from sqlglot import exp
from sqlglot.dialects.dialect import Dialect

from parsers.sql.dialects import is_family

_FUNCTION = re.compile(r"(\w+)\s*(?:\(|$)")
# Postgres's grammar turns these SQL type names into the internal names FigureColname reports
_PG_TYPES = {
    "int": "int4",
    "integer": "int4",
    "smallint": "int2",
    "bigint": "int8",
    "real": "float4",
    "float": "float8",
    "double precision": "float8",
    "boolean": "bool",
    "decimal": "numeric",
    "char": "bpchar",
    "character": "bpchar",
    "character varying": "varchar",
    "timestamp with time zone": "timestamptz",
    "time with time zone": "timetz",
}
# FigureColname's strengths: 2 a real name, 1 a fallback (a type name, `case`), 0 none (`?column?`)
_Named = tuple[str, int]


def column_name(projection: exp.Expr) -> str:
    """The name an aliased projection or a column reference carries itself, or "" for an expression."""
    if projection.alias:  # `x AS a`, and a subquery given its alias in place (`(SELECT ...) AS a`)
        return projection.alias
    node = projection.unnest()  # `(x)` is named x
    if isinstance(node, exp.Column) and not isinstance(node.this, exp.Star):
        return node.name
    if isinstance(node, exp.Dot):
        return node.output_name
    return ""


def output_name(projection: exp.Expr, dialect: Dialect) -> str:
    """The name the engine of `dialect` gives `projection`, or, where it gives none, its SQL text."""
    name = column_name(projection)
    if name:
        return name
    if is_family(dialect, "postgres.Postgres"):
        name, strength = _postgres(projection, dialect)
        if strength:
            return name
    return projection.sql(dialect=dialect, normalize_functions="lower", comments=False)


def refuses_unnamed(dialect: Dialect, view: bool) -> bool:
    """Whether the engine refuses to create a view (`view`) or a table from a query with an output
    that has no alias: the statement fails there, so the name we give the output never exists.

    T-SQL: Msg 4511 for a view, Msg 1038 for SELECT INTO; Trino and Presto: "Column name not specified
    at position N" for CREATE VIEW and CREATE TABLE AS (StatementAnalyzer); BigQuery: "CREATE VIEW
    columns must be named" (https://github.com/dbt-labs/docs.getdbt.com/pull/8138). Spark 3 refuses
    only a permanent view (CREATE_PERMANENT_VIEW_WITHOUT_ALIAS, https://github.com/apache/spark/pull/41338),
    which a Write does not tell from a temporary one, so Spark is not listed.
    """
    return is_family(dialect, "tsql.TSQL", "presto.Presto") or (view and is_family(dialect, "bigquery.BigQuery"))


def _postgres(node: exp.Expr, dialect: Dialect) -> _Named:
    name = column_name(node)
    if name:
        return name, 2
    if isinstance(node, (exp.Paren, exp.Bracket, exp.Window, exp.Filter)):  # `x[1]` is x, `f() OVER ()` is f
        return _postgres(node.this, dialect)
    if isinstance(node, exp.Cast):
        inner = _postgres(node.this, dialect)
        return inner if inner[1] == 2 else (_postgres_type(node.to, dialect), 1)
    if isinstance(node, exp.Case):
        default = node.args.get("default")
        inner = _postgres(default, dialect) if isinstance(default, exp.Expr) else ("", 0)
        return inner if inner[1] == 2 else ("case", 1)
    if isinstance(node, exp.Subquery) and isinstance(node.this, exp.Select) and node.this.expressions:
        inner = _postgres(node.this.expressions[0], dialect)  # a scalar subquery is named after its output
        return (inner[0], 2) if inner[1] else ("", 0)
    return _postgres_keyword(node, dialect)


def _postgres_keyword(node: exp.Expr, dialect: Dialect) -> _Named:
    if isinstance(node, exp.Exists):
        return "exists", 2
    if isinstance(node, exp.Array):
        return "array", 2
    if isinstance(node, exp.Boolean):
        return "bool", 1  # TRUE is parsed as 't'::bool
    if isinstance(node, exp.Func):
        match = _FUNCTION.match(node.sql(dialect=dialect, comments=False))
        if match:  # an operator sqlglot models as a function (`x ->> 'k'`) is not written `name(...)`
            return match.group(1).lower(), 2
    return "", 0


def _postgres_type(to: exp.DataType, dialect: Dialect) -> str:
    written = re.sub(r"\(.*", "", to.sql(dialect=dialect)).strip().lower()
    return _PG_TYPES.get(written, written)


# What each engine names the columns of a VALUES list without a column list (`FROM (VALUES (1, 'a')) AS
# v`, a CTE whose body is VALUES): from the engines' manuals; the default is Postgres's and Snowflake's.
_VALUES_NAMES = {
    "spark": "col{one}", "spark2": "col{one}", "databricks": "col{one}", "hive": "col{one}",
    "duckdb": "col{zero}", "mysql": "column_{zero}", "singlestore": "column_{zero}", "doris": "column_{zero}",
    "trino": "_col{zero}", "presto": "_col{zero}", "athena": "_col{zero}",
}


def values_names(values: exp.Values, dialect: Dialect | None) -> list[str]:
    """The names `dialect` gives the columns of `values` (as wide as its first row)."""
    first = values.expressions[0] if values.expressions else None
    width = len(first.expressions) if isinstance(first, exp.Tuple) else 1
    pattern = _VALUES_NAMES.get(type(dialect).__name__.lower(), "column{one}")
    return [pattern.format(zero=i, one=i + 1) for i in range(width)]
