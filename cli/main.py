"""The `lineage` command line: the app, its `--debug` callback and the commands wired to it.

Each command lives in its own module (scan, query, extract, diagram, diff, push); each parses its options,
makes one call into the layers below, renders, and exits."""

from __future__ import annotations

import gc
import sys
from typing import TYPE_CHECKING, Annotated

import typer

from cli.common import Settings
from cli.diagram import diagram, view
from cli.diff import comment, diff
from cli.extract import extract
from cli.logs import logs
from cli.mcp_server import mcp_command
from cli.push import push_command
from cli.query import find, impact, paths_command
from cli.scan import scan
from cli.export import export
from cli.stats import stats
from cli.scorecard import scorecard

if TYPE_CHECKING:  # commands load the layers below when they run; `--help` needs none of them
    import logging

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


app.command()(scan)
app.command()(impact)
app.command("upstream")(paths_command("upstream"))
app.command("downstream")(paths_command("downstream"))
app.command("find")(find)
app.command("diagram")(diagram)
app.command("view")(view)
app.command("diff")(diff)
app.command("push")(push_command)
app.command("comment")(comment)
app.command("extract")(extract)
app.command("logs")(logs)
app.command("stats")(stats)
app.command("export")(export)
app.command("mcp")(mcp_command)
app.command("scorecard")(scorecard)


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
