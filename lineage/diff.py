"""The pre-deploy impact of a change set: what each difference between two revisions breaks, and whom to tell.

Every difference (see `lineage/schema_diff.py`) is judged against the OLD revision's graph, since
that is what runs until the change is deployed:

- breaking: removes, renames or retypes something that has downstream consumers;
- data-changing: same shape, other values (an expression, a join or a filter changed) that
  something downstream reads;
- non-breaking: additive, or nothing reads it.

A breaking change is judged again on the NEW revision's graph (`HeadGraph`): what still reads the old
name or type once the whole change set is deployed, apart from what the change set already updates;
`--fail-on breaking` fails only on the first. Every change's reach comes from one shared walk
(`lineage/shared_reach.py`), and the full `ImpactReport` of a change only when a renderer asks.

Then the catalog's tiers say what the data contract makes of it (`lineage/contracts.py`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import partial

from lineage.catalog import Catalog, TableEntry
from lineage.completeness import Completeness, Gap, GapKind, merged
from lineage.contracts import Contract, ContractLevel, Terms, evaluate, versioned_replacement
from lineage.graph import build_graph
from lineage.impact import Change, ChangeKind, ImpactReport, OwnerNotice, analyse_impact
from lineage.model import RENAMING_ACTIONS, Diagnostic, Edge, FileFacts, GraphFacts, Location, Node, NodeKind, Relation, node_id
from lineage.revision import Revision, Shapes, TableShape, shapes_of
from lineage.schema_diff import Delta, DiffKind, compare, table_mapping
from lineage.reach import reachable
from lineage.shared_reach import Reach, SharedReach
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
    FOLLOWS = "still runs; its output is renamed too"  # a `SELECT *` passes the new name on


_SHAPE = frozenset({DiffKind.TABLE_REMOVED, DiffKind.TABLE_RENAMED, DiffKind.COLUMN_REMOVED, DiffKind.COLUMN_RENAMED, DiffKind.COLUMN_RETYPED})
_ADDED = frozenset({DiffKind.TABLE_ADDED, DiffKind.COLUMN_ADDED})
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
    renamed: tuple[tuple[str, str], ...] = ()  # FOLLOWS: each output column it renames, old -> new


class Details:
    """A change's full impact on the old revision's graph, made when first asked for: the table and the
    gate need only `Reach`'s counts, a JSON record or a PR comment's section every list."""

    def __init__(self, make: Callable[[], ImpactReport]) -> None:
        self.make = make
        self._impact: ImpactReport | None = None

    @classmethod
    def of(cls, report: ImpactReport) -> Details:
        return cls(lambda: report)

    def impact(self) -> ImpactReport:
        if self._impact is None:
            self._impact = self.make()
        return self._impact


@dataclass(frozen=True, slots=True)
class AssessedChange:
    delta: Delta
    severity: ChangeSeverity
    contract: Contract
    reach: Reach | None  # on the old revision's graph; None for additions
    broken: tuple[BrokenStatement, ...]
    still: Reach | None = None  # breaking: what still reads the old name or type in the new revision
    details: Details | None = None

    @property
    def impact(self) -> ImpactReport | None:
        return self.details.impact() if self.details is not None else None

    @property
    def paths(self) -> tuple[Edge, ...]:
        """Impacted edges on a path from the change to a dashboard or ML feature."""
        impact = self.impact
        return consumer_paths(impact) if impact is not None and (impact.dashboards or impact.features) else ()

    @property
    def still_breaks(self) -> bool:
        """Breaking, and the new revision still has something that reads the old name or type (unknown: yes),
        or query logs saw someone read it: a reader outside the repository is never updated by the change set."""
        observed = self.reach is not None and self.reach.readers > 0
        return self.severity is ChangeSeverity.BREAKING and (self.still is None or self.still.impacted or observed)


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
        found = merged(Completeness(c.reach.gaps) for c in self.changes if c.reach is not None)
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
    def fixed(self) -> int:
        """Breaking changes whose every reader the same change set already updates."""
        return sum(1 for c in self.changes if c.severity is ChangeSeverity.BREAKING and not c.still_breaks)

    @property
    def violations(self) -> int:
        return sum(1 for c in self.changes if c.contract.blocks)

    def owners(self) -> tuple[OwnerNotice, ...]:
        """Owners of everything the breaking and data-changing changes reach, merged."""
        merged: dict[str, tuple[Node, set[str]]] = {}
        for change in self.changes:
            if change.severity is ChangeSeverity.NON_BREAKING or change.reach is None:
                continue
            for notice in change.reach.owners:
                merged.setdefault(notice.owner.id, (notice.owner, set()))[1].update(notice.assets)
        return tuple(OwnerNotice(node, tuple(sorted(assets))) for _, (node, assets) in sorted(merged.items()))


@dataclass(frozen=True, slots=True)
class _Context:
    store: LineageStore
    base: Revision
    head: Revision
    base_shapes: Shapes
    head_shapes: Shapes
    reads: dict[tuple[str, str], set[str]]  # (file, column id) -> what it feeds, every FEEDS edge of the new revision
    head_files: frozenset[str]
    added: tuple[str, ...]  # tables only the new revision defines
    shared: SharedReach
    head_shared: SharedReach | None
    unchanged: frozenset[str]  # files whose text is the same at both revisions
    base_tables: dict[str, TableShape]
    head_tables: dict[str, TableShape]


@dataclass(frozen=True, slots=True)
class HeadGraph:
    """The new revision's graph as `head_graph` builds it, and a store holding it."""

    store: LineageStore
    graphs: tuple[GraphFacts, ...]


