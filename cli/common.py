"""What every command shares: the `--store` and `--dialect` options (an unknown dialect checked), the settings the callback builds,
turning a `LineageError` into one line and an exit code, and reading an input file through the bounded reader.

Command modules import this; it imports none of them (and nothing outside `cli/` imports `cli/`)."""

from __future__ import annotations

import os
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from enum import StrEnum
from typing import Annotated, Optional

import typer

from cli import output
from lineage.errors import ConfigError, LineageError

STORE_HELP = "Store: a directory for the embedded store, or a neo4j:// / bolt:// URI. [env: LINEAGE_STORE; default: .lineage]"
StoreOpt = Annotated[Optional[str], typer.Option("--store", help=STORE_HELP, show_default=False)]
SchemaOpt = Annotated[Optional[Path], typer.Option("--schema", help="Schema file, JSON or YAML: {table: {column: type}} or {table: [column, ...]}.")]
BudgetOpt = Annotated[float, typer.Option("--statement-budget", min=0, help="Seconds one statement may take to extract; a slower one is skipped with an error line, the rest still extracted; 0: no limit.")]
MaxFileOpt = Annotated[float, typer.Option("--max-file-mb", min=0, help="A bigger file (a data dump?) is reported, not parsed; 0: no limit.")]
DialectOpt = Annotated[Optional[str], typer.Option("--dialect", "-d", help="SQL dialect (postgres, snowflake, bigquery, redshift, spark, databricks, duckdb, mysql, tsql, ...). Default: sqlglot's generic dialect.")]


@dataclass(frozen=True, slots=True)
class Settings:
    debug: bool = False


@contextmanager
def errors(ctx: typer.Context) -> Iterator[None]:
    """Only LineageError is the user's doing: one line on stderr and an exit code, no traceback."""
    try:
        yield
    except LineageError as err:
        if isinstance(ctx.obj, Settings) and ctx.obj.debug:
            traceback.print_exc()
        output.error(str(err))
        raise typer.Exit(err.exit_code) from None


def store_spec(store: str | None) -> str:
    return store or os.environ.get("LINEAGE_STORE") or ".lineage"


def read_text(path: Path, max_bytes: int | None) -> str:
    """An input file's text, through the one bounded reader; else one error line."""
    from parsers.sources.reading import read_text

    text = read_text(path, max_bytes, str(path))
    if isinstance(text, str):
        return text
    raise (LineageError if os.path.lexists(path) else ConfigError)(text.message, text.at)


class PathFormat(StrEnum):
    """`--format table|json`: hops (upstream, downstream, extract) and stats."""

    TABLE = "table"
    JSON = "json"


def max_bytes(max_file_mb: float) -> int | None:
    from parsers.sources.reading import megabytes

    return megabytes(max_file_mb)


def load_schema(schema: Path | None, max_bytes: int | None):  # type: ignore[no-untyped-def]
    if schema is None:
        return None
    from parsers.sql.schema import load_schema_file

    return load_schema_file(schema, max_bytes)


def check_dialect(ctx: typer.Context, name: str | None) -> None:
    """An unknown `--dialect` fails before any work, its hint pointing at this command's help."""
    if name is None or "," in name:  # `mysql, normalization_strategy=...`: sqlglot judges settings
        return
    from parsers.sql.dialects import unknown

    problem = unknown(name.strip().lower())
    if problem is not None:
        raise ConfigError(problem[0], hint=f"{problem[1]} (`{ctx.command_path} --help` lists the common ones)")
