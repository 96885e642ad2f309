"""What each scope of a statement outputs: its projections, stars expanded to the columns of their
sources (EXCEPT, REPLACE, RENAME, COLUMNS, PIVOT), and where each output name is, indexed once.

`ScopeOutputs` is the half of `ScopeTracer` that names outputs; the tracer adds how each is computed."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlglot import exp
from sqlglot.optimizer.scope import Scope

from parsers.sql.dialects import is_family
from parsers.sql.output_names import output_name, values_names
from parsers.sql.scope_parts import (
    STAR,
    STAR_MODIFIERS,
    Columns,
    renamed_columns,
    is_base,
    table_function,
    lateral_query,
    alias_columns,
    pivot_of,
    pivot_renames,
    pivoted_columns,
    selected,
    table_name,
)


@dataclass(frozen=True, slots=True)
class Output:
    """One output column of a scope: a projection, or a column expanded from a star."""

    name: str
    expression: exp.Expr | None = None  # the projection, when written out
    source: str | None = None  # the source a star expanded from (column `name` of it)
    unresolved_star: bool = False  # `*` over a source whose columns we do not know


@dataclass(frozen=True, slots=True)
class Named:
    """Where a scope's outputs are, indexed once: per name, per projection alias, and the unresolved
    stars. Every output column of a statement looks a name up, so a scan per lookup is quadratic."""

    first: dict[str, int]
    aliases: dict[str, list[tuple[int, exp.Expr]]]  # per alias: (output index, aliased projection), in order
    stars: tuple[int, ...]


class ScopeOutputs:
    """Output naming for `ScopeTracer` (its caches live there: `_outputs`, `_columns`, `_named`, `_unnesting`, `_fields`)."""

    # -- outputs -------------------------------------------------------------------------------
    def outputs(self, scope: Scope) -> list[Output]:
        key = id(scope)
        if key not in self._outputs:
            self.deadline.check()  # once per scope
            self._outputs[key] = self._compute_outputs(scope)
        return self._outputs[key]

    def _compute_outputs(self, scope: Scope) -> list[Output]:
        outputs = self._projections(scope)
        renamed = alias_columns(scope.expression)
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
            first = self.outputs(scope.set_operation_scopes[0]) if scope.set_operation_scopes else []
            if not node.args.get("by_name"):
                return first
            # DuckDB's / Spark's `UNION BY NAME`: matched by name, a name only later branches have last
            names = {o.name for o in first}
            later = [o.name for b in scope.set_operation_scopes[1:] for o in self.outputs(b) if not o.unresolved_star]
            # a later branch's '*' over unknown columns may add more: one unresolved '*' stands for them
            starred = not any(o.unresolved_star for o in first) and any(o.unresolved_star for b in scope.set_operation_scopes[1:] for o in self.outputs(b))
            return [*first, *(Output(name) for name in dict.fromkeys(later) if name not in names), *([Output(STAR, unresolved_star=True)] if starred else [])]
        inner = lateral_query(scope)
        if inner is not None:
            return self.outputs(inner)
        if not isinstance(node, exp.Select):
            alias = node.args.get("alias")
            columns = alias.columns if isinstance(alias, exp.TableAlias) else []
            names = [c.name for c in columns]
            if not columns and isinstance(node, exp.Values):
                names = values_names(node, self.dialect)
            if not columns and isinstance(node, exp.Unnest) and alias is None and not is_family(self.dialect, "bigquery.BigQuery"):
                names = ["unnest"]  # Postgres' and DuckDB's name (BigQuery's rows are values, or fields)
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
        names = None if self.open_fields(scope, source) else self.source_columns(scope, source)
        kept = None if names is None else selected(star, names)
        if names is None or kept is None:
            if isinstance(star, exp.Columns) or any(star.args.get(k) for k in STAR_MODIFIERS):
                self.unapplied[star.sql(self.dialect)] = names is not None
            # a table function's columns come from no table: there is no '*' edge to record (a file reader is said)
            self.unknown_stars = self.unknown_stars or (names is None and table_function(self.source(scope, source)) is None)
            # a pivot's own outputs are known even when the columns it keeps are not
            pivot = pivot_of(self.source(scope, source)) if names is None else None
            made = (pivoted_columns(pivot, ()) if pivot is not None else None) or []
            renames = pivot_renames(pivot, None) if pivot is not None else {}
            made = [name for name, output in renames.items() if output] if renames else made
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
        if self._unnesting and id(self.source(scope, source)) in self._unnesting:
            return self._source_columns(scope, source)  # its argument resolving: not the columns to keep
        if key not in self._columns:
            self._columns[key] = self._source_columns(scope, source)
        return self._columns[key]

    def _source_columns(self, scope: Scope, source: str) -> Columns | None:
        node = self.source(scope, source)
        names = self._plain_columns(node)
        pivot = pivot_of(node)
        if names is None or pivot is None:
            return names
        made = pivoted_columns(pivot, names)
        renamed = list(pivot_renames(pivot, names))
        return None if made is None else Columns([*renamed, *made[len(renamed):]])

    @contextmanager
    def unnesting(self, scope: Scope) -> Iterator[None]:
        """While an UNNEST's (or a table function's) argument resolves, the UNNEST shows its named columns
        alone: `FROM UNNEST(items)` evaluates `items` before its rows exist, so no field of them is it."""
        self._unnesting.add(id(scope))
        try:
            yield
        finally:
            self._unnesting.discard(id(scope))

    def element_fields(self, scope: Scope) -> list[str] | None:
        """The fields of the elements of a BigQuery UNNEST (ScopeTracer resolves its argument's type)."""
        return None

    def struct_fields(self, scope: Scope) -> list[str] | None:
        """BigQuery's UNNEST of an array of STRUCTs gives a column per field, which the SQL names
        unqualified (`SELECT SUM(qty) FROM UNNEST(items)`) and `*` expands to: the fields when the array's
        type is known ([] for scalars), else None, and None for any other source."""
        if not isinstance(scope.expression, exp.Unnest) or not is_family(self.dialect, "bigquery.BigQuery") or id(scope) in self._unnesting:
            return None
        if id(scope) not in self._fields:
            with self.unnesting(scope):
                self._fields[id(scope)] = self.element_fields(scope)
        return self._fields[id(scope)]

    def open_fields(self, scope: Scope, source: str) -> bool:
        """A BigQuery UNNEST whose elements' fields are not known: it may hold any column the SQL names."""
        node = self.source(scope, source)
        if not isinstance(node, Scope) or id(node) in self._unnesting:  # its own argument is none of its fields
            return False
        return isinstance(node.expression, exp.Unnest) and is_family(self.dialect, "bigquery.BigQuery") and self.struct_fields(node) is None

    def _plain_columns(self, node: exp.Expr | Scope | None) -> Columns | None:
        if is_base(node):
            names = self.registry.column_names(table_name(node))
            renamed = renamed_columns(node)
            return None if names is None else Columns([*renamed, *names[len(renamed):]])
        if isinstance(node, Scope):
            if self.named(node).stars:
                return None
            names = [o.name for o in self.outputs(node)]
            return Columns([*names, *(self.struct_fields(node) or ())])
        if table_function(node) is not None and renamed_columns(node):  # `generate_series(1, 9) AS t(n)`: its columns named
            return Columns(renamed_columns(node))
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

    def named(self, scope: Scope) -> Named:
        key = id(scope)
        if key not in self._named:
            named = Named({}, {}, tuple(i for i, o in enumerate(self.outputs(scope)) if o.unresolved_star))
            for index, out in enumerate(self.outputs(scope)):
                if not out.unresolved_star:
                    named.first.setdefault(out.name, index)
                if isinstance(out.expression, exp.Alias):
                    named.aliases.setdefault(out.expression.alias, []).append((index, out.expression))
            self._named[key] = named
        return self._named[key]
