"""Column tracing over sqlglot scopes: which base-table columns feed each output column, and how.

One `ScopeTracer` serves one statement: scopes are built once, and each (scope, output) pair is traced
once and memoised, so every output column of a statement costs one walk of its own expression.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from sqlglot import exp
from sqlglot.optimizer.scope import Scope

from lineage.model import Flow, Subtype
from parsers.budget import NO_DEADLINE, Deadline
from parsers.schema import SchemaRegistry

# (source table or None when the SQL does not say, source column, flow, subtype)
Hit = tuple[str | None, str, Flow, Subtype]
Context = tuple[Flow, Subtype]

_NAVIGATION = (exp.Lag, exp.Lead, exp.FirstValue, exp.LastValue, exp.NthValue)
_RANK = {Subtype.IDENTITY: 0, Subtype.TRANSFORMATION: 1, Subtype.AGGREGATION: 2}
STAR = "*"
# MERGE ... WHEN MATCHED AND cond THEN UPDATE SET c = v is rewritten to `MERGE_WHEN(cond, v) AS c`:
# v lands unchanged when cond holds (unlike CASE, which would write NULL otherwise).
MERGE_WHEN = "__lineage_merge_when__"


@dataclass(frozen=True, slots=True)
class Output:
    """One output column of a scope: a projection, or a column expanded from a star."""

    name: str
    expression: exp.Expr | None = None  # the projection, when written out
    source: str | None = None  # the source a star expanded from (column `name` of it)
    unresolved_star: bool = False  # `*` over a source whose columns we do not know


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


@dataclass(frozen=True, slots=True)
class _Named:
    """Where a scope's outputs are, indexed once: per name, per projection alias, and the unresolved
    stars. Every output column of a statement looks a name up, so a scan per lookup is quadratic."""

    first: dict[str, int]
    aliases: dict[str, int]
    stars: tuple[int, ...]


def table_name(table: exp.Table) -> str:
    name = ".".join(part.name for part in table.parts)
    # sqlglot drops T-SQL's `#` from temp table names and marks the identifier instead: keep the
    # `#`, so `#recent` is one table wherever it is written or read, and never the permanent `recent`
    return "#" + name if isinstance(table.this, exp.Identifier) and table.this.args.get("temporary") and not name.startswith("#") else name


def combine(local: Context, hit: Hit) -> Hit:
    """How a value that reached a column via `hit` reaches the current output via `local`."""
    table, column, flow, subtype = hit
    if local[0] is Flow.INDIRECT:
        return (table, column, Flow.INDIRECT, local[1])
    if flow is Flow.INDIRECT:
        return hit
    return (table, column, Flow.DIRECT, max(local[1], subtype, key=_RANK.__getitem__))


class ScopeTracer:
    """Traces output columns of the scopes of one statement back to base-table columns."""

    def __init__(self, registry: SchemaRegistry, deadline: Deadline = NO_DEADLINE) -> None:
        self.registry, self.deadline = registry, deadline
        self._outputs: dict[int, list[Output]] = {}
        self._traced: dict[tuple[int, int], frozenset[Hit]] = {}
        self._active: set[tuple[int, int]] = set()
        self._subquery_scope: dict[int, Scope] = {}
        self._columns: dict[tuple[int, str], Columns | None] = {}
        self._named: dict[int, _Named] = {}
        self._join_keys: dict[int, set[str]] = {}

    # -- outputs -------------------------------------------------------------------------------
    def outputs(self, scope: Scope) -> list[Output]:
        key = id(scope)
        if key not in self._outputs:
            self.deadline.check()  # once per scope
            self._outputs[key] = self._compute_outputs(scope)
        return self._outputs[key]

    def _compute_outputs(self, scope: Scope) -> list[Output]:
        outputs = self._projections(scope)
        renamed = _alias_columns(scope.expression)
        if renamed:  # `WITH t (a, b) AS (...)`, `(...) AS t (a, b)`: the list renames by position
            outputs = [
                Output(renamed[i], o.expression, o.source, o.unresolved_star) if i < len(renamed) and not o.unresolved_star else o
                for i, o in enumerate(outputs)
            ]
        return outputs

    def _projections(self, scope: Scope) -> list[Output]:
        node = scope.expression
        if isinstance(node, exp.SetOperation):
            # SQL names set-operation outputs after the first branch only; others match by position
            return self.outputs(scope.set_operation_scopes[0]) if scope.set_operation_scopes else []
        inner = _lateral_query(scope)
        if inner is not None:
            return self.outputs(inner)
        if not isinstance(node, exp.Select):
            alias = node.args.get("alias")
            columns = alias.columns if isinstance(alias, exp.TableAlias) else []
            if not columns and isinstance(node, exp.Unnest) and alias is None:
                return [Output("unnest")]
            return [Output(c.name) for c in columns]
        outputs: list[Output] = []
        for projection in node.expressions:
            if isinstance(projection, exp.Star):
                for source in scope.selected_sources:
                    outputs.extend(self._expand(scope, source, projection))
            elif isinstance(projection, exp.Column) and isinstance(projection.this, exp.Star):
                outputs.extend(self._expand(scope, projection.table, projection.this))
            else:
                # unnamed expressions get sqlglot's and most engines' positional name
                name = projection.alias_or_name or projection.unnest().alias_or_name  # `(x)` is named x
                outputs.append(Output(name or f"_col_{len(outputs)}", expression=projection))
        return outputs

    def _expand(self, scope: Scope, source: str, star: exp.Star) -> list[Output]:
        names = self.source_columns(scope, source)
        if names is None:
            return [Output(STAR, source=source, unresolved_star=True)]
        excluded = {e.name for e in star.args.get("except_") or star.args.get("except") or ()}
        replaced = {r.alias_or_name: r for r in star.args.get("replace") or ()}
        return [
            Output(name, expression=replaced[name]) if name in replaced else Output(name, source=source)
            for name in names
            if name not in excluded
        ]

    def source_columns(self, scope: Scope, source: str) -> Columns | None:
        """Column names of one source of `scope`, or None when they are not known."""
        key = (id(scope), source)
        if key not in self._columns:
            self._columns[key] = self._source_columns(scope, source)
        return self._columns[key]

    def _source_columns(self, scope: Scope, source: str) -> Columns | None:
        node = scope.sources.get(source)
        if isinstance(node, exp.Table):
            names = self.registry.column_names(table_name(node))
            return None if names is None else Columns(names)
        if isinstance(node, Scope):
            if self.named(node).stars:
                return None
            return Columns(o.name for o in self.outputs(node))
        return None

    def named(self, scope: Scope) -> _Named:
        key = id(scope)
        if key not in self._named:
            named = _Named({}, {}, tuple(i for i, o in enumerate(self.outputs(scope)) if o.unresolved_star))
            for index, out in enumerate(self.outputs(scope)):
                if not out.unresolved_star:
                    named.first.setdefault(out.name, index)
                if isinstance(out.expression, exp.Alias):
                    named.aliases.setdefault(out.expression.alias, index)
            self._named[key] = named
        return self._named[key]

    # -- tracing -------------------------------------------------------------------------------
    def trace_output(self, scope: Scope, index: int) -> frozenset[Hit]:
        key = (id(scope), index)
        if key in self._traced:
            return self._traced[key]
        if key in self._active:  # a recursive CTE reading itself adds no new sources
            return frozenset()
        self.deadline.check()  # once per output column of each scope
        self._active.add(key)
        try:
            hits = frozenset(self._trace_output(scope, index))
        finally:
            self._active.discard(key)
        self._traced[key] = hits
        return hits

    def _trace_output(self, scope: Scope, index: int) -> set[Hit]:
        node = scope.expression
        if isinstance(node, exp.SetOperation):
            hits: set[Hit] = set()
            # INTERSECT and EXCEPT output the left branch's values; the right one only filters rows
            branches = scope.set_operation_scopes[:1] if isinstance(node, (exp.Intersect, exp.Except)) else scope.set_operation_scopes
            for branch in branches:
                if index < len(self.outputs(branch)):
                    hits |= self.trace_output(branch, index)
            return hits
        inner = _lateral_query(scope)
        if inner is not None:  # LATERAL (SELECT ...) / CROSS APPLY (SELECT ...)
            return set(self.trace_output(inner, index))
        if not isinstance(node, exp.Select):  # UNNEST / LATERAL / table function
            outer = scope.parent or scope
            return {
                combine((Flow.DIRECT, Subtype.TRANSFORMATION), hit)
                for column in node.find_all(exp.Column)
                for hit in self.resolve_column(outer, column)
            }
        out = self.outputs(scope)[index]
        if out.expression is not None:
            return self.trace_expression(scope, out.expression)
        assert out.source is not None
        if out.unresolved_star:
            return self._trace_star(scope, out.source)
        return self.resolve_source(scope, out.source, out.name)

    def _trace_star(self, scope: Scope, source: str) -> set[Hit]:
        node = scope.sources.get(source)
        if isinstance(node, exp.Table):
            return {(table_name(node), STAR, Flow.DIRECT, Subtype.IDENTITY)}
        if isinstance(node, Scope):
            return {h for i in self.named(node).stars for h in self.trace_output(node, i)}
        return {(None, STAR, Flow.DIRECT, Subtype.IDENTITY)}

    def trace_by_name(self, scope: Scope, name: str) -> set[Hit]:
        if not isinstance(scope.expression, (exp.Select, exp.SetOperation)) and _lateral_query(scope) is None:
            # UNNEST(x) AS item: `item.field` is a field of an element of x
            return set(self.trace_output(scope, 0))
        named = self.named(scope)
        if name in named.first:
            return set(self.trace_output(scope, named.first[name]))
        star = self.outputs(scope)[named.stars[0]] if len(named.stars) == 1 else None
        if star is not None and star.source is not None:
            # `SELECT *` over an unknown table still passes a named column through unchanged
            return self.resolve_source(scope, star.source, name)
        return {(None, name, Flow.DIRECT, Subtype.IDENTITY)}

    def resolve_source(self, scope: Scope, source: str, column: str) -> set[Hit]:
        node = scope.sources.get(source)
        if isinstance(node, exp.Table):
            return {(table_name(node), column, Flow.DIRECT, Subtype.IDENTITY)}
        if isinstance(node, Scope):
            return self.trace_by_name(node, column)
        return {(None, column, Flow.DIRECT, Subtype.IDENTITY)}

    def resolve_column(self, scope: Scope, column: exp.Column) -> set[Hit]:
        name, qualifier = column.name, column.table
        current: Scope | None = scope
        while current is not None:  # correlated references climb to outer scopes
            if qualifier:
                if qualifier in current.sources:
                    return self.resolve_source(current, qualifier, name)
            else:
                found = self._unqualified(current, column)
                if found is not None:
                    return found
            current = current.parent
        return {(qualifier or None, name, Flow.DIRECT, Subtype.IDENTITY)}

    def _unqualified(self, scope: Scope, column: exp.Column) -> set[Hit] | None:
        name = column.name
        known, unknown = [], []
        for source in scope.selected_sources:
            names = self.source_columns(scope, source)
            if names is None:
                unknown.append(source)
            elif name in names:
                known.append(source)
        if len(known) == 1:
            return self.resolve_source(scope, known[0], name)
        if len(known) > 1 and name in self.join_keys(scope):
            # USING / NATURAL keys: the unqualified column is the merged key of every side
            return {hit for source in known for hit in self.resolve_source(scope, source, name)}
        if len(known) > 1:
            return {(None, name, Flow.DIRECT, Subtype.IDENTITY)}  # ambiguous: never guess
        alias = self._projection_alias(scope, column)
        if alias is not None:
            return alias
        if len(unknown) == 1:
            # valid SQL: a column no known source has must come from the one unknown source
            return self.resolve_source(scope, unknown[0], name)
        if unknown:
            return {(None, name, Flow.DIRECT, Subtype.IDENTITY)}
        return None

    def join_keys(self, scope: Scope) -> set[str]:
        """Columns joined by USING (...) or NATURAL JOIN in this scope (asked once per ambiguous column)."""
        key = id(scope)
        if key not in self._join_keys:
            self._join_keys[key] = self._find_join_keys(scope)
        return self._join_keys[key]

    def _find_join_keys(self, scope: Scope) -> set[str]:
        select = scope.expression
        keys: set[str] = set()
        if not isinstance(select, exp.Select):
            return keys
        seen: list[str] = [select.args["from_"].alias_or_name] if select.args.get("from_") else []
        for join in select.args.get("joins") or ():
            keys.update(i.name for i in join.args.get("using") or ())
            if join.args.get("method") and str(join.args["method"]).upper() == "NATURAL":
                right = set(self.source_columns(scope, join.alias_or_name) or ())
                left = {c for source in seen for c in self.source_columns(scope, source) or ()}
                keys |= left & right
            seen.append(join.alias_or_name)
        return keys

    def _projection_alias(self, scope: Scope, column: exp.Column) -> set[Hit] | None:
        """ORDER BY / GROUP BY / later projections may name an earlier projection's alias."""
        if not isinstance(scope.expression, exp.Select):
            return None
        index = self.named(scope).aliases.get(column.name)
        if index is None or column.find_ancestor(exp.Alias) is self.outputs(scope)[index].expression:
            return None
        return set(self.trace_output(scope, index))  # memoised: an alias named a thousand times is traced once

    def trace_expression(self, scope: Scope, expression: exp.Expr) -> set[Hit]:
        top = expression.unalias() if isinstance(expression, exp.Alias) else expression
        value = top.expressions[1] if isinstance(top, exp.Anonymous) and top.name == MERGE_WHEN else top
        start = (Flow.DIRECT, Subtype.IDENTITY if isinstance(value, exp.Column) else Subtype.TRANSFORMATION)
        hits: set[Hit] = set()
        _ExpressionWalk(self, scope, hits).visit(top, start)
        return hits

    def subquery_scope(self, scope: Scope, node: exp.Expr) -> Scope | None:
        if not self._subquery_scope or id(node) not in self._subquery_scope:
            for child in scope.subquery_scopes:
                self._subquery_scope[id(child.expression)] = child
        return self._subquery_scope.get(id(node))


