"""Column tracing over sqlglot scopes: which base-table columns feed each output column, and how.

One `ScopeTracer` serves one statement: scopes are built once, and each (scope, output) pair is traced
once and memoised, so every output column of a statement costs one walk of its own expression.
"""

from __future__ import annotations


from sqlglot import exp
from sqlglot.dialects.dialect import Dialect
from sqlglot.errors import SqlglotError
from sqlglot.optimizer.scope import Scope

from lineage.model import MARKER, Flow, Subtype
from parsers.sql.aliases import DEFAULT_RULES, AliasLookup, Candidate, Wins
from parsers.sql.budget import NO_DEADLINE, Deadline
from parsers.sql.schema import SchemaRegistry
from parsers.sql.expression_walk import ExpressionWalk
from parsers.sql.scope_outputs import Named, Output, ScopeOutputs
from parsers.sql.date_units import date_unit
from parsers.sql.scope_parts import (
    MERGE_CONDITION,
    MERGE_WHEN,
    STAR,
    Columns,
    renamed_columns,
    Hit,
    combine,
    is_base,
    FILE_READERS,
    function_name,
    table_function,
    lateral_query,
    pivot_of,
    pivot_reads,
    pivot_renames,
    table_name,
    visible,
)


# number rows within their window: what they read is the window's keys, recorded as such
_RANKING = (exp.Rank, exp.DenseRank, exp.Ntile, exp.PercentRank, exp.CumeDist)
# where `col.field` reads a field of a struct column (elsewhere `x.col` only qualifies a column)
_STRUCT_DOT_DIALECTS = frozenset({"bigquery", "spark", "spark2", "databricks", "hive", "duckdb", "trino", "presto", "athena", "clickhouse"})


_HIERARCHY = frozenset({"LEVEL", "CONNECT_BY_ISLEAF", "CONNECT_BY_ISCYCLE"})


def _upwards(scope: Scope | None) -> list[Scope]:
    found = []
    while scope is not None:
        found.append(scope)
        scope = scope.parent
    return found


def _by_name(outputs: list[Output], name: str) -> int | None:
    """Where a branch of a `UNION BY NAME` has output `name`: its column of that name, else its '*'
    over unknown columns (which may hold it), else nowhere (the branch gives NULL)."""
    for at, output in enumerate(outputs):
        if output.name == name and not output.unresolved_star:
            return at
    return next((at for at, output in enumerate(outputs) if output.unresolved_star), None)


