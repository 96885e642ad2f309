"""Start one command under CPU and address-space limits and write its own rusage as JSON.

    python tests/redteam/launcher.py FIGURES CPU_SECONDS MEMORY_MB -- COMMAND...

Why a launcher: Linux carries a process's peak RSS across fork and exec (a forked child's pages
count as its own until exec, whose peak is kept), so a command forked straight from a test run
reports pytest's peak (350 MB in a full run) instead of its own. Forked from this small interpreter,
the command's ru_maxrss is its own peak (at least this launcher's ~10 MB).
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time


def main(argv: list[str]) -> int:
    figures, cpu_seconds, memory_mb, separator, *command = argv
    assert separator == "--" and command, "usage: launcher.py FIGURES CPU_SECONDS MEMORY_MB -- COMMAND..."
    start = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        resource.setrlimit(resource.RLIMIT_CPU, (int(cpu_seconds), int(cpu_seconds) + 5))
        resource.setrlimit(resource.RLIMIT_AS, (int(memory_mb) * 2**20, int(memory_mb) * 2**20))
        try:
            os.execvp(command[0], command)
        finally:
            os._exit(127)  # exec failed: the shell's code for a command not found
    _, status, usage = os.wait4(pid, 0)
    seconds = time.perf_counter() - start
    with open(figures, "w", encoding="utf-8") as handle:
        json.dump({"exit_code": os.waitstatus_to_exitcode(status), "seconds": seconds, "cpu_seconds": usage.ru_utime + usage.ru_stime, "peak_mb": usage.ru_maxrss / 1024}, handle)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
