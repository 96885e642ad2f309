"""A fan-out written straight through the store API: scanning generated SQL for 200,000 tables would
take minutes, writing these facts takes seconds.

`src.x` feeds column `c` of `n` tables (one statement each, `fan.sql` line i + 1); the last of them
feeds the dashboard `board`, the first the ML feature `feat`, the second `deep.d` (2 hops away).
"""

from __future__ import annotations

from collections.abc import Iterator

from lineage.model import Edge, Flow, GraphFacts, Node, NodeKind, Relation, Subtype

PART = 50_000  # tables per write, so no single write holds the whole fan-out twice


def fan_tables(n: int) -> list[str]:
    return [f"fan_{i:0{len(str(n - 1))}d}" for i in range(n)]


def fan_out(n: int) -> Iterator[GraphFacts]:
    tables = fan_tables(n)
    consumers = (Node("dashboard:board", NodeKind.DASHBOARD, "board"), Node("ml_feature:feat", NodeKind.ML_FEATURE, "feat"))
    ends = ((tables[-1], "dashboard:board"), (tables[0], "ml_feature:feat"), (tables[1], "column:deep.d"))
    yield GraphFacts(
        "ends.sql",
        (column("src", "x"), column("deep", "d"), *consumers),
        tuple(feeds(f"column:{t}.c", target, "ends.sql", line) for line, (t, target) in enumerate(ends, 1)),
    )
    for start in range(0, n, PART):
        part = tables[start : start + PART]
        yield GraphFacts(
            f"fan-{start}.sql",
            tuple(column(t, "c") for t in part),
            tuple(feeds("column:src.x", f"column:{t}.c", "fan.sql", line) for line, t in enumerate(part, start + 1)),
        )


def column(table: str, name: str) -> Node:
    return Node(f"column:{table}.{name}", NodeKind.COLUMN, f"{table}.{name}", (("column", name), ("table", table)))


def feeds(source: str, target: str, file: str, line: int) -> Edge:
    return Edge(source, target, Relation.FEEDS, Flow.DIRECT, Subtype.IDENTITY, file, line, line)
