"""Issue 2's benchmark: our extractor against naive per-column `sqlglot.lineage`, same inputs, one run.

`python -m bench.run` (best of 3) or `python -m bench.run --quick` (best of 1), from the repository
root. Writes `bench/results/latest.json`, prints Markdown tables, and after a full run refreshes
BENCHMARKS.md; a quick run leaves BENCHMARKS.md alone, as one timing is too noisy to publish.
"""

from __future__ import annotations

import argparse
import json
import os
from collections.abc import Sequence
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

from bench import compiled, document
from bench.corpus import REPO_ROOT, Corpus, load_corpora
from bench.edges import REASONS, compare, naive_edges, non_table_leaves, our_edges
from bench.measure import Trees, best_of, output_columns, parse_floor, run_naive, run_naive_all_columns, run_ours, warm_up
from bench.report import command_line, machine, summary

RESULTS = REPO_ROOT / "bench" / "results" / "latest.json"
BENCHMARKS = REPO_ROOT / "BENCHMARKS.md"


def measure_corpus(corpus: Corpus, repeat: int) -> dict[str, Any]:
    """Time every approach on the corpus, then compare the edges of ours and of the naive calls."""
    naive = partial(run_naive, columns=output_columns(corpus))
    warm_up(corpus, parse_floor, run_ours, naive, run_naive_all_columns)
    parse_s, _ = best_of(partial(parse_floor, corpus), repeat)
    ours_s, facts = best_of(partial(run_ours, corpus), repeat)
    naive_s, trees = best_of(partial(naive, corpus), repeat)
    all_columns_s, all_trees = best_of(partial(run_naive_all_columns, corpus), repeat)
    comparison = compare(our_edges(facts), _edges_of(trees))
    timings = {"parse_floor": parse_s, "ours": ours_s, "naive_per_column": naive_s, "naive_all_columns": all_columns_s}
    return {
        "statements": corpus.statements,
        "lineage_calls": len(trees.roots) + len(trees.failures),
        "timings_s": timings,
        "statements_per_s": {key: corpus.statements / seconds for key, seconds in timings.items()},
        "ratio_naive_per_column_over_ours": naive_s / ours_s,
        "ratio_naive_all_columns_over_ours": all_columns_s / ours_s,
        "ratio_ours_over_parse_floor": ours_s / parse_s,
        "naive_failed_calls": [list(failure) for failure in trees.failures],
        "naive_non_table_leaves": non_table_leaves(root for _, _, root in trees.roots),
        "naive_all_columns_same_edges": _edges_of(all_trees) == _edges_of(trees),
        "ours_diagnostics": sorted(str(d) for file_facts in facts for d in file_facts.diagnostics),
        "edges": comparison.to_record(),
    }


def _edges_of(trees: Trees) -> frozenset[tuple[str, str, str, str]]:
    """Edge extraction is left out of the naive timings: walking a tree is not what costs."""
    return frozenset(edge for query, column, root in trees.roots for edge in naive_edges(query, column, root))


def total(corpora: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Both corpora together: times and counts add up (no query name occurs in both)."""
    records = list(corpora.values())
    timings = {key: sum(r["timings_s"][key] for r in records) for key in records[0]["timings_s"]}
    edge_counts = ("edges_ours_direct", "edges_naive", "naive_missing_from_ours", "ours_not_in_naive")
    return {
        "statements": sum(r["statements"] for r in records),
        "lineage_calls": sum(r["lineage_calls"] for r in records),
        "timings_s": timings,
        "ratio_naive_per_column_over_ours": timings["naive_per_column"] / timings["ours"],
        "ratio_naive_all_columns_over_ours": timings["naive_all_columns"] / timings["ours"],
        "edges": {
            **{key: sum(r["edges"][key] for r in records) for key in edge_counts},
            "naive_missing_by_reason": {reason: sum(r["edges"]["naive_missing_by_reason"][reason] for r in records) for reason in REASONS},
        },
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


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="best of 1 instead of 3; does not refresh BENCHMARKS.md")
    args = parser.parse_args(argv)
    repeat = 1 if args.quick else 3
    corpora = {corpus.name: measure_corpus(corpus, repeat) for corpus in load_corpora()}
    results: dict[str, Any] = {
        "command": command_line(["--quick"] if args.quick else []),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "mode": "quick" if args.quick else "full",
        "repeat": repeat,
        "machine": machine(),
        "corpora": corpora,
        "total": total(corpora),
        "sqlglotc": sqlglotc_runs(repeat),
    }
    write_json(RESULTS, results)
    print(summary(results))
    if not args.quick:
        # written by `make bench-neo4j` (~10 minutes) and `make bench-scale` (~3 minutes)
        stores, scale = (RESULTS.parent / name for name in ("neo4j.json", "scale.json"))
        extra = [json.loads(p.read_text(encoding="utf-8")) if p.exists() else None for p in (stores, scale)]
        BENCHMARKS.write_text(document.render(results, extra[0], extra[1]), encoding="utf-8")


if __name__ == "__main__":
    main()
