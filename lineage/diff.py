"""The pre-deploy impact of a change set: what each difference between two revisions breaks, and whom to tell.

Every difference (see `lineage/schema_diff.py`) is judged against the OLD revision's graph, since
that is what runs until the change is deployed:

- breaking: removes, renames or retypes something that has downstream consumers;
- data-changing: same shape, other values (an expression, a join or a filter changed) that
  something downstream reads;
- non-breaking: additive, or nothing reads it.

Then the catalog's tiers say what the data contract makes of it (`lineage/contracts.py`).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from lineage.catalog import Catalog, TableEntry
from lineage.completeness import Completeness, Gap, GapKind, merged
from lineage.contracts import Contract, ContractLevel, Terms, evaluate, versioned_replacement
from lineage.graph import build_graph
from lineage.impact import Change, ChangeKind, ImpactReport, OwnerNotice, analyse_impact
from lineage.model import Diagnostic, Edge, Location, Node, NodeKind, Relation, node_id
from lineage.revision import Revision, Shapes, shapes_of
from lineage.schema_diff import Delta, DiffKind, compare, table_mapping
from lineage.reach import reachable
from lineage.severity import ChangeSeverity, FailOn
from lineage.store import LineageStore


class Side(StrEnum):
    BASE = "base"
    HEAD = "head"


class HeadStatus(StrEnum):
    """What the new revision does with a statement the change breaks."""

    STILL_READS = "still reads it"
    UPDATED = "updated in this change"
    REMOVED = "file removed in this change"


_SHAPE = frozenset({DiffKind.TABLE_REMOVED, DiffKind.TABLE_RENAMED, DiffKind.COLUMN_REMOVED, DiffKind.COLUMN_RENAMED, DiffKind.COLUMN_RETYPED})
_TABLE_TARGETS = frozenset({DiffKind.TABLE_REMOVED, DiffKind.TABLE_RENAMED, DiffKind.ROWS_CHANGED})
_SEVERITY_RANK = {ChangeSeverity.BREAKING: 0, ChangeSeverity.DATA_CHANGING: 1, ChangeSeverity.NON_BREAKING: 2}
_LEVEL_RANK = {level: rank for rank, level in enumerate(ContractLevel)}


@dataclass(frozen=True, slots=True)
class BrokenStatement:
    """A statement of the old revision that reads what the change removes, renames or retypes."""

    file: str
    line: int
    reads: tuple[str, ...]
    head: HeadStatus


@dataclass(frozen=True, slots=True)
class AssessedChange:
    delta: Delta
    severity: ChangeSeverity
    contract: Contract
    impact: ImpactReport | None  # on the old revision's graph; None for additions
    broken: tuple[BrokenStatement, ...]
    paths: tuple[Edge, ...]  # impacted edges on a path from the change to a dashboard or ML feature


@dataclass(frozen=True, slots=True)
class RevisionId:
    ref: str
    sha: str


@dataclass(frozen=True, slots=True, order=True)
class Problem:
    """Something one revision could not read: what it would have said is missing from the report."""

    diagnostic: Diagnostic
    side: Side

    def __str__(self) -> str:
        return f"{self.diagnostic} (at {self.side})"


@dataclass(frozen=True, slots=True)
class DiffReport:
    base: RevisionId
    head: RevisionId
    changes: tuple[AssessedChange, ...]
    problems: tuple[Problem, ...]

    @property
    def incomplete(self) -> bool:
        return bool(self.problems)

    @property
    def completeness(self) -> Completeness:
        """What the base revision's graph records it may miss around every change, and every problem
        of either revision: SQL that did not parse may hide a change itself."""
        found = merged(c.impact.completeness for c in self.changes if c.impact is not None)
        seen = {g.where for g in found.gaps}
        unread = {Location(p.diagnostic.at.file, p.diagnostic.at.line) for p in self.problems} - seen
        return Completeness(found.gaps + tuple(Gap(GapKind.FAILED_STATEMENT, at, "") for at in sorted(unread)))

    def count(self, severity: ChangeSeverity) -> int:
        return sum(1 for c in self.changes if c.severity is severity)

    @property
    def verdict(self) -> ChangeSeverity | None:
        """The most severe change, or None when nothing changed."""
        return min((c.severity for c in self.changes), key=_SEVERITY_RANK.__getitem__, default=None)

    @property
    def violations(self) -> int:
        return sum(1 for c in self.changes if c.contract.blocks)

    def owners(self) -> tuple[OwnerNotice, ...]:
        """Owners of everything the breaking and data-changing changes reach, merged."""
        merged: dict[str, tuple[Node, set[str]]] = {}
        for change in self.changes:
            if change.severity is ChangeSeverity.NON_BREAKING or change.impact is None:
                continue
            for notice in change.impact.owners:
                merged.setdefault(notice.owner.id, (notice.owner, set()))[1].update(notice.assets)
        return tuple(OwnerNotice(node, tuple(sorted(assets))) for _, (node, assets) in sorted(merged.items()))


@dataclass(frozen=True, slots=True)
class _Context:
    store: LineageStore
    base: Revision
    head: Revision
    base_shapes: Shapes
    head_shapes: Shapes
    reads: frozenset[tuple[str, str]]  # (file, column id) of every FEEDS edge of the new revision
    head_files: frozenset[str]
    added: tuple[str, ...]  # tables only the new revision defines


def analyse_diff(base: Revision, head: Revision, store: LineageStore) -> DiffReport:
    """Compare two revisions; `store` holds the graph of `base`, for impact analysis."""
    base_shapes, head_shapes = shapes_of(base), shapes_of(head)
    added = tuple(sorted({t.name for t in head_shapes.tables} - {t.name for t in base_shapes.tables}))
    context = _Context(store, base, head, base_shapes, head_shapes, _reads(head), _files(head), added)
    changes = sorted((_assess(d, context) for d in compare(base_shapes, head_shapes)), key=_order)
    problems = sorted([Problem(d, Side.BASE) for d in base.errors] + [Problem(d, Side.HEAD) for d in head.errors])
    return DiffReport(RevisionId(base.ref, base.sha), RevisionId(head.ref, head.sha), tuple(changes), tuple(problems))


def gate(report: DiffReport, fail_on: FailOn) -> bool:
    """Whether `--fail-on` fails the build: a migration the contract agrees to never does."""
    if fail_on is FailOn.NEVER:
        return False
    if fail_on is FailOn.INCOMPLETE:
        return report.incomplete or not report.completeness.complete
    failing = {ChangeSeverity.BREAKING} | ({ChangeSeverity.DATA_CHANGING} if fail_on is FailOn.DATA_CHANGING else set())
    return any(c.severity in failing and c.contract.level is not ContractLevel.MIGRATION for c in report.changes)


def _order(change: AssessedChange) -> tuple[int, int, str, str, str]:
    d = change.delta
    return (_SEVERITY_RANK[change.severity], _LEVEL_RANK[change.contract.level], d.table, d.column, d.kind)


def _assess(delta: Delta, context: _Context) -> AssessedChange:
    impact = None if delta.kind in (DiffKind.TABLE_ADDED, DiffKind.COLUMN_ADDED) else _impact(context.store, delta)
    if impact is None or not impact.impacted:
        severity = ChangeSeverity.NON_BREAKING
    else:
        severity = ChangeSeverity.BREAKING if delta.kind in _SHAPE else ChangeSeverity.DATA_CHANGING
    contract = evaluate(_terms(delta, context), severity is ChangeSeverity.BREAKING, severity is ChangeSeverity.DATA_CHANGING)
    broken = _broken(impact, context) if impact is not None and severity is ChangeSeverity.BREAKING else ()
    return AssessedChange(delta, severity, contract, impact, broken, consumer_paths(impact) if impact is not None else ())


def _impact(store: LineageStore, delta: Delta) -> ImpactReport | None:
    if delta.kind in _TABLE_TARGETS:
        target = node_id(NodeKind.TABLE, delta.table)
    else:
        target = node_id(NodeKind.COLUMN, delta.subject)
    nodes = store.nodes([target])
    return analyse_impact(store, nodes, _change(delta)) if nodes else None


def _change(delta: Delta) -> Change:
    if delta.kind in (DiffKind.TABLE_RENAMED, DiffKind.COLUMN_RENAMED):
        return Change(ChangeKind.RENAME, new_name=delta.new_name)
    if delta.kind is DiffKind.COLUMN_RETYPED:
        return Change(ChangeKind.RETYPE, new_type=delta.new_type)
    if delta.kind in (DiffKind.TABLE_REMOVED, DiffKind.COLUMN_REMOVED):
        return Change(ChangeKind.DROP)
    return Change()


def _terms(delta: Delta, context: _Context) -> Terms:
    """The contract in force is the old catalog's tier; the deprecation is what the new catalog says."""
    entry = _entry(context.base.catalog, delta.table) or _entry(context.head.catalog, delta.table)
    head_entry = _entry(context.head.catalog, delta.table)
    replacement = versioned_replacement(delta.table, context.added)
    return Terms(
        table=delta.table,
        tier=entry.tier if entry else None,
        deprecated=head_entry.deprecated if head_entry else "",
        replacement=replacement,
        mapping=_mapping(delta, context, replacement),
    )


