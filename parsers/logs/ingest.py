"""Log rows into an `ObservedLog`: rows grouped by fingerprint and user, each fingerprint parsed once.

The cost follows the number of distinct queries, not of rows: a row is fingerprinted and counted;
only a fingerprint not seen before goes through the SQL extractor (in the log's dialect), and
Snowflake rows that carry ACCESS_HISTORY's column lists are not parsed at all.
"""

from __future__ import annotations

import calendar
import json
import re
from array import array
from collections import Counter
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from lineage.graph import UNRESOLVED
from lineage.model import Flow, Severity, Subtype
from lineage.observed import ObservedEdge, ObservedLog, ObservedQuery
from parsers.logs.fingerprint import fingerprint
from parsers.logs.layouts import DIALECTS, LAYOUTS, BadRow, LogRow, iso
from parsers.sql.schema import SchemaRegistry

MAX_QUERY_CHARS = 1_000_000
_UPPER_QUOTED = re.compile(r'"([A-Z_][A-Z0-9_$]*)"')
_STEM = "<query>"  # the extractor names a bare SELECT's output after the file: this one


@dataclass(frozen=True, slots=True)
class Lineage:
    reads: frozenset[tuple[str, str]] = frozenset()
    edges: frozenset[ObservedEdge] = frozenset()
    failed: bool = False


@dataclass
class _Group:
    count: int = 0
    first: datetime | None = None
    last: datetime | None = None
    roles: set[str] = field(default_factory=set)
    warehouses: set[str] = field(default_factory=set)
    applications: set[str] = field(default_factory=set)
    access: tuple[str, str] = ("", "")  # ACCESS_HISTORY's JSON, when a row of the group had it
    rows: int = 0
    longest: int = 0
    # epoch seconds of each run, kept for a query that writes: a product's freshness is the intervals
    # between its writes (lineage/scorecard.py); 8 bytes a row, dropped for readers at the end
    runs: array[int] = field(default_factory=lambda: array("q"))

    def add(self, row: LogRow) -> None:
        self.count += row.count
        self.rows += 1
        self.longest = max(self.longest, len(row.text))
        if row.time is not None:
            self.runs.append(calendar.timegm(row.time.utctimetuple()))
            self.first = row.time if self.first is None or row.time < self.first else self.first
            self.last = row.time if self.last is None or row.time > self.last else self.last
        for values, value in ((self.roles, row.role), (self.warehouses, row.warehouse), (self.applications, row.application)):
            if value:
                values.add(value)
        if row.accessed and (not self.access[0] or (row.accessed, row.modified) < self.access):
            self.access = (row.accessed, row.modified)  # the least: the same whatever order rows come in

    def merge(self, other: _Group) -> None:
        """Add another part of the log's rows of this group (the Spark engine's partitions)."""
        self.count, self.rows, self.longest = self.count + other.count, self.rows + other.rows, max(self.longest, other.longest)
        self.first = min((t for t in (self.first, other.first) if t is not None), default=None)
        self.last = max((t for t in (self.last, other.last) if t is not None), default=None)
        self.roles |= other.roles
        self.warehouses |= other.warehouses
        self.applications |= other.applications
        self.runs.extend(other.runs)
        if other.access[0] and (not self.access[0] or other.access < self.access):
            self.access = other.access


class Known:
    """The store's tables and columns: expands `*`, and names a log's `db.app.orders` as the graph's `app.orders`."""

    def __init__(self, columns: dict[str, list[tuple[str, str | None]]]) -> None:
        self.registry = SchemaRegistry(columns)
        self.names = set(columns)

    def canonical(self, table: str) -> str:
        if table in self.names or table == UNRESOLVED:
            return table
        shorter = [n for n in self.names if table.endswith("." + n)]
        longer = [n for n in self.names if n.endswith("." + table)]
        found = shorter if len(shorter) == 1 else longer
        return found[0] if len(found) == 1 else table


