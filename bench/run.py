"""Issues 2 and 7: our extractor against sqlglot's lineage and the peers, same inputs, one run.

`python -m bench.run` (best of 3, everything whole) or `python -m bench.run --quick` (best of 1, and
sqllineage and per-column `lineage()` read every 10th model of the 1,000-model warehouse), from the
repository root. Every
approach runs on every corpus in a worker process of its own (`bench.worker`), so each has its own
peak memory. Prints Markdown tables; a full run writes `bench/results/latest.json` and refreshes
BENCHMARKS.md from it, a quick run writes `bench/results/quick.json` (git-ignored) and leaves both alone,
as one timing is too noisy to publish.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import compiled, document, worker
from bench.approaches import APPROACHES
from bench.corpus import CORPUS_NAMES, REPO_ROOT, WAREHOUSE, named_corpus
from bench.edges import EdgeKey, Found, OurEdges, against_union, compare, known_columns
from bench.report import command_line, machine, summary
from bench.totals import MAX_FAILURES, total

RESULTS = REPO_ROOT / "bench" / "results" / "latest.json"
QUICK_RESULTS = REPO_ROOT / "bench" / "results" / "quick.json"  # never what BENCHMARKS.md is rendered from
BENCHMARKS = REPO_ROOT / "BENCHMARKS.md"
WAREHOUSE_MODELS = 1000
CORPORA = (*CORPUS_NAMES, f"{WAREHOUSE}{WAREHOUSE_MODELS}")
# --quick reads every 10th warehouse model with the two slowest: sqllineage (~0.2 s a model) and
# sqlglot's per-column lineage (~40 ms a model); everything else reads every statement.
QUICK_EVERY = 10


@dataclass(frozen=True, slots=True)
class Plan:
    repeat: int
    timeout_s: float = worker.DEFAULT_TIMEOUT_S
    every: Mapping[tuple[str, str], int] = field(default_factory=dict)  # (approach, corpus) -> k

    def every_of(self, approach: str, corpus: str) -> int:
        return self.every.get((approach, corpus), 1)


def plan_for(quick: bool) -> Plan:
    if quick:
        return Plan(repeat=1, every={("sqllineage", CORPORA[-1]): QUICK_EVERY, ("naive_per_column", CORPORA[-1]): QUICK_EVERY})
    return Plan(repeat=3)


def _run(approach: str, corpus: str, plan: Plan, every: int) -> dict[str, Any]:
    """One worker; a worker that dies is reported as such, and the other approaches still run."""
    print(f"  {corpus}: {approach}" + (f" (every {every}th statement)" if every > 1 else ""), file=sys.stderr, flush=True)
    try:
        return worker.in_subprocess(approach, corpus, plan.repeat, every, plan.timeout_s)
    except RuntimeError as err:
        return {"approach": approach, "every": every, "error": str(err)}


def measure_corpus(corpus: str, plan: Plan) -> dict[str, Any]:
    """Every approach on the corpus, then speed, memory and edges compared."""
    runs = {name: _run(name, corpus, plan, plan.every_of(name, corpus)) for name, _ in APPROACHES}
    # a run on a subset is compared with ours on the very same statements
    subsets = sorted({plan.every_of(name, corpus) for name, _ in APPROACHES} - {1})
    ours_on = {1: runs["ours"], **{k: _run("ours", corpus, plan, k) for k in subsets}}
    ok = {name: run for name, run in runs.items() if "error" not in run}
    found = {name: _found(run) for name, run in ok.items() if run["edges"] is not None}
    known = known_columns(named_corpus(corpus).table_columns())
    return {
        "statements": runs["ours"].get("statements"),
        "approaches": {name: _speed(run, ours_on.get(run["every"], {})) for name, run in runs.items()},
        "timings_s": {name: run["seconds"] for name, run in ok.items() if run["every"] == 1},
        "union": {name: against_union(name, found, known) for name in found},
        **_against_naive(ok),
    }


def _found(run: dict[str, Any]) -> Found:
    return Found(frozenset(map(tuple, run["edges"])), frozenset(run["queries"]), frozenset(tuple(i[:4]) for i in run["indirect"]))


def _speed(run: dict[str, Any], ours: dict[str, Any]) -> dict[str, Any]:
    if "error" in run:
        return {"every": run["every"], "error": run["error"]}
    basis = ours.get("seconds")
    return {
        "seconds": run["seconds"],
        "statements": run["statements"],
        "every": run["every"],
        "statements_per_s": run["statements"] / run["seconds"],
        "ours_seconds_same_statements": basis,
        "ratio_over_ours": run["seconds"] / basis if basis else None,
        "rss_ready_mb": run["rss_ready_mb"],
        "rss_peak_mb": run["rss_peak_mb"],
        "failures": len(run["failures"]),
        "failures_by_kind": {kind: sum(1 for f in run["failures"] if f[1] == kind) for kind in sorted({f[1] for f in run["failures"]})},
        "failure_examples": run["failures"][:MAX_FAILURES],
    }


def _against_naive(ok: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Issue 2's comparison: sqlglot's per-column edges that ours lacks, each with its reason."""
    if not {"ours", "naive_per_column", "naive_all_columns"} <= ok.keys():
        return {}
    ours, naive, all_columns = ok["ours"], ok["naive_per_column"], ok["naive_all_columns"]
    read = set(naive["queries"])  # naive may have read a subset (--quick): compare on those statements

    def edges(run: dict[str, Any]) -> frozenset[EdgeKey]:
        return frozenset(edge for edge in map(tuple, run["edges"]) if edge[2] in read)

    indirect = {tuple(i[:4]): tuple(i[4]) for i in ours["indirect"] if i[2] in read}
    return {
        "naive_every": naive["every"],
        "lineage_calls": naive["details"]["calls"],
        "naive_failed_calls": naive["failures"],
        "naive_non_table_leaves": naive["details"]["non_table_leaves"],
        "naive_all_columns_same_edges": edges(all_columns) == edges(naive),
        "ours_diagnostics": ours["details"]["diagnostics"],
        "edges": compare(OurEdges(edges(ours), indirect), edges(naive)).to_record(),
    }


