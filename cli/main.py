"""The `lineage` command line: the app, its `--debug` callback and the commands wired to it.

Each command lives in its own module (scan, query, extract, diagram, diff, push); each parses its options,
makes one call into the layers below, renders, and exits."""

from __future__ import annotations

import gc
import importlib
import sys
from collections.abc import Iterable
from typing import TYPE_CHECKING, Annotated

import typer

from cli.common import Settings

if TYPE_CHECKING:  # commands load the layers below when they run; `--help` needs none of them
    import logging

# Each command: the module defining it and the function's name there. A process registers only the
# command it runs (every one for `--help`, no command or an unknown one), so `lineage impact`
# neither imports the other commands' modules nor has typer read their signatures (issue 18).
COMMANDS = {
    "scan": ("cli.scan", "scan"),
    "impact": ("cli.query", "impact"),
    "upstream": ("cli.query", "upstream"),
    "downstream": ("cli.query", "downstream"),
    "find": ("cli.query", "find"),
    "diagram": ("cli.diagram", "diagram"),
    "view": ("cli.diagram", "view"),
    "diff": ("cli.diff", "diff"),
    "push": ("cli.push", "push_command"),
    "comment": ("cli.diff", "comment"),
    "extract": ("cli.extract", "extract"),
    "logs": ("cli.logs", "logs"),
    "stats": ("cli.stats", "stats"),
    "export": ("cli.export", "export"),
    "mcp": ("cli.mcp_server", "mcp_command"),
    "scorecard": ("cli.scorecard", "scorecard"),
}


def make_app(commands: Iterable[str] = COMMANDS) -> typer.Typer:
    """The `lineage` app with `commands` registered (all of them by default)."""
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
    app.callback()(_main)
    for name in commands:
        module, function = COMMANDS[name]
        app.command(name)(getattr(importlib.import_module(module), function))
    return app


def __getattr__(name: str) -> typer.Typer:
    """`from cli.main import app`: the app with every command (tests, documentation)."""
    if name == "app":
        return make_app()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def invoked(argv: list[str]) -> list[str]:
    """The commands a process with these arguments needs: the one it names, else all (help, a typo)."""
    named = next((a for a in argv if not a.startswith("-")), None)  # the root's one option, --debug, takes no value
    return [named] if named in COMMANDS else list(COMMANDS)


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


def main() -> None:
    _few_collections()
    make_app(invoked(sys.argv[1:]))()


def impact_main() -> None:
    """The `impact` script: `impact X` is `lineage impact X`."""
    _few_collections()
    sys.argv.insert(1, "impact")
    make_app(["impact"])()


def _few_collections() -> None:
    """A scan allocates millions of small objects that live until the process ends (facts,
    graph rows); at the default threshold (700) the cycle collector keeps re-walking them, which
    was half the time of building a 10,000-model graph. Collections every 10,000 allocations
    cost that a tenth, and the parse trees' cycles are still reclaimed."""
    gc.set_threshold(10_000, 10, 10)
