"""Diagrams as Graphviz: DOT source with HTML-like labels, and SVG/PNG/PDF through the `dot` program.

Tables are HTML tables whose rows carry ports, so column edges attach to their rows:
https://graphviz.org/doc/info/shapes.html#html
"""

from __future__ import annotations

from lineage.diagram import Box, Diagram, Legend, Link, Mark, Port, Row, Summary, consumer_lines, table_kind
from lineage.errors import LineageError
from lineage.model import Flow, NodeKind

FONT = "DejaVu Sans"

TIER_FILL = {"core": "#c6dbef", "mart": "#c7e9c0", "view": "#e3e3e3"}
NO_TIER_FILL = "#ffffff"
BORDER_STYLE = {"source": ' STYLE="dashed"', "view": ' STYLE="rounded"', "unresolved": ' STYLE="dotted"'}
UNRESOLVED_FILL = "#e8e0f0"  # lavender: no tier colour means this
CHANGED_FILL, CHANGED_INK = "#d94801", "#ffffff"
IMPACTED_FILL = "#fdd0c2"
HOT, WARM, COLD = "#cb181d", "#f08a76", "#9a9a9a"  # path to a consumer, impacted, context
CONSUMER_FILL = {NodeKind.DASHBOARD: "#fff2cc", NodeKind.ML_FEATURE: "#f2ddf2"}
CONSUMER_SHAPE = {NodeKind.DASHBOARD: "tab", NodeKind.ML_FEATURE: "component"}
MUTED = "#595959"
FOCUS = (Mark.CHANGED, Mark.TARGET)


# Graphviz expands `\N` (the node name) even in HTML labels, after decoding entities: double backslashes
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;", "\\": "\\\\"}


class GraphvizMissing(LineageError):
    """The `dot` program is not installed, so only .dot and .mmd can be written."""

    exit_code = 2


def html(text: str) -> str:
    """Text safe inside an HTML-like label: entities for markup, control characters made visible."""
    out = []
    for ch in text:
        if ch in _ENTITIES:
            out.append(_ENTITIES[ch])
        elif ord(ch) < 32 or ord(ch) == 127:
            out.append(f"\\x{ord(ch):02x}")  # Graphviz drops tabs and newlines, and rejects other control characters
        else:
            out.append(ch)
    return "".join(out)


def quoted(text: str) -> str:
    """A DOT double-quoted string; backslashes doubled so `\\N` or `\\l` in a name stay literal."""
    body = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + "".join(f"\\x{ord(c):02x}" if ord(c) < 32 and c != "\n" else c for c in body).replace("\n", "\\n") + '"'


def render_dot(diagram: Diagram, ids: bool = False) -> str:
    """DOT source for `diagram`: left to right, one HTML-table node per table.

    With `ids`, every box, header, row and link carries an `id` (its ref; a header `REF__h`, a link
    `l__N`, N its index in `diagram.links`) that the SVG keeps, so the interactive page can find
    them; table cells then carry an HREF (Graphviz gives a cell its id only through an anchor) and
    no node has a tooltip of its own (it would hide the cells' anchors: the page shows its own).
    """
    legend = f"label=<{_legend(diagram)}>, " if diagram.legend else ""
    lines = [
        "digraph lineage {",
        # the legend is the graph's label and the title its only cluster's: inside one HTML label
        # Graphviz would stretch the legend's cells to the width of the longest note
        f'  graph [rankdir=LR, fontname="{FONT}", nodesep=0.25, ranksep=0.8, labelloc=b, labeljust=l, {legend}tooltip={quoted(diagram.title)}];',
        f'  node [shape=plain, fontname="{FONT}", fontsize=11];',
        f'  edge [fontname="{FONT}", fontsize=8, fontcolor="{MUTED}", color="{COLD}", arrowsize=0.7];',
        f"  subgraph cluster_diagram {{ peripheries=0; labelloc=t; labeljust=l; label=<{_caption(diagram)}>;",
    ]
    lines += ["  " + _box(box, ids) for box in diagram.boxes]
    lines += ["  " + _summary(summary, ids) for summary in diagram.summaries]
    lines.append("  }")
    tables = {box.ref for box in diagram.boxes if box.node.kind is NodeKind.TABLE}
    lines += [_link(link, tables, f"l__{i}" if ids else "") for i, link in enumerate(diagram.links)]
    lines.append("}")
    return "\n".join(lines) + "\n"


