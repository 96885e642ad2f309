"""Multi-table inserts: Snowflake's and Oracle's `INSERT ALL | FIRST ... INTO ...`, and Hive's
`FROM s INSERT ... SELECT ... INSERT ... SELECT ...`, as one INSERT ... SELECT per target."""

from __future__ import annotations

from sqlglot import exp

from parsers.sql.budget import Deadline


def multitable_inserts(statement: exp.MultitableInserts, deadline: Deadline) -> list[exp.Insert]:
    """`INSERT ALL | FIRST [WHEN c THEN] INTO t [(cols)] [VALUES (...)] ... SELECT ...` (Snowflake,
    Oracle) as one `INSERT INTO t SELECT values FROM (the SELECT) WHERE ...` per INTO: its VALUES name
    the SELECT's outputs, and whether a row reaches t depends on its WHEN, and under FIRST (and for
    ELSE) on the earlier WHENs not holding. The earlier WHENs are kept as the distinct columns and
    subqueries they read, which is all their filter edges need: copying each of them into every later
    INTO would cost the square of the INTOs."""
    source = statement.args["source"]
    first = str(statement.args.get("kind") or "").upper() == "FIRST"
    inserts: list[exp.Insert] = []
    earlier: dict[str, exp.Expr] = {}
    for branch in statement.expressions:
        deadline.check()  # once per INTO
        if isinstance(branch, exp.Insert):  # Hive's `FROM s INSERT ... SELECT ... INSERT ... SELECT ...`
            inserts.append(_from_shared(branch, source))
            continue
        insert, condition = branch.this.copy(), branch.args.get("expression")
        values = insert.expression.expressions[0].expressions if isinstance(insert.expression, exp.Values) else [exp.Star()]
        query = exp.select(*(v.copy() for v in values)).from_(exp.Subquery(this=source.copy(), alias=exp.TableAlias(this=exp.to_identifier("_lineage_multitable"))))
        held = [condition.copy()] if condition is not None else []
        if earlier and (first or branch.args.get("else_")):
            held.append(exp.Not(this=exp.Tuple(expressions=[e.copy() for e in earlier.values()])))
        if held:
            query = query.where(exp.and_(*held))
        insert.set("expression", query)
        inserts.append(insert)
        earlier.update(_reads(condition))
    return inserts


def _from_shared(insert: exp.Insert, source: exp.Expr) -> exp.Insert:
    """One INSERT of Hive's multi-insert, its SELECT (which has no FROM) reading the shared source."""
    insert = insert.copy()
    query = insert.expression
    if isinstance(query, exp.Select) and not query.args.get("from_"):
        shared = source.copy() if isinstance(source, (exp.Table, exp.Subquery)) else exp.Subquery(this=source.copy(), alias=exp.TableAlias(this=exp.to_identifier("_lineage_multitable")))
        query.set("from_", exp.From(this=shared))
    return insert


def _reads(condition: exp.Expr | None) -> dict[str, exp.Expr]:
    """The columns and subqueries a condition reads, each once, by their SQL."""
    if condition is None:
        return {}
    # a subquery is kept whole: its own columns resolve against its own FROM (the condition is in no subquery)
    return {n.sql(): n for n in condition.find_all(exp.Column, exp.Subquery, exp.Exists) if n.find_ancestor(exp.Subquery, exp.Exists) is None}
