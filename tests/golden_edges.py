"""The golden edge format: one sorted edge per line, aligned, `@n` the statement's line."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from lineage.model import ColumnEdge
from parsers.sql.schema import SchemaRegistry


def format_edges(edges: Iterable[ColumnEdge]) -> str:
    rows = []
    for e in edges:
        source = f"{e.source_table or '?'}.{e.source_column}"
        target = f"{e.target_table}.{e.target_column}" if e.target_column is not None else f"{e.target_table} (table)"
        rows.append((source, target, str(e.flow), str(e.subtype), f"@{e.at.line}"))
    rows.sort(key=lambda r: (int(r[4][1:]), r[1], r[0], r[2], r[3]))
    if not rows:
        return "(no edges)\n"
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    return "".join(
        f"{r[0]:<{widths[0]}} -> {r[1]:<{widths[1]}}  {r[2]:<{widths[2]}}  {r[3]:<{widths[3]}}  {r[4]}\n" for r in rows
    )


def read_header(sql: str) -> tuple[str | None, SchemaRegistry | None]:
    """`-- dialect: snowflake` and `-- schema: {"t": ["a", "b"]}` lines at the top of a case."""
    dialect, schema = None, None
    for line in sql.splitlines():
        if not line.startswith("--"):
            break
        key, _, value = line[2:].strip().partition(":")
        if key.strip() == "dialect":
            dialect = value.strip() or None
        elif key.strip() == "schema":
            data = json.loads(value)
            schema = SchemaRegistry({t: [(c, None) for c in cols] for t, cols in data.items()})
    return dialect, schema


def golden_cases(root: Path) -> list[Path]:
    return sorted(root.glob("*/*.sql"))
