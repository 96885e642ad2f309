"""The peers issue 7 compares us with: sqllineage 1.5.9 (sqlfluff) and openlineage-sql (Rust, sqlparser-rs).

Both are the `bench` extra (`pip install -e '.[bench]'`, which `make bench` does); they are imported
inside the functions, so this module loads without them and a worker of one approach never imports
the other's parser (each approach's peak memory is measured in its own process).
Each run returns the tools' own objects; edges are read from them after timing, as for sqlglot's trees.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import FrameType
from typing import Any

from bench.corpus import PEER_DIALECT, Corpus, Query
from bench.edges import EdgeKey, edge_key

# sqllineage names a table with no schema `<default>.t` and then never looks it up in the metadata
# (`SQLLineageHolder.of` skips `Schema.unknown`), so unqualified tables get this default schema.
DEFAULT_SCHEMA = "main"
Failure = tuple[str, str, str]  # query, "error" | "timeout", first line of the message


@dataclass(frozen=True, slots=True)
class PeerRun:
    """Per statement, what the peer returned (None where it failed), and the failures."""

    results: tuple[tuple[str, Any], ...]  # query name, the peer's own result
    failures: tuple[Failure, ...]


class _Timeout(BaseException):
    """A BaseException, so no `except Exception` inside the peer can swallow it."""


def _alarm(signum: int, frame: FrameType | None) -> None:
    raise _Timeout


@contextmanager
def _deadline(seconds: float) -> Iterator[None]:
    """Raise `_Timeout` in the main thread after `seconds` (SIGALRM: sqllineage is pure Python)."""
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _first_line(err: BaseException) -> str:
    text = str(err).strip()
    return f"{type(err).__name__}: {text.splitlines()[0] if text else ''}"[:200]


def _sqllineage_text(query: Query, corpus: Corpus) -> str:
    # sqllineage reports column lineage only into a target table: a bare SELECT gets none, so the
    # TPC queries are given one named after the file, as every other approach names their outputs.
    return f"INSERT INTO {query.name}\n{query.text}" if corpus.bare_selects else query.text


class SqlLineage:
    """sqllineage's `LineageRunner` per statement, with the schema as its metadata provider."""

    def __init__(self, corpus: Corpus, timeout_s: float) -> None:
        from sqllineage.core.metadata.dummy import DummyMetaDataProvider

        columns = corpus.table_columns()
        # DummyMetaDataProvider looks tables up as `schema.table`: qualify those that have no schema
        self.metadata = DummyMetaDataProvider({name if "." in name else f"{DEFAULT_SCHEMA}.{name}": cols for name, cols in columns.items()})
        self.timeout_s = timeout_s

    def __call__(self, corpus: Corpus) -> PeerRun:
        from sqllineage.config import SQLLineageConfig
        from sqllineage.runner import LineageRunner

        results: list[tuple[str, Any]] = []
        failures: list[Failure] = []
        with SQLLineageConfig(DEFAULT_SCHEMA=DEFAULT_SCHEMA):
            for query in corpus.queries:
                runner = LineageRunner(_sqllineage_text(query, corpus), dialect=PEER_DIALECT, metadata_provider=self.metadata, silent_mode=True)
                try:
                    with _deadline(self.timeout_s):
                        results.append((query.name, runner.get_column_lineage()))
                except _Timeout:
                    failures.append((query.name, "timeout", f"over {self.timeout_s:g} s"))
                # A peer's failure on one statement is a figure to count, whatever it raises.
                except Exception as err:
                    failures.append((query.name, "error", _first_line(err)))
        return PeerRun(tuple(results), tuple(failures))


def sqllineage_edges(run: PeerRun) -> set[EdgeKey]:
    """First and last column of every path: a source table's column and the target's column."""
    from sqllineage.core.models import Table

    edges: set[EdgeKey] = set()
    for name, paths in run.results:
        for path in paths:
            source, target = path[0], path[-1]
            table = source.parent.raw_name if isinstance(source.parent, Table) else None
            edges.add(edge_key(table, source.raw_name, name, target.raw_name))
    return edges


def run_openlineage(corpus: Corpus) -> PeerRun:
    """`openlineage_sql.parse` per statement; it takes a dialect and no schema."""
    import openlineage_sql  # type: ignore[import-untyped]  # a Rust extension with no stubs

    results: list[tuple[str, Any]] = []
    failures: list[Failure] = []
    for query in corpus.queries:
        try:
            meta = openlineage_sql.parse([query.text], dialect=PEER_DIALECT)
        # pyo3 raises a Rust panic as `PanicException`, a BaseException: count it like any error.
        except BaseException as err:
            if isinstance(err, KeyboardInterrupt | SystemExit):
                raise
            failures.append((query.name, "error", _first_line(err)))
            continue
        failures.extend((query.name, "error", f"ExtractionError: {e.message}"[:200]) for e in meta.errors)
        results.append((query.name, meta))
    return PeerRun(tuple(results), tuple(failures))


def openlineage_edges(run: PeerRun) -> set[EdgeKey]:
    """Every (origin table, column) a descendant column is derived from; no origin means no table known."""
    edges: set[EdgeKey] = set()
    for name, meta in run.results:
        for lineage in meta.column_lineage:
            for column in lineage.lineage:
                table = None if column.origin is None else column.origin.name
                edges.add(edge_key(table, column.name, name, lineage.descendant.name))
    return edges