@dataclass
class Ingest:
    """One log being read: its groups and the reasons rows were skipped."""

    path: str
    fmt: str
    known: Known
    jobs: int = 1
    groups: dict[tuple[str, str], _Group] = field(default_factory=dict)
    skipped: Counter[str] = field(default_factory=Counter)
    rows: int = 0
    parser: Parser | None = None

    def merge(self, other: Ingest) -> None:
        """Add the groups and counts of another part of the same log (read elsewhere, by the Spark engine)."""
        self.rows += other.rows
        self.skipped.update(other.skipped)
        for key, group in other.groups.items():
            mine = self.groups.get(key)
            if mine is None:
                self.groups[key] = group
            else:
                mine.merge(group)

    def add(self, rows: Iterable[LogRow | BadRow], parse: bool = True) -> None:
        """Count `rows`; with `parse`, new fingerprints start parsing now (in worker processes with jobs > 1)."""
        groups, cache = self.groups, dict[str, str]()
        parser = self.parser = self.parser or Parser(DIALECTS[self.fmt], self.known, self.jobs if parse else 1)
        for row in rows:
            self.rows += 1
            if isinstance(row, BadRow):
                self.skipped[row.reason] += 1
                continue
            fp = cache.get(row.text)
            if fp is None:
                if len(cache) >= 100_000:  # bounded: a log of distinct texts must not hold them all twice
                    cache.clear()
                fp = cache[row.text] = fingerprint(row.text)
            group = groups.get((fp, row.user))
            if group is None:
                group = groups[(fp, row.user)] = _Group()
                if parse and not row.accessed:  # ACCESS_HISTORY's columns need no parse
                    parser.see(fp)
            group.add(row)

    def needed(self) -> list[str]:
        """The fingerprints to parse: those of groups without ACCESS_HISTORY's columns, sorted."""
        return sorted({fp for (fp, _), group in self.groups.items() if not group.access[0]})

    def finish(self, parsed: dict[str, Lineage] | None = None) -> ObservedLog:
        """The log's queries; `parsed`: every needed fingerprint's lineage, when parsed elsewhere (Spark)."""
        if parsed is None:
            parser = self.parser or Parser(DIALECTS[self.fmt], self.known, self.jobs)
            try:
                for fp in self.needed():
                    parser.see(fp)
                parsed = parser.results()
            finally:
                parser.close()
        queries: list[ObservedQuery] = []
        unparsed: set[str] = set()
        cap = LAYOUTS[self.fmt].cap
        for (fp, user), group in sorted(self.groups.items()):
            found = _access(group.access, self.known) if group.access[0] else parsed[fp]
            if cap and group.longest >= cap and not group.access[0]:
                # the warehouse kept only the text's start: what still parses of it is not the query's lineage
                self.skipped["query text cut by the warehouse"] += group.rows
            elif found.failed:
                unparsed.add(fp)
                self.skipped["could not be parsed"] += group.rows
            elif not found.reads and not found.edges:
                self.skipped["no column lineage (session commands, DELETE, ...)"] += group.rows
            else:
                queries.append(_query(fp, user, group, found))
        window = (iso(min((g.first for g in self.groups.values() if g.first), default=None)), iso(max((g.last for g in self.groups.values() if g.last), default=None)))
        return ObservedLog(self.path, DIALECTS[self.fmt], tuple(queries), self.rows, tuple(sorted(self.skipped.items())), len(unparsed), window)


def _query(fp: str, user: str, group: _Group, found: Lineage) -> ObservedQuery:
    return ObservedQuery(
        fp, user, group.count, iso(group.first), iso(group.last), tuple(sorted(group.roles)), tuple(sorted(group.warehouses)),
        tuple(sorted(group.applications)), tuple(sorted(found.reads)), tuple(sorted(found.edges, key=ObservedEdge.key)),
        tuple(sorted(group.runs)) if found.edges else (),
    )


