"""The `lineage` command line: parse options, make one call into the layers below, render, exit."""

from __future__ import annotations

import gc
import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from cli import output
from cli.common import DialectOpt, Settings, StoreOpt, errors, read_text, store_spec
from cli.diagram import diagram, diagram_format, write_diagram
from cli.diff import comment, diff
from lineage.errors import ConfigError, LineageError

if TYPE_CHECKING:  # commands load the layers below when they run; `--help` needs none of them
    import logging

    from lineage.impact import Change

app = typer.Typer(
    name="lineage",
    help="Column-level lineage for warehouse SQL: what breaks, and whom to tell, before you change a column.",
    no_args_is_help=True,
    # Plain help and usage errors: typer's rich formatting loads rich, markdown-it and pygments, about
    # half of `lineage --help`'s time (issue 7). So docstrings are plain text; `\b` keeps a paragraph's lines.
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    add_completion=False,
)

SchemaOpt = Annotated[Optional[Path], typer.Option("--schema", help="Schema file, JSON or YAML: {table: {column: type}} or {table: [column, ...]}.")]
DepthOpt = Annotated[Optional[int], typer.Option("--max-depth", min=1, help="Follow at most this many hops.")]
DEFAULT_LIMIT = 10_000
BudgetOpt = Annotated[float, typer.Option("--statement-budget", min=0, help="Seconds one statement may take to extract; a slower one is skipped with an error line, the rest still extracted; 0: no limit.")]
MaxFileOpt = Annotated[float, typer.Option("--max-file-mb", min=0, help="A bigger file (a data dump?) is reported, not parsed; 0: no limit.")]
LimitOpt = Annotated[int, typer.Option("--limit", min=0, help="List at most this many entries of each kind, nearest first, and say what was cut; 0 lists everything.")]


class Format(StrEnum):
    TABLE = "table"
    JSON = "json"
    MARKDOWN = "markdown"


class ImpactFailOn(StrEnum):
    """`impact --fail-on`: what exits 3 (for CI)."""

    IMPACTED = "impacted"
    INCOMPLETE = "incomplete"


class PathFormat(StrEnum):
    TABLE = "table"
    JSON = "json"


