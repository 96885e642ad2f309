"""T-SQL's OUTPUT clause, which sqlglot does not parse where T-SQL puts it (before FROM / WHERE) nor
with a table after INTO: `DELETE FROM t OUTPUT deleted.a, deleted.b INTO t_archive (a, b) WHERE ...`.

The clause is cut out of the statement's tokens, so the statement itself is read as any other, and
its `OUTPUT ... INTO target` becomes a second statement, `INSERT INTO target SELECT ...`, over the rows
the first one touched: `deleted.x` is the row's x before the change, `inserted.x` after it (the value
an UPDATE assigns to x, else x; the value an INSERT gives x). Without INTO the rows go to the client,
which is no lineage.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import reduce

from sqlglot import exp
from sqlglot.dialects.dialect import Dialect
from sqlglot.tokens import Token, TokenType

from parsers.sql.scope_parts import table_name
from parsers.sql.assignments import assigned_by, set_pairs

_DML = (TokenType.INSERT, TokenType.UPDATE, TokenType.DELETE, TokenType.MERGE)
# where an OUTPUT clause without INTO (or after its target) ends
_AFTER = (TokenType.FROM, TokenType.WHERE, TokenType.VALUES, TokenType.SELECT, TokenType.DEFAULT, TokenType.SEMICOLON, TokenType.WITH, TokenType.EXECUTE)


@dataclass(frozen=True, slots=True)
class CutOutput:
    statement: list[Token]  # the statement's tokens without the OUTPUT clause
    returned: str  # the clause's expressions, as SQL
    into: str  # its target and column list, as SQL ("" when the rows go to the client)


def cut_output(tokens: list[Token], sql: str) -> CutOutput | None:
    """The OUTPUT clause of a T-SQL INSERT / UPDATE / DELETE / MERGE, cut out; None when it has none."""
    if not tokens or tokens[0].token_type not in _DML:
        return None
    start = _top_level(tokens, 0, lambda t: t.token_type == TokenType.RETURNING)
    if start is None:
        return None
    into = _top_level(tokens, start + 1, lambda t: t.token_type in (TokenType.INTO, *_AFTER))
    if into is not None and tokens[into].token_type != TokenType.INTO:
        end, into = into, None
    elif into is not None:
        end = _target_end(tokens, into + 1)
    else:
        end = len(tokens)
    text = lambda first, last: sql[tokens[first].start : tokens[last - 1].end + 1] if last > first else ""  # noqa: E731
    return CutOutput(tokens[:start] + tokens[end:], text(start + 1, into if into is not None else end), text(into + 1, end) if into is not None else "")


def _top_level(tokens: list[Token], start: int, wanted: Callable[[Token], bool]) -> int | None:
    depth = 0
    for index in range(start, len(tokens)):
        kind = tokens[index].token_type
        depth += (kind == TokenType.L_PAREN) - (kind == TokenType.R_PAREN)
        if depth == 0 and kind not in (TokenType.L_PAREN, TokenType.R_PAREN) and wanted(tokens[index]):
            return index
    return None


def _target_end(tokens: list[Token], start: int) -> int:
    """The end of `INTO name [(columns)]`: the name's tokens, then one parenthesised list."""
    index = start
    while index < len(tokens) and tokens[index].token_type not in (TokenType.L_PAREN, *_AFTER):
        index += 1
    if index < len(tokens) and tokens[index].token_type == TokenType.L_PAREN:
        depth = 0
        while index < len(tokens):
            depth += (tokens[index].token_type == TokenType.L_PAREN) - (tokens[index].token_type == TokenType.R_PAREN)
            index += 1
            if depth == 0:
                break
    return index


def output_insert(statement: exp.Expr, cut: CutOutput, dia: Dialect, rewritten: exp.Select | None) -> exp.Insert | str:
    """`INSERT INTO <into> SELECT <returned>` over the rows `statement` touched, or why not (a note).
    `rewritten` is an UPDATE read as the SELECT of its assignments (writes.py), else None."""
    target = exp.maybe_parse(f"INSERT INTO {cut.into} SELECT 1", dialect=dia).this
    returned = exp.maybe_parse(f"SELECT {cut.returned}", dialect=dia).expressions
    if isinstance(statement, exp.Delete) and isinstance(statement.this, exp.Table):
        deleted = statement.this.copy()
        joins = [*(deleted.args.get("joins") or ()), *(exp.Join(this=u.copy()) for u in statement.args.get("using") or ())]
        deleted.set("joins", None)  # `DELETE o FROM orders o JOIN ...`: sqlglot keeps the joins on the table
        select = exp.Select().from_(deleted)
        select.set("joins", joins or None)
        if statement.args.get("where") is not None:
            select.set("where", statement.args["where"].copy())
        name = statement.this.alias_or_name
        rows = {"deleted": (name, lambda column: exp.column(column, table=name))}
    elif isinstance(statement, exp.Update) and rewritten is not None:
        select = rewritten.copy()
        assigned = assigned_by(select)
        name = _updated(select, table_name(statement.this))
        rows = {
            "deleted": (name, lambda column: exp.column(column, table=name)),
            "inserted": (name, lambda column: assigned[column].copy() if column in assigned else exp.column(column, table=name)),
        }
    elif isinstance(statement, exp.Insert) and isinstance(statement.expression, exp.Query) and isinstance(statement.this, exp.Schema):
        listed = [c.name for c in statement.this.expressions]
        inserted = exp.Subquery(this=statement.expression.copy(), alias=exp.TableAlias(this=exp.to_identifier("inserted"), columns=[exp.to_identifier(c) for c in listed]))
        select = exp.Select().from_(inserted)
        rows = {"inserted": ("inserted", lambda column: exp.column(column, table="inserted"))}
    elif isinstance(statement, exp.Merge) and isinstance(statement.this, exp.Table):
        branches = _merged_rows(statement, returned)
        if isinstance(branches, str):
            return f"the OUTPUT ... INTO {cut.into[:60]} of this MERGE is not traced: {branches}"
        return exp.Insert(this=target, expression=reduce(lambda left, right: exp.union(left, right, distinct=False), branches))
    else:
        return f"the OUTPUT ... INTO {cut.into[:60]} of this {statement.key.upper()} is not traced: the rows it writes have no lineage here"
    select.set("expressions", [_rows(e.copy(), rows) for e in returned])
    if any(c.table.lower() in ("inserted", "deleted") and c.table.lower() not in rows for e in select.expressions for c in e.find_all(exp.Column)):
        return f"the OUTPUT ... INTO {cut.into[:60]} reads rows this {statement.key.upper()} does not have: not traced"
    return exp.Insert(this=target, expression=select)


