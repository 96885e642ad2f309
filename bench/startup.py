"""Start-up time of the CLI (issue 7: `lineage --help` within 0.3 s on the 2-core machine).

`python -m bench.startup [--runs 30]` runs each command below as a user would (the installed
`lineage` and `impact` scripts, output discarded), round-robin so that a busy machine slows every
command alike, and reports wall and CPU (user + system) time: median and p90 over the runs, in ms.
The interpreter alone (`python -c pass`, and without `site` as `python -S`) is the floor. Writes
`bench/results/startup.json`.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from bench.timing import run_process

RESULTS = Path(__file__).resolve().parent / "results" / "startup.json"
BIN = Path(sys.executable).parent
COMMANDS = {
    "python -c pass": [sys.executable, "-c", "pass"],
    "python -S -c pass": [sys.executable, "-S", "-c", "pass"],
    "lineage --help": [str(BIN / "lineage"), "--help"],
    "lineage impact --help": [str(BIN / "lineage"), "impact", "--help"],
    "lineage scan --help": [str(BIN / "lineage"), "scan", "--help"],
    "impact --help": [str(BIN / "impact"), "--help"],
}


def _once(argv: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds of one process."""
    run = run_process(argv)
    if run.exit_code != 0:
        raise SystemExit(f"{' '.join(argv)} failed")
    return run.seconds, run.cpu_seconds


def _ms(seconds: list[float]) -> dict[str, float]:
    ordered = sorted(seconds)
    return {"median": round(statistics.median(ordered) * 1000), "p90": round(ordered[round(0.9 * (len(ordered) - 1))] * 1000)}


def measure(runs: int) -> dict[str, dict[str, object]]:
    """Each command `runs` times, round-robin, after two untimed runs that warm the file cache."""
    for argv in [*COMMANDS.values()] * 2:
        _once(argv)
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in COMMANDS}
    for _ in range(runs):
        for name, argv in COMMANDS.items():
            times[name].append(_once(argv))
    return {name: {"runs": runs, "wall_ms": _ms([w for w, _ in pairs]), "cpu_ms": _ms([c for _, c in pairs])} for name, pairs in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    results = {
        "command": "python -m bench.startup " + " ".join(sys.argv[1:]),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "nproc": os.cpu_count(),
        "load_average": os.getloadavg(),  # other work on the machine inflates wall time, less so CPU
        "bytecode_written": not sys.dont_write_bytecode,  # without .pyc files, every start compiles the project
        "typer": metadata.version("typer"),
        "startup": measure(args.runs),
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