def analyse_diff(base: Revision, head: Revision, store: LineageStore, after: HeadGraph | None = None) -> DiffReport:
    """Compare two revisions; `store` holds the graph of `base`, for impact analysis, and `after` (if
    given) that of `head`, for what still breaks once the change set is deployed."""
    base_shapes, head_shapes = shapes_of(base), shapes_of(head)
    added = tuple(sorted({t.name for t in head_shapes.tables} - {t.name for t in base_shapes.tables}))
    deltas = compare(base_shapes, head_shapes)
    targets = [_target(d) for d in deltas if d.kind not in _ADDED]
    shared = SharedReach(store, targets)
    shared.prepare(targets)
    breaking = [_target(d) for d in deltas if d.kind in _SHAPE]
    head_shared = SharedReach(after.store, breaking) if after is not None and breaking else None
    unchanged = frozenset(p for p, _ in set(base.blobs) & set(head.blobs))
    context = _Context(store, base, head, base_shapes, head_shapes, _reads(after.graphs if after is not None else head_graph(head)), _files(head), added, shared, head_shared, unchanged, _by_name(base_shapes), _by_name(head_shapes))
    changes = sorted((_assess(d, context) for d in deltas), key=_order)
    problems = sorted([Problem(d, Side.BASE) for d in base.errors] + [Problem(d, Side.HEAD) for d in head.errors])
    return DiffReport(RevisionId(base.ref, base.sha), RevisionId(head.ref, head.sha), tuple(changes), tuple(problems))


def _by_name(shapes: Shapes) -> dict[str, TableShape]:
    return {t.name: t for t in shapes.tables}


def head_graph(head: Revision) -> list[GraphFacts]:
    """The new revision's graph without the edges of its renames (`ALTER ... RENAME`): a rename is the
    change itself, not a reader of the old name that still breaks."""
    return build_graph(tuple(_without_renames(f) for f in head.files), head.catalog)


def _without_renames(facts: FileFacts) -> FileFacts:
    renames = {c.at for c in facts.schema_changes if c.action in RENAMING_ACTIONS}
    return replace(facts, edges=tuple(e for e in facts.edges if e.at not in renames)) if renames else facts


def gate(report: DiffReport, fail_on: FailOn) -> bool:
    """Whether `--fail-on` fails the build: a migration the contract agrees to never does."""
    if fail_on is FailOn.NEVER:
        return False
    if fail_on is FailOn.INCOMPLETE:
        return report.incomplete or not report.completeness.complete
    # a breaking change whose readers the same change set already updates breaks nothing once deployed
    failing = [c for c in report.changes if c.still_breaks or fail_on is FailOn.DATA_CHANGING and c.severity is ChangeSeverity.DATA_CHANGING]
    return any(c.contract.level is not ContractLevel.MIGRATION for c in failing)


def _order(change: AssessedChange) -> tuple[int, int, str, str, str]:
    d = change.delta
    return (_SEVERITY_RANK[change.severity], _LEVEL_RANK[change.contract.level], d.table, d.column, d.kind)


