"""Diagrams as Mermaid flowcharts, for Markdown (GitHub renders ```mermaid blocks).

A table is a subgraph holding one node per column (a collapsed table is one node); dashboards and
ML features are their own shapes. Labels are quoted, with Mermaid's entity codes for the characters
that would end or reinterpret them: https://mermaid.js.org/syntax/flowchart.html#entity-codes-to-escape-characters
"""

from __future__ import annotations

from graphs.render.dot import FOCUS, border, link_label, summary_label
from lineage.diagram import Box, Diagram, Legend, Link, Mark, Port, Summary, consumer_lines, table_kind
from lineage.model import Flow, NodeKind

TIER_FILL = {"core": "#c6dbef", "mart": "#c7e9c0", "view": "#e3e3e3"}
UNRESOLVED_FILL = "#e8e0f0"  # lavender, as in DOT
HOT, WARM, COLD = "#cb181d", "#f08a76", "#9a9a9a"
CONSUMER = {NodeKind.DASHBOARD: ("[/", "/]", "#fff2cc"), NodeKind.ML_FEATURE: ("{{", "}}", "#f2ddf2")}
CLASSES = (
    "classDef changed fill:#d94801,color:#ffffff,stroke:#7f2704,font-weight:bold",
    "classDef target fill:#d94801,color:#ffffff,stroke:#7f2704,font-weight:bold",
    f"classDef impacted fill:#fdd0c2,stroke:{HOT}",
    f"classDef context fill:#ffffff,stroke:{COLD}",
)
_CODES = {'"': "#quot;", "#": "#35;", "&": "#amp;", "<": "#lt;", ">": "#gt;", "`": "#96;", ";": "#59;", "|": "#124;"}

# Mermaid lays out a set of unlinked swatch nodes badly (as wide as a rank, or as tall as the
# graph), so the legend is text in the caption node, a line per group of entries
_LEGEND_WORDS = {
    Legend.CORE: "blue: core tier",
    Legend.MART: "green: mart tier",
    Legend.VIEW_TIER: "grey: view tier",
    Legend.TABLE: "solid border: table",
    Legend.SOURCE: "dashed border: source (not defined in the SQL)",
    Legend.VIEW: "dotted border: view (rounded in SVG, PNG and PDF)",
    Legend.UNRESOLVED: "lavender, dotted border: unresolved (the SQL names no table)",
    Legend.CHANGED: "orange: changed",
    Legend.TARGET: "orange: target",
    Legend.IMPACTED: "pink, red border: impacted",
    Legend.DASHBOARD: "parallelogram: dashboard",
    Legend.ML_FEATURE: "hexagon: ML feature",
    Legend.DIRECT: "──► direct",
    Legend.INDIRECT: "╌╌► indirect (join, filter, …)",
    Legend.PATH: "thick red: path to a dashboard or ML feature",
    Legend.COLLAPSED: "plain box: table drawn without its columns",
    Legend.SUMMARY: "rounded box: and N more, not drawn but counted",
}
_LEGEND_LINES = (
    (Legend.CORE, Legend.MART, Legend.VIEW_TIER),
    (Legend.TABLE, Legend.SOURCE, Legend.VIEW, Legend.UNRESOLVED),
    (Legend.CHANGED, Legend.TARGET, Legend.IMPACTED),
    (Legend.DASHBOARD, Legend.ML_FEATURE, Legend.COLLAPSED, Legend.SUMMARY),
    (Legend.DIRECT, Legend.INDIRECT, Legend.PATH),
)


def text(value: str) -> str:
    """`value` inside a quoted Mermaid label, with entity codes for quotes, markup and separators."""
    return "".join(_CODES.get(ch) or (f"#{ord(ch)};" if ord(ch) < 32 or ord(ch) == 127 else ch) for ch in value)


def render_mermaid(diagram: Diagram) -> str:
    """A `flowchart LR` for `diagram`, with a caption node holding its title, notes and legend."""
    # wider text before wrapping: the default (200px) folds every caption and column type
    config = ["config:", "  flowchart:", "    wrappingWidth: 400"]
    lines = ["---", *config, "---", "flowchart LR"]
    styles: list[str] = []
    lines += _caption(diagram, styles)
    for box in diagram.boxes:
        lines += _box(box, styles)
    lines += [_summary(summary, styles) for summary in diagram.summaries]
    links, link_styles = _links(diagram)
    lines += links
    lines += ["  " + c for c in CLASSES]
    for mark in Mark:
        rows = [r.ref for b in diagram.boxes for r in b.rows if r.mark is mark]
        if rows:
            lines.append(f"  class {','.join(rows)} {mark}")
    lines += styles + link_styles
    return "\n".join(lines) + "\n"


