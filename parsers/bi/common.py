"""What every BI reader yields, and the small helpers they share (reads, owners, finding a name's line)."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from lineage.catalog import Consumer, Owner
from lineage.model import ColumnEdge, Diagnostic, FileFacts, Flow, Location, Severity, Subtype
from parsers.sql.schema import SchemaRegistry

Column = tuple[str | None, str]  # (table, column) of the warehouse

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


@dataclass(frozen=True, slots=True)
class Traced:
    """A tool's query (a derived table, a feature source) traced as if it were a view."""

    columns: dict[str, frozenset[Column]]  # output column -> the warehouse columns it is made of
    shaping: frozenset[Column]  # what filters, joins or groups its rows: read by every output
    diagnostics: tuple[Diagnostic, ...]
    statements: int  # counted as the tool file's: its SQL is parsed like any other

    def of(self, column: str) -> set[Column]:
        return set(self.columns.get(column.lower(), frozenset())) | self.shaping


@dataclass(frozen=True, slots=True)
class Sql:
    """How a tool's embedded SQL is extracted: the scan's schema, dialect and per-statement budget."""

    registry: SchemaRegistry
    dialect: str | None = None
    budget: float | None = None

    def trace(self, sql: str, target: str, at: Location) -> Traced:
        """Trace `sql` as `CREATE VIEW target AS sql`, starting on `at`'s line of `at`'s file."""
        from parsers.sql.extract import extract_sql

        # padded so the extractor's line numbers are the tool file's
        facts = extract_sql("\n" * (max(at.line, 1) - 1) + f"CREATE VIEW {target} AS " + sql, at.file, self.dialect, self.registry.overlay(), self.budget)
        columns: dict[str, set[Column]] = {}
        shaping: set[Column] = set()
        for edge in (e for e in facts.edges if e.target_table == target):
            source = (edge.source_table, edge.source_column)
            if edge.target_column is None:
                shaping.add(source)
            else:
                columns.setdefault(edge.target_column, set()).add(source)
        return Traced({k: frozenset(v) for k, v in columns.items()}, frozenset(shaping), facts.diagnostics, facts.statements)


def sorted_reads(reads: set[ColumnEdge] | list[ColumnEdge]) -> tuple[ColumnEdge, ...]:
    return tuple(sorted(set(reads), key=ColumnEdge.key))


def owner_of(named: str) -> Owner | None:
    """The owner a tool's metadata names: an email is matched to a catalog owner by email, anything else by id."""
    named = named.strip()
    if not named:
        return None
    return Owner(named, email=named if _EMAIL.match(named) else "")


class Declarations:
    """Where each `key: name` line of a text is (LookML declarations, YAML keys): one pass over the
    text, then a lookup per name, so finding ten thousand fields' lines stays linear."""

    _LINE = re.compile(r"^[ \t]*-?[ \t]*(\w+)[ \t]*:[ \t]*[\"']?([\w.-]+)", re.MULTILINE)

    def __init__(self, text: str) -> None:
        self.text = text
        self.lines: dict[tuple[str, str], list[int]] = {}
        self.starts = starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]
        for match in self._LINE.finditer(text):
            line = bisect.bisect_right(starts, match.start())
            self.lines.setdefault((match.group(1), match.group(2)), []).append(line)

    def line(self, keys: tuple[str, ...], name: str, start: int = 1) -> int:
        """The first line at or after `start` declaring `name` under one of `keys`, else `start`."""
        found = [n for key in keys for n in self.lines.get((key, name), ()) if n >= start]
        return min(found) if found else start

    def find(self, pattern: str, start: int = 1) -> int:
        """The first line at or after `start` where `pattern` (a regex) matches, else `start`."""
        found = re.compile(pattern, re.MULTILINE).search(self.text, self.starts[min(max(start, 1), len(self.starts)) - 1])
        return bisect.bisect_right(self.starts, found.start()) if found else start


def warning(at: Location, message: str) -> Diagnostic:
    return Diagnostic(at, message, Severity.WARNING)


def file_facts(path: str, notes: list[Diagnostic], statements: int = 0) -> FileFacts:
    return FileFacts(path, diagnostics=tuple(sorted(set(notes))), statements=statements)