class Parser:
    """Parses each fingerprint once, as it is first seen: with `jobs` > 1 in worker processes, in batches,
    while the rows are still being read (reading rows is one core's work; parsing the rest's)."""

    BATCH = 1_000

    def __init__(self, dialect: str, known: Known, jobs: int) -> None:
        self.dialect, self.known, self.jobs = dialect, known, jobs
        self.seen: set[str] = set()
        self.pending: list[str] = []
        self.running: list[tuple[list[str], Future[list[Lineage]]]] = []
        self.pool: ProcessPoolExecutor | None = None

    def see(self, fp: str) -> None:
        if fp in self.seen:
            return
        self.seen.add(fp)
        self.pending.append(fp)
        if self.jobs > 1 and len(self.pending) >= self.BATCH:
            self._submit()

    def _submit(self) -> None:
        if self.pool is None:
            self.pool = ProcessPoolExecutor(self.jobs)
        batch, self.pending = self.pending, []
        self.running.append((batch, self.pool.submit(_parse_batch, batch, self.dialect, self.known)))

    def results(self) -> dict[str, Lineage]:
        if self.pool is not None and self.pending:
            self._submit()
        done = {fp: found for batch, future in self.running for fp, found in zip(batch, future.result())}
        done.update((fp, parse_one(fp, self.dialect, self.known)) for fp in self.pending)  # no pool: parsed here
        return done

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)


def _parse_batch(fingerprints: list[str], dialect: str, known: Known) -> list[Lineage]:
    return [parse_one(fp, dialect, known) for fp in fingerprints]


def parse_one(sql: str, dialect: str, known: Known) -> Lineage:
    """What one fingerprint reads and writes, by the same extractor as files (a SELECT's output is `<query>`)."""
    from parsers.sql.extract import extract_sql

    if dialect == "snowflake":
        # Snowflake stores an unquoted name in upper case, so "ORDER_VALUE" is order_value (as tools such as
        # Tableau write it): https://docs.snowflake.com/en/sql-reference/identifiers-syntax
        sql = _UPPER_QUOTED.sub(lambda m: m.group(1).lower(), sql)
    facts = extract_sql(sql, _STEM, dialect, known.registry.overlay())
    if any(d.severity is Severity.ERROR and "expand '*'" not in d.message for d in facts.diagnostics):
        return Lineage(failed=True)
    reads: set[tuple[str, str]] = set()
    edges: set[ObservedEdge] = set()
    for e in facts.edges:
        source = known.canonical(e.source_table) if e.source_table else UNRESOLVED
        if e.target_table == _STEM or e.target_table.startswith(_STEM + "#"):
            reads.add((source, e.source_column))
        else:
            edges.add(ObservedEdge(source, e.source_column, known.canonical(e.target_table), e.target_column, e.flow, e.subtype))
    return Lineage(frozenset(reads), frozenset(edges))


def _access(access: tuple[str, str], known: Known) -> Lineage:
    """Snowflake ACCESS_HISTORY: BASE_OBJECTS_ACCESSED's columns are read; OBJECTS_MODIFIED's `directSources` feed each written column."""
    try:
        accessed, modified = (json.loads(text) if text.strip() else [] for text in access)
        edges = frozenset(_modified(modified, known))
        reads = frozenset() if edges else frozenset(_columns(accessed, known))
    except (ValueError, TypeError, AttributeError, KeyError):
        return Lineage(failed=True)
    return Lineage(reads, edges)


def _name(obj: dict[str, object], known: Known) -> str:
    return known.canonical(str(obj["objectName"]).lower())


def _columns(objects: list[dict[str, object]], known: Known) -> Iterator[tuple[str, str]]:
    for obj in objects:
        for column in obj.get("columns") or ():  # type: ignore[attr-defined]
            yield _name(obj, known), str(column["columnName"]).lower()


def _modified(objects: list[dict[str, object]], known: Known) -> Iterator[ObservedEdge]:
    for obj in objects:
        for column in obj.get("columns") or ():  # type: ignore[attr-defined]
            for source in column.get("directSources") or ():
                yield ObservedEdge(_name(source, known), str(source["columnName"]).lower(), _name(obj, known), str(column["columnName"]).lower(), Flow.DIRECT, Subtype.TRANSFORMATION)


def ingest_paths(paths: list[Path], fmt: str, known: Known, max_chars: int = MAX_QUERY_CHARS, jobs: int = 1) -> list[ObservedLog]:
    """One `ObservedLog` per file, each its own source."""
    from parsers.logs.files import read_log
    from parsers.sources.paths import display_path

    logs = []
    for path in paths:
        ingest = Ingest(display_path(path), fmt, known, jobs)
        try:
            ingest.add(read_log(path, fmt, max_chars))
        except BaseException:
            if ingest.parser is not None:
                ingest.parser.close()
            raise
        logs.append(ingest.finish())
    return logs