def sqlglotc_runs(repeat: int) -> dict[str, Any]:
    """Ours and the parse floor in fresh interpreters, with and without the compiled build."""
    runs: dict[str, Any] = {mode: compiled.run_in_subprocess(mode, repeat) for mode in compiled.MODES}
    runs["ours_pure_over_compiled"] = {
        name: runs["pure"]["corpora"][name]["ours_s"] / figures["ours_s"] for name, figures in runs["compiled"]["corpora"].items()
    }
    return runs


def write_json(path: Path, data: dict[str, Any]) -> None:
    """Write beside the target and rename, so a reader never sees half a file (`*.tmp` is ignored)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    scratch = path.with_suffix(".json.tmp")
    scratch.write_text(json.dumps(data, indent=2, sort_keys=False) + "\n", encoding="utf-8")
    os.replace(scratch, path)


def _missing_peers() -> list[str]:
    return [module for module in ("sqllineage", "openlineage_sql") if importlib.util.find_spec(module) is None]


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="best of 1 instead of 3, sqllineage on a tenth of the warehouse; does not refresh BENCHMARKS.md")
    args = parser.parse_args(argv)
    if missing := _missing_peers():
        raise SystemExit(f"peers not installed ({', '.join(missing)}): run `make bench`, or `pip install -e '.[bench]'`")
    plan, load_before = plan_for(args.quick), os.getloadavg()
    corpora = {name: measure_corpus(name, plan) for name in CORPORA}
    results: dict[str, Any] = {
        "command": command_line(["--quick"] if args.quick else []),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "mode": "quick" if args.quick else "full",
        "repeat": plan.repeat,
        "sqllineage_timeout_s": plan.timeout_s,
        "machine": machine(),
        "corpora": corpora,
        "total": total({name: corpora[name] for name in CORPUS_NAMES}),
        "sqlglotc": sqlglotc_runs(plan.repeat),
    }
    # the parent imports little of sqlglot: count the compiled modules where ours actually ran
    results["machine"]["sqlglot_extension_modules"] = results["sqlglotc"]["compiled"]["sqlglot_extension_modules"]
    results["machine"]["load_average"] = {"before": [round(x, 2) for x in load_before], "after": [round(x, 2) for x in os.getloadavg()]}
    write_json(QUICK_RESULTS if args.quick else RESULTS, results)
    print(summary(results))
    if not args.quick:
        document.write(results, RESULTS.parent, BENCHMARKS)


if __name__ == "__main__":
    main()
