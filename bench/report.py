"""The machine a run happened on, and the Markdown that `bench.run` prints and BENCHMARKS.md holds."""

from __future__ import annotations

import os
import platform
import sys
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path
from typing import Any

import sqlglot
import sqlglot.optimizer.scope

from bench.approaches import APPROACHES
from bench.compiled import extension_modules
from bench.corpus import CORPUS_NAMES
from bench.edges import ABSENT, INDIRECT, NOT_COMPARABLE, OTHER_OUTPUT, OTHER_TABLE, UNNAMED

def machine() -> dict[str, object]:
    """What a reader needs to judge the figures: cores, CPU, Python, sqlglot and its build."""
    return {
        "nproc": os.cpu_count(),
        "usable_cpus": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "cpu": _cpu_model(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "python_implementation": platform.python_implementation(),
        "sqlglot": metadata.version("sqlglot"),
        "sqlglotc": _installed("sqlglotc"),
        "sqlglot_file": sqlglot.__file__,
        "sqlglotc_compiled": extension_modules() > 0,
        "sqlglot_extension_modules": extension_modules(),
        "scope_module": Path(sqlglot.optimizer.scope.__file__ or "").name,
        "peers": {name: _installed(name) for name in ("sqllineage", "sqlfluff", "openlineage-sql")},
    }


def _installed(distribution: str) -> str | None:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


def _cpu_model() -> str:
    try:
        lines = Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines()
    except OSError:
        return platform.processor() or "unknown"
    return next((line.split(":", 1)[1].strip() for line in lines if line.startswith("model name")), "unknown")


def command_line(argv: list[str]) -> str:
    """The command as typed from the repository root, with the interpreter that ran it."""
    python = Path(sys.executable)
    try:
        python = python.relative_to(Path.cwd())
    except ValueError:
        pass
    return " ".join([str(python), "-m", "bench.run", *argv])


def _with_total(results: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """Each corpus, with both TPC corpora summed right after them."""
    rows = list(results["corpora"].items())
    tpc = sum(1 for name, _ in rows if name in CORPUS_NAMES)
    return [*rows[:tpc], ("tpch + tpcds", results["total"]), *rows[tpc:]]


def _label(key: str, run: dict[str, Any], record: dict[str, Any]) -> str:
    label = dict(APPROACHES)[key]
    if key == "naive_per_column" and "lineage_calls" in record:
        label += f" ({record['lineage_calls']:,} calls)"
    if run.get("every", 1) > 1:
        label += f" **on every {run['every']}th statement ({run.get('statements', '?')} of {record['statements']:,})**"
    return label


def _speed_row(name: str, key: str, run: dict[str, Any], record: dict[str, Any]) -> str:
    label = _label(key, run, record)
    if "error" in run:
        return f"| {name} | {label} | failed: {run['error']} | | | | |"
    ratio = "" if run["ratio_over_ours"] is None else f"{run['ratio_over_ours']:,.2f}×"
    if run["every"] > 1 and ratio:
        ratio += f" (ours on the same {run['statements']}: {run['ours_seconds_same_statements'] * 1000:,.1f} ms)"
    return (
        f"| {name} | {label} | {run['seconds'] * 1000:,.1f} | {run['statements_per_s']:,.1f} | {ratio} "
        f"| {run['rss_peak_mb']:,.0f} ({run['rss_ready_mb']:,.0f}) | {run['failures']} |"
    )


def _table(columns: list[str], rows: Iterable[str], left: int = 2) -> str:
    """A Markdown table: the first `left` columns are text, the rest numbers (right-aligned)."""
    head = ["| " + " | ".join(columns) + " |", "| " + " | ".join(["---"] * left + ["---:"] * (len(columns) - left)) + " |"]
    return "\n".join([*head, *rows])


def speed_table(results: dict[str, Any]) -> str:
    """Per corpus and approach: best time, statements/s, time relative to ours, peak memory, failures."""
    columns = ["corpus", "approach", f"best of {results['repeat']} (ms)", "statements/s", "time ÷ ours", "peak RSS, MB (after import and warm-up)", "failed statements"]
    rows = (_speed_row(name, key, record["approaches"][key], record) for name, record in _with_total(results) for key, _ in APPROACHES if key in record["approaches"])
    return _table(columns, rows)


def union_table(results: dict[str, Any]) -> str:
    """Per corpus and approach: edges found, and those of the other approaches' union it lacks, by reason."""
    columns = ["corpus", "approach", "edges", "not comparable: no table · `*` · not a schema column", "union of the others", "missed"]
    columns += ["we call indirect", "from another table or none", "into another output", "absent", "found by no other"]
    rows = []
    for name, record in _with_total(results):
        for key, _ in APPROACHES:
            if key not in record["union"]:
                continue
            u, label = record["union"][key], _label(key, record["approaches"].get(key, {}), record)
            reasons = u["missed_by_reason"]
            apart = " · ".join(f"{u['not_comparable'][kind]:,}" for kind in NOT_COMPARABLE)
            rows.append(
                f"| {name} | {label} | {u['edges']:,} | {apart} | {u['union_of_others']:,} | **{u['missed']:,}** "
                f"| {reasons[INDIRECT]:,} | {reasons[OTHER_TABLE]:,} | {reasons[OTHER_OUTPUT]:,} | {reasons[ABSENT]:,} | {u['only_here']:,} |"
            )
    return _table(columns, rows)


def edge_table(results: dict[str, Any]) -> str:
    """Direct edges per corpus, and why each naive edge missing from ours is missing."""
    columns = ["corpus", "direct edges, ours", "edges, naive", "naive missing from ours", "of which absent", "into an output we name `''`", "we call indirect", "ours not in naive"]
    rows = []
    for name, record in _with_total(results):
        if "edges" not in record:
            continue
        edges = record["edges"]
        reasons = edges["naive_missing_by_reason"]
        subset = f" (every {record['naive_every']}th statement)" if record.get("naive_every", 1) > 1 else ""
        rows.append(
            f"| {name}{subset} | {edges['edges_ours_direct']} | {edges['edges_naive']} | {edges['naive_missing_from_ours']} "
            f"| {reasons[ABSENT]} | {reasons[UNNAMED]} | {reasons[INDIRECT]} | {edges['ours_not_in_naive']} |"
        )
    return _table(columns, rows, left=1)


def failure_list(results: dict[str, Any]) -> str:
    """Statements an approach failed on (exceptions, timeouts), counted per corpus, with examples."""
    lines = []
    for corpus, record in results["corpora"].items():
        for key, label in APPROACHES:
            run = record["approaches"].get(key, {})
            if run.get("failures"):
                kinds = ", ".join(f"{n} {kind}" for kind, n in run["failures_by_kind"].items())
                examples = "; ".join(f"`{q}`: {message}" for q, _, message in run["failure_examples"][:5])
                lines.append(f"- {corpus}, {label}: {run['failures']} ({kinds}). {examples}")
    return "\n".join(lines) or "- none"


def missed_examples(results: dict[str, Any], per_reason: int = 3) -> str:
    """A few edges each approach missed, per reason, to show what the counts are made of."""
    lines = []
    for corpus, record in results["corpora"].items():
        for key, label in APPROACHES:
            examples = record["union"].get(key, {}).get("missed_examples", {})
            for reason, edges in examples.items():
                shown = ", ".join(f"`{e['source']}` → `{e['query']}.{e['output_column']}`" for e in edges[:per_reason])
                if shown:
                    lines.append(f"- {corpus}, {label}, {reason.replace('_', ' ')}: {shown}")
    return "\n".join(lines) or "- none"


def compiled_table(results: dict[str, Any]) -> str:
    """Ours and the parse floor with the sqlglotc build and without it, each in a fresh interpreter."""
    runs = results["sqlglotc"]
    columns = ["corpus", "parse only, compiled (ms)", "parse only, pure (ms)", "ours, compiled (ms)", "ours, pure (ms)", "ours: pure ÷ compiled"]
    rows = []
    for name in runs["compiled"]["corpora"]:
        compiled, pure = runs["compiled"]["corpora"][name], runs["pure"]["corpora"][name]
        rows.append(
            f"| {name} | {compiled['parse_s'] * 1000:,.1f} | {pure['parse_s'] * 1000:,.1f} "
            f"| {compiled['ours_s'] * 1000:,.1f} | {pure['ours_s'] * 1000:,.1f} | {pure['ours_s'] / compiled['ours_s']:.2f}× |"
        )
    return _table(columns, rows, left=1)


def absent_list(results: dict[str, Any]) -> str:
    """Naive edges we do not have at all, one line each: the bug list."""
    lines = [
        f"- `{m['query']}.{m['output_column']}` ← `{m['source']}` (ours: {m['ours_instead']})"
        for record in results["corpora"].values()
        for m in record.get("edges", {}).get("naive_missing_examples", {}).get(ABSENT, [])
    ]
    return "\n".join(lines) or "- none"


def summary(results: dict[str, Any]) -> str:
    """The Markdown `bench.run` prints."""
    return "\n\n".join(
        [
            speed_table(results),
            union_table(results),
            "Failed statements:\n\n" + failure_list(results),
            edge_table(results),
            compiled_table(results),
            "Naive edges absent from ours (up to 20 per corpus):\n\n" + absent_list(results),
        ]
    )
