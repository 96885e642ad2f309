"""`lineage diagram` and `lineage impact --diagram`: pictures of lineage, in the format the file name asks for.

Register with `app.command("diagram")(diagram)`; `cli.main` is imported inside the command, so this
module can be imported by it without a cycle.
"""

from __future__ import annotations

import os
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

# file suffix -> what writes it: Graphviz output formats, DOT source, Mermaid, or the interactive page
FORMATS = {".svg": "svg", ".png": "png", ".pdf": "pdf", ".dot": "dot", ".gv": "dot", ".mmd": "mermaid", ".html": "html", ".htm": "html"}
DEFAULT_MAX_NODES = 40
# the page can be searched, zoomed and folded, so it draws far more before collapsing (bench/page.py
# measures it at 2,000 columns)
PAGE_MAX_NODES = 2000


class ImpactKind(StrEnum):
    RENAME = "rename"
    DROP = "drop"
    RETYPE = "retype"


def diagram_format(path: Path) -> str:
    """`svg`, `png`, `pdf`, `dot`, `mermaid` or `html`, from the file name's extension."""
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        shown = f"'{path.suffix}'" if path.suffix else "no extension"
        raise ConfigError(f"{path}: unknown diagram format ({shown})", hint="name the file .svg, .png, .pdf, .dot, .mmd or .html")
    return fmt


def write_diagram(
    subject: ImpactReport | Subgraph, path: Path, options: DiagramOptions | None = None, store: LineageStore | None = None
) -> Diagram:
    """Draw `subject` into `path` (.svg/.png/.pdf via Graphviz, .dot, .mmd, .html: the interactive page
    around Graphviz's SVG); returns what was drawn.

    For an impact report, pass the open `store` too, so the changed table shows its tier and kind.
    Without `options`, at most 40 nodes are drawn, or 2,000 on a page.
    """
    from lineage.diagram import DiagramOptions, impact_subgraph
    from lineage.diagram_layout import arrange
    from lineage.impact import ImpactReport

    fmt = diagram_format(path)
    subgraph = impact_subgraph(subject, store) if isinstance(subject, ImpactReport) else subject
    drawn = arrange(subgraph, options or DiagramOptions(max_nodes=PAGE_MAX_NODES if fmt == "html" else DEFAULT_MAX_NODES))
    if fmt == "html":
        from graphs.render.dot import render_graphviz
        from graphs.render.page import render_page

        data = render_page(drawn, render_graphviz(drawn, "svg", str(path), ids=True)).encode("utf-8")
    elif fmt == "mermaid":
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


UpstreamOpt = Annotated[bool, typer.Option("--upstream", help="Draw what TARGET reads from (default: both ways).")]
DownstreamOpt = Annotated[bool, typer.Option("--downstream", help="Draw what reads TARGET (default: both ways).")]
DepthOpt = Annotated[Optional[int], typer.Option("--depth", min=1, help="Follow at most this many hops.")]
ImpactOpt = Annotated[Optional[ImpactKind], typer.Option("--impact", help="Draw the impact of this change instead (downstream).")]
MaxNodesOpt = Annotated[
    Optional[int],
    typer.Option(
        "--max-nodes",
        min=1,
        help=f"Boxes (tables, dashboards, ML features, 'and N more' summaries) and column rows to draw, at most (default {DEFAULT_MAX_NODES}, {PAGE_MAX_NODES:,} on an .html page): past it the tables farthest from TARGET collapse into summaries, and the farthest drawn lose their columns.",
        show_default=False,
    ),
]


def diagram(
    ctx: typer.Context,
    target: Annotated[str, typer.Argument(help="A column (table.column), a table or a glob.", show_default=False)],
    out: Annotated[Path, typer.Option("--output", "-o", help="File to write: .svg, .png or .pdf (needs Graphviz), .dot, .mmd (Mermaid), or .html (an interactive page, needs Graphviz).", show_default=False)],
    upstream: UpstreamOpt = False,
    downstream: DownstreamOpt = False,
    depth: DepthOpt = None,
    impact: ImpactOpt = None,
    max_nodes: MaxNodesOpt = None,
    store: StoreOpt = None,
) -> None:
    """Draw the lineage of TARGET, or a change's impact, to a file.

    The format follows the file name: .svg, .png, .pdf (rendered by Graphviz's dot), .dot (Graphviz
    source), .mmd (Mermaid, for Markdown) or .html: one self-contained page (no network needed) with
    search, click-to-trace, hover for file:line and owner, pan, zoom and collapsible tables.

    \b
    Examples:
      lineage diagram orders.order_value --impact rename -o impact.svg
      lineage diagram orders.order_value --impact rename -o impact.html
      lineage diagram mart.daily_revenue --upstream --depth 2 -o revenue.mmd
    """
    from cli import output
    from cli.common import errors

    with errors(ctx):
        diagram_format(out)
        drawn = _draw(store, target, upstream, downstream, depth, impact, max_nodes, out)
        output.error(summary(out, drawn))


def view(
    ctx: typer.Context,
    target: Annotated[str, typer.Argument(help="A column (table.column), a table or a glob.", show_default=False)],
    upstream: UpstreamOpt = False,
    downstream: DownstreamOpt = False,
    depth: DepthOpt = None,
    impact: ImpactOpt = None,
    max_nodes: MaxNodesOpt = None,
    store: StoreOpt = None,
) -> None:
    """Open the interactive lineage page of TARGET (or a change's impact) in the browser.

    Writes the page `lineage diagram -o FILE.html` writes to a temporary file, prints its path, and
    opens it with the system's browser (the BROWSER environment variable picks another).

    \b
    Examples:
      lineage view orders.order_value --impact rename
      lineage view mart.daily_revenue.revenue_usd --upstream
    """
    import tempfile
    import webbrowser

    from cli import output
    from cli.common import errors

    with errors(ctx):
        handle, name = tempfile.mkstemp(prefix="lineage-", suffix=".html")
        os.close(handle)
        out = Path(name)
        try:
            drawn = _draw(store, target, upstream, downstream, depth, impact, max_nodes, out)
        except BaseException:
            out.unlink(missing_ok=True)  # no empty page left behind
            raise
        output.error(summary(out, drawn))
        output.write(str(out))
        if not webbrowser.open(out.resolve().as_uri()):
            output.error("no browser found to open it: open the file above")


def _draw(store: str | None, target: str, upstream: bool, downstream: bool, depth: int | None, impact: ImpactKind | None, max_nodes: int | None, out: Path) -> Diagram:
    from cli import output
    from cli.common import store_spec
    from graphs.stores.open import open_store
    from lineage.diagram import DiagramOptions, diagram_subgraph
    from lineage.impact import Change, ChangeKind
    from lineage.model import Direction

    if impact is not None and upstream:
        raise ConfigError("--impact draws what a change reaches downstream; drop --upstream")
    directions = {d for d, on in ((Direction.UPSTREAM, upstream), (Direction.DOWNSTREAM, downstream)) if on} or set(Direction)
    change = Change(ChangeKind(impact.value)) if impact is not None else None
    with open_store(store_spec(store), create=False, notify=output.error) as opened:
        subgraph = diagram_subgraph(opened, target, directions, depth, change)
    return write_diagram(subgraph, out, DiagramOptions(max_nodes=max_nodes) if max_nodes else None)
