"""A statement's shape, normalised once before its write is read, so that the many ways engines let one
write the same statement reach the tracer as one: a WITH written before INSERT / UPDATE / MERGE /
CREATE is lifted off (`with_leading` puts it on the query the write reads), parenthesised query
bodies are unwrapped, unaliased derived tables are named, and references that look like CTEs but
have no query behind them (a template that rendered NULL, a CTE read before it is defined) are
marked opaque, so the tracer reports them unresolved instead of inventing a base table.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlglot import exp

# Table.meta key: this name is a CTE without a query, never a base table
OPAQUE = "lineage_opaque"
_DERIVED = "_lineage_derived_{}"


@dataclass(frozen=True, slots=True)
class Shape:
    statement: exp.Expr
    leading: exp.With | None = None  # `WITH ... INSERT/UPDATE/MERGE/CREATE`: the CTEs the write's query reads
    notes: tuple[str, ...] = ()  # warnings about what could not be resolved

    def leading_names(self) -> frozenset[str]:
        return frozenset(cte.alias for cte in self.leading.expressions) if self.leading is not None else frozenset()


def reshape(statement: exp.Expr) -> Shape:
    """Normalise `statement` in place (it is this scan's own parse) and say what was lifted or lost."""
    statement = _bare(statement)
    leading = None
    if not isinstance(statement, exp.Query) and isinstance(statement.args.get("with_"), exp.With):
        leading = statement.args["with_"]
        statement.set("with_", None)
    if isinstance(statement, (exp.Insert, exp.Create)) and isinstance(statement.expression, exp.Subquery):
        statement.set("expression", _bare(statement.expression))
    parts = [statement] if leading is None else [statement, leading]
    for cte in [c for part in parts for c in part.find_all(exp.CTE)]:
        if isinstance(cte.this, exp.Subquery):
            cte.set("this", _bare(cte.this))
    _unstreamed(parts)
    _name_derived_tables(parts)
    _name_pivoted(parts)
    for with_ in [w for part in parts for w in part.find_all(exp.With)]:
        _mark_recursive(with_)
    notes = [note for with_ in [w for part in parts for w in part.find_all(exp.With)] for note in _opaque_ctes(with_, parts)]
    return Shape(statement, leading, tuple(dict.fromkeys(notes)))  # a CTE read twice is one note


def with_leading(query: exp.Expr, leading: exp.With | None) -> None:
    """Put a leading WITH's CTEs in front of the query's own, which may read them."""
    if leading is None or not isinstance(query, exp.Query):
        return
    own = query.args.get("with_")
    ctes = [*leading.expressions, *(own.expressions if isinstance(own, exp.With) else ())]
    recursive = bool(leading.args.get("recursive") or (isinstance(own, exp.With) and own.args.get("recursive")))
    query.set("with_", exp.With(expressions=ctes, recursive=recursive))


def _bare(query: exp.Expr) -> exp.Expr:
    """`(SELECT ...)`, `((...))`: the query inside. ORDER BY / LIMIT after the parentheses belong to
    the query inside, as Postgres reads them; where it has its own, they order or limit a SELECT *
    over it."""
    while isinstance(query, exp.Subquery) and not query.alias:
        inner = query.this
        modifiers = {key: value for key, value in query.args.items() if key != "this" and value}
        if any(inner.args.get(key) for key in modifiers):
            outer = exp.Select(expressions=[exp.Star()])
            outer.set("from_", exp.From(this=exp.Subquery(this=inner, alias=exp.TableAlias(this=exp.to_identifier(_DERIVED.format(0))))))
            inner = outer
        for key, value in modifiers.items():
            inner.set(key, value)
        query = inner
    return query


def _unstreamed(parts: list[exp.Expr]) -> None:
    """Databricks' `FROM STREAM(t)` / `STREAM t` (a streaming table's new rows): the rows of t, read as t."""
    for stream in [s for part in parts for s in part.find_all(exp.Stream)]:
        inner = stream.this.this if isinstance(stream.this, exp.Subquery) and isinstance(stream.this.this, exp.Table) else stream.this
        if isinstance(inner, exp.Table):
            alias = stream.this.args.get("alias") if isinstance(stream.this, exp.Subquery) else None
            table = inner.copy()
            if alias is not None and not table.alias:
                table.set("alias", alias.copy())
            stream.replace(table)


def _name_derived_tables(parts: list[exp.Expr]) -> None:
    """BigQuery, Snowflake, Spark and DuckDB allow `FROM (SELECT ...) JOIN (SELECT ...)` without
    aliases; scopes are keyed by alias, so two unnamed ones would collide."""
    unnamed = [n for part in parts for n in part.find_all(exp.Subquery) if isinstance(n.parent, (exp.From, exp.Join)) and not n.alias]
    for number, node in enumerate(unnamed, start=1):
        node.set("alias", exp.TableAlias(this=exp.to_identifier(_DERIVED.format(number))))


def _name_pivoted(parts: list[exp.Expr]) -> None:
    """`FROM s AS src PIVOT (...) AS p`: the query reads the pivoted rows as p (src is not visible past
    the PIVOT), so p names the source; else `p.col` would be read from a table named p. A column
    list stays on the PIVOT (see `pivot_renames`)."""
    for pivot in [p for part in parts for p in part.find_all(exp.Pivot)]:
        holder = pivot.parent
        if pivot.alias and isinstance(holder, (exp.Table, exp.Subquery)):
            holder.set("alias", exp.TableAlias(this=exp.to_identifier(pivot.alias)))
            listed = pivot.args["alias"].columns  # `AS p (a, b)` renames the pivot's outputs: kept on it
            pivot.set("alias", exp.TableAlias(columns=listed) if listed else None)


def _mark_recursive(with_: exp.With) -> None:
    """T-SQL, Oracle and Snowflake write a recursive CTE without RECURSIVE: a CTE that is a UNION of
    branches one of which reads the CTE itself is one, else its self-reference would be traced as a
    base table named after the CTE."""
    if not with_.args.get("recursive") and any(
        isinstance(cte.this, exp.Union) and _references(cte.this, {cte.alias}) for cte in with_.expressions
    ):
        with_.set("recursive", True)


def _opaque_ctes(with_: exp.With, parts: list[exp.Expr]) -> list[str]:
    """CTEs with no query body (a failed template left `NULL` or nothing) and CTEs read before their
    definition: each reference to them is marked opaque, with one note per cause."""
    names = [cte.alias for cte in with_.expressions]
    notes: list[str] = []
    for cte in with_.expressions:
        if not isinstance(cte.this, exp.Query):
            body = cte.this.sql()[:40] if isinstance(cte.this, exp.Expr) else ""
            notes.append(f"CTE '{cte.alias}' has no query (its body is '{body}'): columns read from it are unresolved")
            for table in [t for part in parts for t in _references(part, {cte.alias})]:
                table.meta[OPAQUE] = True
    if with_.args.get("recursive"):
        return notes
    for index, cte in enumerate(with_.expressions):
        later = set(names[index + 1 :]) - set(names[: index + 1])
        for table in _references(cte.this, later):
            notes.append(f"CTE '{cte.alias}' reads '{table.name}' before the CTE '{table.name}' is defined: its columns are unresolved (define '{table.name}' first)")
            table.meta[OPAQUE] = True
    return notes


def _references(node: object, names: set[str]) -> list[exp.Table]:
    if not isinstance(node, exp.Expr) or not names:
        return []
    return [t for t in node.find_all(exp.Table) if not t.args.get("db") and t.name in names]
