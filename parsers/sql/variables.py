"""Script variables: a name a body declares is not a column; where it holds a query's value, it
carries that query's lineage into the statements that read it.

`DECLARE @cutoff DATE = (SELECT MAX(d) FROM t)` then `... WHERE d > @cutoff` reads t.d as a filter,
exactly as if the subquery were written there; a variable set from a constant adds nothing. Without
this, a BigQuery or PL/pgSQL variable `cutoff` in `WHERE d > cutoff` passes for a column of the
table in FROM: an invented edge.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlglot import exp


@dataclass
class Variables:
    """The last value of each variable set in a file (a query, or None for a constant)."""

    values: dict[str, exp.Expr | None] = field(default_factory=dict)

    def bind(self, statement: exp.Expr, declared: frozenset[str], columns: bool, assigns: tuple[str, ...] = ()) -> bool:
        """Replace the variables `statement` reads by their values; True when it only sets variables.

        `columns`: whether a bare name can be a variable (Snowflake reads them as `:name` only).
        """
        if isinstance(statement, exp.Declare):
            for item in statement.expressions:
                default = item.args.get("default")
                default = default if isinstance(default, exp.Expr) else None  # `False` when there is none
                for name in item.this if isinstance(item.this, list) else [item.this]:
                    self._set(_key(name), default, declared, columns)
            return True
        if isinstance(statement, exp.Set):
            for item in statement.expressions:
                assignment = item.this
                if isinstance(assignment, exp.EQ) and (key := _key(assignment.this)) is not None:
                    self._set(key, assignment.expression, declared, columns)
            return False  # a SET of a session setting is the parser's to judge, as before
        if assigns and isinstance(statement, exp.Select):  # `SELECT a, b INTO x, y FROM ...`, its INTO taken off
            for name, item in zip(assigns, statement.expressions):
                query = statement.copy()
                query.set("expressions", [item.unalias().copy()])
                self._set(name, exp.Subquery(this=query), declared, columns)
            return True
        if isinstance(statement, exp.Select) and statement.expressions and all(_assigned(e) for e in statement.expressions):
            for item in statement.expressions:  # T-SQL's `SELECT @v = MAX(d) FROM t`: @v holds that query's value
                query = statement.copy()
                query.set("expressions", [item.expression.copy()])
                self._set(_key(item.this), exp.Subquery(this=query), declared, columns)
            return True
        self._replace(statement, declared, columns)
        return False

    def _set(self, key: str | None, value: exp.Expr | None, declared: frozenset[str], columns: bool) -> None:
        if key is None:
            return
        if value is not None:
            value = self._replace(value.copy(), declared, columns)
        self.values[key] = value if value is not None and value.find(exp.Select) else None

    def _replace(self, tree: exp.Expr, declared: frozenset[str], columns: bool) -> exp.Expr:
        for node in list(tree.find_all(exp.Column, exp.Parameter, exp.Placeholder)):
            key = _key(node)
            if key is None or (isinstance(node, exp.Column) and not (columns and key in declared)):
                continue
            if isinstance(node, exp.Parameter) and isinstance(node.parent, exp.Table):
                continue  # `FROM @tv`, `INSERT INTO @tv`: a table variable, a table and not a value
            if key in self.values or isinstance(node, exp.Column):
                value = self.values.get(key)
                replacement = value.copy() if value is not None else exp.Null()
                if node is tree:
                    return replacement
                node.replace(replacement)
        return tree


def table_variables(declare: exp.Declare) -> list[exp.Create]:
    """Take T-SQL's table variables out of `declare`: `DECLARE @tv TABLE (id INT, ...)` as the
    `CREATE TABLE @tv (id INT, ...)` it amounts to (`@tv` then names a table, see `table_name`).
    The other items stay: they declare values."""
    creates, kept = [], []
    for item in declare.expressions:
        names = item.this if isinstance(item.this, list) else [item.this]
        kind = item.args.get("kind")
        if isinstance(kind, exp.Schema) and all(isinstance(n, exp.Parameter) for n in names):
            for name in names:
                schema = exp.Schema(this=exp.Table(this=name.copy()), expressions=[c.copy() for c in kind.expressions])
                creates.append(exp.Create(kind="TABLE", this=schema))
        else:
            kept.append(item)
    if creates:
        declare.set("expressions", kept)
    return creates


def _key(node: exp.Expr) -> str | None:
    """`@x` (T-SQL), `:x` (Snowflake, Oracle binds) and a bare `x` name one variable each."""
    if isinstance(node, exp.Parameter):
        return "@" + node.name.lower()
    if isinstance(node, exp.Placeholder):
        return node.name.lower() or None
    if isinstance(node, exp.Column) and not node.table:
        return node.name.lower()
    if isinstance(node, exp.Identifier):
        return node.name.lower()
    return None


def _assigned(projection: exp.Expr) -> bool:
    return isinstance(projection, exp.EQ) and isinstance(projection.this, exp.Parameter)
