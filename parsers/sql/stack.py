"""Running deep recursion safely: a thread with a big stack and a high recursion limit."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from typing import TypeVar

# sqlglot parses and builds scopes recursively: a 10,000-way UNION needs ~60,000 frames, far past
# Python's default limit of 1,000 on the main thread's 8 MiB stack. Extraction runs on a thread with
# a stack big enough for that (address space, not memory, until used).
T = TypeVar("T")
_STACK_BYTES = 512 * 1024 * 1024
_RECURSION_LIMIT = 60_000
_DEEP_THREAD = "lineage-deep-stack"


def on_deep_stack(work: Callable[[], T]) -> T:
    """`work()` on a thread with a deep stack (or directly, when already on one).

    Callers wrap big units (a whole scan, a batch of files): a thread per file would cost a third
    of the extraction time.
    """
    if threading.current_thread().name == _DEEP_THREAD:
        return work()
    outcome: list[T | BaseException] = []

    def run() -> None:
        try:
            outcome.append(work())
        except BaseException as err:  # noqa: BLE001 - handed back to the calling thread as is
            outcome.append(err)

    previous_stack, previous_limit = threading.stack_size(_STACK_BYTES), sys.getrecursionlimit()
    sys.setrecursionlimit(max(previous_limit, _RECURSION_LIMIT))
    try:
        worker = threading.Thread(target=run, name=_DEEP_THREAD, daemon=True)  # daemon: Ctrl-C ends it
        worker.start()
        worker.join()
    finally:
        threading.stack_size(previous_stack)
        sys.setrecursionlimit(previous_limit)
    result = outcome[0]
    if isinstance(result, BaseException):
        raise result
    return result
