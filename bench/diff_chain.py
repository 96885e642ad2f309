"""`lineage diff` on a long chain with many renames: all changes' reach in one shared walk.

`python -m bench.diff_chain [--tables 1500] [--renames 750]` commits a chain of views to a fresh git
repository (`m.t0000` a table, each `m.tNNNN` a view of the one before), then a commit that renames the
`v` column of every other view and updates the view that reads it, and times the real `lineage diff`
process, best of 3. Each rename reaches every later view of the chain: 750 renames reach 562,500 columns
in all. Writes `bench/results/diff_chain.json`; `python -m bench.document` renders it into BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench.timing import record_run, run_process

RESULTS = Path(__file__).resolve().parent / "results" / "diff_chain.json"
LINEAGE = Path(sys.executable).parent / "lineage"
GIT_ENV = {"GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.com", "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@example.com", "GIT_AUTHOR_DATE": "2025-03-01T09:00:00+00:00", "GIT_COMMITTER_DATE": "2025-03-01T09:00:00+00:00", "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}


def model(index: int, renamed: set[int]) -> str:
    """View `index` reads `v` (or the renamed `w`) of the one before and writes `v` (or `w`, if renamed)."""
    if index == 0:
        return "CREATE TABLE m.t0000 (id INT, v INT);\n"
    read = "w" if index - 1 in renamed else "v"
    written = "w" if index in renamed else "v"
    return f"CREATE VIEW m.t{index:04d} AS SELECT id, {read} AS {written} FROM m.t{index - 1:04d};\n"


def write_chain(root: Path, tables: int, renamed: set[int]) -> None:
    for index in range(tables):
        path = root / "models" / f"t{index:04d}.sql"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(model(index, renamed), encoding="utf-8")


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, env={**os.environ, **GIT_ENV}, check=True, capture_output=True)


def make_repo(root: Path, tables: int, renames: int) -> None:
    """`main`: the chain; HEAD: `renames` views (every other one from the second) rename `v` to `w`."""
    root.mkdir(parents=True, exist_ok=True)
    git(root, "init", "-q", "-b", "main")
    write_chain(root, tables, set())
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "chain")
    write_chain(root, tables, {2 * k + 1 for k in range(renames)})
    git(root, "checkout", "-q", "-b", "renames")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "renames")


def measure(root: Path, runs: int) -> dict[str, Any]:
    """Best of `runs` wall-clock times of the whole `lineage diff` process, and its verdict line (one more, untimed run)."""
    args = ["diff", "--base", "main", "models"]
    timed = []
    for _ in range(runs):
        run = run_process([str(LINEAGE), *args], root)
        if run.exit_code != 0:
            raise SystemExit(f"lineage {' '.join(args)} failed ({run.exit_code}): {run.stderr.strip()[-500:]}")
        timed.append(run)
    best = min(timed, key=lambda r: r.seconds)
    shown = subprocess.run([str(LINEAGE), *args], cwd=root, capture_output=True, text=True, check=True).stdout.splitlines()
    return {"seconds": round(best.seconds, 2), "cpu_seconds": round(best.cpu_seconds, 2), "peak_mb": round(best.peak_mb), "verdict": shown[0] if shown else ""}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tables", type=int, default=1500)
    parser.add_argument("--renames", type=int, default=750)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="lineage-diff-chain-") as tmp:
        make_repo(Path(tmp) / "chain", args.tables, args.renames)
        load = list(os.getloadavg())  # other work on the host, just before the timed runs
        result = measure(Path(tmp) / "chain", args.runs)
    record_run(RESULTS, " ".join(["python -m bench.diff_chain", *sys.argv[1:]]), "lineage diff --base main models", load, {"tables": args.tables, "renames": args.renames, "runs": args.runs, **result})


if __name__ == "__main__":
    main()
