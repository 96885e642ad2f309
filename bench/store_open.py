"""What a CLI query pays before answering on a big embedded store: reading it and building its index.

`python -m bench.store_open DIR` opens the embedded store in DIR in this fresh process, builds the
query index, and prints JSON: seconds for each step and the peak resident set size before and
after (so the difference is the store's own memory, interpreter and imports excluded).
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

from graphs.stores.embedded import NetworkxStore


def _peak_mb() -> float:
    """This process's own peak RSS (VmHWM). Not getrusage's ru_maxrss: Linux carries that across
    fork and exec, so a child of a big parent starts with the parent's peak."""
    for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    directory = Path(sys.argv[1])
    before = _peak_mb()
    start = time.perf_counter()
    store = NetworkxStore(directory)
    opened = time.perf_counter()
    index = store.index
    built = time.perf_counter()
    edges = sum(len(rows) for targets in index.succ.values() for rows in targets.values())
    print(json.dumps({"open_s": round(opened - start, 2), "index_s": round(built - opened, 2), "baseline_mb": round(before), "peak_mb": round(_peak_mb()), "relationships": edges}))


if __name__ == "__main__":
    main()
