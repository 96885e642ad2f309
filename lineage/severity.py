"""How severe a change between two revisions is, and the severity at which CI fails (`--fail-on`).

Apart from `lineage/diff.py` so that the CLI can declare `--fail-on` without loading the diff at
every start-up.
"""

from __future__ import annotations

from enum import StrEnum


class ChangeSeverity(StrEnum):
    BREAKING = "breaking"
    DATA_CHANGING = "data-changing"
    NON_BREAKING = "non-breaking"


class FailOn(StrEnum):
    """`--fail-on`: the least severe change that fails a CI gate, or an answer that may be incomplete."""

    BREAKING = "breaking"
    DATA_CHANGING = "data-changing"
    INCOMPLETE = "incomplete"
    NEVER = "never"
