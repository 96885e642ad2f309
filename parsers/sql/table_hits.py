"""Table-level reads of a statement: join keys, filters, grouping, ordering and set-operation filters,
the columns that decide which rows (not which values) reach the output."""

from __future__ import annotations

from sqlglot import exp
from sqlglot.optimizer.scope import Scope

from lineage.model import Subtype
from parsers.sql.scope_parts import Hit
from parsers.sql.trace import ScopeTracer

_ROW_CLAUSES: tuple[tuple[str, Subtype], ...] = (
    ("where", Subtype.FILTER),
    ("having", Subtype.FILTER),
    ("qualify", Subtype.FILTER),
    ("connect", Subtype.FILTER),  # Oracle's / Snowflake's START WITH ... CONNECT BY: which rows, in which tree
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
            # Snowflake's ASOF JOIN picks the matched row by MATCH_CONDITION, beside its ON
            clauses += [(join.args.get(key), Subtype.JOIN) for key in ("on", "match_condition")]
        distinct = select.args.get("distinct")
        if isinstance(distinct, exp.Distinct) and distinct.args.get("on") is not None:
            clauses.append((distinct.args["on"], Subtype.GROUP_BY))  # DISTINCT ON keys group rows
        found |= key_hits(tracer, scope) | group_by_all(tracer, scope)
        for clause, subtype in clauses:
            if clause is not None:
                found |= clause_hits(tracer, scope, clause, subtype)
    return found


def clause_hits(tracer: ScopeTracer, scope: Scope, clause: exp.Expr, subtype: Subtype) -> set[tuple[str | None, str, Subtype]]:
    hits: set[Hit] = set()
    stack = [clause]
    while stack:
        node = stack.pop()
        ordinal = ordinal_of(node, clause)
        rows = tracer.row_reads(scope, node)
        if ordinal is not None:  # GROUP BY 1 / ORDER BY 2 name a projection by position
            if 0 <= ordinal < len(tracer.outputs(scope)):
                hits |= tracer.trace_output(scope, ordinal)
        elif rows is not None:  # HAVING count(*) > 1, WHERE EXISTS (...)
            hits |= rows
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


def ordinal_of(node: exp.Expr, clause: exp.Expr) -> int | None:
    if not isinstance(clause, (exp.Group, exp.Order)) or not isinstance(node, exp.Literal) or node.is_string:
        return None
    parent = node.parent
    if parent is clause or (isinstance(parent, exp.Ordered) and parent.parent is clause):
        return int(node.this) - 1 if node.this.isdigit() else None
    return None


def group_by_all(tracer: ScopeTracer, scope: Scope) -> set[tuple[str | None, str, Subtype]]:
    """GROUP BY ALL groups by every projection that is not an aggregate."""
    group = scope.expression.args.get("group")
    if not isinstance(group, exp.Group) or not group.args.get("all"):
        return set()
    found: set[tuple[str | None, str, Subtype]] = set()
    for index, out in enumerate(tracer.outputs(scope)):
        if out.expression is None or not out.expression.find(exp.AggFunc):
            found |= {(t, c, Subtype.GROUP_BY) for t, c, _, _ in tracer.trace_output(scope, index)}
    return found


def key_hits(tracer: ScopeTracer, scope: Scope) -> set[tuple[str | None, str, Subtype]]:
    """USING / NATURAL join keys: the key column of every side joined on it."""
    found: set[tuple[str | None, str, Subtype]] = set()
    for name, holders in sorted(tracer.join_keys(scope).items()):
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
