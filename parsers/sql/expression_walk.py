"""The walk of one output column's expression: every column it reads, with how (direct or a filter,
identity, transformation, aggregation, window keys, CASE conditions), resolved through `ScopeTracer`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlglot import exp
from sqlglot.optimizer.scope import Scope

from lineage.model import Flow, Subtype
from parsers.sql.scope_parts import MERGE_WHEN, Context, Hit, children, combine, upgrade

_NAVIGATION = (exp.Lag, exp.Lead, exp.FirstValue, exp.LastValue, exp.NthValue)

if TYPE_CHECKING:
    from parsers.sql.trace import ScopeTracer

class ExpressionWalk:
    """Visits one expression, tracking how each column inside it reaches the expression's value."""

    def __init__(self, tracer: ScopeTracer, scope: Scope, hits: set[Hit]) -> None:
        self.tracer, self.scope, self.hits = tracer, scope, hits

    def visit(self, node: exp.Expr, ctx: Context) -> None:
        rows = self.tracer.row_reads(self.scope, node)
        if rows is not None:
            inner = upgrade(ctx, Subtype.AGGREGATION if isinstance(node, exp.AggFunc) else Subtype.TRANSFORMATION)
            self.hits.update(combine(inner, h) for h in rows)
        elif isinstance(node, exp.Column):
            if not isinstance(node.this, exp.Star):
                self.hits.update(combine(ctx, h) for h in self.tracer.resolve_column(self.scope, node))
        elif isinstance(node, (exp.Select, exp.SetOperation)):
            self._subquery(node, ctx)
        elif isinstance(node, exp.Window):
            self._window(node, ctx)
        elif isinstance(node, exp.Case):
            self._branches(node, node.args.get("ifs") or [], node.args.get("default"), ctx)
        elif isinstance(node, exp.Filter):  # `count(*) FILTER (WHERE c)` counts as `count(CASE WHEN c THEN 1 END)`
            self.visit(node.this, ctx)
            self.visit(node.expression, (Flow.INDIRECT, Subtype.CONDITIONAL))
        elif isinstance(node, exp.Anonymous) and node.name == MERGE_WHEN:
            condition, value = node.expressions
            self.visit(condition, (Flow.INDIRECT, Subtype.CONDITIONAL))
            self.visit(value, ctx)
        elif isinstance(node, exp.Order) and node.this is not None and isinstance(node.parent, exp.AggFunc):
            # `string_agg(s, ',' ORDER BY c)`, `array_agg(x ORDER BY c)`: s aggregated in c's order
            self.visit(node.this, ctx)
            for key in node.expressions:
                self.visit(key, (Flow.INDIRECT, Subtype.SORT))
        elif isinstance(node, exp.WithinGroup) and isinstance(node.this, exp.Func):
            self._within_group(node, ctx)
        elif isinstance(node, (exp.ArgMax, exp.ArgMin)):  # max_by(v, k), arg_min(v, k): k picks whose v, as a sort key
            self.visit(node.this, upgrade(ctx, Subtype.AGGREGATION))
            for child in children(node.expression):
                self.visit(child, (Flow.INDIRECT, Subtype.SORT))
        elif isinstance(node, exp.CountIf):  # count_if(c): counts the rows c holds for, as count(*) FILTER (WHERE c)
            self.visit(node.this, (Flow.INDIRECT, Subtype.CONDITIONAL))
        elif isinstance(node, exp.CombinedAggFunc) and node.name.lower().endswith("if") and node.expressions:
            # ClickHouse's -If combinator (`sumIf(x, cond)`): the last argument picks the rows
            *values, condition = node.expressions
            for value in values:
                self.visit(value, upgrade(ctx, Subtype.AGGREGATION))
            self.visit(condition, (Flow.INDIRECT, Subtype.CONDITIONAL))
        elif isinstance(node, exp.If):
            self.visit(node.this, (Flow.INDIRECT, Subtype.CONDITIONAL))
            for key in ("true", "false"):
                for child in children(node.args.get(key)):
                    self.visit(child, upgrade(ctx, Subtype.TRANSFORMATION))
        else:
            inner = upgrade(ctx, Subtype.AGGREGATION if isinstance(node, exp.AggFunc) else Subtype.TRANSFORMATION)
            for child in node.iter_expressions():
                self.visit(child, inner)

    def _within_group(self, node: exp.WithinGroup, ctx: Context) -> None:
        """`percentile_cont(0.5) WITHIN GROUP (ORDER BY x)` aggregates x; `listagg(b, ',') WITHIN GROUP
        (ORDER BY c)` aggregates b in c's order (c sorts, as a window's ORDER BY does)."""
        function, inner = node.this, upgrade(ctx, Subtype.AGGREGATION)
        arguments = list(function.iter_expressions())
        for argument in arguments:
            self.visit(argument, inner)
        ordered = (Flow.INDIRECT, Subtype.SORT) if any(a.find(exp.Column) for a in arguments) else inner
        for key in children(node.expression):
            self.visit(key, ordered)

    def _window(self, window: exp.Window, ctx: Context) -> None:
        function: exp.Expr = window.this
        if isinstance(function, _NAVIGATION):  # LAG(x) picks one row's x: not an aggregate
            for argument in function.iter_expressions():
                self.visit(argument, upgrade(ctx, Subtype.TRANSFORMATION))
        else:
            self.visit(function, ctx)
        for key in ("partition_by", "order"):
            for key_column in children(window.args.get(key)):
                self.visit(key_column, (Flow.INDIRECT, Subtype.WINDOW))

    def _branches(self, case: exp.Case, ifs: list[exp.If], default: exp.Expr | None, ctx: Context) -> None:
        value_ctx = upgrade(ctx, Subtype.TRANSFORMATION)
        if case.this is not None:  # CASE x WHEN ...: x decides which branch, like a condition
            self.visit(case.this, (Flow.INDIRECT, Subtype.CONDITIONAL))
        for branch in ifs:
            self.visit(branch.this, (Flow.INDIRECT, Subtype.CONDITIONAL))
            for child in children(branch.args.get("true")):
                self.visit(child, value_ctx)
        for child in children(default):
            self.visit(child, value_ctx)

    def _subquery(self, node: exp.Expr, ctx: Context) -> None:
        scope = self.tracer.subquery_scope(self.scope, node)
        if scope is None:
            return
        for index in range(len(self.tracer.outputs(scope))):
            self.hits.update(combine(ctx, h) for h in self.tracer.trace_output(scope, index))
