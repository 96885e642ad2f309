"""Column tracing over sqlglot scopes: which base-table columns feed each output column, and how.

One `ScopeTracer` serves one statement: scopes are built once, and each (scope, output) pair is traced
once and memoised, so every output column of a statement costs one walk of its own expression.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TypeGuard

from sqlglot import exp
from sqlglot.dialects.dialect import Dialect
from sqlglot.optimizer.scope import Scope

from lineage.model import Flow, Subtype
from parsers.sql.aliases import DEFAULT_RULES, AliasLookup, Candidate, Wins
from parsers.sql.budget import NO_DEADLINE, Deadline
from parsers.sql.output_names import output_name
from parsers.sql.schema import SchemaRegistry
from parsers.sql.shapes import OPAQUE

# (source table or None when the SQL does not say, source column, flow, subtype)
Hit = tuple[str | None, str, Flow, Subtype]
Context = tuple[Flow, Subtype]

_NAVIGATION = (exp.Lag, exp.Lead, exp.FirstValue, exp.LastValue, exp.NthValue)
# number rows within their window: what they read is the window's keys, recorded as such
_RANKING = (exp.Rank, exp.DenseRank, exp.Ntile, exp.PercentRank, exp.CumeDist)
_RANK = {Subtype.IDENTITY: 0, Subtype.TRANSFORMATION: 1, Subtype.AGGREGATION: 2}
STAR = "*"
# a COLUMNS('re') pattern with a quantifier or back-reference is not expanded: DuckDB's RE2 runs in
# linear time, Python's `re` can backtrack exponentially (its column list is then a counted warning)
_UNSAFE_REGEX = re.compile(r"[*+?{]|\\[1-9]")
_OPEN_ENDS = re.compile(r"^\^?\.\*|\.\*\$?$")
_STAR_MODIFIERS = ("except_", "except", "replace", "rename", "ilike")
# MERGE ... WHEN MATCHED AND cond THEN UPDATE SET c = v is rewritten to `MERGE_WHEN(k, v) AS c` beside
# one `MERGE_WHEN(cond, NULL) AS k` (parsers.sql.writes): v lands unchanged when cond holds (unlike CASE,
# which would write NULL otherwise), and cond, an alias here, is traced once for all the columns.
MERGE_WHEN = "__lineage_merge_when__"
# where `col.field` reads a field of a struct column (elsewhere `x.col` only qualifies a column)
_STRUCT_DOT_DIALECTS = frozenset({"bigquery", "spark", "spark2", "databricks", "hive", "duckdb", "trino", "presto", "athena", "clickhouse"})
MERGE_CONDITION = "__lineage_merge_condition_"  # what a MERGE's conditions are aliased as, in WHERE too


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
    aliases: dict[str, list[tuple[int, exp.Expr]]]  # per alias: (output index, aliased projection), in order
    stars: tuple[int, ...]


def table_name(table: exp.Table) -> str:
    name = ".".join(part.name for part in table.parts)
    # sqlglot drops T-SQL's `#` from temp table names and marks the identifier instead: keep the
    # `#`, so `#recent` is one table wherever it is written or read, and never the permanent `recent`
    return "#" + name if isinstance(table.this, exp.Identifier) and table.this.args.get("temporary") and not name.startswith("#") else name


def _is_base(node: object) -> TypeGuard[exp.Table]:
    """A base table: not a name that only looks like one for want of its CTE (see parsers.sql.shapes)."""
    return isinstance(node, exp.Table) and not node.meta.get(OPAQUE)


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

    def __init__(self, registry: SchemaRegistry, deadline: Deadline = NO_DEADLINE, aliases: AliasLookup | None = None, dialect: Dialect | None = None) -> None:
        self.registry, self.deadline = registry, deadline
        self.alias_lookup = aliases or AliasLookup(DEFAULT_RULES)
        # `* EXCLUDE (...)`, COLUMNS(...) left unapplied: whether the columns they choose from were known
        self.unapplied: dict[str, bool] = {}
        self.unknown_stars = False  # a star over a source whose columns are unknown
        self.ambiguities: set[str] = set()  # warnings: a name that is a source column or an alias, unknown which
        self.dialect = dialect or Dialect.get_or_raise(None)  # names outputs written without an alias
        self._outputs: dict[int, list[Output]] = {}
        self._traced: dict[tuple[int, int], frozenset[Hit]] = {}
        self._active: set[tuple[int, int]] = set()
        self._subquery_scope: dict[int, Scope] = {}
        self._columns: dict[tuple[int, str], Columns | None] = {}
        self._named: dict[int, _Named] = {}
        self._join_keys: dict[int, dict[str, tuple[str, ...]]] = {}
        self._rows: dict[int, frozenset[Hit]] = {}
        self._filled: dict[int, Scope] = {}

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
            names = [c.name for c in columns]
            if not columns and isinstance(node, exp.Unnest) and alias is None:
                names = ["unnest"]
            offset = node.args.get("offset") if isinstance(node, exp.Unnest) else None
            # `UNNEST(x) AS item WITH OFFSET AS pos`, `WITH ORDINALITY AS u(x, n)`: the position is a column too
            return [Output(name) for name in names + ([offset.name] if isinstance(offset, exp.Identifier) else [])]
        outputs: list[Output] = []
        for projection in node.expressions:
            if isinstance(projection, exp.Star):
                for source in scope.selected_sources:
                    outputs.extend(self._expand(scope, source, projection))
            elif isinstance(projection, exp.Column) and isinstance(projection.this, exp.Star):
                outputs.extend(self._expand(scope, projection.table, projection.this))
            elif isinstance(projection, exp.Columns):  # DuckDB's COLUMNS('regex') / COLUMNS(*)
                for source in scope.selected_sources:
                    outputs.extend(self._expand(scope, source, projection))
            else:
                outputs.append(Output(output_name(projection, self.dialect), expression=projection))
        return outputs

    def _expand(self, scope: Scope, source: str, star: exp.Star | exp.Columns) -> list[Output]:
        names = self.source_columns(scope, source)
        kept = None if names is None else _selected(star, names)
        if names is None or kept is None:
            if isinstance(star, exp.Columns) or any(star.args.get(k) for k in _STAR_MODIFIERS):
                self.unapplied[star.sql(self.dialect)] = names is not None
            self.unknown_stars = self.unknown_stars or names is None
            # a pivot's own outputs are known even when the columns it keeps are not
            pivot = _pivot(self.source(scope, source)) if names is None else None
            made = (pivoted_columns(pivot, ()) if pivot is not None else None) or []
            return [Output(STAR, source=source, unresolved_star=True), *(Output(name, source=source) for name in made)]
        replaced = {r.alias_or_name: r for r in star.args.get("replace") or ()}
        renamed = {r.this.name: r.alias for r in star.args.get("rename") or ()}
        return [
            Output(name, expression=replaced[name])
            if name in replaced
            else Output(renamed[name], expression=exp.column(name, table=source))
            if name in renamed
            else Output(name, source=source)
            for name in kept
        ]

    def source_columns(self, scope: Scope, source: str) -> Columns | None:
        """Column names of one source of `scope`, or None when they are not known."""
        key = (id(scope), source)
        if key not in self._columns:
            self._columns[key] = self._source_columns(scope, source)
        return self._columns[key]

    def _source_columns(self, scope: Scope, source: str) -> Columns | None:
        node = self.source(scope, source)
        names = self._plain_columns(node)
        pivot = _pivot(node)
        if names is None or pivot is None:
            return names
        made = pivoted_columns(pivot, names)
        return None if made is None else Columns(made)

    def _plain_columns(self, node: exp.Expr | Scope | None) -> Columns | None:
        if _is_base(node):
            names = self.registry.column_names(table_name(node))
            return None if names is None else Columns(names)
        if isinstance(node, Scope):
            if self.named(node).stars:
                return None
            return Columns(o.name for o in self.outputs(node))
        return None

    def source(self, scope: Scope, name: str) -> exp.Expr | Scope | None:
        """What source `name` of `scope` is. sqlglot scopes a recursive CTE's self-reference as its
        anchor branch once more, in a scope it never fills (no sources): the anchor's own scope,
        which it did fill, stands for it, else the anchor's columns would trace to no table."""
        node = scope.sources.get(name)
        if not isinstance(node, Scope) or node.sources or scope.parent is None:
            return node
        if id(node) not in self._filled:
            root = scope
            while root.parent is not None:
                root = root.parent
            self._filled[id(node)] = next((s for s in root.traverse() if s.expression is node.expression and s.sources), node)
        return self._filled[id(node)]

    def named(self, scope: Scope) -> _Named:
        key = id(scope)
        if key not in self._named:
            named = _Named({}, {}, tuple(i for i, o in enumerate(self.outputs(scope)) if o.unresolved_star))
            for index, out in enumerate(self.outputs(scope)):
                if not out.unresolved_star:
                    named.first.setdefault(out.name, index)
                if isinstance(out.expression, exp.Alias):
                    named.aliases.setdefault(out.expression.alias, []).append((index, out.expression))
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
        node = self.source(scope, source)
        if _is_base(node):
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
        node = self.source(scope, source)
        reads = pivot_reads(_pivot(node), column)
        if reads is not None:  # a PIVOT / UNPIVOT output: made of other columns of the source
            return {combine(ctx, hit) for ctx, name in reads for hit in self._resolve_plain(scope, source, node, name)}
        return self._resolve_plain(scope, source, node, column)

    def _resolve_plain(self, scope: Scope, source: str, node: exp.Expr | Scope | None, column: str) -> set[Hit]:
        if _is_base(node):
            return {(table_name(node), column, Flow.DIRECT, Subtype.IDENTITY)}
        if isinstance(node, Scope):
            return self.trace_by_name(node, column)
        return {(None, column, Flow.DIRECT, Subtype.IDENTITY)}

    def resolve_column(self, scope: Scope, column: exp.Column) -> set[Hit]:
        field = self._struct_field(scope, column)
        if field is not None:
            return field
        name, qualifier = column.name, column.table
        current: Scope | None = scope
        while current is not None:  # correlated references climb to outer scopes
            if qualifier:
                if qualifier in current.sources:
                    return self.resolve_source(current, qualifier, name)
            else:
                found = self._unqualified(current, column, own=current is scope)
                if found is not None:
                    return found
            current = current.parent
        return {(qualifier or None, name, Flow.DIRECT, Subtype.IDENTITY)}

    def _struct_field(self, scope: Scope, column: exp.Column) -> set[Hit] | None:
        """`e.payload.user.id`, `payload.user` (a struct's field): read from the column `payload`, never
        from a table `payload` or `user`. None when the name is an ordinary (qualified) column."""
        parts = [part.name for part in column.parts]
        if len(parts) < 2 or _visible(scope, column.table):
            return None
        if len(parts) >= 3 and _visible(scope, parts[0]):
            base = exp.column(parts[1], table=parts[0])
        elif self.dialect.__class__.__name__.lower() in _STRUCT_DOT_DIALECTS:
            base = exp.column(parts[0])
        else:
            return None
        return {combine((Flow.DIRECT, Subtype.TRANSFORMATION), hit) for hit in self.resolve_column(scope, base)}

    def _unqualified(self, scope: Scope, column: exp.Column, own: bool) -> set[Hit] | None:
        name = column.name
        holders = self.join_keys(scope).get(name)
        if holders:  # USING / NATURAL keys: the unqualified column is the merged key of every side
            return {hit for source in holders for hit in self.resolve_source(scope, source, name)}
        if own and name.startswith(MERGE_CONDITION):
            # a MERGE clause's hidden condition (parsers.sql.writes): our own name, not the SQL's, so no
            # dialect's alias rules apply; its projection is traced once, however many columns name it
            return set(self.trace_output(scope, self.named(scope).aliases[name][0][0]))
        alias = self._alias_candidate(scope, column) if own else None
        if alias is not None and alias.wins is Wins.ALIAS:
            return set(self.trace_output(scope, alias.output))  # memoised: an alias named a thousand times is traced once
        known, unknown = [], []
        for source in scope.selected_sources:
            names = self.source_columns(scope, source)
            if names is None:
                unknown.append(source)
            elif name in names:
                known.append(source)
        if len(known) == 1:
            return self.resolve_source(scope, known[0], name)
        if len(known) > 1:
            return {(None, name, Flow.DIRECT, Subtype.IDENTITY)}  # ambiguous: never guess
        if alias is not None and not unknown:  # no source has the column: the alias it must be
            return set(self.trace_output(scope, alias.output))
        if len(unknown) == 1:
            # valid SQL: a column no known source has must come from the one unknown source
            found = self.resolve_source(scope, unknown[0], name)
        elif unknown:
            found = {(None, name, Flow.DIRECT, Subtype.IDENTITY)}
        else:
            return None
        if alias is not None:
            self._note_ambiguity(scope, name, unknown, alias, found)
        return found

    def join_keys(self, scope: Scope) -> dict[str, tuple[str, ...]]:
        """Columns joined by USING (...) or NATURAL JOIN in this scope, each with the sources joined on it."""
        key = id(scope)
        if key not in self._join_keys:
            self._join_keys[key] = self._find_join_keys(scope)
        return self._join_keys[key]

    def _find_join_keys(self, scope: Scope) -> dict[str, tuple[str, ...]]:
        select = scope.expression
        holders: dict[str, list[str]] = {}
        if not isinstance(select, exp.Select):
            return {}
        seen: list[str] = [select.args["from_"].alias_or_name] if select.args.get("from_") else []
        for join in select.args.get("joins") or ():
            right = join.alias_or_name
            keys = [i.name for i in join.args.get("using") or ()]
            if join.args.get("method") and str(join.args["method"]).upper() == "NATURAL":
                left_columns = {c for source in seen for c in self.source_columns(scope, source) or ()}
                keys += sorted(left_columns & set(self.source_columns(scope, right) or ()))
            for key in keys:
                bucket = holders.setdefault(key, [])
                bucket += [s for s in (*self._left_holders(scope, seen, key), right) if s not in bucket]
            seen.append(right)
        return {key: tuple(sources) for key, sources in holders.items()}

    def _left_holders(self, scope: Scope, seen: list[str], key: str) -> list[str]:
        """The sources left of a join that give its key: those known to have it, else (USING names a
        column the left side has) those whose columns are unknown."""
        known = [s for s in seen if key in (self.source_columns(scope, s) or ())]
        return known or [s for s in seen if self.source_columns(scope, s) is None]

    def _alias_candidate(self, scope: Scope, column: exp.Column) -> Candidate | None:
        """The SELECT-list alias `column` may name where it stands, by the dialect's rules."""
        select = scope.expression
        if not isinstance(select, exp.Select):
            return None
        defined = self.named(scope).aliases.get(column.name)
        return None if defined is None else self.alias_lookup.candidate(select, column, defined)

    def _note_ambiguity(self, scope: Scope, name: str, unknown: list[str], alias: Candidate, assumed: set[Hit]) -> None:
        """A source whose columns are unknown may or may not have `name`: when the alias would give other
        sources, the column the dialect prefers is assumed, and said so."""
        if {h[:2] for h in assumed} == {h[:2] for h in self.trace_output(scope, alias.output)}:
            return
        nodes = [scope.sources.get(source) for source in unknown]
        names = [table_name(n) if isinstance(n, exp.Table) else source for n, source in zip(nodes, unknown)]
        self.ambiguities.add(self.alias_lookup.ambiguity(name, names, alias))

    def trace_expression(self, scope: Scope, expression: exp.Expr) -> set[Hit]:
        top = expression.unalias() if isinstance(expression, exp.Alias) else expression
        value = top.expressions[1] if isinstance(top, exp.Anonymous) and top.name == MERGE_WHEN else top
        start = (Flow.DIRECT, Subtype.IDENTITY if isinstance(value, exp.Column) else Subtype.TRANSFORMATION)
        hits: set[Hit] = set()
        _ExpressionWalk(self, scope, hits).visit(top, start)
        return hits

    # -- whole-row reads ------------------------------------------------------------------------
    def row_reads(self, scope: Scope, node: exp.Expr) -> set[Hit] | None:
        """What `node` reads when it reads whole rows rather than columns, else None.

        `count(*)`, `count(t.*)`, `count(1)` count the rows of the sources and `EXISTS (...)` asks
        whether its query has any: each depends on the source table as a whole, so it is recorded as
        a read of the table (the `*` column, as an unexpanded `SELECT *` is): dropping the table
        reaches it, renaming one of its columns does not.
        """
        if isinstance(node, exp.Exists):
            inner = self.subquery_scope(scope, node.this)
            return set(self.scope_rows(inner)) if inner is not None else set()
        if isinstance(node, exp.Column) and isinstance(node.this, exp.Star):  # `count(t.*)`; a projection's is expanded
            return self.source_rows(scope, node.table) if node.table else None
        every_source = isinstance(node, exp.Star) or (
            isinstance(node, exp.AggFunc) and not isinstance(node, _RANKING) and not any(isinstance(n, (exp.Column, exp.Star, exp.Query)) for n in node.walk())
        )
        return {hit for source in scope.selected_sources for hit in self.source_rows(scope, source)} if every_source else None

    def source_rows(self, scope: Scope, source: str) -> set[Hit]:
        node = self.source(scope, source)
        if isinstance(node, exp.Table):
            return {(table_name(node), STAR, Flow.DIRECT, Subtype.IDENTITY)}
        if isinstance(node, Scope):
            return set(self.scope_rows(node))
        return {(source, STAR, Flow.DIRECT, Subtype.IDENTITY)}  # a name the SQL does not define

    def scope_rows(self, scope: Scope) -> frozenset[Hit]:
        """The tables whose rows make up the rows of `scope` (its filters are table-level edges already)."""
        key = id(scope)
        if key not in self._rows:
            self._rows[key] = frozenset()  # a recursive CTE reading itself adds no new tables
            self._rows[key] = frozenset(self._scope_rows(scope))
        return self._rows[key]

    def _scope_rows(self, scope: Scope) -> set[Hit]:
        node = scope.expression
        if isinstance(node, exp.SetOperation):
            branches = scope.set_operation_scopes[:1] if isinstance(node, (exp.Intersect, exp.Except)) else scope.set_operation_scopes
            return {hit for branch in branches for hit in self.scope_rows(branch)}
        inner = _lateral_query(scope)
        if inner is not None:
            return set(self.scope_rows(inner))
        if not isinstance(node, exp.Select):  # UNNEST(x): one row per element of x
            return set(self.trace_output(scope, 0))
        return {hit for source in scope.selected_sources for hit in self.source_rows(scope, source)}

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
        rows = self.tracer.row_reads(self.scope, node)
        if rows is not None:
            inner = _upgrade(ctx, Subtype.AGGREGATION if isinstance(node, exp.AggFunc) else Subtype.TRANSFORMATION)
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