class _ExpressionWalk:
    """Visits one expression, tracking how each column inside it reaches the expression's value."""

    def __init__(self, tracer: ScopeTracer, scope: Scope, hits: set[Hit]) -> None:
        self.tracer, self.scope, self.hits = tracer, scope, hits

    def visit(self, node: exp.Expr, ctx: Context) -> None:
        if isinstance(node, exp.Column):
            if not isinstance(node.this, exp.Star):
                self.hits.update(combine(ctx, h) for h in self.tracer.resolve_column(self.scope, node))
        elif isinstance(node, (exp.Select, exp.SetOperation)):
            self._subquery(node, ctx)
        elif isinstance(node, exp.Window):
            self._window(node, ctx)
        elif isinstance(node, exp.Case):
            self._branches(node, node.args.get("ifs") or [], node.args.get("default"), ctx)
        elif isinstance(node, exp.Anonymous) and node.name == MERGE_WHEN:
            condition, value = node.expressions
            self.visit(condition, (Flow.INDIRECT, Subtype.CONDITIONAL))
            self.visit(value, ctx)
        elif isinstance(node, exp.If):
            self.visit(node.this, (Flow.INDIRECT, Subtype.CONDITIONAL))
            for key in ("true", "false"):
                for child in _children(node.args.get(key)):
                    self.visit(child, _upgrade(ctx, Subtype.TRANSFORMATION))
        else:
            inner = _upgrade(ctx, Subtype.AGGREGATION if isinstance(node, exp.AggFunc) else Subtype.TRANSFORMATION)
            for child in node.iter_expressions():
                self.visit(child, inner)

    def _window(self, window: exp.Window, ctx: Context) -> None:
        function: exp.Expr = window.this
        if isinstance(function, _NAVIGATION):  # LAG(x) picks one row's x: not an aggregate
            for argument in function.iter_expressions():
                self.visit(argument, _upgrade(ctx, Subtype.TRANSFORMATION))
        else:
            self.visit(function, ctx)
        for key in ("partition_by", "order"):
            for key_column in _children(window.args.get(key)):
                self.visit(key_column, (Flow.INDIRECT, Subtype.WINDOW))

    def _branches(self, case: exp.Case, ifs: list[exp.If], default: exp.Expr | None, ctx: Context) -> None:
        value_ctx = _upgrade(ctx, Subtype.TRANSFORMATION)
        if case.this is not None:  # CASE x WHEN ...: x decides which branch, like a condition
            self.visit(case.this, (Flow.INDIRECT, Subtype.CONDITIONAL))
        for branch in ifs:
            self.visit(branch.this, (Flow.INDIRECT, Subtype.CONDITIONAL))
            for child in _children(branch.args.get("true")):
                self.visit(child, value_ctx)
        for child in _children(default):
            self.visit(child, value_ctx)

    def _subquery(self, node: exp.Expr, ctx: Context) -> None:
        scope = self.tracer.subquery_scope(self.scope, node)
        if scope is None:
            return
        for index in range(len(self.tracer.outputs(scope))):
            self.hits.update(combine(ctx, h) for h in self.tracer.trace_output(scope, index))


