"""The best-of-N timer and the untimed warm-up every approach gets, whatever library it measures."""

from __future__ import annotations

import gc
import math
import time
from collections.abc import Callable
from dataclasses import replace
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