def _assess(delta: Delta, context: _Context) -> AssessedChange:
    reach = None if delta.kind in _ADDED else context.shared.reach(_target(delta))
    if reach is None or not reach.impacted:
        severity = ChangeSeverity.NON_BREAKING
    else:
        severity = ChangeSeverity.BREAKING if delta.kind in _SHAPE else ChangeSeverity.DATA_CHANGING
    contract = evaluate(_terms(delta, context), severity is ChangeSeverity.BREAKING, severity is ChangeSeverity.DATA_CHANGING)
    breaking = severity is ChangeSeverity.BREAKING and reach is not None
    broken = _broken(reach, delta, context) if breaking and reach is not None else ()
    still = context.head_shared.reach(_target(delta)) if breaking and context.head_shared is not None else None
    details = None
    if reach is not None:
        nodes = context.store.nodes([_target(delta)])
        details = Details(partial(analyse_impact, context.store, nodes, _change(delta))) if nodes else None
    return AssessedChange(delta, severity, contract, reach, broken, still, details)


def _target(delta: Delta) -> str:
    if delta.kind in _TABLE_TARGETS:
        return node_id(NodeKind.TABLE, delta.table)
    return node_id(NodeKind.COLUMN, delta.subject)


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
    old, new = context.base_tables.get(delta.table), context.head_tables.get(replacement)
    if old is not None and new is not None:
        return table_mapping(old, new)
    if delta.kind is DiffKind.COLUMN_RENAMED:
        return ((delta.column, delta.new_name),)
    if delta.kind is DiffKind.COLUMN_REMOVED:
        return ((delta.column, ""),)
    return ()


def _entry(catalog: Catalog | None, table: str) -> TableEntry | None:
    return catalog.table_entry(table) if catalog is not None else None


def _reads(graphs: Sequence[GraphFacts]) -> dict[tuple[str, str], set[str]]:
    out: dict[tuple[str, str], set[str]] = {}
    for graph in graphs:
        for e in graph.edges:
            if e.relation is Relation.FEEDS:
                out.setdefault((e.file, e.source), set()).add(e.target)
    return out


def _files(revision: Revision) -> frozenset[str]:
    catalog = {revision.catalog.path} if revision.catalog is not None else set()
    return frozenset({f.path for f in revision.files} | catalog)


def _broken(reach: Reach, delta: Delta, context: _Context) -> tuple[BrokenStatement, ...]:
    out = []
    for statement in reach.breaking:
        renamed = _follows(statement.file, statement.writes, delta, context) if statement.file in context.unchanged else ()
        if statement.file not in context.head_files:
            status = HeadStatus.REMOVED
        elif renamed:
            status = HeadStatus.FOLLOWS
        elif any((statement.file, node_id(NodeKind.COLUMN, name)) in context.reads for name in statement.reads):
            status = HeadStatus.STILL_READS
        else:
            status = HeadStatus.UPDATED
        out.append(BrokenStatement(statement.file, statement.line, statement.reads, status, renamed))
    return tuple(out)


def _follows(file: str, writes: tuple[str, ...], delta: Delta, context: _Context) -> tuple[tuple[str, str], ...]:
    """A column rename that a statement of an unchanged file passes on (`SELECT *`): at the new revision
    the file reads the new name into an output of that new name, where it wrote the old one."""
    if delta.kind is not DiffKind.COLUMN_RENAMED:
        return ()
    fed = context.reads.get((file, node_id(NodeKind.COLUMN, f"{delta.table}.{delta.new_name}")), set())
    if (file, node_id(NodeKind.COLUMN, delta.subject)) in context.reads:
        return ()  # it still reads the old name too: that read breaks
    pairs = []
    for written in writes:
        table, _, column = written.rpartition(".")
        if column == delta.column and node_id(NodeKind.COLUMN, f"{table}.{delta.new_name}") in fed:
            pairs.append((written, f"{table}.{delta.new_name}"))
    return tuple(pairs)


def consumer_paths(report: ImpactReport) -> tuple[Edge, ...]:
    """The impacted edges that lie on a path from the changed column or table to a dashboard or ML feature."""
    targets = {t.id for t in report.targets}
    start = targets | {e.target for e in report.edges if e.relation is Relation.HAS_COLUMN and e.source in targets}
    consumers = {r.node.id for r in (*report.dashboards, *report.features)}
    forward = reachable(start, ((e.source, e.target) for e in report.edges))
    backward = reachable(consumers, ((e.target, e.source) for e in report.edges))
    return tuple(e for e in report.edges if e.source in forward and e.target in backward)