def _alias_columns(node: exp.Expr) -> list[str]:
    parent = node.parent
    if not isinstance(node, (exp.Select, exp.SetOperation)) or not isinstance(parent, (exp.CTE, exp.Subquery)):
        return []
    alias = parent.args.get("alias")
    return [c.name for c in alias.columns] if isinstance(alias, exp.TableAlias) else []


def _upgrade(ctx: Context, subtype: Subtype) -> Context:
    if ctx[0] is Flow.INDIRECT:
        return ctx
    return (Flow.DIRECT, max(ctx[1], subtype, key=_RANK.__getitem__))


def _children(value: object) -> list[exp.Expr]:
    if value is None:
        return []
    if isinstance(value, list):
        return [v for v in value if isinstance(v, exp.Expr)]
    return [value] if isinstance(value, exp.Expr) else []


# Clauses whose columns shape which rows reach the target, not any one column's value.
_ROW_CLAUSES: tuple[tuple[str, Subtype], ...] = (
    ("where", Subtype.FILTER),
    ("having", Subtype.FILTER),
    ("qualify", Subtype.FILTER),
    ("group", Subtype.GROUP_BY),
)


def table_level_hits(tracer: ScopeTracer, root: Scope) -> set[tuple[str | None, str, Subtype]]:
    """Columns used as join keys, filters, grouping or sort keys anywhere in the statement."""
    found = set_operation_filters(tracer, root)
    for scope in root.traverse():
        select = scope.expression
        if not isinstance(select, exp.Select):
            continue
        clauses = [(select.args.get(key), subtype) for key, subtype in _ROW_CLAUSES]
        if scope is root or select.args.get("limit") is not None or select.args.get("fetch") is not None:
            # ORDER BY only shapes rows at the top, or where a LIMIT picks rows by it
            clauses.append((select.args.get("order"), Subtype.SORT))
        for join in select.args.get("joins") or ():
            clauses.append((join.args.get("on"), Subtype.JOIN))
        distinct = select.args.get("distinct")
        if isinstance(distinct, exp.Distinct) and distinct.args.get("on") is not None:
            clauses.append((distinct.args["on"], Subtype.GROUP_BY))  # DISTINCT ON keys group rows
        found |= _key_hits(tracer, scope) | _group_by_all(tracer, scope)
        for clause, subtype in clauses:
            if clause is not None:
                found |= _clause_hits(tracer, scope, clause, subtype)
    return found


