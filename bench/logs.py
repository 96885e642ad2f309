"""`lineage logs` on generated Snowflake query histories: wall time and peak memory by row count.

`python -m bench.logs [--rows 100000 1000000] [--fingerprints 20000] [--spark 100000]` writes, for each row count, a
QUERY_HISTORY CSV whose rows cycle through `--fingerprints` distinct query shapes (reads and
INSERT ... SELECTs over 200 tables, each row with its own literals, user, role and time), then times one
`lineage logs` process on it (into a fresh store); with `--spark N`, 1,000 and N rows also through `--engine spark`
at local[1] and local[2] (and the local engine beside them). Writes `bench/results/logs.json`; `python -m
bench.document` renders it into BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.timing import run_process

RESULTS = Path(__file__).resolve().parent / "results" / "logs.json"
LINEAGE = Path(sys.executable).parent / "lineage"
COLUMNS = ["QUERY_ID", "QUERY_TEXT", "USER_NAME", "ROLE_NAME", "WAREHOUSE_NAME", "EXECUTION_STATUS", "START_TIME", "QUERY_TAG"]


def query(shape: int, row: int) -> str:
    """Shape `shape` of the generated workload, with row `row`'s literals: 20,000 shapes are 20,000 fingerprints."""
    table, a, b = f"s{shape % 10}.t{shape % 200}", f"c{shape % 37}", f"c{(shape // 37) % 41}"
    literal = f"'2026-{1 + row % 12:02d}-{1 + row % 28:02d}'"
    if shape % 5 == 4:
        return f"INSERT INTO mart.m{shape % 50} (k{shape}, v) SELECT {a}, SUM({b}) FROM {table} WHERE d >= {literal} GROUP BY {a}"
    ids = ", ".join(str(row + i) for i in range(1 + row % 6))
    return f"SELECT {a}, {b} AS x{shape}, d FROM {table} -- refresh {row}\nWHERE d >= {literal} AND id IN ({ids})"


def write_log(path: Path, rows: int, shapes: int) -> None:
    start = datetime(2026, 11, 1, tzinfo=UTC)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(COLUMNS)
        for row in range(rows):
            shape = (row * 7919) % shapes
            when = start + timedelta(seconds=row * 2)
            out.writerow([f"q{row}", query(shape, row), f"user_{shape % 300}", f"role_{shape % 12}", f"wh_{shape % 4}", "SUCCESS", when.strftime("%Y-%m-%d %H:%M:%S.000 +0000"), ""])


def measure(rows: int, shapes: int, work: Path, engine: tuple[str, ...] = ()) -> dict[str, Any]:
    log = work / f"history_{rows}.csv"
    if not log.exists():
        write_log(log, rows, shapes)
    store = work / f"store_{rows}_{'_'.join(engine) or 'local'}"
    run = run_process([str(LINEAGE), "logs", str(log), "--format", "snowflake", "--store", str(store), *engine], work)
    if run.exit_code != 0:
        raise SystemExit(f"lineage logs failed ({run.exit_code}): {run.stderr.strip()[-500:]}")
    return {
        "rows": rows, "fingerprints": shapes, "file_mb": round(log.stat().st_size / 1e6, 1), "seconds": round(run.seconds, 2),
        "cpu_seconds": round(run.cpu_seconds, 2), "peak_mb": round(run.peak_mb), "summary": run.stderr.strip().splitlines()[-1],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--fingerprints", type=int, default=20_000)
    parser.add_argument("--spark", type=int, default=0, help="also this many rows through --engine spark at local[1] and local[2], and the local engine")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="lineage-bench-logs-") as tmp:
        runs = [measure(rows, args.fingerprints, Path(tmp)) for rows in args.rows]
        spark = [
            {"engine": " ".join(engine) or "--engine local", **measure(rows, args.fingerprints, Path(tmp), engine)}
            for rows in ((1_000, args.spark) if args.spark else ())
            for engine in ((), ("--engine", "spark", "--master", "local[1]"), ("--engine", "spark", "--master", "local[2]"))
        ]
    record = {"command": "python -m bench.logs " + " ".join(sys.argv[1:]), "date": datetime.now(UTC).strftime("%Y-%m-%d"), "nproc": os.cpu_count(), "load_average": list(os.getloadavg()), "runs": runs, "spark": spark}
    RESULTS.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    for r in [*runs, *spark]:
        print(r.get("engine", ""), end=" ")
        print(f"{r['rows']:>10,} rows ({r['file_mb']} MB): {r['seconds']} s wall, {r['cpu_seconds']} s CPU, {r['peak_mb']} MB peak; {r['summary']}")


if __name__ == "__main__":
    main()