def _box(box: Box, styles: list[str]) -> list[str]:
    if box.node.kind in CONSUMER:
        return [_consumer(box, styles)]
    styles.append(f"  style {box.ref} {_table_style(box)}")
    if not box.rows:
        hidden = f"<br/>{box.hidden} columns not drawn" if box.collapsed else ""
        return [f'  {box.ref}["{_table_label(box)}{hidden}"]']
    lines = [f'  subgraph {box.ref}["{_table_label(box)}"]', "    direction TB"]
    lines += [f'    {row.ref}["{text(row.label)}{_type(row.node.attr("type"))}"]' for row in box.rows]
    lines.append("  end")
    return lines


def _type(kind: str | None) -> str:
    return f" : {text(kind)}" if kind else ""


def _table_label(box: Box) -> str:
    """One line: Mermaid draws a second line of a subgraph title over its first node."""
    owner = box.node.attr("owner")
    return text(box.node.name) + (f" · {text(owner)}" if owner else "")


def _table_style(box: Box) -> str:
    colour, width = border(box)
    # a whole subgraph in the row colour of a target would drown its rows: a pale fill, the outline says it
    fill = "#fee6ce" if box.mark in FOCUS else TIER_FILL.get(box.node.attr("tier") or "", "#ffffff")
    kind = table_kind(box.node)
    dash = {"source": ",stroke-dasharray:5 3", "view": ",stroke-dasharray:1 2", "unresolved": ",stroke-dasharray:1 2"}.get(kind, "")
    fill = UNRESOLVED_FILL if kind == "unresolved" and box.mark not in FOCUS else fill
    return f"fill:{fill},stroke:{colour},stroke-width:{width}px{dash}"


def _consumer(box: Box, styles: list[str]) -> str:
    opening, closing, fill = CONSUMER[box.node.kind]
    kind = "dashboard" if box.node.kind is NodeKind.DASHBOARD else "ML feature"
    owner = box.node.attr("owner")
    parts = [text(line) for line in consumer_lines(box.node)]
    parts.append(kind + (f" · owner {text(owner)}" if owner else ""))
    colour, width = border(box)
    styles.append(f"  style {box.ref} fill:{fill},stroke:{colour},stroke-width:{width}px")
    return f'  {box.ref}{opening}"{"<br/>".join(parts)}"{closing}'


def _summary(summary: Summary, styles: list[str]) -> str:
    colour, width = border(summary)
    styles.append(f"  style {summary.ref} fill:#f7f7f7,stroke:{colour},stroke-width:{width}px,stroke-dasharray:5 3")
    return f'  {summary.ref}("{"<br/>".join(text(part) for part in summary_label(summary) if part)}")'


def _caption(diagram: Diagram, styles: list[str]) -> list[str]:
    """Title, notes and legend in one node: front matter `title:` is shown as sanitised HTML, so it
    cannot show `<`, `>` or `&` in a name, while entity codes in a label can."""
    lines = [f"<b>{text(diagram.title)}</b>"] + [text(note) for note in diagram.notes]
    used = set(diagram.legend)
    lines += [text(" · ".join(_LEGEND_WORDS[item] for item in group if item in used)) for group in _LEGEND_LINES if used & set(group)]
    styles.append("  style caption fill:#fafafa,stroke:#dddddd,color:#595959")
    return [f'  caption["{"<br/>".join(lines)}"]']


def _links(diagram: Diagram) -> tuple[list[str], list[str]]:
    """Edge lines, then `linkStyle` lines: Mermaid styles edges by their position in the file."""
    lines: list[str] = []
    hot: list[str] = []
    warm: list[str] = []
    for index, link in enumerate(diagram.links):
        lines.append(f"  {_end(link.source)} {_arrow(link)} {_end(link.target)}")
        (hot if link.emphasised else warm if link.impacted else []).append(str(index))
    styles = []
    if hot:
        styles.append(f"  linkStyle {','.join(hot)} stroke:{HOT},stroke-width:3px")
    if warm:
        styles.append(f"  linkStyle {','.join(warm)} stroke:{WARM},stroke-width:1.5px")
    return lines, styles


def _arrow(link: Link) -> str:
    label = f'|"{text(link_label(link))}"|' if link.flow is Flow.INDIRECT or link.count else ""
    if link.flow is Flow.INDIRECT:
        return f"-.->{label}"
    return ("==>" if link.emphasised else "-->") + label


def _end(port: Port) -> str:
    return port.row or port.box