def render_graphviz(diagram: Diagram, fmt: str, shown: str, ids: bool = False) -> bytes:
    """`diagram` rendered by Graphviz's `dot` as `fmt` (svg, png or pdf); `shown` names the output in errors.
    `ids`: as for `render_dot`."""
    import graphviz  # type: ignore[import-untyped]

    try:
        rendered = graphviz.Source(render_dot(diagram, ids), engine="dot").pipe(format=fmt, quiet=True)
    except graphviz.ExecutableNotFound:
        raise GraphvizMissing(
            f"cannot render {shown}: Graphviz's `dot` program is not installed",
            hint="run `make install` (it calls scripts/install-graphviz.sh), or write .dot or .mmd instead",
        ) from None
    except graphviz.CalledProcessError as err:
        detail = (err.stderr or b"").decode(errors="replace").strip().splitlines()
        raise LineageError(f"cannot render {shown}: dot failed: {detail[0] if detail else err}") from None
    assert isinstance(rendered, bytes)
    return rendered


def _caption(diagram: Diagram) -> str:
    rows = [f'<TR><TD ALIGN="LEFT"><FONT POINT-SIZE="16"><B>{html(diagram.title)}</B></FONT></TD></TR>']
    rows += [f'<TR><TD ALIGN="LEFT"><FONT COLOR="{MUTED}">{html(note)}</FONT></TD></TR>' for note in diagram.notes]
    return f'<TABLE BORDER="0" CELLSPACING="2" CELLPADDING="1">{"".join(rows)}</TABLE>'


def _legend(diagram: Diagram) -> str:
    cells = "".join(_legend_cell(item) for item in diagram.legend)
    return f'<TABLE BORDER="0" CELLSPACING="4" CELLPADDING="3"><TR><TD><B>Legend</B></TD>{cells}</TR></TABLE>'


_LEGEND_CELLS = {
    Legend.CORE: f'BGCOLOR="{TIER_FILL["core"]}" BORDER="1" COLOR="{COLD}">tier core',
    Legend.MART: f'BGCOLOR="{TIER_FILL["mart"]}" BORDER="1" COLOR="{COLD}">tier mart',
    Legend.VIEW_TIER: f'BGCOLOR="{TIER_FILL["view"]}" BORDER="1" COLOR="{COLD}">tier view',
    Legend.TABLE: f'BORDER="1" COLOR="{COLD}">table',
    Legend.SOURCE: f'BORDER="1" STYLE="dashed" COLOR="{COLD}">source (not defined in the SQL)',
    Legend.VIEW: f'BORDER="1" STYLE="rounded" COLOR="{COLD}">view',
    Legend.UNRESOLVED: f'BGCOLOR="{UNRESOLVED_FILL}" BORDER="1" STYLE="dotted" COLOR="{COLD}">unresolved (the SQL names no table)',
    Legend.CHANGED: f'BGCOLOR="{CHANGED_FILL}"><FONT COLOR="{CHANGED_INK}"><B>changed</B></FONT>',
    Legend.TARGET: f'BGCOLOR="{CHANGED_FILL}"><FONT COLOR="{CHANGED_INK}"><B>target</B></FONT>',
    Legend.IMPACTED: f'BGCOLOR="{IMPACTED_FILL}" BORDER="1" COLOR="{HOT}">impacted',
    Legend.DASHBOARD: f'BGCOLOR="{CONSUMER_FILL[NodeKind.DASHBOARD]}" BORDER="1" COLOR="{COLD}">dashboard',
    Legend.ML_FEATURE: f'BGCOLOR="{CONSUMER_FILL[NodeKind.ML_FEATURE]}" BORDER="1" COLOR="{COLD}">ML feature',
    Legend.DIRECT: f'><FONT COLOR="{MUTED}">───</FONT> direct',
    Legend.INDIRECT: f'><FONT COLOR="{MUTED}">╌╌╌</FONT> indirect (join, filter, …)',
    Legend.PATH: f'><FONT COLOR="{HOT}"><B>━━━</B></FONT> path to a dashboard or ML feature',
    Legend.COLLAPSED: f'BORDER="1" COLOR="{COLD}"><I>table drawn without its columns</I>',
    Legend.SUMMARY: f'BORDER="1" STYLE="rounded,dashed" COLOR="{COLD}"><I>and N more: not drawn, counted</I>',
}


