"""`lineage scorecard` over a long history: 1,000 products, 500 commits; first run, then re-run from the cache.

`python -m bench.scorecard [--products 1000] [--commits 500]` commits a generated warehouse to a fresh git
repository (200 core tables, 600 marts reading them, 200 views over the marts, a catalog with tiers,
owners and contracts), then `commits - 1` more commits each changing one product (a core table gains a
column, a mart computes a column differently or renames one, a view filters differently), and times the
real `lineage scorecard` process: first with an empty history cache (every commit compared with its
parent), then again (every commit's record read from `.lineage/scorecard/`). Writes
`bench/results/scorecard.json`; `python -m bench.document` renders it into BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.timing import record_run, run_process

RESULTS = Path(__file__).resolve().parent / "results" / "scorecard.json"
LINEAGE = Path(sys.executable).parent / "lineage"
START = datetime(2026, 6, 1, 9, tzinfo=UTC)
AS_OF = "2026-12-31"
TEAMS = ("orders", "platform", "revenue", "growth", "fraud")
CATALOG = """\
owners:
{owners}
tables:
  "app.*": {{owner: orders, tier: core}}
  "mart.*": {{owner: revenue, tier: mart}}
  "view.*": {{owner: platform, tier: view}}
contracts:
  "app.*":
    escalation: "#orders-oncall"
    freshness: {{p95: 30m, p99: 60m}}
    columns: {{id: int, v: int, w: int}}
"""


class Warehouse:
    """The products' SQL as it stands after each commit: `changes[i]` counts product i's edits."""

    def __init__(self, products: int) -> None:
        self.products = products
        self.cores = max(1, products // 5)
        self.views = max(1, products // 5)
        self.changes = [0] * products

    def kind(self, i: int) -> str:
        return "app" if i < self.cores else "view" if i >= self.products - self.views else "mart"

    def sql(self, i: int) -> str:
        n = self.changes[i]
        kind = self.kind(i)
        if kind == "app":
            extra = "".join(f", c{k} INT" for k in range(n))
            return f"CREATE TABLE app.p{i:04d} (id INT, v INT, w INT{extra});\n"
        if kind == "mart":
            source = f"app.p{i % self.cores:04d}"
            renamed = "w" if n % 5 < 4 else f"w{n}"  # every fifth edit of a mart renames a column
            return f"CREATE TABLE mart.p{i:04d} AS SELECT id, v + {n} AS v, w AS {renamed} FROM {source};\n"
        source = f"mart.p{self.cores + i % (self.products - self.cores - self.views):04d}"
        return f"CREATE VIEW view.p{i:04d} AS SELECT id, v FROM {source} WHERE id > {n};\n"

    def write(self, root: Path, i: int) -> None:
        path = root / "models" / f"p{i:04d}.sql"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self.sql(i), encoding="utf-8")


def git(root: Path, day: datetime, *args: str) -> None:
    stamp = day.isoformat()
    env = {**os.environ, "GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.com", "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@example.com",
           "GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)


def make_repo(root: Path, products: int, commits: int, seed: int = 22) -> None:
    """The warehouse, then `commits - 1` single-product commits (same seed, same history)."""
    root.mkdir(parents=True, exist_ok=True)
    git(root, START, "init", "-q", "-b", "main")
    warehouse = Warehouse(products)
    for i in range(products):
        warehouse.write(root, i)
    owners = "\n".join(f"  {t}: {{name: {t} team, slack: \"#{t}\"}}" for t in TEAMS)
    (root / "models" / "lineage.yml").write_text(CATALOG.format(owners=owners), encoding="utf-8")
    git(root, START, "add", "-A")
    git(root, START, "commit", "-q", "-m", "the warehouse")
    pick = random.Random(seed)
    step = (timedelta(days=180) / max(1, commits)) if commits > 1 else timedelta(0)
    for n in range(1, commits):
        i = pick.randrange(products)
        warehouse.changes[i] += 1
        warehouse.write(root, i)
        day = START + step * n
        git(root, day, "add", "-A")
        git(root, day, "commit", "-q", "-m", f"change p{i:04d}")


def measure(root: Path) -> dict[str, Any]:
    """The first run (an empty cache) and the re-run (every commit cached), each a whole `lineage scorecard` process."""
    args = [str(LINEAGE), "scorecard", "-p", "models", "--as-of", AS_OF, "--since", "365d", "--format", "json"]
    shutil.rmtree(root / ".lineage", ignore_errors=True)
    out: dict[str, Any] = {}
    for name in ("first", "cached"):
        run = run_process(args, root)
        if run.exit_code != 0:
            raise SystemExit(f"lineage scorecard failed ({run.exit_code}): {run.stderr.strip()[-500:]}")
        out[name] = {"seconds": round(run.seconds, 2), "cpu_seconds": round(run.cpu_seconds, 2), "peak_mb": round(run.peak_mb)}
    shown = subprocess.run(args, cwd=root, capture_output=True, text=True, check=True).stdout
    record = json.loads(shown)
    out["products_scored"] = len(record["products"])
    out["commits_scored"] = len(record["commits"])
    out["cache_files"] = len(list((root / ".lineage" / "scorecard").glob("*.json")))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=1000)
    parser.add_argument("--commits", type=int, default=500)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="lineage-scorecard-") as tmp:
        make_repo(Path(tmp) / "shop", args.products, args.commits)
        load = list(os.getloadavg())  # other work on the host, just before the timed runs
        result = measure(Path(tmp) / "shop")
    record_run(RESULTS, " ".join(["python -m bench.scorecard", *sys.argv[1:]]), f"lineage scorecard -p models --as-of {AS_OF} --since 365d --format json", load, {"products": args.products, "commits": args.commits, **result})


if __name__ == "__main__":
    main()
