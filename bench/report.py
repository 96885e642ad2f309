"""The machine a run happened on, and the Markdown that `bench.run` prints and BENCHMARKS.md holds."""

from __future__ import annotations

import os
import platform
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

import sqlglot
import sqlglot.optimizer.scope

from bench.compiled import extension_modules
from bench.edges import ABSENT, INDIRECT, UNNAMED

# (key in a corpus record's "timings_s", label); "ours" must stay: every ratio is against it.
APPROACHES = (
    ("parse_floor", "`sqlglot.parse_one` only (floor)"),
    ("ours", "ours: `extract_sql`"),
    ("naive_per_column", "naive: `lineage(column, sql)` per output column"),
    ("naive_all_columns", "`lineage(None, sql)`, all columns per call"),
)


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
    return [*results["corpora"].items(), ("both", results["total"])]


def speed_table(results: dict[str, Any]) -> str:
    """Per corpus and approach: best time, statements/s, and time relative to ours."""
    rows = ["| corpus | approach | best of {} (ms) | statements/s | time ÷ ours |".format(results["repeat"]), "| --- | --- | ---: | ---: | ---: |"]
    for name, record in _with_total(results):
        timings, statements = record["timings_s"], record["statements"]
        for key, label in APPROACHES:
            seconds = timings[key]
            calls = f" ({record['lineage_calls']} calls)" if key == "naive_per_column" else ""
            rows.append(f"| {name} ({statements} queries) | {label}{calls} | {seconds * 1000:,.1f} | {statements / seconds:,.0f} | {seconds / timings['ours']:.2f}× |")
    return "\n".join(rows)


def edge_table(results: dict[str, Any]) -> str:
    """Direct edges per corpus, and why each naive edge missing from ours is missing."""
    rows = [
        "| corpus | direct edges, ours | edges, naive | naive missing from ours | of which absent | into an output we name `''` | we call indirect | ours not in naive |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, record in _with_total(results):
        edges = record["edges"]
        reasons = edges["naive_missing_by_reason"]
        rows.append(
            f"| {name} | {edges['edges_ours_direct']} | {edges['edges_naive']} | {edges['naive_missing_from_ours']} "
            f"| {reasons[ABSENT]} | {reasons[UNNAMED]} | {reasons[INDIRECT]} | {edges['ours_not_in_naive']} |"
        )
    return "\n".join(rows)


def compiled_table(results: dict[str, Any]) -> str:
    """Ours and the parse floor with the sqlglotc build and without it, each in a fresh interpreter."""
    runs = results["sqlglotc"]
    rows = [
        "| corpus | parse only, compiled (ms) | parse only, pure (ms) | ours, compiled (ms) | ours, pure (ms) | ours: pure ÷ compiled |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name in results["corpora"]:
        compiled, pure = runs["compiled"]["corpora"][name], runs["pure"]["corpora"][name]
        rows.append(
            f"| {name} | {compiled['parse_s'] * 1000:,.1f} | {pure['parse_s'] * 1000:,.1f} "
            f"| {compiled['ours_s'] * 1000:,.1f} | {pure['ours_s'] * 1000:,.1f} | {pure['ours_s'] / compiled['ours_s']:.2f}× |"
        )
    return "\n".join(rows)


def absent_list(results: dict[str, Any]) -> str:
    """Naive edges we do not have at all, one line each: the bug list."""
    lines = [
        f"- `{m['query']}.{m['output_column']}` ← `{m['source']}` (ours: {m['ours_instead']})"
        for record in results["corpora"].values()
        for m in record["edges"]["naive_missing_examples"][ABSENT]
    ]
    return "\n".join(lines) or "- none"


def summary(results: dict[str, Any]) -> str:
    """The Markdown `bench.run` prints."""
    return "\n\n".join(
        [
            speed_table(results),
            edge_table(results),
            compiled_table(results),
            "Naive edges absent from ours (up to 20 per corpus):\n\n" + absent_list(results),
        ]
    )
