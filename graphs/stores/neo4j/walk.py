"""The Neo4j store's walks: breadth-first over the server, a few levels per round trip."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graphs.stores.neo4j import cypher as q
from lineage.model import Direction, Relation

# Breadth-first levels per round trip of an unbounded walk. 2 was measured at 1M edges (BENCHMARKS.md, issue 18,
# third pass): 13.5 instead of 15.8 reads per impact, the same CPU, latency within a loaded host's noise; so 1
# until a quiet host shows a gain.
HOPS = 1


def levels(read: Callable[[str, list[str]], list[Any]], ids: list[str], direction: Direction, max_depth: int | None, relations: frozenset[Relation]) -> list[list[Any]]:
    """Breadth-first from `ids` (`read(query, frontier)` runs a step): the `[a, b, type, key, sources]` rows
    of the edges at distance < max_depth, as networkx walks.

    In Python rather than one variable-length Cypher pattern, because implied HAS_COLUMN is no
    relationship; it also kept the slowest impact at 1M edges far below the pattern's (bench.neo4j_load).
    `HOPS` levels per round trip wherever all are within `max_depth`: what each level but the last
    reaches, the next expands (so it is seen), and only what the last reaches is the next frontier.
    An edge out of a node reached at distance d is kept iff d < max_depth, as with one level per trip.
    """
    queries = {hops: q.step(direction, relations, hops) for hops in (1, HOPS)}
    far = 1 if direction is Direction.DOWNSTREAM else 0
    frontier, seen, found = ids, set(ids), list[list[Any]]()
    depth = 0
    while frontier and (max_depth is None or depth < max_depth):
        hops = HOPS if max_depth is None or depth + HOPS <= max_depth else 1
        per_level = read(queries[hops], frontier)
        for level in per_level[:-1]:
            found += level
            seen.update(row[far] for row in level)
        reached: list[str] = []
        for row in per_level[-1]:
            found.append(row)
            other = row[far]
            if other not in seen:
                seen.add(other)
                reached.append(other)
        frontier, depth = reached, depth + hops
    return found

