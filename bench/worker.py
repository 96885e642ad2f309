"""One approach on one corpus, in a process of its own, so its peak memory is its own.

`python -m bench.worker APPROACH CORPUS [--repeat N] [--every K] [--timeout S]` prints one JSON
object: the best time, the peak resident set size (after the imports and one warm-up statement,
and at the end of the timed runs) and the edges found, for `bench.run` to compare.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
from collections.abc import Sequence
from functools import partial
from typing import Any

from bench.approaches import prepare
from bench.corpus import REPO_ROOT, named_corpus
from bench.timing import best_of, warm_up

DEFAULT_TIMEOUT_S = 60.0  # per statement, for sqllineage; the slowest TPC-DS query takes ~5 s here


def _peak_rss_mb() -> float:
    # ru_maxrss is in KiB on Linux: the high-water mark of this process's resident set so far
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(approach: str, corpus_name: str, repeat: int, every: int = 1, timeout_s: float = DEFAULT_TIMEOUT_S) -> dict[str, Any]:
    corpus = named_corpus(corpus_name, every)
    prepared = prepare(approach, corpus, timeout_s)
    warm_up(corpus, prepared.run)
    ready_mb = _peak_rss_mb()
    seconds, raw = best_of(partial(prepared.run, corpus), repeat)
    peak_mb = _peak_rss_mb()
    outcome = prepared.outcome(raw)
    return {
        "approach": approach,
        "corpus": corpus_name,
        "every": every,
        "statements": corpus.statements,
        "queries": [query.name for query in corpus.queries],
        "repeat": repeat,
        "seconds": seconds,
        "rss_ready_mb": round(ready_mb, 1),
        "rss_peak_mb": round(peak_mb, 1),
        "edges": None if outcome.edges is None else sorted(outcome.edges),
        "indirect": sorted([*edge, list(kinds)] for edge, kinds in outcome.indirect.items()),
        "failures": [list(failure) for failure in outcome.failures],
        "details": dict(outcome.details),
    }


def run_module(module: str, args: Sequence[str]) -> dict[str, Any]:
    """Run `python -m module args` from the repository root in a fresh interpreter; its stdout is JSON."""
    done = subprocess.run([sys.executable, "-m", module, *args], capture_output=True, text=True, cwd=REPO_ROOT)
    if done.returncode != 0:
        tail = done.stderr.strip().splitlines()[-1:] or [f"exit {done.returncode}"]
        raise RuntimeError(f"python -m {module} {' '.join(args)}: {tail[0]}")
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def in_subprocess(approach: str, corpus_name: str, repeat: int, every: int = 1, timeout_s: float = DEFAULT_TIMEOUT_S) -> dict[str, Any]:
    args = [approach, corpus_name, "--repeat", str(repeat), "--every", str(every), "--timeout", str(timeout_s)]
    return run_module("bench.worker", args)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.worker", description=__doc__)
    parser.add_argument("approach")
    parser.add_argument("corpus", help="tpch, tpcds or warehouse-N")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--every", type=int, default=1, help="only every k-th statement")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT_S, help="seconds per statement (sqllineage)")
    args = parser.parse_args(argv)
    print(json.dumps(measure(args.approach, args.corpus, args.repeat, args.every, args.timeout)))


if __name__ == "__main__":
    main()