@app.callback()
def _main(ctx: typer.Context, debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks for errors.")] = False) -> None:
    ctx.obj = Settings(debug=debug)
    # sqlglot logs what it does not support (and quotes the SQL as it parsed it, not as written, with
    # no file:line); with no handler Python prints that to stderr. parsers/sql/extract.py turns the lines that
    # cost lineage into diagnostics while it parses: nothing sqlglot logs is for the user as it is.
    _silence("sqlglot").propagate = False
    if not debug:
        # The Neo4j driver logs a dropped connection at ERROR, and with no handler Python prints that
        # to stderr beside our own one line about it (or after a retry that worked).
        _silence("neo4j")


def _silence(name: str) -> logging.Logger:
    """The library's logger, given a handler that drops what it logs (once, however often called)."""
    import logging

    log = logging.getLogger(name)
    if not any(isinstance(h, logging.NullHandler) for h in log.handlers):
        log.addHandler(logging.NullHandler())
    return log


def _cache_file(store: str) -> Path:
    """Beside the embedded store; for a server store, in .lineage/ of the working directory."""
    from graphs.stores.open import NEO4J_SCHEMES

    return (Path(".lineage") if store.startswith(NEO4J_SCHEMES) else Path(store)) / "scan-cache.json"


@contextmanager
def _interruptible() -> Iterator[None]:
    """Ctrl-C during a scan: the store's transaction rolls back; say so in one line, exit 130."""
    try:
        yield
    except KeyboardInterrupt:
        output.error("interrupted: nothing was written to the store")
        raise typer.Exit(130) from None


@app.command()
def scan(
    ctx: typer.Context,
    paths: Annotated[list[Path], typer.Argument(help="SQL files or directories to scan.", show_default=False)],
    dialect: DialectOpt = None,
    schema: SchemaOpt = None,
    catalog: Annotated[Optional[Path], typer.Option("--catalog", help="Catalog file (default: lineage.yml at the root of a scanned path).")] = None,
    jobs: Annotated[Optional[int], typer.Option("--jobs", "-j", min=1, help="Processes parsing SQL files (default: the CPU count). The result is the same for any value.", show_default=False)] = None,
    cache: Annotated[bool, typer.Option("--cache/--no-cache", help="Reuse the facts of files unchanged since the last scan (and whose tables are unchanged); kept in .lineage/scan-cache.json.")] = True,
    max_file_mb: MaxFileOpt = 10.0,
    statement_budget: BudgetOpt = 30.0,
    rebuild: Annotated[bool, typer.Option("--rebuild", help="Write the store anew from this scan alone, reading neither the store nor the scan cache (for a damaged store).")] = False,
    store: StoreOpt = None,
) -> None:
    """Scan SQL into the lineage store.

    Re-scanning replaces what each file said before; files gone from a scanned path leave the graph.

    Example: lineage scan sample_sql/ --dialect postgres
    """
    from graphs.stores.open import open_store
    from lineage.api import scan_into

    with errors(ctx), _interruptible():
        registry = _load_schema(schema, _max_bytes(max_file_mb))
        with output.progress("Scanning") as step, open_store(store_spec(store), fresh=rebuild) as opened:
            summary = scan_into(opened, paths, dialect=dialect, schema=registry, catalog=catalog, progress=step, jobs=jobs or os.cpu_count() or 1, cache=_cache_file(store_spec(store)) if cache else None, max_file_mb=max_file_mb or None, statement_seconds=statement_budget or None, rebuild=rebuild)
        for diagnostic in summary.diagnostics:
            output.error(str(diagnostic))
        output.summary(summary)
        if summary.failures:
            raise typer.Exit(1)


@app.command()
def impact(
    ctx: typer.Context,
    targets: Annotated[list[str], typer.Argument(help="Columns (table.column), tables or globs (app.orders.*).", show_default=False)],
    rename: Annotated[Optional[str], typer.Option("--rename", help="The change is a rename to this name.")] = None,
    drop: Annotated[bool, typer.Option("--drop", help="The change drops it.")] = False,
    retype: Annotated[Optional[str], typer.Option("--retype", help="The change gives it this type.")] = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.TABLE,
    max_depth: DepthOpt = None,
    limit: LimitOpt = DEFAULT_LIMIT,
    fail_if_impacted: Annotated[bool, typer.Option("--fail-if-impacted", help="Exit 3 when anything is impacted (for CI); the same as --fail-on impacted.")] = False,
    fail_on: Annotated[Optional[list[ImpactFailOn]], typer.Option("--fail-on", help="Exit 3 when anything is impacted, or when the answer may be incomplete; repeat to combine (for CI).", show_default=False)] = None,
    diagram_file: Annotated[Optional[Path], typer.Option("--diagram", help="Also draw the impact to this file: .svg, .png, .pdf (Graphviz), .dot or .mmd (Mermaid).", show_default=False)] = None,
    store: StoreOpt = None,
) -> None:
    """Show what breaks, and whom to tell, if TARGET changes.

    \b
    Examples:
      lineage impact orders.order_value --rename order_total_usd
      lineage impact app.orders --drop --format json
    """
    from graphs.stores.open import open_store
    from lineage.api import impact_of

    with errors(ctx):
        change = _change(rename, drop, retype)
        if diagram_file is not None:
            diagram_format(diagram_file)  # a bad extension fails before any work
        with open_store(store_spec(store), create=False) as opened:
            report = impact_of(opened, targets, change, max_depth)
            if diagram_file is not None:
                write_diagram(report, diagram_file, store=opened)  # the whole impact: the diagram collapses what is far
        shown = report.limited(limit or None)
        output.impact(shown, fmt)
        failing = set(fail_on or ()) | ({ImpactFailOn.IMPACTED} if fail_if_impacted else set())
        # the graph's gaps, not --limit's cuts: how much is listed is the reader's choice, not a hole
        if (ImpactFailOn.IMPACTED in failing and report.impacted) or (ImpactFailOn.INCOMPLETE in failing and not report.completeness.complete):
            raise typer.Exit(3)


def _change(rename: str | None, drop: bool, retype: str | None) -> Change:
    from lineage.impact import Change, ChangeKind

    given = [k for k, v in (("--rename", rename), ("--drop", drop), ("--retype", retype)) if v]
    if len(given) > 1:
        raise ConfigError(f"give at most one of --rename, --drop, --retype (got {' and '.join(given)})")
    if rename:
        return Change(ChangeKind.RENAME, new_name=rename)
    if retype:
        return Change(ChangeKind.RETYPE, new_type=retype)
    return Change(ChangeKind.DROP) if drop else Change()


def _paths_command(direction: str) -> Callable[..., None]:
    def command(
        ctx: typer.Context,
        target: Annotated[str, typer.Argument(help="A column (table.column), a table or a glob.", show_default=False)],
        fmt: Annotated[PathFormat, typer.Option("--format", "-f", help="Output format.")] = PathFormat.TABLE,
        max_depth: DepthOpt = None,
        limit: LimitOpt = DEFAULT_LIMIT,
        store: StoreOpt = None,
    ) -> None:
        from graphs.stores.open import open_store
        from lineage.api import paths_completeness, paths_of

        with errors(ctx):
            with open_store(store_spec(store), create=False) as opened:
                found = paths_of(opened, target, direction, max_depth)
                completeness = paths_completeness(opened, target, found, direction, max_depth)
            output.paths(found[: limit or None], fmt)
            if limit and len(found) > limit:
                from lineage.impact import Truncation

                output.error(f"{Truncation('hops', limit, len(found))}; raise --limit")  # stderr: the JSON stays a list
            # on stdout beside a table; with JSON on stderr (only when something may be missing), like
            # the cut above, so the JSON stays a list
            if fmt is PathFormat.TABLE:
                output.write(completeness.line())
            elif not completeness.complete:
                output.error(completeness.line())

    command.__doc__ = f"Show the {direction} lineage of TARGET, hop by hop.\n\nExample: lineage {direction} mart.daily_revenue.revenue_usd"
    return command


app.command("upstream")(_paths_command("upstream"))
app.command("downstream")(_paths_command("downstream"))
app.command("diagram")(diagram)
app.command("diff")(diff)


@app.command("push")
def push_command(
    ctx: typer.Context,
    to: Annotated[str, typer.Option("--to", help="The store to copy into: a neo4j:// or bolt:// URI (user and password from NEO4J_USER / NEO4J_PASSWORD), or a directory.", show_default=False)],
    store: StoreOpt = None,
) -> None:
    """Copy the embedded store's graph into another store.

    The other store is typically the team's Neo4j. Each copied source file replaces what it held for
    that file; its other sources stay.

    Example: lineage push --to bolt://localhost:7687
    """
    from cli.push import push

    with errors(ctx):
        count = push(to, store_spec(store))
    output.error(f"Pushed {count:,} sources to {_without_credentials(to)}.")


def _without_credentials(uri: str) -> str:
    """`bolt://user:secret@host` -> `bolt://host`: a password never reaches the terminal or a log."""
    scheme, sep, rest = uri.partition("://")
    return f"{scheme}{sep}{rest.rpartition('@')[2]}" if sep else uri
app.command("comment")(comment)


@app.command()
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
        registry = _load_schema(schema, _max_bytes(max_file_mb))
        if file == "-":
            text, shown = _read_stdin(_max_bytes(max_file_mb)), "<stdin>"
        else:
            text, shown = read_text(Path(file), _max_bytes(max_file_mb)), file
        facts = extract_text(text, shown, dialect=dialect, schema=registry, statement_seconds=statement_budget or None)
        for diagnostic in facts.diagnostics:
            output.error(str(diagnostic))
        if fmt is PathFormat.JSON:
            output.write(json.dumps([e.to_record() for e in facts.edges], indent=2))
        else:
            output.edges(facts.edges)
        if facts.failures:
            raise typer.Exit(1)


def _max_bytes(max_file_mb: float) -> int | None:
    from parsers.sources.reading import megabytes

    return megabytes(max_file_mb)


def _read_stdin(max_bytes: int | None) -> str:
    from lineage.model import Location
    from parsers.sources.reading import Unreadable, read_stream

    try:
        return read_stream(sys.stdin.buffer, Location("<stdin>"), max_bytes)
    except Unreadable as err:
        raise LineageError(err.diagnostic.message, err.diagnostic.at) from None


def _load_schema(schema: Path | None, max_bytes: int | None):  # type: ignore[no-untyped-def]
    if schema is None:
        return None
    from parsers.sql.schema import load_schema_file

    return load_schema_file(schema, max_bytes)


def main() -> None:
    _few_collections()
    app()


def impact_main() -> None:
    """The `impact` script: `impact X` is `lineage impact X`."""
    _few_collections()
    sys.argv.insert(1, "impact")
    app()


def _few_collections() -> None:
    """A scan allocates millions of small objects that live until the process ends (facts,
    graph rows); at the default threshold (700) the cycle collector keeps re-walking them, which
    was half the time of building a 10,000-model graph. Collections every 10,000 allocations
    cost that a tenth, and the parse trees' cycles are still reclaimed."""
    gc.set_threshold(10_000, 10, 10)