def _pivot(node: exp.Expr | Scope | None) -> exp.Pivot | None:
    """The PIVOT / UNPIVOT applied to a source: on its table, or on the derived table around its query."""
    holder = node.expression.parent if isinstance(node, Scope) else node
    pivots = holder.args.get("pivots") if isinstance(holder, (exp.Table, exp.Subquery)) else None
    return pivots[0] if pivots and isinstance(pivots[0], exp.Pivot) else None


def _unpivot_parts(pivot: exp.Pivot) -> tuple[list[str], str, list[list[str]]]:
    """UNPIVOT (v FOR n IN (a, b)): the value columns [v], the name column n, and per listed item the
    columns giving each value column ([[a], [b]]; `(a1, b1)` items for several value columns)."""
    values = [i.name for e in pivot.expressions for i in (e.expressions if isinstance(e, exp.Tuple) else [e])]
    field = pivot.args["fields"][0]
    items = [i.this if isinstance(i, exp.PivotAlias) else i for i in field.expressions]
    return values, field.this.name, [[c.name for c in (i.expressions if isinstance(i, exp.Tuple) else [i])] for i in items]


def pivot_reads(pivot: exp.Pivot | None, name: str) -> list[tuple[Context, str]] | None:
    """The columns of the source under `pivot` that its output `name` is made of, and how; None when
    `name` is a column of the source passed through (a PIVOT's grouping column, one UNPIVOT keeps)."""
    if pivot is None or not pivot.args.get("fields"):
        return None
    if pivot.args.get("unpivot"):
        values, label, items = _unpivot_parts(pivot)
        if name in values:  # each listed column's value lands in the value column, row by row
            return [((Flow.DIRECT, Subtype.IDENTITY), item[values.index(name)]) for item in items if values.index(name) < len(item)]
        if name == label:  # says which listed column a row came from
            return [((Flow.INDIRECT, Subtype.CONDITIONAL), column) for item in items for column in item]
        return None
    outputs = [c.name for c in pivot.args.get("columns") or ()]
    if name not in outputs:
        return None
    aggregations = pivot.expressions
    # one output per pivot value and aggregation, the aggregations varying fastest
    aggregation = aggregations[outputs.index(name) % len(aggregations)]
    keys = [c.name for field in pivot.args["fields"] for c in field.this.find_all(exp.Column)]
    read = [c.name for c in aggregation.find_all(exp.Column) if not isinstance(c.this, exp.Star)]
    read += [STAR] if aggregation.find(exp.Star) else []  # COUNT(*) counts the source's rows
    return [((Flow.DIRECT, Subtype.AGGREGATION), name) for name in read] + [((Flow.INDIRECT, Subtype.CONDITIONAL), key) for key in keys]


