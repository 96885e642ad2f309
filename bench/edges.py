"""Edges from every approach in one comparable shape, and the comparisons issues 2 and 7 ask for.

An edge is `(source table, source column, query, output column)`, lower case, with database and
schema qualifiers dropped: sqlglot names a leaf after the table only, our extractor after the
name as written; the TPC queries never qualify tables and the warehouse's table names are unique
across its schemas, so the last name part is the table. Nothing here imports sqlglot at load
time, so a peer's worker process does not carry it in its memory figure.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from lineage.model import FileFacts, Flow

if TYPE_CHECKING:
    from sqlglot.lineage import Node

EdgeKey = tuple[str, str, str, str]  # source table, source column, query, output column
UNKNOWN_TABLE = "?"  # our extractor's `source_table=None`: the SQL does not say which table
MAX_EXAMPLES = 20


def _name(text: str) -> str:
    return text.strip('"`').lower()


def _table(name: str | None) -> str:
    return UNKNOWN_TABLE if name is None else _name(name.rsplit(".", 1)[-1])


def edge_key(table: str | None, column: str, query: str, output: str) -> EdgeKey:
    """The comparable form of one edge, from whatever names a tool gives (`None`: no table known)."""
    return (_table(table), _name(column), _table(query), _name(output))


@dataclass(frozen=True, slots=True)
class OurEdges:
    """Column-level edges of our extractor, split by flow.

    Indirect column-level edges (CASE conditions, window partitions) are kept so that a naive edge
    absent from our direct edges can be told apart from one we classify as indirect.
    """

    direct: frozenset[EdgeKey]
    indirect: Mapping[EdgeKey, tuple[str, ...]]  # edge -> its subtypes


def our_edges(facts: Iterable[FileFacts]) -> OurEdges:
    """Column-level edges only: table-level ones (join, filter, ...) have no output column."""
    direct: set[EdgeKey] = set()
    indirect: dict[EdgeKey, set[str]] = {}
    for file_facts in facts:
        for edge in file_facts.edges:
            if edge.target_column is None:
                continue
            key = edge_key(edge.source_table, edge.source_column, edge.target_table, edge.target_column)
            if edge.flow is Flow.DIRECT:
                direct.add(key)
            else:
                indirect.setdefault(key, set()).add(str(edge.subtype))
    return OurEdges(frozenset(direct), {key: tuple(sorted(kinds)) for key, kinds in indirect.items()})


def naive_edges(query: str, column: str, root: Node) -> set[EdgeKey]:
    """Leaves of one lineage tree that are table columns; leaf names read `alias.column`."""
    from sqlglot import exp

    edges: set[EdgeKey] = set()
    for node in root.walk():
        if not node.downstream and isinstance(node.source, exp.Table):
            edges.add(edge_key(node.source.name, node.name.rsplit(".", 1)[-1], query, column))
    return edges


def non_table_leaves(roots: Iterable[Node]) -> int:
    """Leaves that are not table columns (literal outputs, unresolved names): not edges, but counted."""
    from sqlglot import exp

    return sum(1 for root in roots for node in root.walk() if not node.downstream and not isinstance(node.source, exp.Table))


@dataclass(frozen=True, slots=True)
class Missing:
    """A naive edge that is not among our direct edges, and what we have instead."""

    edge: EdgeKey
    ours_instead: str  # e.g. "indirect window", "direct into output ''", "direct from ?.c_count"

    def to_record(self) -> dict[str, str]:
        return {**edge_record(self.edge), "ours_instead": self.ours_instead}


def edge_record(edge: EdgeKey) -> dict[str, str]:
    table, column, query, output = edge
    return {"source": f"{table}.{column}", "query": query, "output_column": output}


@dataclass(frozen=True, slots=True)
class Comparison:
    ours: int
    naive: int
    missing: Mapping[str, tuple[Missing, ...]]  # reason -> naive edges not among our direct edges
    ours_only: tuple[EdgeKey, ...]  # our direct edges that no naive tree has

    def missing_count(self) -> int:
        return sum(len(edges) for edges in self.missing.values())

    def to_record(self) -> dict[str, object]:
        return {
            "edges_ours_direct": self.ours,
            "edges_naive": self.naive,
            "naive_missing_from_ours": self.missing_count(),
            "naive_missing_by_reason": {reason: len(found) for reason, found in self.missing.items()},
            "naive_missing_examples": {reason: [m.to_record() for m in found[:MAX_EXAMPLES]] for reason, found in self.missing.items()},
            "ours_not_in_naive": len(self.ours_only),
            "ours_not_in_naive_examples": [edge_record(edge) for edge in self.ours_only[:MAX_EXAMPLES]],
        }


# Why a naive edge is not among our direct edges; only ABSENT means we lost the fact entirely.
ABSENT = "absent"
UNNAMED = "unnamed_output_in_ours"  # we have the edge, into an output we name '' where sqlglot says `_col_N`
INDIRECT = "indirect_in_ours"  # we classify it indirect (CASE condition, window) where sqlglot says it feeds
REASONS = (ABSENT, UNNAMED, INDIRECT)


def compare(ours: OurEdges, naive: frozenset[EdgeKey]) -> Comparison:
    """Naive edges missing from our direct edges, each filed under the reason it is missing."""
    missing: dict[str, list[Missing]] = {reason: [] for reason in REASONS}
    unnamed = {(table, column, query) for table, column, query, output in ours.direct if output == ""}
    sources = _sources_by_output(ours.direct)
    for edge in sorted(naive - ours.direct):
        if edge in ours.indirect:
            missing[INDIRECT].append(Missing(edge, "indirect " + "/".join(ours.indirect[edge])))
        elif edge[:3] in unnamed:
            missing[UNNAMED].append(Missing(edge, "direct into output ''"))
        else:
            found = sources.get(edge[2:], [])
            missing[ABSENT].append(Missing(edge, "direct from " + ", ".join(found) if found else "no direct edge into this output"))
    frozen = {reason: tuple(found) for reason, found in missing.items()}
    return Comparison(len(ours.direct), len(naive), frozen, tuple(sorted(ours.direct - naive)))


def _sources_by_output(edges: frozenset[EdgeKey]) -> dict[tuple[str, str], list[str]]:
    """`table.column`s feeding each (query, output), to show what we found instead of a missing edge."""
    found: dict[tuple[str, str], list[str]] = {}
    for table, column, query, output in sorted(edges):
        found.setdefault((query, output), []).append(f"{table}.{column}")
    return found


@dataclass(frozen=True, slots=True)
class Found:
    """One approach's edges, and the statements it read (a slow peer may read a subset)."""

    edges: frozenset[EdgeKey]
    queries: frozenset[str]
    indirect: frozenset[EdgeKey] = field(default_factory=frozenset)  # ours: edges we record as indirect


