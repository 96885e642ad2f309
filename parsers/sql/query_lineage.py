"""The lineage of one query that writes (or a bare SELECT): each output column traced to the columns it
reads, the table-level reads (joins, filters, grouping), the formulas `lineage diff` compares, and what the
write declares about its target table's columns."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlglot import exp
from sqlglot.dialects.dialect import Dialect
from sqlglot.errors import SqlglotError
from sqlglot.optimizer.scope import build_scope

from lineage.model import (
    ColumnEdge,
    Diagnostic,
    Flow,
    Location,
    Severity,
    TableFact,
    TableKind,
)
from parsers.sql.aliases import AliasLookup
from parsers.sql.output_names import column_name, refuses_unnamed
from parsers.sql.schema import SchemaRegistry
from parsers.sql.scope_parts import STAR, stage_names
from parsers.sql.table_hits import table_level_hits
from parsers.sql.scope_outputs import Output
from parsers.sql.trace import ScopeTracer
from parsers.sql.writes import Write
from parsers.sql.formulas import FormulaWriter, formulas_of

if TYPE_CHECKING:  # the state of the file being extracted; extract.py imports this module
    from parsers.sql.extract import FileState


def query(write: Write, at: Location, dia: Dialect, registry: SchemaRegistry, state: FileState) -> None:
    assert write.query is not None
    # checked only from here on: DDL has no more work to stop, and a skipped bare SELECT keeps its
    # number, so the names of the others do not depend on the clock
    state.deadline.check()
    scope = build_scope(write.query)
    state.deadline.check()
    if scope is None:
        return
    tracer = ScopeTracer(registry, state.deadline, AliasLookup(state.aliases, write.query if write.assigns else None), dia)
    outputs = tracer.outputs(scope)
    stages = stage_names(write.query)
    outputs = outputs[: len(outputs) - write.hidden]  # the hidden ones (a MERGE condition) feed the others only
    targets = _target_columns(write, [o.name for o in outputs], registry, at, state)
    for index, target in enumerate(targets):
        for table, column, flow, subtype in sorted(tracer.trace_output(scope, index), key=_hit_key):
            if table in stages:
                continue  # Snowflake's staged files ($1, ...): no column of any table, said in extract.py
            state.edges.append(ColumnEdge(table, column, write.target, STAR if column == STAR and outputs[index].unresolved_star else target, flow, subtype, at))
    for table, column, subtype in sorted(table_level_hits(tracer, scope), key=_hit_key):
        if table in stages:
            continue
        state.edges.append(ColumnEdge(table, column, write.target, None, Flow.INDIRECT, subtype, at))
    if write.target:  # a bare SELECT defines no table a diff could compare
        try:
            state.formulas += formulas_of(FormulaWriter(tracer, dia), scope, write.target, targets, at)
        except (SqlglotError, ValueError, KeyError, AttributeError) as err:  # the edges stand; only the diff's formulas are missing
            state.diagnostics.append(Diagnostic(at, f"cannot write this statement's formulas ({type(err).__name__}): `lineage diff` compares only what it reads", Severity.WARNING))
        state.deadline.check()
    for message in sorted(tracer.ambiguities):
        state.diagnostics.append(Diagnostic(at, message, Severity.WARNING, needs_schema=True))
    state.diagnostics += _refused_names(write, outputs, dia, at)
    if any(o.unresolved_star for o in outputs) and tracer.unknown_stars:
        state.diagnostics.append(Diagnostic(at, "cannot expand '*': columns of its table are unknown (add its DDL or --schema); recorded as an unresolved '*' edge", Severity.WARNING, needs_schema=True))
    for star, known in sorted(tracer.unapplied.items()):
        why = "its lambda or backtracking pattern is not evaluated" if known else "the columns of its table are unknown"
        state.diagnostics.append(Diagnostic(at, f"cannot apply '{star}': {why}; its '*' edge stands for every column", Severity.WARNING, needs_schema=not known))
    if write.positional and write.columns is None and registry.columns(write.target) is None:
        registry.define(write.target, [(name, None) for name in targets if name != STAR])
    if write.defines is not None and write.target:
        known = [(name, _cast_type(outputs[i])) for i, name in enumerate(targets) if name != STAR]
        if not any(o.unresolved_star for o in outputs):
            registry.define(write.target, known)
        state.tables.append(TableFact(write.target, write.defines, tuple(known), at))


def _hit_key(hit: tuple[object, ...]) -> tuple[str, ...]:
    return tuple("" if part is None else str(part) for part in hit)


def _target_columns(write: Write, names: list[str], registry: SchemaRegistry, at: Location, state: FileState) -> list[str]:
    """Output i of the query lands in target column i: explicit list, else the target's schema."""
    declared = write.columns
    if declared is None and write.positional:
        declared = registry.column_names(write.target)
        if declared is not None and write.static:  # a static partition's columns take its constants
            declared = [name for name in declared if name not in write.static]
        if declared is None:
            state.diagnostics.append(Diagnostic(at, f"columns of '{write.target}' are unknown: mapped by output name (add its DDL or --schema)", Severity.WARNING, needs_schema=True))
    if declared is None:
        return names
    if len(declared) != len(names) and STAR not in names:
        state.diagnostics.append(Diagnostic(at, f"'{write.target}' has {len(declared)} columns but the query gives {len(names)}", needs_schema=True))
    return [declared[i] if i < len(declared) else names[i] for i in range(len(names))]


def _refused_names(write: Write, outputs: list[Output], dia: Dialect, at: Location) -> list[Diagnostic]:
    """Outputs without an alias in a view or table whose engine refuses them (see `refuses_unnamed`)."""
    if write.defines is None or write.columns is not None or not refuses_unnamed(dia, write.defines is TableKind.VIEW):
        return []
    return [
        Diagnostic(at, f"column {i} ('{o.name}') of {write.defines} '{write.target}' has no alias, which {type(dia).__name__} refuses; add AS <name> (named by its SQL text here)", Severity.WARNING)
        for i, o in enumerate(outputs, start=1)
        if o.expression is not None and not column_name(o.expression)
    ]


def _cast_type(output: Output) -> str | None:
    """`CAST(x AS t) AS c` declares c's type, as DDL would; any other expression leaves it to the engine."""
    node = output.expression.unalias() if output.expression is not None else None
    return node.to.sql() if isinstance(node, exp.Cast) else None
