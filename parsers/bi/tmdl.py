"""TMDL, the Tabular Model Definition Language of Power BI projects (`definition/tables/*.tmdl`).

No Python library reads TMDL, so this is a reader of the documented grammar
(https://learn.microsoft.com/analysis-services/tmdl/tmdl-overview), limited to what lineage needs:
an object is `type name` or `type name = expression` (`measure 'Revenue' = SUM(...)`), its
properties are indented one level deeper (`sourceColumn: order_value`, or `source =` followed by
an expression), and a multi-line expression is indented two levels deeper than what it belongs to,
or fenced with ```. Names are bare or in single quotes (`''` escapes a quote). Anything else on a
line is a flag (`isHidden`) and is ignored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_KIND = re.compile(r"(\w+)\s+")
_QUOTED = re.compile(r"'(?:''|[^'])*'")
_PROPERTY = re.compile(r"^(\w+)\s*(:|=)\s*(.*)$")
_FENCE = "```"


@dataclass(slots=True)
class Node:
    """One TMDL object: its type (`table`, `column`, `measure`, `partition`), name, default
    expression, properties (a value, or an expression for `source =`), children, and line."""

    kind: str
    name: str
    line: int
    expression: str | None = None
    properties: dict[str, str] = field(default_factory=dict)
    property_lines: dict[str, int] = field(default_factory=dict)
    children: list[Node] = field(default_factory=list)

    def of(self, kind: str) -> list[Node]:
        return [c for c in self.children if c.kind == kind]


def unquote(name: str) -> str:
    name = name.strip()
    return name[1:-1].replace("''", "'") if len(name) >= 2 and name[0] == name[-1] == "'" else name


def _level(line: str) -> int:
    stripped = line[: len(line) - len(line.lstrip(" \t"))]
    return stripped.count("\t") + stripped.count(" ") // 4


class _Lines:
    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self.index = 0

    def expression(self, first: str, level: int) -> str:
        """An expression starting with `first` on its declaring line (at `level`), continued on
        the lines below that are two levels deeper (or blank), or fenced with ```."""
        if first.strip() == _FENCE:
            body: list[str] = []
            while self.index < len(self.lines) and self.lines[self.index].strip() != _FENCE:
                body.append(self.lines[self.index])
                self.index += 1
            self.index += 1
            return "\n".join(body)
        body = [first] if first.strip() else []
        while self.index < len(self.lines):
            line = self.lines[self.index]
            if line.strip() and _level(line) < level + 2:
                break
            body.append(line)
            self.index += 1
        return "\n".join(body).strip("\n")


def _object(content: str) -> tuple[str, str, str | None] | None:
    """`type name` or `type name = expression` (split by hand: a regex over a hostile line backtracks)."""
    kind = _KIND.match(content)
    if kind is None:
        return None
    rest = content[kind.end() :]
    quoted = _QUOTED.match(rest)
    if quoted:
        name, after = unquote(quoted.group(0)), rest[quoted.end() :].lstrip()
        if after and not after.startswith("="):
            return None
    else:
        name, _, after = rest.partition("=")
        name, after = name.strip(), ("=" + after) if _ else ""
        if not name or ":" in name:
            return None
    return kind.group(1), name, after[1:].strip() if after.startswith("=") else None


def parse_tmdl(text: str) -> Node:
    """The document as a tree under a root node of kind `document`."""
    root = Node("document", "", 1)
    stack: list[tuple[int, Node]] = [(-1, root)]
    lines = _Lines(text)
    while lines.index < len(lines.lines):
        line = lines.lines[lines.index]
        lines.index += 1
        content = line.strip()
        if not content or content.startswith("///"):
            continue
        level, number = _level(line), lines.index
        while stack[-1][0] >= level:
            stack.pop()
        parent = stack[-1][1]
        prop = _PROPERTY.match(content)
        if prop:  # `key: value`, or `key =` and an expression: a name never stands between
            key, how, value = prop.groups()
            parent.properties[key] = lines.expression(value, level) if how == "=" else value.strip()
            parent.property_lines[key] = number
            continue
        found = _object(content)
        if found is None:
            continue  # a flag such as isHidden
        kind, name, expression = found
        node = Node(kind, name, number, lines.expression(expression, level) if expression is not None else None)
        parent.children.append(node)
        stack.append((level, node))
    return root
