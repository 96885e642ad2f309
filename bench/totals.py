"""Both TPC corpora together: times, counts and edges add up (no query name occurs in both)."""

from __future__ import annotations

from typing import Any

from bench.edges import NOT_COMPARABLE, REASONS, UNION_REASONS

MAX_FAILURES = 20  # failures listed per approach and corpus; all are counted


def _sum(records: list[dict[str, Any]], key: str) -> Any:
    return sum(record[key] for record in records)


def _approach_total(runs: list[dict[str, Any]], ours: list[dict[str, Any]]) -> dict[str, Any]:
    if any("error" in run or run["every"] != 1 for run in runs):
        return {"every": 1, "error": "not measured whole on every corpus"}
    seconds, statements, ours_seconds = _sum(runs, "seconds"), _sum(runs, "statements"), _sum(ours, "seconds")
    return {
        "seconds": seconds,
        "statements": statements,
        "every": 1,
        "statements_per_s": statements / seconds,
        "ours_seconds_same_statements": ours_seconds,
        "ratio_over_ours": seconds / ours_seconds,
        "rss_ready_mb": max(run["rss_ready_mb"] for run in runs),
        "rss_peak_mb": max(run["rss_peak_mb"] for run in runs),
        "failures": _sum(runs, "failures"),
        "failures_by_kind": {kind: sum(run["failures_by_kind"].get(kind, 0) for run in runs) for kind in sorted({k for run in runs for k in run["failures_by_kind"]})},
        "failure_examples": [],
    }


def _union_total(records: list[dict[str, Any]]) -> dict[str, Any]:
    numbers = ("statements", "edges", "union_of_others", "missed", "only_here")
    return {
        **{key: _sum(records, key) for key in numbers},
        "not_comparable": {kind: sum(r["not_comparable"][kind] for r in records) for kind in NOT_COMPARABLE},
        "missed_by_reason": {reason: sum(r["missed_by_reason"][reason] for r in records) for reason in UNION_REASONS},
    }


def total(corpora: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The per-approach figures of `corpora` summed; the peak memory is the larger one."""
    records = list(corpora.values())
    names = [name for name in records[0]["approaches"] if all(name in r["approaches"] for r in records)]
    ours = [r["approaches"]["ours"] for r in records]
    approaches = {name: _approach_total([r["approaches"][name] for r in records], ours) for name in names}
    union = {name: _union_total([r["union"][name] for r in records]) for name in records[0]["union"] if all(name in r["union"] for r in records)}
    result: dict[str, Any] = {
        "statements": _sum(records, "statements"),
        "approaches": approaches,
        "timings_s": {name: a["seconds"] for name, a in approaches.items() if "error" not in a},
        "union": union,
    }
    if all("edges" in r for r in records):
        edge_counts = ("edges_ours_direct", "edges_naive", "naive_missing_from_ours", "ours_not_in_naive")
        result["lineage_calls"] = _sum(records, "lineage_calls")
        result["edges"] = {
            **{key: sum(r["edges"][key] for r in records) for key in edge_counts},
            "naive_missing_by_reason": {reason: sum(r["edges"]["naive_missing_by_reason"][reason] for r in records) for reason in REASONS},
        }
    return result
