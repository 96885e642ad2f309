"""The interactive lineage page: one self-contained HTML file around Graphviz's SVG of a diagram.

The SVG (rendered by `dot` with ids, see `render_dot`) is inlined as it is; the graph the page walks
to highlight lineage is embedded as JSON, built from the diagram's own links (never read back out of
the SVG); the script and style are this package's files (`page_assets/`), inlined too, so the page
needs no network and no framework.
"""

from __future__ import annotations

import json
import re
from html import escape
from importlib.resources import files

from lineage.diagram import Box, Diagram, Link, Port, Summary
from lineage.model import NodeKind

# what `json.dumps` leaves that HTML's script data would act on: `</script>`, `<!--`, and the line
# separators older parsers end a line at; `&` too, so the JSON reads the same if pasted into HTML
_UNSAFE_IN_SCRIPT = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
_PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")
# Graphviz's SVG prologue (an XML declaration and a DTD, invalid inside HTML) and its comments
_PROLOGUE = re.compile(r"\A.*?(?=<svg\b)", re.S)
_COMMENT = re.compile(r"<!--.*?-->\n?", re.S)


def render_page(diagram: Diagram, svg: bytes) -> str:
    """The HTML page for `diagram`, `svg` being `render_graphviz(diagram, "svg", ..., ids=True)`."""
    assets = files("graphs.render") / "page_assets"
    parts = {
        "title": escape(diagram.title),
        "css": (assets / "page.css").read_text(encoding="utf-8"),
        "js": (assets / "lineage.js").read_text(encoding="utf-8"),
        "svg": inline_svg(svg.decode("utf-8")),
        "data": script_json(page_data(diagram)),
    }
    template = (assets / "page.html").read_text(encoding="utf-8")
    # one pass: what is substituted is never scanned again, so a name like "{{js}}" stays text
    return _PLACEHOLDER.sub(lambda m: parts[m.group(1)], template)


def inline_svg(svg: str) -> str:
    """Graphviz's SVG document as an element to inline in HTML."""
    return _COMMENT.sub("", _PROLOGUE.sub("", svg, count=1))


def script_json(data: object) -> str:
    """JSON safe inside `<script type="application/json">`: no `</script>` or `<!--` can end it early."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return re.sub("[<>&\u2028\u2029]", lambda m: _UNSAFE_IN_SCRIPT[m.group(0)], text)


def page_data(diagram: Diagram) -> dict[str, object]:
    """What the page's script walks: every port (a row, or a box standing for its columns) by its SVG
    id, each box's rows, and the links between ports, in `diagram.links` order (link i is `l__i`)."""
    nodes: dict[str, dict[str, object]] = {}
    boxes: dict[str, dict[str, object]] = {}
    for box in diagram.boxes:
        nodes[box.ref] = _box_record(box)
        for row in box.rows:
            nodes[row.ref] = {**_attrs(row.node.attrs), "id": row.node.id, "name": row.node.name, "kind": str(row.node.kind), "box": box.ref, "label": row.label, "mark": str(row.mark)}
        boxes[box.ref] = {"rows": [r.ref for r in box.rows], "table": box.node.kind is NodeKind.TABLE}
    for summary in diagram.summaries:
        nodes[summary.ref] = _summary_record(summary)
        boxes[summary.ref] = {"rows": [], "table": False}
    return {"title": diagram.title, "notes": list(diagram.notes), "nodes": nodes, "boxes": boxes, "links": [_link_record(i, link) for i, link in enumerate(diagram.links)]}


_SHOWN_ATTRS = ("type", "owner", "tier", "kind", "defined_at", "description", "sql", "title", "url")


def _attrs(attrs: tuple[tuple[str, str], ...]) -> dict[str, object]:
    # `kind` is the table's (source, table, view): kept apart from the node's kind
    return {("table_kind" if k == "kind" else k): v for k, v in attrs if k in _SHOWN_ATTRS}


def _box_record(box: Box) -> dict[str, object]:
    record = {**_attrs(box.node.attrs), "id": box.node.id, "name": box.node.name, "kind": str(box.node.kind), "box": box.ref, "mark": str(box.mark)}
    if box.collapsed:
        record["hidden"] = box.hidden  # the box stands for its columns: its port is their port
    return record


def _summary_record(summary: Summary) -> dict[str, object]:
    more = f"and {summary.count:,} more {summary.noun}{'' if summary.count == 1 else 's'}"
    return {"id": "", "name": more, "kind": "summary", "box": summary.ref, "mark": str(summary.mark), "reach": summary.reach, "nearest": list(summary.nearest)}


def port_ref(port: Port) -> str:
    """The page's id of a link end: its row, else its box."""
    return port.row or port.box


def _link_record(index: int, link: Link) -> dict[str, object]:
    return {
        "id": f"l__{index}",
        "from": port_ref(link.source),
        "to": port_ref(link.target),
        "flow": str(link.flow),
        "subtypes": list(link.subtypes),
        "where": list(link.where),
        "more": link.statements - len(link.where),
        "impacted": link.impacted,
        "path": link.emphasised,
        "count": link.count,
    }