# Why an edge that another approach found is missing from this one, tried in this order.
OTHER_TABLE = "other_table"  # it has the column into that output, but from another table or none
OTHER_OUTPUT = "other_output"  # it has the source column, but into another output name of that statement
UNION_REASONS = (INDIRECT, OTHER_TABLE, OTHER_OUTPUT, ABSENT)


Known = frozenset[tuple[str, str]]  # (table, column) of the corpus's schema, normalised as edges are
NOT_COMPARABLE = ("no_table", "star", "not_in_schema")


def known_columns(tables: Mapping[str, Iterable[str]]) -> Known:
    return frozenset((_table(table), _name(column)) for table, columns in tables.items() for column in columns)


def not_comparable(edge: EdgeKey, known: Known) -> str | None:
    """Why no other tool could confirm or lack this edge, or None when it names a schema column.

    `?`: the tool could not tell the table. `*`: `COUNT(*)`, which sqllineage reports as `table.*`.
    Not in the schema: a CTE or subquery name left as the source, or a column put in the wrong table.
    """
    if edge[0] == UNKNOWN_TABLE:
        return "no_table"
    if edge[1] == "*":
        return "star"
    return None if edge[:2] in known else "not_in_schema"


def _reasons(mine: Found) -> Callable[[EdgeKey], str]:
    """Why `mine` lacks an edge: tried in the order of UNION_REASONS."""
    by_column = {(c, q, o) for _, c, q, o in mine.edges}
    by_source = {(t, c, q) for t, c, q, _ in mine.edges}

    def why(edge: EdgeKey) -> str:
        table, column, query, output = edge
        if edge in mine.indirect:
            return INDIRECT
        return OTHER_TABLE if (column, query, output) in by_column else OTHER_OUTPUT if (table, column, query) in by_source else ABSENT

    return why


def against_union(name: str, found: Mapping[str, Found], known: Known) -> dict[str, object]:
    """`name`'s edges, and the comparable edges of every other approach it lacks, on the statements it read."""
    mine = found[name]
    others = [f for key, f in found.items() if key != name]
    union = frozenset(e for f in others for e in f.edges if e[2] in mine.queries and not_comparable(e, known) is None)
    missed: dict[str, list[EdgeKey]] = {reason: [] for reason in UNION_REASONS}
    why = _reasons(mine)
    for edge in sorted(union - mine.edges):
        missed[why(edge)].append(edge)
    apart: dict[str | None, list[EdgeKey]] = {kind: [] for kind in (None, *NOT_COMPARABLE)}
    for edge in sorted(mine.edges):
        apart[not_comparable(edge, known)].append(edge)
    # found by no other: among the approaches that read its statement (at least one did), none has it
    only = [e for e in apart[None] if (read := [f for f in others if e[2] in f.queries]) and not any(e in f.edges for f in read)]
    return {
        "statements": len(mine.queries),
        "edges": len(mine.edges),
        "not_comparable": {kind: len(apart[kind]) for kind in NOT_COMPARABLE},
        "not_comparable_examples": {kind: [edge_record(e) for e in apart[kind][:MAX_EXAMPLES]] for kind in NOT_COMPARABLE},
        "union_of_others": len(union),
        "missed": sum(len(edges) for edges in missed.values()),
        "missed_by_reason": {reason: len(edges) for reason, edges in missed.items()},
        "missed_examples": {reason: [edge_record(edge) for edge in edges[:MAX_EXAMPLES]] for reason, edges in missed.items()},
        "only_here": len(only),
        "only_here_examples": [edge_record(edge) for edge in only[:MAX_EXAMPLES]],
    }
