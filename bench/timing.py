"""The best-of-N timer and the untimed warm-up every approach gets, whatever library it measures;
and the timing of one whole child process (`lineage` as a user runs it)."""

from __future__ import annotations

import gc
import json
import math
import os
import subprocess
import time
from datetime import UTC, datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TypeVar

from bench.corpus import Corpus

T = TypeVar("T")


def best_of(run: Callable[[], T], repeat: int) -> tuple[float, T]:
    """Seconds of the fastest of `repeat` runs, and the last run's result.

    The minimum is the run least disturbed by the rest of the machine; means and medians fold
    that noise into the figure (the `timeit` documentation gives the same advice). Each run starts
    with the previous one's result dropped and collected (parse trees are full of reference cycles),
    untimed, so the peak memory is one run's, whatever `repeat` is.
    """
    best = math.inf
    for _ in range(repeat - 1):
        gc.collect()
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    gc.collect()
    start = time.perf_counter()
    result = run()
    return min(best, time.perf_counter() - start), result


def warm_up(corpus: Corpus, *runs: Callable[[Corpus], object]) -> None:
    """Run each approach once on the first query, untimed, so lazy imports land in no timing."""
    first = replace(corpus, queries=corpus.queries[:1])
    for run in runs:
        run(first)


@dataclass(frozen=True, slots=True)
class ProcessRun:
    seconds: float  # wall clock, start to exit
    cpu_seconds: float  # the child's own user + system time: what other load on the host inflates least
    peak_mb: float  # the child's peak RSS
    exit_code: int
    stderr: str


def run_process(argv: Sequence[str], cwd: Path | None = None) -> ProcessRun:
    """Run `argv` (stdout discarded) and measure it; wait4 gives that child's own rusage."""
    start = time.perf_counter()
    child = subprocess.Popen(list(argv), cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    assert child.stderr is not None
    stderr = child.stderr.read()
    child.stderr.close()
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    return ProcessRun(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status), stderr)


def record_run(path: Path, command: str, lineage_command: str | None, load: list[float], fields: dict[str, object]) -> None:
    """Write (and print) one run of a whole-command benchmark: what was run, when, on how many cores and
    under which load average (the host is shared: the figures of a loaded run are slower), then its figures."""
    results = {
        "command": command,
        **({"lineage_command": lineage_command} if lineage_command else {}),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "nproc": os.cpu_count(),
        "load_average": load,
        **fields,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results, indent=2))
