"""Data product scorecards: each tiered table scored 1..5 per dimension by `lineage/scorecard_rules.py`,
from the catalog, the lineage graph, the shapes the SQL defines and the git history, every score
with the facts behind it (`file:line`, commit, or log). Pure: the caller reads git and files."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from lineage.catalog import Catalog, DeclaredContract, TableEntry
from lineage.contracts import ContractLevel
from lineage.history import History, ProductChange
from lineage.model import Edge, GraphFacts, Location, NodeKind, TableKind, Tier, node_id
from lineage.observed import Observations as Observations  # re-exported: a Warehouse is built with them
from lineage.observed import TableReader
from lineage.product_graph import ProductGraph
from lineage.revision import Shapes, TableShape
from lineage.scorecard_rules import BY_ID, OWNERS_REACHED, START, VIEW_RENEWAL_DAYS, Dimension, RuleId
from lineage.severity import ChangeSeverity

NO_LOGS = "no query logs ingested"


@dataclass(frozen=True, slots=True)
class Finding:
    rule: RuleId
    points: int
    evidence: tuple[str, ...]  # `file:line`, `commit date what`, or `log`

    @property
    def text(self) -> str:
        return BY_ID[self.rule].text


@dataclass(frozen=True, slots=True)
class DimensionScore:
    dimension: Dimension
    score: int | None  # None: nothing to measure it by (`notes` say why)
    findings: tuple[Finding, ...] = ()
    missing: tuple[str, ...] = ()  # what would raise it
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Scorecard:
    product: str
    tier: Tier | None
    owner: str
    dimensions: tuple[DimensionScore, ...]

    @property
    def overall(self) -> float | None:
        known = [d.score for d in self.dimensions if d.score is not None]
        return round(sum(known) / len(known), 1) if known else None

    @property
    def unknown(self) -> tuple[Dimension, ...]:
        return tuple(d.dimension for d in self.dimensions if d.score is None)

    def dimension(self, dimension: Dimension) -> DimensionScore:
        return next(d for d in self.dimensions if d.dimension is dimension)


@dataclass(frozen=True, slots=True)
class Warehouse:
    """Everything a scorecard is computed from, at one revision."""

    catalog: Catalog | None
    graphs: tuple[GraphFacts, ...]
    shapes: Shapes
    history: History
    as_of: str  # YYYY-MM-DD: the day ages and deprecation dates are measured against
    observed: Observations | None = None


def products(warehouse: Warehouse, wanted: Sequence[str] = ()) -> tuple[str, ...]:
    """The tables to score: `wanted` (by name or suffix), else every table with a tier, else every table."""
    tables = sorted({n.name for g in warehouse.graphs for n in g.nodes if n.kind is NodeKind.TABLE} | {t.name for t in warehouse.shapes.tables})
    if wanted:
        return tuple(t for t in tables if any(t == w or t.endswith("." + w) for w in wanted))
    tiered = [t for t in tables if (e := _entry(warehouse.catalog, t)) is not None and e.tier is not None]
    return tuple(tiered or tables)


def score(warehouse: Warehouse, tables: Iterable[str]) -> tuple[Scorecard, ...]:
    graph = ProductGraph(warehouse.graphs)
    return tuple(_Scorer(warehouse, graph, table).scorecard() for table in tables)


def _entry(catalog: Catalog | None, table: str) -> TableEntry | None:
    return catalog.table_entry(table) if catalog is not None else None


def _clamp(start: int, findings: Sequence[Finding]) -> int:
    return max(1, min(5, start + sum(f.points for f in findings)))


def _where(at: Location | None) -> str:
    return str(at) if at is not None else ""


def _edge_at(edge: Edge) -> str:
    return f"{edge.file}:{edge.line}" if edge.line else edge.file


def _named(nodes: dict[str, Edge], limit: int | None = None) -> tuple[str, ...]:
    items = [f"{nid.partition(':')[2]} ({nid.partition(':')[0].replace('_', ' ')}, {_edge_at(e)})" for nid, e in sorted(nodes.items())]
    return tuple(items[:limit] if limit is not None else items)


class _Scorer:
    """One product's scorecard."""

    def __init__(self, warehouse: Warehouse, graph: ProductGraph, table: str) -> None:
        self.w, self.graph, self.table = warehouse, graph, table
        self.entry = _entry(warehouse.catalog, table)
        self.contract: DeclaredContract | None = warehouse.catalog.contract_for(table) if warehouse.catalog is not None else None
        self.shape: TableShape | None = warehouse.shapes.table(table)

    def scorecard(self) -> Scorecard:
        entry = self.entry
        dimensions = (self.ownership(), self.reuse(), self.change(), self.lifecycle(), self.freshness())
        return Scorecard(self.table, entry.tier if entry else None, entry.owner if entry else "", dimensions)

    # -- ownership and contract --------------------------------------------------------------------
    def ownership(self) -> DimensionScore:
        found: list[Finding] = []
        missing: list[str] = []
        entry, contract = self.entry, self.contract
        owner = next((o for o in self.w.catalog.owners if entry and o.id == entry.owner), None) if self.w.catalog else None
        if owner is not None and owner.contacts():
            contacts = ", ".join(f"{k} {v}" for k, v in owner.contacts())
            found.append(Finding(RuleId.OWNER_CONTACT, 1, (f"{owner.id}: {contacts} ({_where(entry.at if entry else None)})",)))
        else:
            missing.append("an owner with a contact" if owner is None else f"a contact for owner '{owner.id}'")
        if entry is not None and entry.tier is not None:
            found.append(Finding(RuleId.TIER, 1, (f"tier {entry.tier} ({_where(entry.at)})",)))
        else:
            missing.append("a tier")
        found += self._contract_findings(contract, missing)
        return DimensionScore(Dimension.OWNERSHIP, _clamp(START[Dimension.OWNERSHIP], found), tuple(found), tuple(missing))

    def _contract_findings(self, contract: DeclaredContract | None, missing: list[str]) -> list[Finding]:
        if contract is None:
            missing += ["a contract: columns with types", "a freshness SLA and an escalation channel", "documented columns"]
            return []
        found = []
        untyped = [c.name for c in contract.columns if not c.type]
        if contract.columns and not untyped:
            found.append(Finding(RuleId.TYPED_COLUMNS, 1, (f"{len(contract.columns)} typed columns ({_where(contract.at)})",)))
        else:
            missing.append("contract columns with types" + (f" (no type: {', '.join(untyped)})" if untyped else ""))
        if contract.freshness and contract.escalation:
            sla = ", ".join(f"{p} {_duration(s)}" for p, s in contract.freshness)
            found.append(Finding(RuleId.SLA, 1, (f"freshness {sla}, escalation {contract.escalation} ({_where(contract.at)})",)))
        else:
            missing += [w for w, have in (("a freshness SLA", contract.freshness), ("an escalation channel", contract.escalation)) if not have]
        described = {c.name for c in contract.columns if c.description}
        names = [c.name for c in self.shape.columns] if self.shape is not None else [c.name for c in contract.columns]
        undocumented = [n for n in names if n not in described]
        if names and not undocumented:
            found.append(Finding(RuleId.DOCUMENTED, 1, (f"{len(names)} of {len(names)} columns described ({_where(contract.at)})",)))
        else:
            missing.append(f"descriptions of {', '.join(undocumented)}" if undocumented else "documented columns")
        drift = self._drift(contract)
        if drift:
            found.append(Finding(RuleId.CONTRACT_DRIFT, -len(drift), tuple(drift)))
        return found

    def _drift(self, contract: DeclaredContract) -> list[str]:
        if self.shape is None:
            return []
        out = []
        for column in contract.columns:
            actual = self.shape.column(column.name)
            if actual is None:
                out.append(f"{column.name}: not defined by the SQL ({_where(self.shape.at)}); contract at {_where(column.at)}")
            elif column.type and actual.type and _type(column.type) != _type(actual.type):
                out.append(f"{column.name}: the SQL says {actual.type} ({_where(actual.at)}), the contract {column.type} ({_where(column.at)})")
        return out

    # -- reuse ---------------------------------------------------------------------------------------
    def reuse(self) -> DimensionScore:
        consumers = self.graph.downstream(self.table)
        observed, notes = self._observed_readers()
        count = len(consumers) + len(observed)
        # readers seen in query logs first: no scan finds them, and the evidence shown is cut at a few
        evidence = tuple(f"{r} (query log {self.w.observed.source})" for r in observed if self.w.observed) + _named(consumers)
        found, missing = [], []
        for rule, ok in ((RuleId.CONSUMER, count >= 1), (RuleId.CONSUMERS_3, count >= 3)):
            if ok:
                found.append(Finding(rule, 1, evidence if rule is RuleId.CONSUMER else (f"{count} consumers",)))
            else:
                missing.append(BY_ID[rule].text)
        own = self.entry.owner if self.entry else ""
        owners = sorted({self.graph.owner[n] for n in consumers if n in self.graph.owner} - {own})
        if len(owners) >= OWNERS_REACHED:
            found.append(Finding(RuleId.OWNERS_REACHED, 1, tuple(owners)))
        else:
            missing.append(f"consumers of {OWNERS_REACHED}+ other teams (has {len(owners)}{': ' + ', '.join(owners) if owners else ''})")
        dead = self.graph.dead_columns(self.table)
        if dead:
            missing.append(f"readers of its dead columns: {', '.join(dead)}")
        elif self.graph.columns.get(node_id(NodeKind.TABLE, self.table)):
            found.append(Finding(RuleId.NO_DEAD_COLUMNS, 1, ("every column is read",)))
        return DimensionScore(Dimension.REUSE, _clamp(START[Dimension.REUSE], found), tuple(found), tuple(missing), tuple(notes))

    def _observed_readers(self) -> tuple[tuple[TableReader, ...], list[str]]:
        """The users the query logs saw read the product within the scored days; a reader seen only before or after is not counted."""
        if self.w.observed is None:
            return (), [NO_LOGS + ": observed readers unknown"]
        seen = dict(self.w.observed.readers).get(self.table, ())
        since, until = self.w.history.since, self.w.as_of + "T23:59:59Z"
        inside = tuple(r for r in seen if (not r.last_seen or r.last_seen >= since) and (not r.first_seen or r.first_seen <= until))
        outside = len(seen) - len(inside)
        return inside, [f"{outside} observed reader{'s' if outside != 1 else ''} seen only outside {since} to {self.w.as_of}, not counted"] if outside else []

    # -- change discipline -------------------------------------------------------------------------
    def change(self) -> DimensionScore:
        history = self.w.history
        if not history.known:
            return DimensionScore(Dimension.CHANGE, None, notes=("no git history read",))
        changes = history.of(self.table)
        found = [f for f in (_judge(c) for c in changes) if f is not None]
        quiet = sum(1 for c in changes if c.severity is ChangeSeverity.NON_BREAKING)
        commits = len({c.commit.sha for c in changes})
        notes = [f"{commits} commit{'s' if commits != 1 else ''} changed it since {history.since}" + (f"; {quiet} non-breaking change{'s' if quiet != 1 else ''}" if quiet else "")]
        return DimensionScore(Dimension.CHANGE, _clamp(START[Dimension.CHANGE], found), tuple(found), (), tuple(notes))

    # -- lifecycle -----------------------------------------------------------------------------------
    def lifecycle(self) -> DimensionScore:
        found: list[Finding] = []
        notes: list[str] = []
        entry, readers = self.entry, self.graph.readers(self.table)
        if entry is not None and entry.deprecated:
            where = f"deprecated {entry.deprecated} ({_where(entry.at)})"
            if readers:
                found.append(Finding(RuleId.DEPRECATED_READ, -2, (where, *_named(readers))))
                if _before(entry.deprecated, self.w.as_of):
                    found.append(Finding(RuleId.PAST_RETIREMENT, -1, (f"{where}; today is {self.w.as_of}",)))
            if not entry.replaced_by:
                found.append(Finding(RuleId.NO_REPLACEMENT, -1, (where,)))
            else:
                notes.append(f"replaced by {entry.replaced_by}")
        for old in self._replaces():
            if not readers:
                still = len(self.graph.readers(old.pattern))
                found.append(Finding(RuleId.UNMOVED, -1, (f"replaces {old.pattern}, deprecated {old.deprecated or '(no date)'} ({_where(old.at)}), which still has {still} reader{'s' if still != 1 else ''}",)))
        found += self._expiry(notes)
        return DimensionScore(Dimension.LIFECYCLE, _clamp(START[Dimension.LIFECYCLE], found), tuple(found), (), tuple(notes))

    def _replaces(self) -> list[TableEntry]:
        tables = self.w.catalog.tables if self.w.catalog is not None else ()
        return [t for t in tables if t.replaced_by and (t.replaced_by == self.table or self.table.endswith("." + t.replaced_by))]

    def _expiry(self, notes: list[str]) -> list[Finding]:
        entry, shape = self.entry, self.shape
        if entry is None or entry.tier is not Tier.VIEW or shape is None or shape.kind is not TableKind.VIEW:
            return []
        if entry.renewed:
            day, evidence = entry.renewed, f"renewed {entry.renewed} ({_where(entry.at)})"
        else:
            last = self.w.history.last_change(shape.at.file)
            if last is None:
                notes.append("renewal unknown: no `renewed:` and no git history of its file")
                return []
            day, evidence = last.date, f"last changed {last.date} in {last.short} ({shape.at.file})"
        age = (date.fromisoformat(self.w.as_of) - date.fromisoformat(day)).days
        if age > VIEW_RENEWAL_DAYS:
            return [Finding(RuleId.EXPIRED_VIEW, -2, (f"{evidence}: {age} days before {self.w.as_of}",))]
        notes.append(f"{evidence}: {age} days old")
        return []

    # -- freshness -----------------------------------------------------------------------------------
    def freshness(self) -> DimensionScore:
        observed = self.w.observed
        if observed is None:
            return DimensionScore(Dimension.FRESHNESS, None, notes=(NO_LOGS,))
        window = self._window(observed)
        if window is None:
            return DimensionScore(Dimension.FRESHNESS, None, notes=(f"the query logs do not cover {self.w.history.since or 'the days'} to {self.w.as_of}",))
        lo, hi = window
        every = dict(observed.writes).get(self.table, ())
        runs = [r for r in every if lo <= r <= hi]
        declared = dict(self.contract.freshness) if self.contract is not None else {}
        if len(runs) < 2 or not declared:
            why = "no freshness SLA declared" if len(runs) >= 2 else "no writes in the query logs" if not runs else "one write in the query logs: no interval"
            return DimensionScore(Dimension.FRESHNESS, None, notes=(why,))
        limit = max(declared.values())
        intervals, late = _intervals(runs, window, limit)
        found = []
        for percentile, rule in (("p95", RuleId.P95_BREACH), ("p99", RuleId.P99_BREACH)):
            seen = _percentile(intervals, float(percentile[1:]))
            if percentile in declared and seen > declared[percentile]:
                found.append(Finding(rule, BY_ID[rule].points, (f"observed {percentile} {_duration(seen)} > declared {_duration(declared[percentile])} ({observed.source})",)))
        breaches = round(1000 * sum(1 for i in intervals if i > limit) / len(intervals))
        notes = [f"{len(intervals)} refresh intervals of {len(runs)} writes, {_day(lo)} to {_day(hi)}; {breaches} breaches of {_duration(limit)} per 1,000 runs", *late]
        if len(every) > len(runs):
            notes.append(f"{len(every) - len(runs)} writes outside {_day(lo)} to {_day(hi)} not used")
        return DimensionScore(Dimension.FRESHNESS, _clamp(START[Dimension.FRESHNESS], found), tuple(found), (), tuple(notes))

    def _window(self, observed: Observations) -> tuple[int, int] | None:
        """The seconds both the logs and the scored days (`--since` to the end of `as_of`) cover; None: none, or the logs' is unknown."""
        if observed.window is None:
            return None
        since = self.w.history.since or self.w.as_of
        lo = max(observed.window[0], _seconds(since))
        hi = min(observed.window[1], _seconds(self.w.as_of) + 86400 - 1)
        return (lo, hi) if lo < hi else None


