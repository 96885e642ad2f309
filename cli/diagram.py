"""`lineage diagram` and `lineage impact --diagram`: pictures of lineage, in the format the file name asks for.

Register with `app.command("diagram")(diagram)`; `cli.main` is imported inside the command, so this
module can be imported by it without a cycle.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from cli.common import StoreOpt
from lineage.errors import ConfigError, LineageError

if TYPE_CHECKING:
    from lineage.diagram import Diagram, DiagramOptions, Subgraph
    from lineage.impact import ImpactReport
    from lineage.store import LineageStore

# file suffix -> what writes it: Graphviz output formats, DOT source, or Mermaid
FORMATS = {".svg": "svg", ".png": "png", ".pdf": "pdf", ".dot": "dot", ".gv": "dot", ".mmd": "mermaid"}
DEFAULT_MAX_NODES = 40


class ImpactKind(StrEnum):
    RENAME = "rename"
    DROP = "drop"
    RETYPE = "retype"


def diagram_format(path: Path) -> str:
    """`svg`, `png`, `pdf`, `dot` or `mermaid`, from the file name's extension."""
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        shown = f"'{path.suffix}'" if path.suffix else "no extension"
        raise ConfigError(f"{path}: unknown diagram format ({shown})", hint="name the file .svg, .png, .pdf, .dot or .mmd")
    return fmt


def write_diagram(
    subject: ImpactReport | Subgraph, path: Path, options: DiagramOptions | None = None, store: LineageStore | None = None
) -> Diagram:
    """Draw `subject` into `path` (.svg/.png/.pdf via Graphviz, .dot, .mmd); returns what was drawn.

    For an impact report, pass the open `store` too, so the changed table shows its tier and kind.
    """
    from lineage.diagram import DiagramOptions, impact_subgraph
    from lineage.diagram_layout import arrange
    from lineage.impact import ImpactReport

    fmt = diagram_format(path)
    subgraph = impact_subgraph(subject, store) if isinstance(subject, ImpactReport) else subject
    drawn = arrange(subgraph, options or DiagramOptions())
    if fmt == "mermaid":
        from graphs.render.mermaid import render_mermaid

        data = render_mermaid(drawn).encode("utf-8")
    else:
        from graphs.render.dot import render_dot, render_graphviz

        data = render_dot(drawn).encode("utf-8") if fmt == "dot" else render_graphviz(drawn, fmt, str(path))
    try:
        path.write_bytes(data)
    except OSError as err:
        raise LineageError(f"{path}: cannot write: {err.strerror or err}") from None
    return drawn


def summary(path: Path, drawn: Diagram) -> str:
    """The one line `lineage diagram` prints after writing `path`."""
    from lineage.model import NodeKind

    tables = sum(1 for b in drawn.boxes if b.node.kind is NodeKind.TABLE)
    collapsed = sum(1 for b in drawn.boxes if b.collapsed)
    consumers = len(drawn.boxes) - tables
    parts = [
        _count(tables, "table", "tables") + (f" ({collapsed} drawn without columns)" if collapsed else ""),
        _count(sum(len(b.rows) for b in drawn.boxes), "column", "columns"),
        _count(consumers, "dashboard or ML feature", "dashboards and ML features"),
        _count(len(drawn.links), "edge", "edges"),
    ]
    if drawn.summaries:
        counted = " and ".join(f"{s.count:,} {s.noun}{'' if s.count == 1 else 's'}" for s in drawn.summaries)
        parts.insert(3, _count(len(drawn.summaries), "summary node", "summary nodes") + f" (for {counted})")
    return f"Wrote {path}: {', '.join(parts)}."


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def diagram(
    ctx: typer.Context,
    target: Annotated[str, typer.Argument(help="A column (table.column), a table or a glob.", show_default=False)],
    out: Annotated[Path, typer.Option("--output", "-o", help="File to write: .svg, .png or .pdf (needs Graphviz), .dot or .mmd (Mermaid).", show_default=False)],
    upstream: Annotated[bool, typer.Option("--upstream", help="Draw what TARGET reads from (default: both ways).")] = False,
    downstream: Annotated[bool, typer.Option("--downstream", help="Draw what reads TARGET (default: both ways).")] = False,
    depth: Annotated[Optional[int], typer.Option("--depth", min=1, help="Follow at most this many hops.")] = None,
    impact: Annotated[Optional[ImpactKind], typer.Option("--impact", help="Draw the impact of this change instead (downstream).")] = None,
    max_nodes: Annotated[int, typer.Option("--max-nodes", min=1, help="Boxes (tables, dashboards, ML features, 'and N more' summaries) and column rows to draw, at most: past it the tables farthest from TARGET collapse into summaries, and the farthest drawn lose their columns.")] = DEFAULT_MAX_NODES,
    store: StoreOpt = None,
) -> None:
    """Draw the lineage of TARGET, or a change's impact, to a file.

    The format follows the file name: .svg, .png, .pdf (rendered by Graphviz's dot), .dot (Graphviz
    source) or .mmd (Mermaid, for Markdown).

    \b
    Examples:
      lineage diagram orders.order_value --impact rename -o impact.svg
      lineage diagram mart.daily_revenue --upstream --depth 2 -o revenue.mmd
    """
    from cli import output
    from cli.common import errors, store_spec
    from graphs.stores.open import open_store
    from lineage.diagram import DiagramOptions, diagram_subgraph
    from lineage.impact import Change, ChangeKind
    from lineage.model import Direction

    with errors(ctx):
        diagram_format(out)
        if impact is not None and upstream:
            raise ConfigError("--impact draws what a change reaches downstream; drop --upstream")
        directions = {d for d, on in ((Direction.UPSTREAM, upstream), (Direction.DOWNSTREAM, downstream)) if on} or set(Direction)
        change = Change(ChangeKind(impact.value)) if impact is not None else None
        with open_store(store_spec(store), create=False, notify=output.error) as opened:
            subgraph = diagram_subgraph(opened, target, directions, depth, change)
        drawn = write_diagram(subgraph, out, DiagramOptions(max_nodes=max_nodes))
        output.error(summary(out, drawn))
