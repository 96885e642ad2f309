"""Where a query may name its own SELECT-list aliases, per dialect, and what wins when a source column
has the same name.

Engines disagree, and a wrong choice is a wrong edge that looks right: in
`SELECT amount AS amount_raw, fee AS amount FROM raw.o` the first `amount` is raw.o's column in every
engine (a select item never sees an alias defined after it), and `fee AS amount, amount AS x` names
raw.o.amount in Postgres (no lateral aliases) but the alias in Snowflake when raw.o has no `amount`.

Each table row is a dialect's documented rule, keyed by the SELECT argument the name sits in;
a clause missing from a row does not see aliases at all:
- Postgres: GROUP BY and ORDER BY may name an output column, only as the whole item; GROUP BY prefers
  the input column, ORDER BY the output column. Never in the SELECT list, WHERE or HAVING.
  https://www.postgresql.org/docs/current/sql-select.html (GROUP BY Clause; ORDER BY Clause;
  "Namespace Available to GROUP BY and ORDER BY")
- Redshift: lateral aliases in the SELECT list; "if there is a column with the same name defined in the
  FROM clause as the previously aliased expression, the column in the FROM clause takes priority".
  Otherwise as Postgres. https://docs.aws.amazon.com/redshift/latest/dg/r_SELECT_list.html
- BigQuery: no lateral aliases by default (reusable column aliases are an opt-in project setting,
  https://cloud.google.com/bigquery/docs/column-aliases); GROUP BY, HAVING, QUALIFY and ORDER BY see
  aliases, which "override names in the corresponding FROM clause".
  https://cloud.google.com/bigquery/docs/reference/standard-sql/query-syntax#group_by_clause
- T-SQL, Oracle, Trino/Presto: ORDER BY alone, as the whole item (the SQL-92 rule).
  https://learn.microsoft.com/en-us/sql/t-sql/queries/select-order-by-clause-transact-sql
- MySQL: GROUP BY and HAVING search the FROM columns first, ORDER BY the select list first.
  https://dev.mysql.com/doc/refman/8.0/en/select.html
- Snowflake: aliases everywhere, including JOIN ... ON; "if the query contains a database object with a
  matching column name, the reference is resolved to the column". ORDER BY names output columns.
  https://docs.snowflake.com/en/sql-reference/constructs/group-by (usage notes),
  https://docs.snowflake.com/en/sql-reference/sql/select#usage-notes
- Databricks / Spark: lateral aliases in the SELECT list after "column reference" ("a local column
  reference takes precedence over a lateral column alias"); GROUP BY aliases when no column matches
  (spark.sql.groupByAliases); no aliases in WHERE.
  https://docs.databricks.com/sql/language-manual/sql-ref-name-resolution.html
- DuckDB: select list, WHERE and GROUP BY bind the FROM columns first and aliases only if that fails
  (GROUP BY only as the whole item); ORDER BY binds aliases first.
  https://duckdb.org/docs/stable/sql/dialect/friendly_sql (binder: where_binder.cpp, group_binder.cpp)
- Teradata: a name not found in the FROM tables is searched in the NAMED (alias) list.
  https://docs.teradata.com/r/Teradata-VantageTM-Data-Types-and-Literals (Rules for Columns Not
  Associated With an Explicit Table Name)
Not modelled: DuckDB and Spark let HAVING aliases shadow ungrouped columns outside aggregates (here
the column wins in HAVING); BigQuery's opt-in reusable aliases; ClickHouse's global aliases.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from sqlglot import exp
from sqlglot.dialects.dialect import Dialect


class Wins(StrEnum):
    COLUMN = "column"  # the alias only when no source has a column of that name
    ALIAS = "alias"  # the alias whenever there is one


@dataclass(frozen=True, slots=True)
class Visible:
    wins: Wins
    whole_item_only: bool = False  # `GROUP BY x`, never `GROUP BY x + 1`


class Clause(StrEnum):
    """Where in a SELECT a name stands: the values are sqlglot's argument names."""

    SELECT = "expressions"
    JOIN = "joins"  # their ON conditions: Snowflake lets them name aliases
    WHERE = "where"
    GROUP = "group"
    HAVING = "having"
    QUALIFY = "qualify"
    ORDER = "order"


SELECT, JOIN, WHERE, GROUP, HAVING, QUALIFY, ORDER = Clause
_SHOWN = 60  # characters of an aliased projection quoted in a warning
_BY_ARGUMENT: Mapping[str, Clause] = {clause.value: clause for clause in Clause}
_COLUMN, _ALIAS = Visible(Wins.COLUMN), Visible(Wins.ALIAS)
_COLUMN_WHOLE, _ALIAS_WHOLE = Visible(Wins.COLUMN, True), Visible(Wins.ALIAS, True)
_SQL92: Mapping[Clause, Visible] = {ORDER: _ALIAS_WHOLE}
_POSTGRES: Mapping[Clause, Visible] = {GROUP: _COLUMN_WHOLE, ORDER: _ALIAS_WHOLE}
_LATERAL: Mapping[Clause, Visible] = {SELECT: _COLUMN, WHERE: _COLUMN, GROUP: _COLUMN, HAVING: _COLUMN, QUALIFY: _COLUMN, ORDER: _ALIAS}

