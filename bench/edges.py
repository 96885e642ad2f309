"""Edges from both approaches in one comparable shape, and the comparison issue 2 asks for.

An edge is `(source table, source column, query, output column)`, lower case, with database and
schema qualifiers dropped: sqlglot names a leaf after the table only, our extractor after the
name as written, and the TPC queries never qualify tables, so the last name part is the table.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlglot import exp
from sqlglot.lineage import Node

from lineage.model import FileFacts, Flow

EdgeKey = tuple[str, str, str, str]  # source table, source column, query, output column
UNKNOWN_TABLE = "?"  # our extractor's `source_table=None`: the SQL does not say which table
MAX_EXAMPLES = 20


def _name(text: str) -> str:
    return text.strip('"`').lower()


def _table(name: str | None) -> str:
    return UNKNOWN_TABLE if name is None else _name(name.rsplit(".", 1)[-1])


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
            key = (_table(edge.source_table), _name(edge.source_column), _table(edge.target_table), _name(edge.target_column))
            if edge.flow is Flow.DIRECT:
                direct.add(key)
            else:
                indirect.setdefault(key, set()).add(str(edge.subtype))
    return OurEdges(frozenset(direct), {key: tuple(sorted(kinds)) for key, kinds in indirect.items()})


def naive_edges(query: str, column: str, root: Node) -> set[EdgeKey]:
    """Leaves of one lineage tree that are table columns; leaf names read `alias.column`."""
    edges: set[EdgeKey] = set()
    for node in root.walk():
        if not node.downstream and isinstance(node.source, exp.Table):
            edges.add((_table(node.source.name), _name(node.name.rsplit(".", 1)[-1]), query, _name(column)))
    return edges


def non_table_leaves(roots: Iterable[Node]) -> int:
    """Leaves that are not table columns (literal outputs, unresolved names): not edges, but counted."""
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