def _mapping(delta: Delta, context: _Context, replacement: str) -> tuple[tuple[str, str], ...]:
    """Old column -> new column, for whoever has to migrate: the replacement's, else the change's own."""
    if delta.kind is DiffKind.TABLE_RENAMED:
        return delta.mapping
    old, new = context.base_shapes.table(delta.table), context.head_shapes.table(replacement)
    if old is not None and new is not None:
        return table_mapping(old, new)
    if delta.kind is DiffKind.COLUMN_RENAMED:
        return ((delta.column, delta.new_name),)
    if delta.kind is DiffKind.COLUMN_REMOVED:
        return ((delta.column, ""),)
    return ()


def _entry(catalog: Catalog | None, table: str) -> TableEntry | None:
    return catalog.table_entry(table) if catalog is not None else None


def _reads(revision: Revision) -> frozenset[tuple[str, str]]:
    graphs = build_graph(revision.files, revision.catalog)
    return frozenset((e.file, e.source) for g in graphs for e in g.edges if e.relation is Relation.FEEDS)


def _files(revision: Revision) -> frozenset[str]:
    catalog = {revision.catalog.path} if revision.catalog is not None else set()
    return frozenset({f.path for f in revision.files} | catalog)


def _broken(impact: ImpactReport, context: _Context) -> tuple[BrokenStatement, ...]:
    out = []
    for statement in (s for s in impact.statements if s.breaks):
        if statement.file not in context.head_files:
            status = HeadStatus.REMOVED
        elif any((statement.file, node_id(NodeKind.COLUMN, name)) in context.reads for name in statement.reads):
            status = HeadStatus.STILL_READS
        else:
            status = HeadStatus.UPDATED
        out.append(BrokenStatement(statement.file, statement.line, statement.reads, status))
    return tuple(out)


def consumer_paths(report: ImpactReport) -> tuple[Edge, ...]:
    """The impacted edges that lie on a path from the changed column or table to a dashboard or ML feature."""
    targets = {t.id for t in report.targets}
    start = targets | {e.target for e in report.edges if e.relation is Relation.HAS_COLUMN and e.source in targets}
    consumers = {r.node.id for r in (*report.dashboards, *report.features)}
    forward = reachable(start, ((e.source, e.target) for e in report.edges))
    backward = reachable(consumers, ((e.target, e.source) for e in report.edges))
    return tuple(e for e in report.edges if e.source in forward and e.target in backward)


