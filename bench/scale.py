"""Scan at scale: the synthetic warehouse at N models, scanned by the real CLI, as a user would.

`python -m bench.scale [--models 1000 10000]` measures, per N and in one run: a full scan with
`--jobs 1` and `--jobs 2` (no cache), a re-scan after adding a column to one model (cache on), and one impact
query, each as wall-clock time of a `lineage` process and its peak memory. Writes
`bench/results/scale.json`; `python -m bench.run` renders it into BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench.timing import record_run, run_process
from bench.warehouse import write

RESULTS = Path(__file__).resolve().parent / "results" / "scale.json"
LINEAGE = Path(sys.executable).parent / "lineage"


def timed(args: list[str], cwd: Path) -> dict[str, Any]:
    """Wall time, CPU time and peak RSS of one `lineage` process."""
    run = run_process([str(LINEAGE), *args], cwd)
    if run.exit_code not in (0, 3):
        raise SystemExit(f"lineage {' '.join(args)} failed ({run.exit_code}): {run.stderr.strip()[-500:]}")
    return {"seconds": round(run.seconds, 2), "cpu_seconds": round(run.cpu_seconds, 2), "peak_mb": round(run.peak_mb), "summary": run.stderr.strip().splitlines()[-1:]}


def measure(models: int, root: Path) -> dict[str, Any]:
    sql = root / f"wh{models}"
    write(models, sql)
    record: dict[str, Any] = {"models": models}
    for jobs in (1, 2):
        store = root / f"store-{models}-j{jobs}"
        record[f"full_jobs{jobs}"] = timed(["scan", ".", "--store", str(store), "--jobs", str(jobs), "--no-cache"], sql)
    cached = root / f"store-{models}-cached"
    record["cold_with_cache"] = timed(["scan", ".", "--store", str(cached), "--jobs", "2"], sql)
    edit_one_model(sql)
    record["one_file_rescan"] = timed(["scan", ".", "--store", str(cached), "--jobs", "2"], sql)
    record["impact"] = timed(["impact", "raw.src_0.amount", "--store", str(cached), "--format", "json"], sql)
    record["identical_jobs"] = _facts(root / f"store-{models}-j1") == _facts(root / f"store-{models}-j2")
    return record


def _facts(store: Path) -> list[str]:
    """The store's lines after its header (which carries a new random generation at every write)."""
    return (store / "graph.json").read_text(encoding="utf-8").split("\n")[1:]


def edit_one_model(sql: Path) -> None:
    """A real edit, not a comment: one intermediate model gains a column, so its facts, its graph,
    its table's schema and whatever reads that table with `*` all change."""
    model = sql / "intermediate" / "int_1.sql"
    text = model.read_text(encoding="utf-8")
    edited = text.replace(" AS amount_adj,", " AS amount_adj,\n  l.created_at AS first_seen,", 1)
    if edited == text:
        raise SystemExit(f"bench.scale: {model} has no `AS amount_adj,` to edit; update edit_one_model")
    model.write_text(edited, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=int, nargs="+", default=[1000, 10000])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="lineage-scale-") as tmp:
        load = list(os.getloadavg())  # other work on the host, just before the timed runs
        runs = [measure(n, Path(tmp)) for n in args.models]
    record_run(RESULTS, "python -m bench.scale " + " ".join(sys.argv[1:]), None, load, {"runs": runs})


if __name__ == "__main__":
    main()
