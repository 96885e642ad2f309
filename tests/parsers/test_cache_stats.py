"""The scan cache's stats line is trusted only in the shape `ScanCache.text_digest` reads."""

from __future__ import annotations

import json

import pytest

from parsers.cache import _stats

GOOD = [487, 9987266, 1796525567489192023, 1796525567489192023, "f4dd", 1796525585681039473, ""]


def _line(stats: object) -> bytes:
    return b"00000000\tstats\t\t" + json.dumps(stats).encode()


def test_records_of_seven_ints_and_strings_are_taken() -> None:
    assert _stats(_line({"a.sql": GOOD, "b.sql": [*GOOD[:6], "postgres"]})) == {"a.sql": GOOD, "b.sql": [*GOOD[:6], "postgres"]}
    assert _stats(_line({"a.sql": [*GOOD[:6], True]})) == {"a.sql": [*GOOD[:6], True]}  # a bool is an int, as before
    assert _stats(b"") == {}


@pytest.mark.parametrize(
    "stats",
    [[GOOD], {"a.sql": GOOD[:6]}, {"a.sql": [*GOOD, 1]}, {"a.sql": {"size": 1}}, {"a.sql": [*GOOD[:6], None]}, {"a.sql": [*GOOD[:6], 1.5]}, {"a.sql": [*GOOD[:6], []]}, {"a.sql": GOOD, "b.sql": "x"}],
    ids=["a-list", "short", "long", "an-object", "null", "float", "nested", "one-bad-of-two"],
)
def test_any_other_shape_is_refused(stats: object) -> None:
    assert _stats(_line(stats)) is None
