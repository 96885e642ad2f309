"""Running the real `lineage` program on hostile input, inside resource limits.

A hostile input is bounded when the program ends with its one-line diagnostic inside a CPU-time and
an address-space limit that the kernel enforces (RLIMIT_CPU, RLIMIT_AS): a hang is killed by
SIGXCPU and an unbounded allocation fails, so the test fails without any wall-clock assertion. Each
run's wall time, CPU time and peak memory are measured by tests/redteam/launcher.py (its own rusage, not pytest's) and,
when REDTEAM_RECORD names a file, appended to it as one JSON line: `make redteam` turns those lines
into the figures of RELIABILITY.md.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

LINEAGE = Path(sys.executable).parent / "lineage"
LAUNCHER = Path(__file__).with_name("launcher.py")
# The deep-stack thread reserves 512 MiB of address space (parsers/sql/stack.py), sqlglot's compiled
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
    with tempfile.TemporaryDirectory() as scratch:
        figures = Path(scratch) / "figures.json"
        launch = [sys.executable, "-I", str(LAUNCHER), str(figures), str(cpu_seconds), str(memory_mb), "--", *argv]
        with open(Path(scratch) / "in", "w+") as given, open(Path(scratch) / "out", "w+") as out, open(Path(scratch) / "err", "w+") as err:
            given.write(stdin or "")
            given.seek(0)
            # a session of its own: a timeout kills the command along with the launcher
            child = subprocess.Popen(launch, cwd=cwd, env=environment, stdin=given, stdout=out, stderr=err, text=True, start_new_session=True)
            killed = threading.Event()
            killer = threading.Timer(timeout or 0, lambda: (killed.set(), os.killpg(child.pid, signal.SIGKILL)))
            if timeout is not None:
                killer.start()
            child.wait()
            killer.cancel()
            out.seek(0)
            err.seek(0)
            if killed.is_set():
                raise AssertionError(f"{name}: still running after {timeout} s (blocked?): killed")
            measured = json.loads(figures.read_text(encoding="utf-8"))
            run = Run(name, measured["exit_code"], out.read(), err.read(), measured["seconds"], measured["cpu_seconds"], measured["peak_mb"])
    _record(run)
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
