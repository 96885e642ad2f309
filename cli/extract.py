"""`lineage extract`: the column edges of one SQL file, touching no store."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from cli import output
from cli.common import BudgetOpt, DialectOpt, MaxFileOpt, PathFormat, SchemaOpt, check_dialect, errors, load_schema, max_bytes, read_text
from lineage.errors import LineageError


def extract(
    ctx: typer.Context,
    file: Annotated[str, typer.Argument(help="A SQL file, or - for standard input.")] = "-",
    dialect: DialectOpt = None,
    schema: SchemaOpt = None,
    fmt: Annotated[PathFormat, typer.Option("--format", "-f", help="Output format.")] = PathFormat.JSON,
    max_file_mb: MaxFileOpt = 10.0,
    statement_budget: BudgetOpt = 30.0,
) -> None:
    """Print the column edges of one SQL file, touching no store.

    JSON: an array of {source_table, source_column, target_table, target_column, kind, subtype, file, statement, line}.

    Example: echo "select a from t" | lineage extract - --format json
    """
    from lineage.api import extract as extract_text

    with errors(ctx):
        check_dialect(ctx, dialect)
        registry = load_schema(schema, max_bytes(max_file_mb))
        if file == "-":
            text, shown = _read_stdin(max_bytes(max_file_mb)), "<stdin>"
        else:
            text, shown = read_text(Path(file), max_bytes(max_file_mb)), file
        facts = extract_text(text, shown, dialect=dialect, schema=registry, statement_seconds=statement_budget or None)
        for diagnostic in facts.diagnostics:
            output.error(str(diagnostic))
        if fmt is PathFormat.JSON:
            output.write(json.dumps([e.to_record() for e in facts.edges], indent=2))
        else:
            output.edges(facts.edges)
        if facts.failures:
            raise typer.Exit(1)


def _read_stdin(max_bytes: int | None) -> str:
    from lineage.model import Location
    from parsers.sources.reading import Unreadable, read_stream

    try:
        return read_stream(sys.stdin.buffer, Location("<stdin>"), max_bytes)
    except Unreadable as err:
        raise LineageError(err.diagnostic.message, err.diagnostic.at) from None
