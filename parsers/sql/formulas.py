"""What a statement computes, as canonical SQL: one formula per output column, one per clause that decides its rows.

`lineage diff` compares these beside the edges: `fare_amount * 1.2` and `fare_amount` read the same
column the same way, and only the formula tells them apart. The text is canonical so that only
a change to the data is a difference:

- formatting and comments: the SQL is generated again from the parsed tree, without comments;
- quoting and case: identifiers are folded before this (parsers.sql), and a quoted name that needs
  no quotes is written without them;
- table aliases: a column is qualified by the table it comes from (`raw.trips.status`, never
  `t.status`), and a table keeps its alias only where the scope reads it twice (a self-join);
- derived tables and CTEs: a column read from one is written out as the expression it stands for,
  so a change inside a CTE changes the formula of every output that reads it.

The formulas are rendered from the tracer's scopes, whose sources and column names it has already
resolved: nothing is parsed again. A derived column's formula is cached per scope, and one longer
than `_INLINE_LIMIT` is named with a digest of its text instead of written out, so a chain of CTEs
that each double an expression stays linear in size.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Sequence

from sqlglot import exp
from sqlglot.dialects.dialect import Dialect
from sqlglot.errors import ErrorLevel
from sqlglot.optimizer.scope import Scope, ScopeType

from lineage.model import Formula, Location
from parsers.sql.scope_parts import STAR, table_name
from parsers.sql.trace import ScopeTracer

_INLINE_LIMIT = 400
_PLAIN = re.compile(r"^[a-z_][a-z0-9_]*$")
_SIMPLE = re.compile(r"^[\w.\"`\[\]]+$")  # a qualified name or a literal: needs no brackets when written out
# clauses that decide which rows a SELECT yields, in the order SQL evaluates them
_ROW_CLAUSES = (("where", "where"), ("group", "group by"), ("having", "having"), ("qualify", "qualify"), ("distinct", "distinct"))
_PICKS = (("order", "order by"), ("limit", "limit"), ("offset", "offset"), ("fetch", "fetch"))  # ORDER BY decides rows only beside a limit


def formulas_of(writer: FormulaWriter, scope: Scope, table: str, targets: Sequence[str], at: Location) -> list[Formula]:
    """The formulas of a statement writing `table`: output i lands in column `targets[i]`."""
    columns = [Formula(table, column, "", writer.output(scope, i), at) for i, column in enumerate(targets) if column != STAR]
    return columns + [Formula(table, None, clause, text, at) for clause, text in writer.rows(scope)]


class FormulaWriter:
    """Canonical SQL of one statement's outputs and row clauses, over the scopes `tracer` resolved."""

    def __init__(self, tracer: ScopeTracer, dialect: Dialect) -> None:
        self.tracer = tracer
        self.dialect = dialect
        # sqlglot's own dialect, generating the tree in place (no copy): it has no transforms that
        # rewrite the tree, which holds the statement being extracted; the text only needs to be canonical
        self.generator = Dialect().generator(comments=False, unsupported_level=ErrorLevel.IGNORE)
        self._columns: dict[tuple[int, int], str] = {}
        self._qualifiers: dict[int, dict[str, str]] = {}
        self._references: dict[tuple[int, str, str], str] = {}
        self._holders: dict[tuple[int, str], str | None] = {}

    def output(self, scope: Scope, index: int) -> str:
        """Output `index` of the statement; a top-level CAST is left out: it is the column's type,
        which `lineage diff` compares as a retype, not as another computation."""
        out = self.tracer.outputs(scope)[index]
        top = out.expression.unalias() if out.expression is not None else None
        if isinstance(top, exp.Cast) and isinstance(scope.expression, exp.Select):
            return self.render(scope, top.this)
        return self.column(scope, index)

    def column(self, scope: Scope, index: int) -> str:
        key = (id(scope), index)
        if key not in self._columns:
            self._columns[key] = "<recursive>"  # a recursive CTE reading itself
            self._columns[key] = self._column(scope, index)
        return self._columns[key]

    def _column(self, scope: Scope, index: int) -> str:
        node = scope.expression
        if isinstance(node, exp.SetOperation) and scope.set_operation_scopes:
            return f" {_set_operator(node)} ".join(self.column(branch, index) for branch in _branches(scope))
        outputs = self.tracer.outputs(scope)
        if index >= len(outputs):
            return "<missing>"
        out = outputs[index]
        if out.expression is not None:
            return self.render(scope, out.expression.unalias())
        if out.source is None:  # UNNEST(x) AS u(...) and the like: the node makes the column
            return f"{self.render(scope, node)}.{_name(out.name)}"
        return self.reference(scope, out.source, "*" if out.unresolved_star else out.name)

    def reference(self, scope: Scope, source: str, column: str) -> str:
        """Column `column` of source `source` of `scope`: qualified by its table, or written out."""
        key = (id(scope), source, column)
        if key not in self._references:  # a CTE's column is read in many places
            self._references[key] = self._reference(scope, source, column)
        return self._references[key]

    def _reference(self, scope: Scope, source: str, column: str) -> str:
        node = self.tracer.source(scope, source)
        if isinstance(node, Scope) and column != "*":
            named = self.tracer.named(node)
            index = named.first.get(column)
            star = self.tracer.outputs(node)[named.stars[0]] if index is None and len(named.stars) == 1 else None
            if star is not None and star.source is not None:
                # `SELECT *` over a table of unknown columns passes a named column through, as the tracer says
                return self.reference(node, star.source, column)
            if index is not None:
                text = self.column(node, index)
                if len(text) > _INLINE_LIMIT:
                    return f"{source}.{_name(column)}#{hashlib.blake2b(text.encode(), digest_size=4).hexdigest()}"
                return text if _SIMPLE.match(text) else f"({text})"
        qualifier = self.qualifiers(scope).get(source, source)
        return f"{qualifier}.{column if column == '*' else _name(column)}"

    def qualifiers(self, scope: Scope) -> dict[str, str]:
        """Per source name of `scope`, how its columns are qualified: the table's name, unless the
        scope reads that table twice (then the alias tells the two apart)."""
        key = id(scope)
        if key not in self._qualifiers:
            tables = {name: table_name(node) for name, node in scope.sources.items() if isinstance(node, exp.Table)}
            counts: dict[str, int] = {}
            for table in [*tables.values(), *self._outer_tables(scope)]:
                counts[table] = counts.get(table, 0) + 1
            self._qualifiers[key] = {name: table if counts[table] == 1 else name for name, table in tables.items()}
        return self._qualifiers[key]

    @staticmethod
    def _outer_tables(scope: Scope) -> list[str]:
        """Tables a correlated subquery can also see: `app.orders i` inside a query of `app.orders o`
        keeps its alias, or `i.x = o.x` would read `app.orders.x = app.orders.x`."""
        found = []
        while scope.scope_type is ScopeType.SUBQUERY and scope.parent is not None:
            scope = scope.parent
            found += [table_name(node) for node in scope.sources.values() if isinstance(node, exp.Table)]
        return found

    def render(self, scope: Scope, node: exp.Expr) -> str:
        """`node` as canonical SQL: its columns qualified or written out, subqueries rendered in their own scope.

        The parts are swapped into the statement's own tree for one generation and swapped back: a
        copy of the tree (Python's deepcopy) cost more than the rest of the extraction."""
        whole = self._replacement(scope, node)
        if whole is not None:  # a bare column, the commonest output
            return whole
        swaps: list[tuple[exp.Expr, exp.Expr]] = []
        unquoted: list[exp.Identifier] = []
        stack = list(node.iter_expressions())
        while stack:  # every replacement is worked out before the tree is touched
            part = stack.pop()
            text = self._replacement(scope, part)
            if text is not None:
                swaps.append((part, exp.Var(this=text)))
            else:
                if isinstance(part, exp.Identifier) and part.quoted and _PLAIN.match(part.name):
                    unquoted.append(part)
                stack.extend(part.iter_expressions())
        try:
            for part, var in swaps:
                part.replace(var)
            for identifier in unquoted:
                identifier.set("quoted", False)
            return self.generator.generate(node, copy=False)
        finally:
            for part, var in reversed(swaps):
                var.replace(part)
            for identifier in unquoted:
                identifier.set("quoted", True)

    def _replacement(self, scope: Scope, node: exp.Expr) -> str | None:
        if isinstance(node, exp.Column) and not isinstance(node.this, exp.Star):
            return self._column_reference(scope, node)
        if isinstance(node, (exp.Select, exp.SetOperation)):
            inner = self.tracer.subquery_scope(scope, node)
            if inner is not None:
                return self.query(inner) if isinstance(node.parent, (exp.Subquery, exp.Exists)) else f"({self.query(inner)})"
        return None

    def _column_reference(self, scope: Scope, column: exp.Column) -> str:
        name, qualifier = column.name, column.table
        current: Scope | None = scope
        while current is not None:  # correlated references climb to outer scopes
            if qualifier and qualifier in current.sources:
                return self.reference(current, qualifier, name)
            holder = None if qualifier else self._holder(current, name)
            if holder is not None:
                return self.reference(current, holder, name)
            current = current.parent
        return ".".join(_name(part.name) for part in column.parts)  # not resolved: as written

    def _holder(self, scope: Scope, name: str) -> str | None:
        """The one source of `scope` an unqualified column can come from, if the schema tells."""
        key = (id(scope), name)
        if key not in self._holders:
            self._holders[key] = self._find_holder(scope, name)
        return self._holders[key]

    def _find_holder(self, scope: Scope, name: str) -> str | None:
        keys = self.tracer.join_keys(scope).get(name)
        if keys:
            return keys[0]
        known, unknown = [], []
        for source in scope.selected_sources:
            names = self.tracer.source_columns(scope, source)
            (unknown if names is None else known if name in names else []).append(source)
        if len(known) == 1:
            return known[0]
        return unknown[0] if not known and len(unknown) == 1 else None

    def query(self, scope: Scope) -> str:
        """A subquery of an expression (`x IN (SELECT ...)`, a scalar subquery): its outputs and clauses."""
        outputs = ", ".join(self.column(scope, i) for i in range(len(self.tracer.outputs(scope))))
        clauses = " ".join(text for _, text in self._clauses(scope))
        return f"SELECT {outputs}{' ' + clauses if clauses else ''}"

    def rows(self, root: Scope) -> list[tuple[str, str]]:
        """(clause, SQL) of every clause that decides the statement's rows, CTEs and derived tables
        included (`where in recent`); one scope's clauses of a kind, or a set operation's branches', joined."""
        found: dict[str, list[str]] = {}
        _label = _Labels()
        for scope in root.traverse():
            if scope.scope_type in (ScopeType.SUBQUERY, ScopeType.UDTF):
                continue  # written out inside the clause or the column that holds it
            label = _label(scope)
            for clause, text in self._clauses(scope):
                found.setdefault(f"{clause} in {label}" if label else clause, []).append(text)
        return [(clause, "; ".join(texts)) for clause, texts in found.items()]

    def _clauses(self, scope: Scope) -> Iterator[tuple[str, str]]:
        node = scope.expression
        if isinstance(node, exp.SetOperation):
            yield "set operation", _set_operator(node)
        elif not isinstance(node, exp.Select):
            return
        else:
            source = node.args.get("from_") or node.args.get("from")
            if isinstance(source, exp.From):
                yield "from", f"FROM {self._source(scope, source.this)}"
            joins = [self._join(scope, join) for join in node.args.get("joins") or ()]
            if joins:
                yield "join", " ".join(joins)
            for key, clause in _ROW_CLAUSES:
                if node.args.get(key) is not None:
                    yield clause, self.render(scope, node.args[key])
        if node.args.get("limit") is not None or node.args.get("fetch") is not None:
            for key, clause in _PICKS:
                if node.args.get(key) is not None:
                    yield clause, self.render(scope, node.args[key])

    def _join(self, scope: Scope, join: exp.Join) -> str:
        # built anew from its words (side, kind, method): a copy would deep-copy a joined subquery
        made = exp.Join(this=exp.Var(this=self._source(scope, join.this)), **{k: v for k, v in join.args.items() if isinstance(v, str)})
        side, kind = join.side.upper(), join.kind.upper()
        if (kind == "INNER" and not side) or (kind == "OUTER" and side):
            made.set("kind", None)  # `INNER JOIN` is `JOIN`, `LEFT OUTER JOIN` is `LEFT JOIN`
        for key in ("match_condition", "on"):
            if isinstance(join.args.get(key), exp.Expr):
                made.set(key, exp.Var(this=self.render(scope, join.args[key])))
        if join.args.get("using"):
            made.set("using", [exp.Var(this=_name(key.name)) for key in join.args["using"]])
        return self.generator.generate(made, copy=False)

    def _source(self, scope: Scope, node: exp.Expr) -> str:
        """A FROM or JOIN source: the table, without an alias unless the scope reads it twice; a
        derived table or a function by its alias, whose own clauses are recorded under it."""
        alias = node.alias_or_name
        if isinstance(node, exp.Table) and isinstance(scope.sources.get(alias), exp.Table):
            qualifier = self.qualifiers(scope).get(alias, alias)
            table = table_name(node)
            return table if qualifier == table else f"{table} AS {_name(alias)}"
        found = scope.sources.get(alias) if alias else None
        if isinstance(found, Scope):  # a CTE by its name, never by the alias it is read under
            return _own_label(found) or _name(alias)
        if alias and alias in scope.sources:
            return _name(alias)
        return self.render(scope, node)


