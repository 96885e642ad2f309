"""First scan against re-scan of a generated dbt project, read without a manifest, by the real CLI.

`python -m bench.dbt_rescan [--models 1000] [--project DIR]` writes the project of
`bench/dbt_project.py` (or scans an existing one, such as a checkout of a public dbt project),
then times, each as one `lineage scan` process: the first scan (no store, no cache), a re-scan of
the unchanged project, and a re-scan after one model changed. Prints a Markdown table and writes
`bench/results/dbt_rescan.json`.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.dbt_project import write
from bench.timing import run_process

RESULTS = Path(__file__).resolve().parent / "results" / "dbt_rescan.json"
LINEAGE = Path(sys.executable).parent / "lineage"


def _scan(project: Path, work: Path, extra: list[str]) -> dict[str, Any]:
    run = run_process([str(LINEAGE), "scan", str(project), "--store", str(work / "store"), *extra], work)
    if run.exit_code not in (0, 1):  # 1: the project has statements we report as failed; still timed
        raise SystemExit(f"lineage scan failed ({run.exit_code}): {run.stderr.strip()[-500:]}")
    return {"seconds": round(run.seconds, 2), "cpu_seconds": round(run.cpu_seconds, 2), "summary": run.stderr.strip().splitlines()[-1]}


def _touch_one_model(project: Path) -> None:
    model = sorted(project.rglob("models/**/*.sql"))[-1]
    model.write_text(model.read_text(encoding="utf-8") + "\n-- edited\n", encoding="utf-8")


def measure(project: Path, work: Path, extra: list[str]) -> dict[str, Any]:
    record = {"first": _scan(project, work, extra), "rescan": _scan(project, work, extra)}
    _touch_one_model(project)
    record["one_model_changed"] = _scan(project, work, extra)
    first, again = record["first"], record["rescan"]
    record["speedup_wall"] = round(first["seconds"] / max(again["seconds"], 0.01), 1)
    record["speedup_cpu"] = round(first["cpu_seconds"] / max(again["cpu_seconds"], 0.01), 1)
    return record


def table(record: dict[str, Any]) -> str:
    rows = ["| scan | wall s | CPU s | summary |", "| --- | ---: | ---: | --- |"]
    for key, label in (("first", "first scan"), ("rescan", "re-scan, unchanged"), ("one_model_changed", "re-scan, one model changed")):
        run = record[key]
        rows.append(f"| {label} | {run['seconds']} | {run['cpu_seconds']} | {run['summary']} |")
    rows.append(f"\nRe-scan of the unchanged project: {record['speedup_wall']}x faster than the first scan (wall), {record['speedup_cpu']}x (CPU).")
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=int, default=1000)
    parser.add_argument("--project", type=Path, help="an existing dbt project (copied first: the last step edits a model)")
    parser.add_argument("scan_options", nargs="*", help="passed to `lineage scan` (e.g. --profiles-dir DIR)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="lineage-dbt-bench-") as tmp:
        work = Path(tmp)
        project = work / "project"
        if args.project:
            import shutil

            shutil.copytree(args.project, project, ignore=shutil.ignore_patterns("target", ".git", ".lineage"))
        else:
            write(args.models, project)
        record = {"when": datetime.now(UTC).isoformat(timespec="seconds"), "models": len(list(project.rglob("models/**/*.sql"))), **measure(project, work, args.scan_options)}
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    print(f"{record['models']} models\n\n{table(record)}")


if __name__ == "__main__":
    main()