# keyed by the lower-cased sqlglot dialect class; a dialect without a row takes its parent class's
_RULES: Mapping[str, Mapping[Clause, Visible]] = {
    "dialect": _LATERAL,  # no dialect named: accept what some engine accepts, and say when it is unclear
    "postgres": _POSTGRES,
    "redshift": {**_POSTGRES, SELECT: _COLUMN},
    "bigquery": {GROUP: _ALIAS_WHOLE, HAVING: _ALIAS, QUALIFY: _ALIAS, ORDER: _ALIAS},
    "tsql": _SQL92,
    "oracle": _SQL92,
    "presto": _SQL92,
    "mysql": {GROUP: _COLUMN, HAVING: _COLUMN, ORDER: _ALIAS},
    "snowflake": {**_LATERAL, JOIN: _COLUMN},
    "spark": {SELECT: _COLUMN, GROUP: _COLUMN, HAVING: _COLUMN, QUALIFY: _COLUMN, ORDER: _ALIAS},
    "hive": {ORDER: _ALIAS},
    "duckdb": {**_LATERAL, GROUP: _COLUMN_WHOLE},
    "teradata": _LATERAL,
}
_CLAUSE_NAMES: Mapping[Clause, str] = {SELECT: "the SELECT list", JOIN: "JOIN ... ON", WHERE: "WHERE", GROUP: "GROUP BY", HAVING: "HAVING", QUALIFY: "QUALIFY", ORDER: "ORDER BY"}


@dataclass(frozen=True, slots=True)
class AliasRules:
    dialect: str
    clauses: Mapping[Clause, Visible]


DEFAULT_RULES = AliasRules("the default dialect", _RULES["dialect"])


def alias_rules(dialect: Dialect) -> AliasRules:
    """The alias rules of `dialect`, or of the nearest dialect it derives from."""
    if type(dialect) is Dialect:
        return DEFAULT_RULES
    rules = next(_RULES[c.__name__.lower()] for c in type(dialect).__mro__ if c.__name__.lower() in _RULES)  # Dialect ends every MRO
    return AliasRules(type(dialect).__name__.lower(), rules)


@dataclass(frozen=True, slots=True)
class Candidate:
    """An alias a column may name: the output it is, and which wins if a source column has the name too."""

    output: int
    wins: Wins
    clause: Clause
    defined: exp.Expr  # the aliased projection


class AliasLookup:
    """Per statement: which SELECT-list alias, if any, an unqualified column may name.

    Where a column sits (the SELECT argument above it) is cached per node on the way up, so a clause
    of ten thousand nested terms costs one walk, not one per column.
    """

    def __init__(self, rules: AliasRules, assignments: exp.Expr | None = None) -> None:
        self.rules = rules
        self.assignments = assignments  # the SELECT an UPDATE or MERGE was rewritten to: it has no aliases
        self._tops: dict[int, tuple[exp.Expr | None, exp.Expr]] = {}  # node -> (nearest query, its child above node)

    def candidate(self, select: exp.Select, column: exp.Column, defined: Sequence[tuple[int, exp.Expr]]) -> Candidate | None:
        """`defined`: (output index, aliased projection) of each alias named like `column`, in order."""
        top = self._top(select, column)
        if top is None or not defined or select is self.assignments:
            return None
        clause = _BY_ARGUMENT.get(top.arg_key)
        rule = None if clause is None else self.rules.clauses.get(clause)
        if clause is None or rule is None or (rule.whole_item_only and not _whole_item(column, top)):
            return None
        if clause is SELECT:  # a select item sees only the aliases defined before it
            before = [(i, node) for i, node in defined if node.index is not None and top.index is not None and node.index < top.index]
            if not before:
                return None
            output, node = before[-1]
        else:
            output, node = defined[0]
        return Candidate(output, rule.wins, clause, node)

    def _top(self, select: exp.Select, column: exp.Column) -> exp.Expr | None:
        """The child of `select` that holds `column`; None when a nested query lies between them."""
        path: list[exp.Expr] = []
        node: exp.Expr = column
        while id(node) not in self._tops:
            path.append(node)
            parent = node.parent
            if parent is None or isinstance(parent, exp.Query):
                self._tops[id(node)] = (parent, node)
                break
            node = parent
        owner, top = self._tops[id(node)]
        for visited in path:
            self._tops[id(visited)] = (owner, top)
        return top if owner is select else None

    def ambiguity(self, name: str, sources: Sequence[str], candidate: Candidate) -> str:
        """The warning for a name that may be an unknown source column or an alias: both readings are kept."""
        # the projection, not its line: a dbt model's lines are moved back into the template afterwards
        defined = " ".join(candidate.defined.sql().split())
        defined = defined if len(defined) <= _SHOWN else defined[: _SHOWN - 3] + "..."
        tables = ", ".join(sources)
        return (
            f"'{name}' may name a column of {tables} or the alias `{defined}`; both readings recorded ({self.rules.dialect} prefers "
            f"source columns to aliases in {_CLAUSE_NAMES[candidate.clause]}, if there is one); declare the columns of {tables} (DDL or --schema) to decide"
        )


def _whole_item(column: exp.Column, top: exp.Expr) -> bool:
    parent = column.parent
    return parent is top or (isinstance(parent, exp.Ordered) and parent.parent is top)