def _clause_hits(tracer: ScopeTracer, scope: Scope, clause: exp.Expr, subtype: Subtype) -> set[tuple[str | None, str, Subtype]]:
    hits: set[Hit] = set()
    stack = [clause]
    while stack:
        node = stack.pop()
        ordinal = _ordinal(node, clause)
        if ordinal is not None:  # GROUP BY 1 / ORDER BY 2 name a projection by position
            if 0 <= ordinal < len(tracer.outputs(scope)):
                hits |= tracer.trace_output(scope, ordinal)
        elif isinstance(node, exp.Column):
            if not isinstance(node.this, exp.Star):
                hits |= tracer.resolve_column(scope, node)
        elif isinstance(node, (exp.Select, exp.SetOperation)):
            inner = tracer.subquery_scope(scope, node)
            if inner is not None:  # `x IN (SELECT y ...)`: y decides rows as much as x does
                for index in range(len(tracer.outputs(inner))):
                    hits |= tracer.trace_output(inner, index)
        else:
            stack.extend(node.iter_expressions())
    return {(table, column, subtype) for table, column, _, _ in hits}


def _ordinal(node: exp.Expr, clause: exp.Expr) -> int | None:
    if not isinstance(clause, (exp.Group, exp.Order)) or not isinstance(node, exp.Literal) or node.is_string:
        return None
    parent = node.parent
    if parent is clause or (isinstance(parent, exp.Ordered) and parent.parent is clause):
        return int(node.this) - 1 if node.this.isdigit() else None
    return None


