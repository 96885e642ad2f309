"""`lineage stats`: the whole graph's shape.

Register with `app.command("stats")(stats)`.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated

import typer

from cli.common import PathFormat, StoreOpt, errors, store_spec

if TYPE_CHECKING:
    from lineage.stats import Stats


def stats(
    ctx: typer.Context,
    top: Annotated[int, typer.Option("--top", min=0, help="Columns on the leaderboard; 0 lists every column.")] = 20,
    fmt: Annotated[PathFormat, typer.Option("--format", "-f", help="Output format.")] = PathFormat.TABLE,
    store: StoreOpt = None,
) -> None:
    """Rank columns by how much they reach downstream, list dead columns (written, never read), and cycles.

    Example: lineage stats --top 10
    """
    from cli import output
    from graphs.analysis import NetworkxAlgorithms
    from graphs.stores.open import open_store
    from lineage.stats import graph_of
    from lineage.stats import stats as analyse

    with errors(ctx):
        with open_store(store_spec(store), create=False) as opened:
            nodes, edges = graph_of(opened)
        found = analyse(nodes, edges, NetworkxAlgorithms(), top)
        output.write(json.dumps(found.to_record(), indent=2, ensure_ascii=False) if fmt is PathFormat.JSON else render(found))


def render(found: Stats) -> str:
    """The plain-text report: one line per entry, counts in the headings."""
    lines = [f"Downstream reach (columns, dashboards, ML features), top {len(found.leaderboard)} of {found.columns:,} columns:"]
    lines += [f"  {r.downstream:>7,}  {r.node.name}" for r in found.leaderboard]
    lines.append(f"Dead columns (written, never read): {len(found.dead):,}")
    lines += [f"  {n.name}" for n in found.dead]
    lines.append(f"Cycles: {len(found.cycles):,}")
    lines += ["  " + " -> ".join(n.name for n in cycle) for cycle in found.cycles]
    return "\n".join(lines)

