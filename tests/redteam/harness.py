"""Running the real `lineage` program on hostile input, inside resource limits.

A hostile input is bounded when the program ends with its one-line diagnostic inside a CPU-time and
an address-space limit that the kernel enforces (RLIMIT_CPU, RLIMIT_AS): a hang is killed by
SIGXCPU and an unbounded allocation fails, so the test fails without any wall-clock assertion. Each
run's wall time, CPU time and peak memory are measured (wait4 gives the child's own rusage) and,
when REDTEAM_RECORD names a file, appended to it as one JSON line: `make redteam` turns those lines
into the figures of RELIABILITY.md.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

LINEAGE = Path(sys.executable).parent / "lineage"
# The deep-stack thread reserves 512 MiB of address space (parsers/stack.py), sqlglot's compiled
# build and the Neo4j driver some more: 2 GiB of address space is a normal scan's headroom, and far
# below what the attacks reached before they were bounded (1.2 to 4.2 GB).
DEFAULT_MEMORY_MB = 2048
DEFAULT_CPU_SECONDS = 60


@dataclass(frozen=True, slots=True)
class Run:
    name: str
    exit_code: int  # negative: killed by that signal (-24 is SIGXCPU: the CPU limit was hit)
    stdout: str
    stderr: str
    seconds: float
    cpu_seconds: float
    peak_mb: float

    def lines(self) -> list[str]:
        return self.stderr.splitlines()


def _limits(cpu_seconds: int, memory_mb: int) -> Callable[[], None]:
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 5))
        resource.setrlimit(resource.RLIMIT_AS, (memory_mb * 2**20, memory_mb * 2**20))

    return apply


def run_limited(
    name: str,
    argv: Sequence[str],
    cwd: Path,
    *,
    env: dict[str, str] | None = None,
    stdin: str | None = None,
    cpu_seconds: int = DEFAULT_CPU_SECONDS,
    memory_mb: int = DEFAULT_MEMORY_MB,
    timeout: float | None = None,
) -> Run:
    """Run `argv` in `cwd` under the limits; `name` identifies the attack in the recorded figures.

    `timeout` bounds what the CPU limit cannot see, a process blocked without spending CPU (a read
    from a FIFO no one writes): past it the child is killed and the run fails.
    """
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "GITHUB_", "LINEAGE_"))} | (env or {})
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err, tempfile.TemporaryFile("w+") as given:
        given.write(stdin or "")
        given.seek(0)
        start = time.perf_counter()
        child = subprocess.Popen(list(argv), cwd=cwd, env=environment, stdin=given, stdout=out, stderr=err, text=True, preexec_fn=_limits(cpu_seconds, memory_mb))
        killed = threading.Event()
        killer = threading.Timer(timeout or 0, lambda: (killed.set(), child.kill()))
        if timeout is not None:
            killer.start()
        _, status, usage = os.wait4(child.pid, 0)
        killer.cancel()
        child.returncode = os.waitstatus_to_exitcode(status)  # reaped here: Popen must not wait again
        seconds = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        run = Run(name, child.returncode, out.read(), err.read(), seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)
    _record(run)
    if killed.is_set():
        raise AssertionError(f"{name}: still running after {timeout} s (blocked?): killed")
    return run


def run_lineage(name: str, *args: str, cwd: Path, **options: object) -> Run:
    """The installed `lineage` program, as a user runs it, under the limits."""
    return run_limited(name, [str(LINEAGE), *args], cwd, **options)  # type: ignore[arg-type]


def run_python(name: str, code: str, cwd: Path, **options: object) -> Run:
    """A snippet of Python calling the library directly (for a reader with no command of its own)."""
    return run_limited(name, [sys.executable, "-c", code], cwd, **options)  # type: ignore[arg-type]


def _record(run: Run) -> None:
    target = os.environ.get("REDTEAM_RECORD")
    if not target:
        return
    figures = {k: v for k, v in asdict(run).items() if k not in ("stdout", "stderr")}
    with open(target, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(figures) + "\n")
