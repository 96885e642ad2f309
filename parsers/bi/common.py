"""What every BI reader yields, and the small helpers they share (reads, owners, finding a name's line)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from lineage.catalog import Consumer, Owner
from lineage.model import ColumnEdge, Diagnostic, FileFacts, Flow, Location, Severity, Subtype

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")


@dataclass(frozen=True, slots=True)
class BiFacts:
    """One tool's definitions read: consumers, the owners they name, and each file read (its diagnostics)."""

    consumers: tuple[Consumer, ...] = ()
    owners: tuple[Owner, ...] = ()
    files: tuple[FileFacts, ...] = ()


def read(consumer: str, table: str | None, column: str, at: Location, flow: Flow = Flow.DIRECT, subtype: Subtype = Subtype.IDENTITY) -> ColumnEdge:
    """`consumer` reads `table.column`; a consumer edge has no target column."""
    return ColumnEdge(table.lower() if table else None, column.lower(), consumer, None, flow, subtype, at)


def sorted_reads(reads: set[ColumnEdge] | list[ColumnEdge]) -> tuple[ColumnEdge, ...]:
    return tuple(sorted(set(reads), key=ColumnEdge.key))


def owner_of(named: str) -> Owner | None:
    """The owner a tool's metadata names: an email is matched to a catalog owner by email, anything else by id."""
    named = named.strip()
    if not named:
        return None
    return Owner(named, email=named if _EMAIL.match(named) else "")


def line_of(text: str, pattern: str, start: int = 1) -> int:
    """The first line at or after `start` matching `pattern` (a regex), else `start`: provenance, not truth."""
    lines = text.split("\n")
    found = re.compile(pattern)
    for number in range(max(start, 1), len(lines) + 1):
        if found.search(lines[number - 1]):
            return number
    return start


def warning(at: Location, message: str) -> Diagnostic:
    return Diagnostic(at, message, Severity.WARNING)


def file_facts(path: str, notes: list[Diagnostic]) -> FileFacts:
    return FileFacts(path, diagnostics=tuple(sorted(set(notes))))
