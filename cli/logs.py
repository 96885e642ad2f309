"""`lineage logs`: warehouse query logs into the store as observed facts (who ran what, how often, when)."""

from __future__ import annotations

import os
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from cli.common import StoreOpt, errors, store_spec

if TYPE_CHECKING:
    from lineage.catalog import OwnerRule
    from lineage.observed import ObservedLog
    from parsers.logs.ingest import Known


class Engine(StrEnum):
    LOCAL = "local"
    SPARK = "spark"


class LogFormat(StrEnum):
    SNOWFLAKE = "snowflake"
    BIGQUERY = "bigquery"
    POSTGRES = "postgres"
    REDSHIFT = "redshift"


def logs(
    ctx: typer.Context,
    paths: Annotated[Optional[list[Path]], typer.Argument(help="Exported log files: CSV (optionally .gz), JSON lines (.jsonl, .json) or Parquet.", show_default=False)] = None,
    fmt: Annotated[LogFormat, typer.Option("--format", "-f", help="Whose log layout the files have (the warehouse's documented columns).")] = LogFormat.SNOWFLAKE,
    from_postgres: Annotated[Optional[str], typer.Option("--from-postgres", help="Read pg_stat_statements from a live server: a libpq DSN (default: $LINEAGE_PGDSN); the password is never printed.", show_default=False)] = None,
    catalog: Annotated[Optional[Path], typer.Option("--catalog", help="Catalog whose observed_owners rules name each reader's owner.", show_default=False)] = None,
    max_query_mb: Annotated[float, typer.Option("--max-query-mb", min=0.001, help="A longer query text is skipped and counted, not parsed.")] = 1.0,
    jobs: Annotated[Optional[int], typer.Option("--jobs", "-j", min=1, help="Processes parsing distinct queries (default: the CPU count). The result is the same for any value.", show_default=False)] = None,
    engine: Annotated[Engine, typer.Option("--engine", help="local: this process and --jobs workers; spark: a PySpark job (the spark extra, Java 17) reading any path Spark reads. The facts are the same.")] = Engine.LOCAL,
    master: Annotated[str, typer.Option("--master", help="With --engine spark: the Spark master (local[2], spark://host:7077, yarn).")] = "local[2]",
    store: StoreOpt = None,
) -> None:
    """Read warehouse query logs: each distinct query (by fingerprint) and user becomes an observed
    reader or observed edges, with its executions, first and last run, roles, warehouses and applications.

    Re-reading a file replaces what it said before. Unusable rows are counted per reason, never fatal.

    \b
    Examples:
      lineage logs sample_sql/query_logs/snowflake_query_history.csv --format snowflake --catalog sample_sql/lineage.yml
      lineage logs jobs.jsonl --format bigquery
      lineage logs s3a://logs/query_history/ --format snowflake --engine spark --master spark://spark:7077
      LINEAGE_PGDSN=postgresql://me@localhost/db lineage logs --from-postgres ""
    """
    from cli import output
    from graphs.stores.open import open_store
    from lineage.errors import ConfigError
    from lineage.observed import known_columns, log_graph
    from parsers.logs.ingest import Known, ingest_paths

    with errors(ctx):
        if not paths and from_postgres is None:
            raise ConfigError("name log files, or --from-postgres DSN", hint="see lineage logs --help")
        rules = _catalog_rules(catalog)
        with open_store(store_spec(store), notify=output.error) as opened:
            known = Known(known_columns(opened))
            if engine is Engine.SPARK:
                from parsers.logs.spark import ingest_spark

                found = ingest_spark([str(p) for p in paths or ()], str(fmt), known, master, int(max_query_mb * 1_000_000))
            else:
                found = ingest_paths(list(paths or ()), str(fmt), known, int(max_query_mb * 1_000_000), jobs or os.cpu_count() or 1)
            if from_postgres is not None:
                found.append(_live_postgres(from_postgres or os.environ.get("LINEAGE_PGDSN", ""), known))
            with opened.transaction():
                for log in found:
                    opened.replace_file(log_graph(log, rules))
        for log in found:
            output.error(summary(log))


def _catalog_rules(catalog: Path | None) -> tuple[OwnerRule, ...]:
    if catalog is None:
        return ()
    from parsers.catalog import load_catalog

    return load_catalog(catalog).observed_owners


def _live_postgres(dsn: str, known: Known) -> ObservedLog:
    from lineage.errors import ConfigError
    from parsers.logs.postgres import read_pg_stat_statements

    if not dsn:
        raise ConfigError("--from-postgres needs a DSN, or LINEAGE_PGDSN set")
    return read_pg_stat_statements(dsn, known)


def summary(log: ObservedLog) -> str:
    """`x.csv: 1,204 rows, 7 distinct queries (5 readers, 2 writing); skipped 3 rows: 2 did not succeed, 1 not UTF-8.`"""
    from graphs.render.markdown import plural

    readers = sum(1 for q in log.queries if q.reader)
    queries = f"{len(log.queries):,} distinct {'query' if len(log.queries) == 1 else 'queries'}"
    line = f"{log.path}: {plural(log.rows, 'row')}, {queries} ({plural(readers, 'reader')}, {len(log.queries) - readers:,} writing)"
    skipped = sum(n for _, n in log.skipped)
    if skipped:
        line += f"; skipped {plural(skipped, 'row')}: " + ", ".join(f"{n:,} {reason}" for reason, n in log.skipped)
    return line + "."