def pivoted_columns(pivot: exp.Pivot, names: Iterable[str]) -> list[str] | None:
    """The columns a source has after `pivot`, given the ones it has before; None when they depend on
    the data (Snowflake's `IN (ANY)` / `IN (SELECT ...)`: no output names are written)."""
    if pivot.args.get("unpivot"):
        values, label, items = _unpivot_parts(pivot)
        listed = {column for item in items for column in item}
        return [n for n in names if n not in listed] + [label, *values]
    if not pivot.args.get("columns"):
        return None
    consumed = {c.name for e in [*pivot.expressions, *(f.this for f in pivot.args.get("fields") or ())] for c in e.find_all(exp.Column)}
    return [n for n in names if n not in consumed] + [c.name for c in pivot.args.get("columns") or ()]


def _selected(star: exp.Star | exp.Columns, names: Columns) -> list[str] | None:
    """The columns a star keeps: all but its EXCLUDE / EXCEPT; COLUMNS(*) all, COLUMNS('re') those
    the pattern finds (DuckDB's RE2, which Python's `re` reads alike for column patterns); None when
    we cannot tell (a lambda, a pattern Python cannot read)."""
    if isinstance(star, exp.Star):
        excluded = {e.name for e in star.args.get("except_") or star.args.get("except") or ()}
        ilike = star.args.get("ilike")  # Snowflake's `* ILIKE '%id'`: SQL wildcards, any case
        like = ilike.name.lower() if isinstance(ilike, exp.Literal) else None
        return [name for name in names if name not in excluded and (like is None or _like(like, name.lower()))]
    pattern = star.this
    if isinstance(pattern, exp.Star):
        return list(names)
    if not (isinstance(pattern, exp.Literal) and pattern.is_string):
        return None
    text = _OPEN_ENDS.sub("", pattern.name)  # `.*_id`, `^id.*`: an unanchored search needs no `.*`
    if _UNSAFE_REGEX.search(text):
        return None
    try:
        found = re.compile(text)
    except re.error:
        return None
    return [name for name in names if found.search(name)]


def _like(pattern: str, name: str) -> bool:
    """SQL LIKE (`%` any run, `_` one character) in O(len(pattern) * len(name)): a regex of many `%`
    backtracks exponentially on a long hostile column name."""
    p = n = 0
    star, resume = -1, 0  # the last `%` seen, and where in `name` it last resumed
    while n < len(name):
        if p < len(pattern) and pattern[p] in ("_", name[n]) and pattern[p] != "%":
            p, n = p + 1, n + 1
        elif p < len(pattern) and pattern[p] == "%":
            star, resume, p = p, n, p + 1
        elif star >= 0:
            resume += 1
            p, n = star + 1, resume
        else:
            return False
    return all(ch == "%" for ch in pattern[p:])


def _visible(scope: Scope, source: str) -> bool:
    """`source` names a source of `scope` or of a scope it is nested in (a correlated reference)."""
    current: Scope | None = scope
    while current is not None:
        if source in current.sources:
            return True
        current = current.parent
    return False


def _alias_columns(node: exp.Expr) -> list[str]:
    parent = node.parent
    while isinstance(parent, exp.SetOperation) and parent.this is node:
        # a recursive CTE's self-reference is scoped as its first branch: the CTE's list names it too
        node, parent = parent, parent.parent
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