def _branches(scope: Scope) -> list[Scope]:
    """The branches of a chain of one set operator (`a UNION ALL b UNION ALL c`, nested pairwise
    by the parser), in order: walked, not recursed, so ten thousand branches cost linear time."""
    operator = _set_operator(scope.expression)
    found, stack = [], list(reversed(scope.set_operation_scopes))
    while stack:
        branch = stack.pop()
        node = branch.expression
        if isinstance(node, exp.SetOperation) and branch.set_operation_scopes and _set_operator(node) == operator and not node.args.get("limit"):
            stack.extend(reversed(branch.set_operation_scopes))
        else:
            found.append(branch)
    return found


def _set_operator(node: exp.SetOperation) -> str:
    word = {exp.Union: "UNION", exp.Intersect: "INTERSECT", exp.Except: "EXCEPT"}.get(type(node), node.key.upper())
    return word if node.args.get("distinct") else f"{word} ALL"


class _Labels:
    """A CTE's or derived table's name, for the clauses inside it (a set operation's branches take
    their operation's); "" at the top of the statement. Cached: a chain of ten thousand branches
    must not be climbed once per branch."""

    def __init__(self) -> None:
        self.found: dict[int, str] = {}

    def __call__(self, scope: Scope) -> str:
        chain = []
        current: Scope | None = scope
        while current is not None and id(current) not in self.found and current.scope_type is ScopeType.SET_OPERATION:
            chain.append(current)
            current = current.parent
        label = "" if current is None else self.found.get(id(current)) if id(current) in self.found else _own_label(current)
        for branch in [*chain, *([current] if current is not None else [])]:
            self.found[id(branch)] = label
        return label


def _own_label(scope: Scope) -> str:
    parent = scope.expression.parent
    return parent.alias if isinstance(parent, (exp.CTE, exp.Subquery)) and parent.alias else ""


def _name(name: str) -> str:
    return name if _PLAIN.match(name) else exp.to_identifier(name, quoted=True).sql()