def _legend_cell(item: Legend) -> str:
    return f'<TD ALIGN="LEFT" {_LEGEND_CELLS[item]}</TD>'


def _box(box: Box, ids: bool) -> str:
    if box.node.kind in CONSUMER_SHAPE:
        return _consumer(box, ids)
    colour, width = border(box)
    style = BORDER_STYLE.get(table_kind(box.node), "")
    plain = UNRESOLVED_FILL if table_kind(box.node) == "unresolved" else TIER_FILL.get(box.node.attr("tier") or "", NO_TIER_FILL)
    header_fill = CHANGED_FILL if box.mark in FOCUS else plain
    name = f'<FONT COLOR="{CHANGED_INK}"><B>{html(box.node.name)}</B></FONT>' if box.mark in FOCUS else f"<B>{html(box.node.name)}</B>"
    header = f'<TR><TD PORT="h"{_cell_id(box.ref + "__h", ids)} BGCOLOR="{header_fill}" ALIGN="LEFT">{name}</TD></TR>'
    subtitle = _subtitle(box)
    if subtitle:
        header += f'<TR><TD CELLPADDING="2"{_cell_id(box.ref + "__s", ids)} BGCOLOR="{header_fill}" ALIGN="LEFT">{subtitle}</TD></TR>'
    rows = [_row(row, ids) for row in box.rows]
    if box.collapsed:
        rows.append(f'<TR><TD ALIGN="LEFT"><FONT POINT-SIZE="9" COLOR="{MUTED}"><I>{box.hidden} columns not drawn</I></FONT></TD></TR>')
    table = f'<TABLE BORDER="{width}" COLOR="{colour}" CELLBORDER="0" CELLSPACING="0" CELLPADDING="4"{style}>{header}{"".join(rows)}</TABLE>'
    if ids:
        return f'  {box.ref} [id="{box.ref}", label=<{table}>];'
    return f"  {box.ref} [label=<{table}>, tooltip={quoted(_tooltip(box))}];"


def _cell_id(ref: str, ids: bool) -> str:
    return f' ID="{ref}" HREF="#{ref}"' if ids else ""


def border(box: Box | Summary) -> tuple[str, int]:
    """Colour and width of an outline: red when anything in it is impacted, orange around a target."""
    outline = box.outline if isinstance(box, Box) else box.mark
    if outline is Mark.IMPACTED:
        return HOT, 2
    return (CHANGED_FILL, 2) if outline in FOCUS else (COLD, 1)


def summary_label(summary: Summary) -> tuple[str, str]:
    """The two lines of a summary node: "and 199,960 more tables", "1 hop downstream"."""
    more = f"and {summary.count:,} more {summary.noun}{'' if summary.count == 1 else 's'}"
    return more, summary.reach


def _summary(summary: Summary, ids: bool) -> str:
    colour, width = border(summary)
    more, reach = summary_label(summary)
    label = f"<I>{html(more)}</I>" + (f'<BR/><FONT POINT-SIZE="9" COLOR="{MUTED}">{html(reach)}</FONT>' if reach else "")
    attrs = f'shape=box, style="rounded,dashed", color="{colour}", penwidth={width}, margin="0.15,0.08"'
    if ids:
        attrs += f', id="{summary.ref}"'
    return f"  {summary.ref} [{attrs}, label=<{label}>, tooltip={quoted(' '.join(summary_label(summary)).strip())}];"


def _subtitle(box: Box) -> str:
    kind, tier, owner = table_kind(box.node), box.node.attr("tier") or "", box.node.attr("owner") or ""
    what = ", ".join(p for p in (kind, f"{tier} tier" if tier else "") if p)
    text = " · ".join(p for p in (what, f"owner {owner}" if owner else "") if p)
    ink = CHANGED_INK if box.mark in FOCUS else MUTED
    return f'<FONT POINT-SIZE="9" COLOR="{ink}">{html(text)}</FONT>' if text else ""


