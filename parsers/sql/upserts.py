"""An INSERT's conflict clause: Postgres's and SQLite's `ON CONFLICT ... DO UPDATE SET c = v [WHERE w]`
and MySQL's `ON DUPLICATE KEY UPDATE c = v`. Where a row collides, the existing row is updated, from
the row proposed (`EXCLUDED.c`, MySQL's `VALUES(c)`) and from itself: a write of its own, read as the
UPDATE it is, `UPDATE t SET c = v FROM (<the insert's query>) AS excluded (<its columns>) WHERE w`.
Without it, the columns that clause assigns (and the columns it reads) were never seen.
"""

from __future__ import annotations

from sqlglot import exp

from parsers.sql.scope_parts import table_name
from parsers.sql.writes import ColumnsOf

_PROPOSED = "excluded"


def conflict_update(statement: exp.Expr, columns_of: ColumnsOf) -> exp.Update | None:
    """The UPDATE an INSERT's conflict clause makes, or None when it has none (or DO NOTHING)."""
    conflict = statement.args.get("conflict") if isinstance(statement, exp.Insert) else None
    query = statement.expression if isinstance(statement, exp.Insert) else None
    if not isinstance(conflict, exp.OnConflict) or not conflict.expressions or not isinstance(query, (exp.Query, exp.Values)):
        return None
    target = statement.this.this if isinstance(statement.this, exp.Schema) else statement.this
    if not isinstance(target, exp.Table):
        return None
    listed = [c.name for c in statement.this.expressions] if isinstance(statement.this, exp.Schema) else columns_of(table_name(target))
    own = target.alias or target.name  # how the SET names the existing row
    pairs = [exp.EQ(this=pair.this.copy(), expression=_proposed(pair.expression.copy(), own)) for pair in conflict.expressions if isinstance(pair, exp.EQ)]
    alias = exp.TableAlias(this=exp.to_identifier(_PROPOSED), columns=[exp.to_identifier(c) for c in listed or ()])
    if isinstance(query, exp.Values):  # `VALUES (...)`: constants, but the SET may read the existing row
        proposed: exp.Expr = query.copy()
        proposed.set("alias", alias)
    else:
        proposed = exp.Subquery(this=query.copy(), alias=alias)
    update = exp.Update(this=target.copy(), expressions=pairs, from_=exp.From(this=proposed))
    where = conflict.args.get("where")
    if isinstance(where, exp.Where):
        update.set("where", exp.Where(this=_proposed(where.this.copy(), own)))
    return update


def _proposed(value: exp.Expr, own: str) -> exp.Expr:
    """`EXCLUDED.c` and `VALUES(c)` as the proposed row's column; an unqualified column is the existing row's."""
    def swap(node: exp.Expr) -> exp.Expr:
        if isinstance(node, exp.Anonymous) and node.name.upper() == "VALUES" and len(node.expressions) == 1:
            return exp.column(node.expressions[0].name, table=_PROPOSED)
        if isinstance(node, exp.Column) and node.table.lower() == _PROPOSED:
            return exp.column(node.name, table=_PROPOSED)
        if isinstance(node, exp.Column) and not node.table and not isinstance(node.this, exp.Star):
            return exp.column(node.name, table=own)
        return node

    return value.transform(swap, copy=False)
