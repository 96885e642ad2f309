"""Scan at scale: the synthetic warehouse at N models, scanned by the real CLI, as a user would.

`python -m bench.scale [--models 1000 10000]` measures, per N and in one run: a full scan with
`--jobs 1` and `--jobs 2` (no cache), a re-scan after adding a column to one model (cache on), and one impact
query, each as wall-clock time of a `lineage` process and its peak memory. Writes
`bench/results/scale.json`; `python -m bench.run` renders it into BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.warehouse import write

RESULTS = Path(__file__).resolve().parent / "results" / "scale.json"
LINEAGE = Path(sys.executable).parent / "lineage"


def timed(args: list[str], cwd: Path) -> dict[str, Any]:
    """Wall time and peak RSS of one `lineage` process (wait4 gives that child's own rusage)."""
    start = time.perf_counter()
    child = subprocess.Popen([str(LINEAGE), *args], cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    assert child.stderr is not None
    stderr = child.stderr.read()
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 3):
        raise SystemExit(f"lineage {' '.join(args)} failed ({code}): {stderr.strip()[-500:]}")
    cpu = usage.ru_utime + usage.ru_stime  # the child's own CPU time: what the host's other load inflates least
    return {"seconds": round(seconds, 2), "cpu_seconds": round(cpu, 2), "peak_mb": round(usage.ru_maxrss / 1024), "summary": stderr.strip().splitlines()[-1:]}


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
        runs = [measure(n, Path(tmp)) for n in args.models]
    results = {
        "command": "python -m bench.scale " + " ".join(sys.argv[1:]),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "nproc": os.cpu_count(),
        "runs": runs,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