def _row(row: Row, ids: bool) -> str:
    label = html(row.label)
    if row.mark in FOCUS:
        label = f'<FONT COLOR="{CHANGED_INK}"><B>{label}</B></FONT>'
    fill = f' BGCOLOR="{CHANGED_FILL}"' if row.mark in FOCUS else f' BGCOLOR="{IMPACTED_FILL}"' if row.mark is Mark.IMPACTED else ""
    if ids:  # a filled cell draws a rectangle, which the page colours when it highlights the row
        fill = (fill or f' BGCOLOR="{NO_TIER_FILL}"') + _cell_id(row.ref, ids)
    kind = row.node.attr("type")
    if kind:
        ink = CHANGED_INK if row.mark in FOCUS else MUTED
        label += f'  <FONT POINT-SIZE="8" COLOR="{ink}">{html(kind)}</FONT>'
    return f'<TR><TD PORT="{row.ref}" ALIGN="LEFT"{fill}>{label}</TD></TR>'


def _consumer(box: Box, ids: bool) -> str:
    kind = "dashboard" if box.node.kind is NodeKind.DASHBOARD else "ML feature"
    owner = box.node.attr("owner")
    name, *title = consumer_lines(box.node)
    lines = [f"<B>{html(name)}</B>"] + [f'<FONT POINT-SIZE="9">{html(t)}</FONT>' for t in title]
    lines.append(f'<FONT POINT-SIZE="9" COLOR="{MUTED}">{kind}{" · owner " + html(owner) if owner else ""}</FONT>')
    colour, width = border(box)
    attrs = [
        f"shape={CONSUMER_SHAPE[box.node.kind]}",
        "style=filled",
        f'fillcolor="{CONSUMER_FILL[box.node.kind]}"',
        f'color="{colour}"',
        f"penwidth={width}",
        'margin="0.15,0.08"',
        f"label=<{'<BR/>'.join(lines)}>",
        f'id="{box.ref}"' if ids else f"tooltip={quoted(_tooltip(box))}",
    ]
    if box.node.attr("url") and not ids:  # the page shows it in the hover card: no anchor a click would follow
        attrs.append(f"URL={quoted(box.node.attr('url') or '')}")
    return f"  {box.ref} [{', '.join(attrs)}];"


def _tooltip(box: Box) -> str:
    parts = [box.node.name]
    parts += [v for k in ("description", "defined_at", "sql") if (v := box.node.attr(k))]
    return "\n".join(parts)


def _link(link: Link, tables: set[str], ref: str) -> str:
    attrs = [f'id="{ref}"'] if ref else []
    if link.emphasised:
        attrs += [f'color="{HOT}"', "penwidth=2.6"]
    elif link.impacted:
        attrs += [f'color="{WARM}"', "penwidth=1.4"]
    if link.flow is Flow.INDIRECT:
        attrs.append("style=dashed")
    if link.flow is Flow.INDIRECT or link.count:
        attrs.append(f"label={quoted(link_label(link))}")
    attrs.append(f"tooltip={quoted(_link_tooltip(link))}")
    return f"  {_end(link.source, 'e', tables)} -> {_end(link.target, 'w', tables)} [{', '.join(attrs)}];"


def _end(port: Port, side: str, tables: set[str]) -> str:
    """Edges leave a row on its east side and enter on its west side; tables by their header."""
    if port.row is None:
        return f"{port.box}:h:{side}" if port.box in tables else port.box
    return f"{port.box}:{port.row}:{side}"


def link_label(link: Link) -> str:
    """An indirect link's subtypes; how many edges a link to or from a summary stands for."""
    parts = [", ".join(link.subtypes)] if link.flow is Flow.INDIRECT else []
    if link.count:
        parts.append(f"{link.count:,} edge{'' if link.count == 1 else 's'}")
    return " · ".join(parts)


def _link_tooltip(link: Link) -> str:
    unlisted = link.statements - len(link.where)
    more = f"\nand {unlisted:,} more statements" if unlisted else ""
    return f"{link.flow}: {', '.join(link.subtypes)}" + "".join(f"\n{w}" for w in link.where) + more
