"""The approaches being timed, each a function of one corpus, and the best-of-N timer."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TypeVar

import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError
from sqlglot.lineage import Node, lineage
from sqlglot.optimizer.qualify import qualify

from bench.corpus import Corpus
from lineage.model import FileFacts
from parsers.sql import extract_sql, on_deep_stack

T = TypeVar("T")


def best_of(run: Callable[[], T], repeat: int) -> tuple[float, T]:
    """Seconds of the fastest of `repeat` runs, and the last run's result.

    The minimum is the run least disturbed by the rest of the machine; means and medians fold
    that noise into the figure (the `timeit` documentation gives the same advice).
    """
    start = time.perf_counter()
    result = run()
    best = time.perf_counter() - start
    for _ in range(repeat - 1):
        start = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - start)
    return best, result


def warm_up(corpus: Corpus, *runs: Callable[[Corpus], object]) -> None:
    """Run each approach once on the first query, untimed, so lazy imports land in no timing."""
    first = replace(corpus, queries=corpus.queries[:1])
    for run in runs:
        run(first)


def parse_floor(corpus: Corpus) -> int:
    """Parse only: no lineage tool can be faster than the parse it starts from."""
    for query in corpus.queries:
        sqlglot.parse_one(query.text)
    return corpus.statements


def run_ours(corpus: Corpus) -> list[FileFacts]:
    """One registry shared by every file of the run, as a scan shares it; copied so runs are alike."""
    registry = corpus.registry.copy()
    # as `lineage scan` runs it: every file on one deep-stack thread, not a thread per call
    return on_deep_stack(lambda: [extract_sql(query.text, query.path, None, registry) for query in corpus.queries])


def output_columns(corpus: Corpus) -> dict[str, tuple[str, ...]]:
    """Each query's output names as `lineage()` knows them (unaliased expressions become `_col_N`).

    Done before timing, so the naive figure does not pay for finding which columns to ask about.
    """
    return {query.name: _output_names(query.text, corpus.schema) for query in corpus.queries}


def _output_names(sql: str, schema: dict[str, object]) -> tuple[str, ...]:
    # The same qualify options `lineage()` itself uses, so the names match what it looks up.
    qualified = qualify(sqlglot.parse_one(sql), schema=schema, validate_qualify_columns=False, identify=False)
    return tuple(qualified.named_selects) if isinstance(qualified, exp.Query) else ()


@dataclass(frozen=True, slots=True)
class Trees:
    """Lineage trees per (query, output column), and the calls that raised instead."""

    roots: tuple[tuple[str, str, Node], ...]
    failures: tuple[tuple[str, str, str], ...]  # query, column, error


def run_naive(corpus: Corpus, columns: dict[str, tuple[str, ...]]) -> Trees:
    """One `lineage(column, sql)` call per output column, each re-parsing and re-qualifying the SQL."""
    roots: list[tuple[str, str, Node]] = []
    failures: list[tuple[str, str, str]] = []
    for query in corpus.queries:
        for column in columns[query.name]:
            try:
                roots.append((query.name, column, lineage(column, query.text, schema=corpus.schema)))
            except SqlglotError as err:
                failures.append((query.name, column, str(err).splitlines()[0]))
    return Trees(tuple(roots), tuple(failures))


def run_naive_all_columns(corpus: Corpus) -> Trees:
    """`lineage(None, sql)`: all output columns in one call per query, sharing one parse and qualify."""
    roots: list[tuple[str, str, Node]] = []
    failures: list[tuple[str, str, str]] = []
    for query in corpus.queries:
        try:
            nodes = lineage(None, query.text, schema=corpus.schema)
        except SqlglotError as err:
            failures.append((query.name, "*", str(err).splitlines()[0]))
            continue
        roots.extend((query.name, column, node) for column, node in nodes.items())
    return Trees(tuple(roots), tuple(failures))
