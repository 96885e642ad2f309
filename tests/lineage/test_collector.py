"""What a scan sets aside from the cycle collector it hands back at its end, and never what it did not freeze."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from lineage.collector import long_lived, long_lived_scope


@pytest.fixture(autouse=True)
def _nothing_frozen() -> Iterator[None]:
    """Start from nothing frozen (an embedded store's index, built earlier in this process, freezes
    itself for good), and leave what was frozen as frozen again."""
    frozen = gc.get_freeze_count() > 0
    gc.unfreeze()
    yield
    if frozen:
        gc.freeze()


class _Cycle:
    def __init__(self) -> None:
        self.me = self


def test_objects_set_aside_inside_a_scope_are_collected_again_after_it() -> None:
    assert gc.get_freeze_count() == 0
    with long_lived_scope():
        with long_lived():
            kept = [_Cycle() for _ in range(10)]
            assert not gc.isenabled()
        assert gc.isenabled() and gc.get_freeze_count() > 0
        del kept
        gc.collect()
        assert sum(isinstance(o, _Cycle) for o in gc.get_objects()) == 0  # frozen: not among the collector's objects
        assert gc.get_freeze_count() > 0
    assert gc.get_freeze_count() == 0
    assert sum(isinstance(o, _Cycle) for o in gc.get_objects()) == 10  # handed back, still garbage
    gc.collect()
    assert not any(isinstance(o, _Cycle) for o in gc.get_objects())


def test_outside_a_scope_nothing_is_frozen() -> None:
    with long_lived():
        assert not gc.isenabled()
    assert gc.isenabled() and gc.get_freeze_count() == 0


def test_a_scope_leaves_what_others_froze_frozen() -> None:
    theirs = _Cycle()
    gc.freeze()
    try:
        with long_lived_scope(), long_lived():
            ours = _Cycle()
        watched = {id(o) for o in gc.get_objects()}  # what the collector walks: nothing frozen
        assert id(theirs) not in watched and id(ours) in watched  # theirs still set aside; ours never was
    finally:
        gc.unfreeze()


def test_the_collector_comes_back_on_after_an_error_and_nested_scopes_unfreeze_once() -> None:
    with long_lived_scope():
        with long_lived_scope():
            try:
                with long_lived():
                    raise ValueError("boom")
            except ValueError:
                pass
            assert gc.isenabled()
        assert gc.get_freeze_count() > 0  # the outer scope is still open
    assert gc.get_freeze_count() == 0
