"""The time one statement may take to extract, so that one pathological statement costs a
diagnostic, not the scan (as DataHub's SQL parser gives up on a statement after a timeout).

The deadline is checked at safe points of our own loops (after the parse, per scope, per output
column), never by a signal: a statement stops between two steps, with nothing half-recorded. One
call into sqlglot (the parse of a huge statement, `build_scope`) cannot be interrupted from inside;
the check right after it catches the overrun, so such a step costs at most its own time once.
"""

from __future__ import annotations

import time
from typing import Final

from lineage.model import Diagnostic

DEFAULT_STATEMENT_SECONDS: Final = 30.0  # 100,000 columns take about 5 s on a shared 2-CPU host
BUDGET_OPTION: Final = "--statement-budget"
_SKIPPED: Final = "statement skipped: extraction took more than"


class OverBudget(Exception):
    """A statement ran past its deadline; `parsers.sql.extract` turns it into that statement's diagnostic."""


class Deadline:
    """A monotonic deadline for one statement; `seconds` None never expires."""

    __slots__ = ("seconds", "_at")

    def __init__(self, seconds: float | None) -> None:
        self.seconds = seconds
        self._at = None if seconds is None else time.monotonic() + seconds

    def check(self) -> None:
        if self._at is not None and time.monotonic() >= self._at:
            raise OverBudget

    def message(self) -> str:
        return f"{_SKIPPED} {self.seconds:g} s ({BUDGET_OPTION}); its lineage is missing"


def over_budget(diagnostic: Diagnostic) -> bool:
    return diagnostic.message.startswith(_SKIPPED)


NO_DEADLINE: Final = Deadline(None)
