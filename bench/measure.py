"""The sqlglot approaches being timed (parse floor, ours, sqlglot's lineage), each a function of one corpus."""

from __future__ import annotations

from dataclasses import dataclass

import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError
from sqlglot.lineage import Node, lineage
from sqlglot.optimizer.qualify import qualify
from sqlglot.schema import Schema

from bench.corpus import Corpus
from lineage.model import FileFacts
from parsers.sql.extract import extract_sql, on_deep_stack


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


def output_columns(corpus: Corpus, schema: Schema) -> dict[str, tuple[str, ...]]:
    """Each query's output names as `lineage()` knows them (unaliased expressions become `_col_N`).

    Done before timing, so the naive figure does not pay for finding which columns to ask about.
    """
    return {query.name: _output_names(query.text, schema) for query in corpus.queries}


def _output_names(sql: str, schema: Schema) -> tuple[str, ...]:
    # The same qualify options `lineage()` itself uses, so the names match what it looks up.
    qualified = qualify(sqlglot.parse_one(sql), schema=schema, validate_qualify_columns=False, identify=False)
    query = qualified.expression if isinstance(qualified, exp.Create) else qualified  # CREATE ... AS SELECT
    return tuple(query.named_selects) if isinstance(query, exp.Query) else ()


@dataclass(frozen=True, slots=True)
class Trees:
    """Lineage trees per (query, output column), and the calls that raised instead."""

    roots: tuple[tuple[str, str, Node], ...]
    failures: tuple[tuple[str, str, str], ...]  # query, column, error


def run_naive(corpus: Corpus, columns: dict[str, tuple[str, ...]], schema: Schema) -> Trees:
    """One `lineage(column, sql)` call per output column, each re-parsing and re-qualifying the SQL.

    `schema` is built once per corpus (`ensure_schema`): given the dict, every call normalises all of
    it again, which at the warehouse's 1,000 tables costs more than the lineage itself.
    """
    roots: list[tuple[str, str, Node]] = []
    failures: list[tuple[str, str, str]] = []
    for query in corpus.queries:
        for column in columns[query.name]:
            try:
                roots.append((query.name, column, lineage(column, query.text, schema=schema)))
            except SqlglotError as err:
                failures.append((query.name, column, str(err).splitlines()[0]))
    return Trees(tuple(roots), tuple(failures))


def run_naive_all_columns(corpus: Corpus, schema: Schema) -> Trees:
    """`lineage(None, sql)`: all output columns in one call per query, sharing one parse and qualify."""
    roots: list[tuple[str, str, Node]] = []
    failures: list[tuple[str, str, str]] = []
    for query in corpus.queries:
        try:
            nodes = lineage(None, query.text, schema=schema)
        except SqlglotError as err:
            failures.append((query.name, "*", str(err).splitlines()[0]))
            continue
        roots.extend((query.name, column, node) for column, node in nodes.items())
    return Trees(tuple(roots), tuple(failures))
