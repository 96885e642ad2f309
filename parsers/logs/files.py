"""Log files in, `LogRow`s (or the reason a row is unusable) out: CSV, JSON lines, Parquet.

A bad row never stops the file: it is counted under its reason. Text is read as UTF-8 with
undecodable bytes kept as escapes, so that one bad row is one count, not a failed file.
"""

from __future__ import annotations

import csv
import gzip
import itertools
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from lineage.errors import ConfigError
from lineage.model import Location
from parsers.logs.layouts import CSVLOG_COLUMNS, LAYOUTS, BadRow, Columns, LogRow, csvlog_statement, parse_time

Read = LogRow | BadRow


@contextmanager
def _open(path: Path) -> Iterator[IO[str]]:
    try:
        raw: IO[str] = gzip.open(path, "rt", encoding="utf-8", errors="surrogateescape", newline="") if path.suffix == ".gz" else open(path, encoding="utf-8", errors="surrogateescape", newline="")
    except OSError as err:
        raise ConfigError(f"cannot read log: {err.strerror or err}", Location(str(path))) from None
    with raw:
        yield raw


def read_log(path: Path, fmt: str, max_chars: int) -> Iterator[Read]:
    """Every row of one log file, in order."""
    name = path.name.lower().removesuffix(".gz")
    if name.endswith(".parquet"):
        rows = _parquet(path, fmt)
    elif name.endswith((".jsonl", ".ndjson", ".json")):
        rows = _json_lines(path, fmt)
    else:
        rows = _csv(path, fmt)
    for row in rows:
        yield checked(row, max_chars) if isinstance(row, LogRow) else row


def checked(row: LogRow, max_chars: int) -> Read:
    if len(row.text) > max_chars:
        return BadRow(f"query text over {max_chars:,} characters")
    if not (row.text.isascii() and row.user.isascii()):
        try:
            row.text.encode("utf-8")
            row.user.encode("utf-8")
        except UnicodeEncodeError:
            return BadRow("not UTF-8")
    return row


@contextmanager
def _field_limit(limit: int) -> Iterator[None]:
    # the csv module's limit is process-wide: raised for this read only, so an oversized query is
    # counted by its length (under its own reason), not by the csv module's error
    before = csv.field_size_limit(limit)
    try:
        yield
    finally:
        csv.field_size_limit(before)


def _csv(path: Path, fmt: str) -> Iterator[Read]:
    with _open(path) as handle, _field_limit(min(sys.maxsize, 2**31 - 1)):
        reader = csv.reader(handle)
        header = next(reader, None)
        if header is None:
            return
        columns = Columns(LAYOUTS[fmt], header)
        if fmt == "postgres" and columns.text < 0 and len(header) >= 22:
            yield from _csvlog(header, reader)
            return
        _require(columns, path)
        for values in reader:
            yield _row(columns, list(values))


def _csvlog(first: list[str], reader: Iterator[list[str]]) -> Iterator[Read]:
    """PostgreSQL's csvlog: no header; only `statement:`/`execute` messages are queries (others are not counted)."""
    message, user, when, app = (CSVLOG_COLUMNS.index(c) for c in ("message", "user_name", "log_time", "application_name"))
    for values in itertools.chain([first], reader):
        if len(values) <= app:
            yield BadRow("truncated row")
            continue
        statement = csvlog_statement(values[message])
        if statement is None:
            continue
        try:
            yield LogRow(statement, values[user], parse_time(values[when]), application=values[app])
        except BadRow as bad:
            yield bad


def _row(columns: Columns, values: list[str | None]) -> Read:
    try:
        return columns.row(values)
    except BadRow as bad:
        return bad


def _require(columns: Columns, path: Path) -> None:
    missing = columns.missing()
    if missing:
        raise ConfigError(f"not a {_name(columns)} log: no column for {' or '.join(missing)}", Location(str(path)), hint="check --format")


def _name(columns: Columns) -> str:
    return next(k for k, v in LAYOUTS.items() if v is columns.layout)


def _json_lines(path: Path, fmt: str) -> Iterator[Read]:
    columns: Columns | None = None
    with _open(path) as handle:
        for line in handle:
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except ValueError:
                yield BadRow("truncated or malformed JSON")
                continue
            if not isinstance(record, dict):
                yield BadRow("truncated or malformed JSON")
                continue
            if columns is None:
                columns = Columns(LAYOUTS[fmt], list(record))
                _require(columns, path)
                names = list(record)
            yield _row(columns, [_text(record.get(n)) for n in names])


def _text(value: object) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value) if isinstance(value, (dict, list)) else str(value)


def _parquet(path: Path, fmt: str) -> Iterator[Read]:
    try:
        import pyarrow.parquet as pq  # type: ignore[import-untyped]
    except ImportError:
        raise ConfigError("reading Parquet needs pyarrow", Location(str(path)), hint="pip install 'lineage[parquet]'") from None
    table = pq.ParquetFile(path)
    names = table.schema_arrow.names
    columns = Columns(LAYOUTS[fmt], names)
    _require(columns, path)
    for batch in table.iter_batches(batch_size=65_536):
        data = [batch.column(i).to_pylist() for i in range(len(names))]
        for values in zip(*data):
            yield _row(columns, [_text(v) for v in values])
