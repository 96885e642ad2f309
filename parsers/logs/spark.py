"""`lineage logs --engine spark`: the same reading, counting and parsing as the local engine, as a PySpark job.

Spark reads the files (CSV with a header, JSON lines, Parquet: any path Spark reads, such as s3a://),
each partition's rows go through the local engine's own row, fingerprint and grouping code, the
partitions' tallies are merged (in an order-free way: sums, min, max, unions), and the distinct
fingerprints are parsed across the executors by the same extractor. So the facts, and the store
written from them, are the local engine's: tests/cli/test_spark_logs.py compares the stores byte for byte.
PySpark is the optional `spark` extra and needs Java 17.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from typing import Any

from lineage.errors import ConfigError
from lineage.observed import ObservedLog
from parsers.logs.files import checked
from parsers.logs.ingest import Ingest, Known, Lineage, parse_one
from parsers.logs.layouts import DIALECTS, LAYOUTS, BadRow, Columns, LogRow


def ingest_spark(paths: list[str], fmt: str, known: Known, master: str, max_chars: int) -> list[ObservedLog]:
    """One `ObservedLog` per path, each read, counted and parsed by Spark at `master` (`local[2]`, `spark://...`)."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise ConfigError("--engine spark needs PySpark", hint="pip install 'lineage[spark]' (and Java 17)") from None
    builder = SparkSession.builder.master(master).appName("lineage logs").config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
    if master.startswith("local"):
        # the workers are this machine's: this Python, with our packages (a cluster brings its own). PySpark's
        # context reads only the environment for it (pyspark/core/context.py), and passes it to the JVM it starts
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    try:
        return [_one(spark, path, fmt, known, max_chars) for path in paths]
    finally:
        spark.stop()


def _one(spark: Any, path: str, fmt: str, known: Known, max_chars: int) -> ObservedLog:
    frame = _read(spark, path)
    names = list(frame.columns)
    columns = Columns(LAYOUTS[fmt], names)
    missing = columns.missing()
    if missing:
        raise ConfigError(f"{path}: not a {fmt} log: no column for {' or '.join(missing)}", hint="check --format")

    def tally(rows: Iterable[Any]) -> Iterator[Ingest]:
        part = Ingest(path, fmt, known)
        part.add((_row(columns, [_text(v) for v in row], max_chars) for row in rows), parse=False)
        part.parser = None
        yield part

    whole = Ingest(path, fmt, known)
    for part in frame.rdd.mapPartitions(tally).collect():
        whole.merge(part)
    needed = whole.needed()
    dialect = DIALECTS[fmt]
    slices = max(1, min(len(needed), spark.sparkContext.defaultParallelism * 4))
    parsed: dict[str, Lineage] = dict(spark.sparkContext.parallelize(needed, slices).map(lambda fp: (fp, parse_one(fp, dialect, known))).collect())
    return whole.finish(parsed)


def _read(spark: Any, path: str) -> Any:
    name = path.lower().removesuffix(".gz")
    reader = spark.read
    if name.endswith(".parquet"):
        return reader.parquet(path)
    if name.endswith((".jsonl", ".ndjson", ".json")):
        # every value as text, as the local engine reads it; a line that is not JSON is a row of nulls there too
        return reader.option("primitivesAsString", "true").json(path)
    return reader.option("header", "true").option("multiLine", "true").option("escape", '"').option("mode", "PERMISSIVE").csv(path)


def _row(columns: Columns, values: list[str | None], max_chars: int) -> LogRow | BadRow:
    try:
        row = columns.row(values)
    except BadRow as bad:
        return bad
    return checked(row, max_chars)


def _text(value: object) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return str(value)