class ScopeTracer(ScopeOutputs):
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
        self._named: dict[int, Named] = {}
        self._join_keys: dict[int, dict[str, tuple[str, ...]]] = {}
        self._rows: dict[int, frozenset[Hit]] = {}
        self._filled: dict[int, Scope] = {}
        self._unnesting: set[int] = set()  # UNNEST scopes whose argument is being resolved
        self._fields: dict[int, list[str] | None] = {}  # a BigQuery UNNEST's elements' fields

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
            name = self.outputs(scope)[index].name if node.args.get("by_name") else None
            for branch in branches:
                at = index if name is None else _by_name(self.outputs(branch), name)
                if at is not None and at < len(self.outputs(branch)):
                    hits |= self.trace_output(branch, at)
            return hits
        inner = lateral_query(scope)
        if inner is not None:  # LATERAL (SELECT ...) / CROSS APPLY (SELECT ...)
            return set(self.trace_output(inner, index))
        if not isinstance(node, exp.Select):  # UNNEST / LATERAL / table function
            outer = scope.parent or scope
            with self.unnesting(scope):
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
        if is_base(node):
            return {(table_name(node), STAR, Flow.DIRECT, Subtype.IDENTITY)}
        if table_function(node) is not None:
            return self._function_rows(scope, node)
        if isinstance(node, Scope) and isinstance(node.expression, exp.Unnest):  # fields of its elements, unknown
            return set(self.trace_output(node, 0))
        if isinstance(node, Scope):
            return {h for i in self.named(node).stars for h in self.trace_output(node, i)}
        return {(None, STAR, Flow.DIRECT, Subtype.IDENTITY)}

    def trace_by_name(self, scope: Scope, name: str) -> set[Hit]:
        if not isinstance(scope.expression, (exp.Select, exp.SetOperation)) and lateral_query(scope) is None:
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
        pivot = pivot_of(node)
        renames = pivot_renames(pivot, self._plain_columns(node)) if pivot is not None else {}
        if renames.get(column) == "":
            self.ambiguities.add(f"'{column}' renames a column the PIVOT/UNPIVOT of '{source}' keeps, but the source's columns are unknown: recorded as an unresolved '*' edge (add its DDL or --schema)")
            return self._resolve_plain(scope, source, node, STAR)
        column = renames.get(column, column)
        reads = pivot_reads(pivot, column)
        if reads is not None:  # a PIVOT / UNPIVOT output: made of other columns of the source
            return {combine(ctx, hit) for ctx, name in reads for hit in self._resolve_plain(scope, source, node, name)}
        return self._resolve_plain(scope, source, node, column)

    def _resolve_plain(self, scope: Scope, source: str, node: exp.Expr | Scope | None, column: str) -> set[Hit]:
        if is_base(node):
            return {(table_name(node), self._unaliased(node, source, column), Flow.DIRECT, Subtype.IDENTITY)}
        if isinstance(node, Scope):
            return self.trace_by_name(node, column)
        if table_function(node) is not None:
            return self._function_rows(scope, node)
        return {(None, column, Flow.DIRECT, Subtype.IDENTITY)}

    def element_fields(self, scope: Scope) -> list[str] | None:
        """BigQuery's UNNEST(x): the fields of x's STRUCT elements when x is a column whose type is known
        (`ARRAY<STRUCT<sku STRING, qty INT64>>`), [] for an array of scalars, else None (not known)."""
        args = scope.expression.expressions
        if len(args) != 1 or not isinstance(args[0], exp.Column):
            return None
        hits = self.resolve_column(scope.parent or scope, args[0])
        table, column, flow, subtype = next(iter(hits)) if len(hits) == 1 else (None, "", None, None)
        known = dict(self.registry.columns(table) or ()) if table and (flow, subtype) == (Flow.DIRECT, Subtype.IDENTITY) else {}
        try:
            kind = exp.DataType.build(known[column], dialect=self.dialect) if known.get(column) else None
        except (SqlglotError, ValueError):
            kind = None
        if kind is None or not kind.is_type(exp.DataType.Type.ARRAY) or not kind.expressions:
            return None
        element = kind.expressions[0]
        return [c.name for c in element.expressions if isinstance(c, exp.ColumnDef)] if element.is_type(exp.DataType.Type.STRUCT) else []

    def _function_rows(self, scope: Scope, node: exp.Table) -> set[Hit]:
        """A column of a table function's rows (`generate_series(1, n)`, `read_parquet('f')`): made from the
        columns its arguments read, if any (none for constants); a function reading files is said."""
        func = table_function(node)
        assert func is not None
        if function_name(func) in FILE_READERS:
            self.ambiguities.add(f"reads files through {function_name(func)}(...): the values of its columns come from no SQL and are not recorded")
        return {
            combine((Flow.DIRECT, Subtype.TRANSFORMATION), hit)
            for column in func.find_all(exp.Column)
            for hit in self.resolve_column(scope.parent or scope, column)
        }

    def _pseudo(self, scope: Scope, name: str) -> bool:
        """Oracle's and Snowflake's pseudo-columns of a hierarchical query (LEVEL, CONNECT_BY_ISLEAF,
        ...) and Oracle's ROWNUM: values the engine makes, no column of any table."""
        if name in _HIERARCHY:
            return any(s.expression.args.get("connect") is not None for s in _upwards(scope))
        return name == "ROWNUM" and self.dialect.__class__.__name__.lower() == "oracle"

    def _unaliased(self, table: exp.Expr, source: str, column: str) -> str:
        """The name in `table` of the column its alias's column list calls `column`: `FROM t AS r(a, b)`
        names t's first two columns a and b, whatever t calls them. Where t's columns are unknown the
        value is some column of t: an unresolved '*' edge, said."""
        renamed = renamed_columns(table)
        if column not in renamed:
            return column
        names, position = self.registry.column_names(table_name(table)), renamed.index(column)
        if names is not None and position < len(names):
            return names[position]
        self.ambiguities.add(
            f"'{source}({', '.join(renamed)})' renames the columns of '{table_name(table)}' by position, but its columns are unknown: "
            f"'{column}' recorded as an unresolved '*' edge (add its DDL or --schema)"
        )
        return STAR

    def resolve_column(self, scope: Scope, column: exp.Column) -> set[Hit]:
        if not column.table and not column.this.quoted and (self._pseudo(scope, column.name.upper()) or date_unit(column)):
            return set()
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
        if not qualifier and not name.startswith(MARKER):  # no source has it: said, never a guess (a macro's marker is said where it renders)
            self.ambiguities.add(f"'{name}' is a column of no table this query reads: recorded as unresolved (check its spelling, or the tables' DDL)")
        return {(qualifier or None, name, Flow.DIRECT, Subtype.IDENTITY)}

    def _struct_field(self, scope: Scope, column: exp.Column) -> set[Hit] | None:
        """`e.payload.user.id`, `payload.user` (a struct's field): read from the column `payload`, never
        from a table `payload` or `user`. None when the name is an ordinary (qualified) column."""
        parts = [part.name for part in column.parts]
        if len(parts) < 2 or visible(scope, column.table):
            return None
        if len(parts) >= 3 and visible(scope, parts[0]):
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
            elif self.open_fields(scope, source):  # BigQuery: a field of UNNEST's elements, whose type is unknown
                unknown.append(source)
        if len(known) == 1:
            return self.resolve_source(scope, known[0], name)
        if len(known) > 1:  # ambiguous: never guess, and say so
            self.ambiguities.add(f"'{name}' is a column of {self._listed(scope, known)}: recorded as unresolved (qualify it)")
            return {(None, name, Flow.DIRECT, Subtype.IDENTITY)}
        if alias is not None and not unknown:  # no source has the column: the alias it must be
            return set(self.trace_output(scope, alias.output))
        if len(unknown) == 1:
            # valid SQL: a column no known source has must come from the one unknown source
            found = self.resolve_source(scope, unknown[0], name)
        elif unknown:
            self.ambiguities.add(f"cannot tell which of {self._listed(scope, unknown)} has '{name}' (their columns are unknown): recorded as unresolved (qualify it, or add their DDL or --schema)")
            found = {(None, name, Flow.DIRECT, Subtype.IDENTITY)}
        else:
            return None
        if alias is not None:
            # either reading may be the engine's (the dialect's preferred column may not exist): both
            # are recorded, so that a change to what the alias reads is not missed, and it is said
            aliased = set(self.trace_output(scope, alias.output))
            self._note_ambiguity(scope, name, unknown, alias, found, aliased)
            found = found | aliased
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

    def _listed(self, scope: Scope, sources: list[str]) -> str:
        """`'a', 'b' and 'c'`: the sources as the SQL names them (a table by its name, else its alias)."""
        nodes = [scope.sources.get(source) for source in sources]
        names = [f"'{table_name(n) if isinstance(n, exp.Table) else source}'" for n, source in zip(nodes, sources)]
        return ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else names[0]

    def _note_ambiguity(self, scope: Scope, name: str, unknown: list[str], alias: Candidate, assumed: set[Hit], aliased: set[Hit]) -> None:
        """A source whose columns are unknown may or may not have `name`: when the alias would give other
        sources, both readings are kept, and said so."""
        if {h[:2] for h in assumed} == {h[:2] for h in aliased}:
            return
        nodes = [scope.sources.get(source) for source in unknown]
        names = [table_name(n) if isinstance(n, exp.Table) else source for n, source in zip(nodes, unknown)]
        self.ambiguities.add(self.alias_lookup.ambiguity(name, names, alias))

    def trace_expression(self, scope: Scope, expression: exp.Expr) -> set[Hit]:
        top = expression.unalias() if isinstance(expression, exp.Alias) else expression
        value = top.expressions[1] if isinstance(top, exp.Anonymous) and top.name == MERGE_WHEN else top
        start = (Flow.DIRECT, Subtype.IDENTITY if isinstance(value, exp.Column) else Subtype.TRANSFORMATION)
        hits: set[Hit] = set()
        ExpressionWalk(self, scope, hits).visit(top, start)
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
        inner = lateral_query(scope)
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



