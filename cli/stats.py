"""`lineage stats` and `lineage export`: the whole graph's shape, and the graph as a file for other tools.

Register with `app.command("stats")(stats)` and `app.command("export")(export)`.
"""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from cli.common import PathFormat, StoreOpt, errors, store_spec
from lineage.errors import LineageError

if TYPE_CHECKING:
    from lineage.stats import Stats

class Exported(StrEnum):
    GRAPHML = "graphml"
    GEXF = "gexf"
    NODE_LINK = "node-link"


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


def export(
    ctx: typer.Context,
    target: Annotated[Optional[str], typer.Argument(help="Export only what is upstream and downstream of this column, table or glob (default: the whole graph).", show_default=False)] = None,
    fmt: Annotated[Exported, typer.Option("--format", "-f", help="graphml (yEd), gexf (Gephi) or node-link (JSON, notebooks).", show_default=False)] = Exported.GRAPHML,
    out: Annotated[Optional[Path], typer.Option("--output", "-o", help="File to write (default: standard output).", show_default=False)] = None,
    store: StoreOpt = None,
) -> None:
    """Write the lineage graph, or TARGET's neighbourhood, as GraphML, GEXF or node-link JSON.

    \b
    Examples:
      lineage export --format gexf -o lineage.gexf
      lineage export orders.order_value --format node-link
    """
    from cli import output
    from graphs.render.export import ExportFormat
    from graphs.render.export import export as write
    from graphs.stores.open import open_store
    from lineage.stats import graph_of, neighbourhood

    with errors(ctx):
        with open_store(store_spec(store), create=False) as opened:
            nodes, edges = graph_of(opened) if target is None else neighbourhood(opened, target)
        data = write(nodes, edges, ExportFormat(fmt.value))
        if out is None:
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
            return
        try:
            out.write_bytes(data)
        except OSError as err:
            raise LineageError(f"{out}: cannot write: {err.strerror or err}") from None
        output.error(f"Wrote {out}: {len(nodes):,} nodes, {len(edges):,} edges ({fmt.value}).")
