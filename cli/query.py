"""`lineage impact`, `upstream`, `downstream` and `find`: questions asked of the store."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from cli import output
from cli.common import PathFormat, StoreOpt, errors, store_spec
from cli.diagram import diagram_format, write_diagram
from lineage.errors import ConfigError

if TYPE_CHECKING:
    from lineage.impact import Change
    from lineage.model import NodeKind

DepthOpt = Annotated[Optional[int], typer.Option("--max-depth", min=1, help="Follow at most this many hops.")]
DEFAULT_LIMIT = 10_000
LimitOpt = Annotated[int, typer.Option("--limit", min=0, help="List at most this many entries of each kind, nearest first, and say what was cut; 0 lists everything.")]


class Format(StrEnum):
    TABLE = "table"
    JSON = "json"
    MARKDOWN = "markdown"


class ImpactFailOn(StrEnum):
    """`impact --fail-on`: what exits 3 (for CI)."""

    IMPACTED = "impacted"
    INCOMPLETE = "incomplete"


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
    diagram_file: Annotated[Optional[Path], typer.Option("--diagram", help="Also draw the impact to this file: .svg, .png, .pdf (Graphviz), .dot, .mmd (Mermaid) or .html (an interactive page).", show_default=False)] = None,
    since: Annotated[Optional[str], typer.Option("--since", help="Mark the statements no query log (lineage logs) saw run in this many days: 30d.", show_default=False)] = None,
    as_of: Annotated[Optional[str], typer.Option("--as-of", help="The day --since counts back from (YYYY-MM-DD; default: today, UTC).", show_default=False)] = None,
    store: StoreOpt = None,
) -> None:
    """Show what breaks, and whom to tell, if TARGET changes; with query logs read (lineage logs), also
    the readers outside the repository that ran queries on it.

    \b
    Examples:
      lineage impact orders.order_value --rename order_total_usd
      lineage impact app.orders --drop --format json
      lineage impact orders.order_value --since 30d
    """
    from graphs.stores.open import open_store
    from lineage.api import impact_of

    with errors(ctx):
        change = change_of(rename, drop, retype)
        window = _since(since, as_of)
        if diagram_file is not None:
            diagram_format(diagram_file)  # a bad extension fails before any work
        with open_store(store_spec(store), create=False, notify=output.error) as opened:
            report = impact_of(opened, targets, change, max_depth)
            if diagram_file is not None:
                write_diagram(report, diagram_file, store=opened)  # the whole impact: the diagram collapses what is far
        shown = report.limited(limit or None)
        output.impact(shown, fmt, window)
        failing = set(fail_on or ()) | ({ImpactFailOn.IMPACTED} if fail_if_impacted else set())
        # the graph's gaps, not --limit's cuts: how much is listed is the reader's choice, not a hole
        if (ImpactFailOn.IMPACTED in failing and report.impacted) or (ImpactFailOn.INCOMPLETE in failing and not report.completeness.complete):
            raise typer.Exit(3)


def _since(since: str | None, as_of: str | None) -> tuple[int, str] | None:
    """`30d` and the day to count back from: (30, the cutoff as ISO 8601 UTC)."""
    from datetime import datetime, timedelta, timezone

    if since is None:
        return None
    days = since.strip().lower().removesuffix("d")
    if not days.isdigit():
        raise ConfigError(f"--since '{since}' is not a number of days", hint="write it as 30d")
    try:
        end = datetime.fromisoformat(as_of).replace(tzinfo=timezone.utc) if as_of else datetime.now(timezone.utc)
    except ValueError:
        raise ConfigError(f"--as-of '{as_of}' is not a date", hint="write it as YYYY-MM-DD") from None
    return int(days), (end - timedelta(days=int(days))).strftime("%Y-%m-%dT%H:%M:%SZ")


def change_of(rename: str | None, drop: bool, retype: str | None) -> Change:
    """The change `impact`'s options describe (at most one of them)."""
    from lineage.impact import Change, ChangeKind

    given = [k for k, v in (("--rename", rename), ("--drop", drop), ("--retype", retype)) if v]
    if len(given) > 1:
        raise ConfigError(f"give at most one of --rename, --drop, --retype (got {' and '.join(given)})")
    if rename:
        return Change(ChangeKind.RENAME, new_name=rename)
    if retype:
        return Change(ChangeKind.RETYPE, new_type=retype)
    return Change(ChangeKind.DROP) if drop else Change()


def paths_command(direction: str) -> Callable[..., None]:
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
            with open_store(store_spec(store), create=False, notify=output.error) as opened:
                found = paths_of(opened, target, direction, max_depth)
                completeness = paths_completeness(opened, target, found, direction, max_depth)
            output.paths(found[: limit or None], fmt, target, direction)
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


upstream = paths_command("upstream")
downstream = paths_command("downstream")


def find(
    ctx: typer.Context,
    pattern: Annotated[str, typer.Argument(help="Part of a qualified name (order_value), or a glob (app.orders.*, *revenue*); case-sensitive.", show_default=False)],
    kinds: Annotated[Optional[list[str]], typer.Option("--kind", "-k", help="Only nodes of this kind: table, column, dashboard, ml_feature, owner, unparsed; repeat for several.", show_default=False)] = None,
    fmt: Annotated[PathFormat, typer.Option("--format", "-f", help="Output format.")] = PathFormat.TABLE,
    limit: LimitOpt = DEFAULT_LIMIT,
    store: StoreOpt = None,
) -> None:
    """Find tables, columns, dashboards and ML features by name.

    \b
    Examples:
      lineage find order_value
      lineage find 'mart.*' --kind table --format json
    """
    from graphs.stores.open import open_store
    from lineage.api import find_nodes

    with errors(ctx):
        wanted = node_kinds(kinds or ())
        with open_store(store_spec(store), create=False, notify=output.error) as opened:
            found = find_nodes(opened, pattern, wanted)
        output.nodes(found[: limit or None], fmt, pattern)
        if limit and len(found) > limit:
            from lineage.impact import Truncation

            output.error(f"{Truncation('names', limit, len(found))}; raise --limit")


def node_kinds(names: Sequence[str]) -> tuple[NodeKind, ...]:
    """`--kind` values as node kinds; an unknown one is a usage error naming the known ones."""
    from lineage.model import NodeKind

    known = {str(k): k for k in NodeKind}
    for name in names:
        if name not in known:
            raise ConfigError(f"unknown kind '{name}'", hint=f"use one of {', '.join(sorted(known))}")
    return tuple(known[n] for n in names)
