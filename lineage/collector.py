"""Pausing Python's cycle collector around work that makes many objects and no cycles."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def cycle_collector_off() -> Iterator[None]:
    """The cycle collector off inside, back on (if it was on) on every way out, errors too.

    Each collection walks the objects made since the last one, and now and then every object alive:
    work that makes tens of thousands of objects that reference counting alone frees pays for
    collections that find nothing. Nested or in two threads at once, the collector is on again once
    the outermost (the one that found it on) leaves."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