def _intervals(runs: Sequence[int], window: tuple[int, int], limit: int) -> tuple[list[int], list[str]]:
    """The intervals between writes, sorted; and the open gaps at the window's ends, counted only when already
    longer than `limit` (the next write came later still: a breach however long it was; a shorter gap says nothing)."""
    intervals = [b - a for a, b in zip(runs, runs[1:])]
    late = []
    for gap, where in ((runs[0] - window[0], "before the first write"), (window[1] - runs[-1], "after the last write")):
        if gap > limit:
            intervals.append(gap)
            late.append(f"{_duration(gap)} without a write {where} in the query logs, counted as a breach")
    return sorted(intervals), late


def _seconds(day: str) -> int:
    return (date.fromisoformat(day) - date(1970, 1, 1)).days * 86400


def _day(seconds: int) -> str:
    return date.fromordinal(date(1970, 1, 1).toordinal() + seconds // 86400).isoformat()


def _judge(change: ProductChange) -> Finding | None:
    evidence = (f"{change.commit.short} {change.commit.date} {change.describe()} ({change.at})",)
    if change.severity is ChangeSeverity.DATA_CHANGING:
        return Finding(RuleId.DATA_CHANGING, -1, evidence)
    if change.severity is not ChangeSeverity.BREAKING:
        return None
    if change.level is ContractLevel.VIOLATION:
        return Finding(RuleId.VIOLATION, -2, evidence)
    if change.level is ContractLevel.MIGRATION:
        return Finding(RuleId.MIGRATION, 0, evidence) if change.mapping_declared else Finding(RuleId.NO_MAPPING, -1, evidence)
    return Finding(RuleId.BREAKING, -1, evidence)


class Verdict(StrEnum):
    FOLLOWS = "follows the contract"
    PARTLY = "follows the contract in part"
    BREAKS = "does not follow the contract"


@dataclass(frozen=True, slots=True)
class ChangeScore:
    """A product a change set touches: its scorecard, and whether the change follows its contract."""

    card: Scorecard
    verdict: Verdict
    why: str  # what the contract says of the change, or what it asks for


def change_scores(warehouse: Warehouse, changes: Sequence[ProductChange]) -> tuple[ChangeScore, ...]:
    """The scorecard of every product `changes` touch (tiered ones, when the catalog has tiers)."""
    touched = sorted({t for c in changes for t in c.tables})
    tiered = [t for t in touched if (e := _entry(warehouse.catalog, t)) is not None and e.tier is not None]
    tables = tiered if warehouse.catalog is not None and any(e.tier for e in warehouse.catalog.tables) else touched
    cards = score(warehouse, tables)
    out = []
    for card in cards:
        verdicts = sorted((_verdict(c) for c in changes if card.product in c.tables), key=lambda v: (_RANK[v[0]], v[1] == ""))
        verdict, why = verdicts[0] if verdicts else (Verdict.FOLLOWS, "")
        out.append(ChangeScore(card, verdict, why))
    return tuple(out)


_RANK = {Verdict.BREAKS: 0, Verdict.PARTLY: 1, Verdict.FOLLOWS: 2}


def _verdict(change: ProductChange) -> tuple[Verdict, str]:
    """Whether one change follows its product's contract, and what the contract says."""
    finding = _judge(change)
    if finding is None:
        return Verdict.FOLLOWS, ""
    if finding.rule is RuleId.NO_MAPPING:
        return Verdict.PARTLY, f"{change.message}; but the catalog gives no field mapping (`mapping:`)"
    if finding.rule is RuleId.VIOLATION:
        return Verdict.BREAKS, change.message
    return Verdict.FOLLOWS, change.message or BY_ID[finding.rule].text.removeprefix("each ")


def _before(day: str, as_of: str) -> bool:
    try:
        return date.fromisoformat(day) < date.fromisoformat(as_of)
    except ValueError:
        return False  # not a date: nothing to compare


def _type(text: str) -> str:
    return "".join(text.lower().split()).replace("numeric", "decimal")


def _percentile(values: Sequence[int], p: float) -> int:
    """Nearest-rank percentile of sorted values."""
    rank = max(1, -(-len(values) * p // 100))
    return values[int(rank) - 1]


def _duration(seconds: int) -> str:
    """`26h`, `30m`, `30h15m`: the largest unit that divides it, else hours and minutes."""
    for unit, size in (("d", 86400), ("h", 3600)):
        if seconds >= size and seconds % size == 0:
            return f"{seconds // size}{unit}"
    if seconds > 3600 and seconds % 60 == 0:
        return f"{seconds // 3600}h{seconds % 3600 // 60}m"
    return f"{seconds // 60}m" if seconds >= 60 and seconds % 60 == 0 else f"{seconds}s"