# per pseudo-table (deleted, inserted): the name its row is read under, and what its column x is
Rows = dict[str, tuple[str, Callable[[str], exp.Expr]]]


def _rows(node: exp.Expr, rows: Rows) -> exp.Expr:
    """`deleted.x` / `inserted.x` (and their `*`) as the columns or values they are."""

    def swap(column: exp.Expr) -> exp.Expr:
        side = rows.get(column.table.lower()) if isinstance(column, exp.Column) else None
        if side is None:
            return column
        table, value = side
        if isinstance(column.this, exp.Star):  # every column of the row: the table's, as they were
            return exp.Column(this=exp.Star(), table=exp.to_identifier(table))
        return value(column.name)

    return node.transform(swap, copy=False)


def _merged_rows(statement: exp.Merge, returned: list[exp.Expr]) -> list[exp.Select] | str:
    """The rows a MERGE's OUTPUT gives, one SELECT per WHEN clause over the target joined to the source
    as the clause finds them: an UPDATE's `inserted.x` is the value it assigns x (else x), a clause's
    `deleted.x` the target's x (none for an INSERT, whose `deleted` row is NULL, as a DELETE's
    `inserted` is); `$action` names the clause, no column. Or why not (a note)."""
    name = statement.this.alias_or_name
    whens = statement.args.get("whens")
    branches: list[exp.Select] = []
    for when in whens.expressions if isinstance(whens, exp.Whens) else []:
        action = when.args.get("then")
        old: Callable[[str], exp.Expr] = lambda column: exp.column(column, table=name)  # noqa: E731
        if isinstance(action, exp.Update) and not any(isinstance(e, exp.Star) for e in action.expressions):
            assigned = dict(set_pairs(action.expressions))
            new: Callable[[str], exp.Expr] = lambda column, assigned=assigned: assigned[column].copy() if column in assigned else exp.column(column, table=name)  # type: ignore[misc]  # noqa: E731
        elif isinstance(action, exp.Insert) and isinstance(action.this, exp.Tuple) and isinstance(action.expression, exp.Tuple):
            given = dict(zip([c.name for c in action.this.expressions], action.expression.expressions))
            new, old = (lambda column, given=given: given[column].copy() if column in given else exp.Null()), (lambda column: exp.Null())  # type: ignore[misc]  # noqa: E731
        elif isinstance(action, exp.Var) and action.name.upper() == "DELETE":
            new = lambda column: exp.Null()  # noqa: E731
        else:
            return f"its clause '{when.sql(dialect='tsql')[:50]}' is of a shape not read"
        rows: Rows = {"deleted": (name, old), "inserted": (name, new)}
        select = exp.Select(expressions=[_rows(_actions(e.copy()), rows) for e in returned])
        select.set("from_", exp.From(this=statement.this.copy()))
        select.set("joins", [exp.Join(this=statement.args["using"].copy(), on=statement.args["on"].copy())])
        if when.args.get("condition") is not None:
            select.set("where", exp.Where(this=when.args["condition"].copy()))
        branches.append(select)
    return branches or "it has no WHEN clause"


def _actions(node: exp.Expr) -> exp.Expr:
    """`$action`: the name of the clause that touched the row ('INSERT', 'UPDATE', 'DELETE'), a value of no column."""
    return node.transform(lambda n: exp.Literal.string("ACTION") if isinstance(n, exp.Column) and not n.table and n.name.lower() == "$action" else n, copy=False)


def _updated(select: exp.Select, target: str) -> str:
    """The name the rewritten UPDATE's FROM gives its target table."""
    for source in [select.args["from_"].this, *(j.this for j in select.args.get("joins") or ())]:
        if isinstance(source, exp.Table) and table_name(source) == target:
            return source.alias_or_name
    return target.rpartition(".")[2]
