"""Scoring rules on small hand-built warehouses: freshness from query logs, unknown dimensions, verdicts."""

from __future__ import annotations

from lineage.catalog import Catalog, DeclaredContract, Owner, TableEntry
from lineage.contracts import ContractLevel
from lineage.history import Commit, History, ProductChange
from lineage.model import Location, Tier
from lineage.revision import Shapes
from lineage.schema_diff import DiffKind
from lineage.scorecard import NO_LOGS, Observations, Verdict, Warehouse, change_scores, score
from lineage.scorecard_rules import Dimension, RuleId
from lineage.severity import ChangeSeverity

AT = Location("lineage.yml", 3)
CATALOG = Catalog(
    "lineage.yml",
    (Owner("core", "Core", slack="#core"),),
    (TableEntry("s.t", "core", Tier.CORE, at=AT),),
    contracts=(DeclaredContract("s.t", (), (("p95", 1800), ("p99", 3600)), "#oncall", AT),),
)
MINUTE = 60


def warehouse(observed: Observations | None = None, history: History = History(since="2026-01-01")) -> Warehouse:
    return Warehouse(CATALOG, (), Shapes((), ()), history, "2026-03-01", observed)


def test_freshness_is_unknown_without_query_logs_and_left_out_of_the_overall_score() -> None:
    (card,) = score(warehouse(), ["s.t"])
    assert card.dimension(Dimension.FRESHNESS).score is None
    assert card.dimension(Dimension.FRESHNESS).notes == (NO_LOGS,)
    assert card.unknown == (Dimension.FRESHNESS,)
    known = [d.score for d in card.dimensions if d.score is not None]
    assert card.overall == round(sum(known) / 4, 1)  # type: ignore[arg-type]


def test_freshness_from_write_times_against_the_declared_percentiles() -> None:
    runs = [k * 20 * MINUTE for k in range(99)]  # 98 intervals of 20 minutes
    runs += [runs[-1] + 90 * MINUTE, runs[-1] + 180 * MINUTE]  # and two of 90 minutes
    (card,) = score(warehouse(logs(runs)), ["s.t"])
    freshness = card.dimension(Dimension.FRESHNESS)
    assert (freshness.score, [(f.rule, f.points, f.evidence) for f in freshness.findings]) == (
        4,
        [(RuleId.P99_BREACH, -1, ("observed p99 1h30m > declared 1h (logs/query_history.csv)",))],
    )
    assert freshness.notes == ("100 refresh intervals of 101 writes, 2026-02-01 to 2026-02-02; 20 breaches of 1h per 1,000 runs",)


FEB_1 = 1769904000  # 2026-02-01T00:00:00Z


def logs(runs: list[int], window: tuple[int, int] | None = (FEB_1, FEB_1 + 36 * 3600)) -> Observations:
    return Observations("logs/query_history.csv", writes=(("s.t", tuple(FEB_1 + r for r in runs)),), window=window)


def test_freshness_stays_unknown_without_evidence_in_the_logs_window() -> None:
    every_20m = [k * 20 * MINUTE for k in range(10)]
    cases = {
        "no writes": logs([]),
        "one write": logs([0]),
        "window unknown": logs(every_20m, None),
        "logs of other days": logs(every_20m, (FEB_1 - 200 * 86400, FEB_1 - 100 * 86400)),
    }
    found = {name: card.dimension(Dimension.FRESHNESS) for name, o in cases.items() for card in score(warehouse(o), ["s.t"])}
    assert {name: (d.score, d.notes) for name, d in found.items()} == {
        "no writes": (None, ("no writes in the query logs",)),
        "one write": (None, ("one write in the query logs: no interval",)),
        "window unknown": (None, ("the query logs do not cover 2026-01-01 to 2026-03-01",)),
        "logs of other days": (None, ("the query logs do not cover 2026-01-01 to 2026-03-01",)),
    }


def test_a_writer_that_stopped_before_the_logs_end_is_late_not_healthy() -> None:
    # every 20 minutes for 3 hours, then nothing for the last 33 hours the logs cover
    (card,) = score(warehouse(logs([k * 20 * MINUTE for k in range(10)])), ["s.t"])
    freshness = card.dimension(Dimension.FRESHNESS)
    assert (freshness.score, [f.rule for f in freshness.findings]) == (2, [RuleId.P95_BREACH, RuleId.P99_BREACH])
    assert freshness.notes == (
        "10 refresh intervals of 10 writes, 2026-02-01 to 2026-02-02; 100 breaches of 1h per 1,000 runs",
        "33h without a write after the last write in the query logs, counted as a breach",
    )


def test_a_change_follows_the_contract_or_says_what_it_lacks() -> None:
    commit = Commit("a" * 40, "b" * 40, "2026-02-01", "x")

    def change(level: ContractLevel, mapping: bool) -> ProductChange:
        return ProductChange(commit, "s.t", DiffKind.COLUMN_REMOVED, "s.t.c", "", ChangeSeverity.BREAKING, level, f"{level} says so", "a.sql:1", mapping)

    verdicts = [(s.verdict, s.why) for c in (change(ContractLevel.VIOLATION, False), change(ContractLevel.MIGRATION, False), change(ContractLevel.MIGRATION, True)) for s in change_scores(warehouse(), [c])]
    assert verdicts == [
        (Verdict.BREAKS, "violation says so"),
        (Verdict.PARTLY, "migration says so; but the catalog gives no field mapping (`mapping:`)"),
        (Verdict.FOLLOWS, "migration says so"),
    ]