def _group_by_all(tracer: ScopeTracer, scope: Scope) -> set[tuple[str | None, str, Subtype]]:
    """GROUP BY ALL groups by every projection that is not an aggregate."""
    group = scope.expression.args.get("group")
    if not isinstance(group, exp.Group) or not group.args.get("all"):
        return set()
    found: set[tuple[str | None, str, Subtype]] = set()
    for index, out in enumerate(tracer.outputs(scope)):
        if out.expression is None or not out.expression.find(exp.AggFunc):
            found |= {(t, c, Subtype.GROUP_BY) for t, c, _, _ in tracer.trace_output(scope, index)}
    return found


def _lateral_query(scope: Scope) -> Scope | None:
    """The SELECT inside LATERAL (...) / APPLY (...), whose outputs are the lateral's."""
    node = scope.expression
    inner = node.this if isinstance(node, exp.Lateral) else None
    if isinstance(inner, exp.Subquery):
        inner = inner.this
    if not isinstance(inner, (exp.Select, exp.SetOperation)):
        return None
    return next((s for s in scope.subquery_scopes if s.expression is inner), None)


def _key_hits(tracer: ScopeTracer, scope: Scope) -> set[tuple[str | None, str, Subtype]]:
    """USING / NATURAL join keys: the key column of every side that has it."""
    found: set[tuple[str | None, str, Subtype]] = set()
    for name in sorted(tracer.join_keys(scope)):
        holders = [s for s in scope.selected_sources if name in (tracer.source_columns(scope, s) or ())]
        if not holders:  # columns unknown: USING names a column every side has
            holders = list(scope.selected_sources)
        for source in holders:
            found |= {(t, c, Subtype.JOIN) for t, c, _, _ in tracer.resolve_source(scope, source, name)}
    return found


def set_operation_filters(tracer: ScopeTracer, root: Scope) -> set[tuple[str | None, str, Subtype]]:
    """The right branch of INTERSECT / EXCEPT decides which rows remain: a filter."""
    found: set[tuple[str | None, str, Subtype]] = set()
    for scope in root.traverse():
        if isinstance(scope.expression, (exp.Intersect, exp.Except)) and len(scope.set_operation_scopes) > 1:
            right = scope.set_operation_scopes[1]
            for index in range(len(tracer.outputs(right))):
                found |= {(t, c, Subtype.FILTER) for t, c, _, _ in tracer.trace_output(right, index)}
    return found
