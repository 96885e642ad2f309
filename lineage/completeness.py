"""How complete an answer is: what the graph knows it is missing around what the answer reached.

An answer (impact, upstream, downstream, a diff's changes) is complete when nothing it reached
borders on lineage the scan could not extract. Four things can hide an edge, and each is explicit
in the graph, so this is a pure function of the store:

- a statement that did not parse (an `<unparsed>` node with the words of its text): it may read,
  or write, any reached table whose name is among its words, or any table when no words were kept;
- a column whose table the SQL does not name (`<unresolved>.x`) read by a statement that reads a
  reached table, or that reads no table we know: it may be a reached column;
- an unexpanded `*` over a reached table: the columns it carries are not known;
- a consumer declared at table level whose table's columns were unknown: linked through the `*`;
- a catalog name (a consumer's column, a `tables:` key or glob) that matches nothing scanned: what
  it meant is not linked, so any downstream answer may miss a consumer, an owner or a tier.

The walk itself can stop short (`--max-depth` with more beyond) and a listing can be cut (`--limit`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from lineage.model import UNMATCHED, UNPARSED, UNRESOLVED, Direction, Edge, Location, Node, NodeKind, Relation
from lineage.store import FLOW_RELATIONS, LineageStore

SHOWN = 5  # locations listed per kind of gap in the one-line summary
_FEEDS = frozenset({Relation.FEEDS})
_WORD = re.compile(r"\w+")


class GapKind(StrEnum):
    FAILED_STATEMENT = "failed_statement"
    UNRESOLVED_COLUMN = "unresolved_column"
    UNEXPANDED_STAR = "unexpanded_star"
    TABLE_LEVEL_CONSUMER = "table_level_consumer"
    UNMATCHED_CATALOG_NAME = "unmatched_catalog_name"
    TRUNCATED = "truncated"


@dataclass(frozen=True, slots=True, order=True)
class Gap:
    """One reason an answer may miss something: what kind, where, and the table, column or consumer it concerns."""

    kind: GapKind
    where: Location | None
    detail: str  # failed statement: the reached tables it may read ("" for any); unresolved: the column;
    # star: the table; consumer: its name; catalog name: the name; truncated: what was cut

    def to_record(self) -> dict[str, object]:
        file, line = (self.where.file, self.where.line) if self.where else (None, None)
        return {"kind": str(self.kind), "file": file, "line": line, "detail": self.detail}


@dataclass(frozen=True, slots=True)
class Completeness:
    gaps: tuple[Gap, ...] = ()

    @property
    def complete(self) -> bool:
        return not self.gaps

    def to_record(self) -> dict[str, object]:
        return {"complete": self.complete, "gaps": [g.to_record() for g in self.gaps]}

    def line(self) -> str:
        """`Complete.` or `May be incomplete: 2 statements that did not parse may read app.orders (x.sql:14, y.sql:3).`"""
        return "May be incomplete: " + "; ".join(self.reasons()) + "." if self.gaps else "Complete."

    def reasons(self) -> list[str]:
        """One phrase per kind of gap, in GapKind order."""
        return [_PHRASES[kind]([g for g in self.gaps if g.kind is kind]) for kind in GapKind if any(g.kind is kind for g in self.gaps)]


def merged(parts: Iterable[Completeness]) -> Completeness:
    return Completeness(tuple(sorted({g for p in parts for g in p.gaps})))


@dataclass(frozen=True, slots=True)
class Scope:
    """What an answer reached: its targets and every node it walked to, which way, and where it stopped."""

    direction: Direction
    nodes: tuple[Node, ...]
    frontier: tuple[str, ...] = ()  # nodes at --max-depth: a FEEDS edge beyond them is a cut
    edges: tuple[Edge, ...] = ()  # the hops walked, for where an unresolved column feeds (upstream)


def survey(store: LineageStore, scope: Scope, max_depth: int | None = None) -> Completeness:
    """Every gap the graph records around `scope`."""
    gaps = list(Surveyor(store, scope.direction).gaps(_tables(scope.nodes)))
    if scope.direction is Direction.UPSTREAM:
        loose = {n.id: n.attr("column") or n.name for n in scope.nodes if n.attr("unresolved") == "true"}
        gaps += [Gap(GapKind.UNRESOLVED_COLUMN, _at(e), loose[e.source]) for e in scope.edges if e.source in loose]
    if max_depth is not None and scope.frontier and any(e.relation is Relation.FEEDS for e in store.walk(scope.frontier, scope.direction, 2, FLOW_RELATIONS)):
        gaps.append(Gap(GapKind.TRUNCATED, None, f"stopped at --max-depth {max_depth} with more {scope.direction}"))
    return Completeness(tuple(sorted(set(gaps))))


def _tables(nodes: Iterable[Node]) -> set[str]:
    """The tables an answer touches: table nodes, and the tables of its columns."""
    found: set[str] = set()
    table, column = NodeKind.TABLE, NodeKind.COLUMN
    for n in nodes:  # one pass: an impact at 1M edges touches ~1,200 nodes
        if n.kind is table:
            found.add(n.name)
        elif n.kind is column and (t := n.attr("table")):
            found.add(t)
    return found


def _unmatched(store: LineageStore) -> list[Gap]:
    """Catalog names matching nothing: which answer they would change is unknown, so every one."""
    found = [n for n in store.find(f"{UNMATCHED} *") if n.kind is NodeKind.UNPARSED]
    return [Gap(GapKind.UNMATCHED_CATALOG_NAME, Location(n.attr("file") or "", int(n.attr("line") or 0)), n.name.split(" ", 2)[-1]) for n in found]


def may_name(words: set[str], table: str) -> bool:
    """Whether a text with these (lower-cased) words may name `table`: every word of its last part is there.

    Schemas are left out on purpose: `orders` and `raw.orders` are one table to a statement we
    could not read, so a near miss is reported rather than trusted.
    """
    return set(_WORD.findall(table.rsplit(".", 1)[-1].lower())) <= words


class Surveyor:
    """The gaps around sets of touched tables, the store-wide lookups made once: a diff surveys
    hundreds of changes' reach, and each `find` over the store reads every node."""

    def __init__(self, store: LineageStore, direction: Direction) -> None:
        self.store, self.direction = store, direction
        self.unparsed = [_Unparsed(n) for n in store.find(f"{UNPARSED} *") if n.kind is NodeKind.UNPARSED]
        self.loose = _loose_uses(store) if direction is Direction.DOWNSTREAM else []
        self.unmatched = _unmatched(store) if direction is Direction.DOWNSTREAM else []
        self.stars: dict[str, list[Gap]] = {}  # table -> the gaps of the unexpanded `*` over (or into) it
        self.starred: set[str] = set()  # the tables of `stars` with any

    def gaps(self, tables: set[str]) -> tuple[Gap, ...]:
        """Failed statements that may name one of `tables`, stars over them and (downstream) loose columns
        read beside them and catalog names that match nothing."""
        gaps = [g for u in self.unparsed if (g := u.gap(tables)) is not None]
        unknown = tables - self.stars.keys()
        if unknown:
            self._load_stars(unknown)
        gaps += [g for t in self.starred & tables for g in self.stars[t]]
        gaps += [Gap(GapKind.UNRESOLVED_COLUMN, _at(edge), edge.source.rsplit(".", 1)[-1]) for edge, known in self.loose if not known or known & tables]
        return tuple(sorted({*gaps, *self.unmatched}))

    def _load_stars(self, tables: set[str]) -> None:
        """An unexpanded `*` over a table touched (downstream), or into one (upstream)."""
        for table in tables:
            self.stars[table] = []
        edges = self.store.walk([f"{NodeKind.COLUMN}:{t}.*" for t in sorted(tables)], self.direction, 1, _FEEDS)
        ends = {n.id: n for n in self.store.nodes({e.target for e in edges})}
        for edge in edges:
            near = edge.source if self.direction is Direction.DOWNSTREAM else edge.target
            table = near.split(":", 1)[1].removesuffix(".*")
            consumer = ends.get(edge.target)
            if consumer is not None and consumer.attr("table_level") == "true":
                self.stars.setdefault(table, []).append(Gap(GapKind.TABLE_LEVEL_CONSUMER, _at(edge), f"{consumer.name} (columns of {table} unknown)"))
            elif self.direction is Direction.UPSTREAM or edge.target.endswith(".*"):
                self.stars.setdefault(table, []).append(Gap(GapKind.UNEXPANDED_STAR, _at(edge), table))
            # else a whole-row read (`count(*)`, EXISTS) into a named column: nothing is missing
        self.starred.update(t for t in tables if self.stars[t])


class _Unparsed:
    """A statement that did not parse: it may read, or write, any table its words may name (any, with no words)."""

    def __init__(self, node: Node) -> None:
        self.at = Location(node.attr("file") or "", int(node.attr("line") or 0))
        self.words = set(json.loads(node.attr("mentions") or "[]"))
        self.checked: set[str] = set()
        self.named: set[str] = set()

    def gap(self, tables: set[str]) -> Gap | None:
        if not self.words:
            return Gap(GapKind.FAILED_STATEMENT, self.at, "")
        new = tables - self.checked
        self.named |= {t for t in new if may_name(self.words, t)}
        self.checked |= new
        named = sorted(self.named & tables)
        return Gap(GapKind.FAILED_STATEMENT, self.at, ", ".join(named)) if named else None


def _loose_uses(store: LineageStore) -> list[tuple[Edge, set[str]]]:
    """Each read of an unresolved column, with the known tables its statement reads beside it."""
    loose = [n.id for n in store.find(f"{UNRESOLVED}.*") if n.kind is NodeKind.COLUMN]
    uses = store.walk(loose, Direction.DOWNSTREAM, 1, _FEEDS) if loose else []
    if not uses:
        return []
    written = store.nodes({e.target for e in uses})
    ends = {n.id for n in written} | {f"{NodeKind.TABLE}:{t}" for n in written if (t := n.attr("table"))}
    into = store.walk(ends, Direction.UPSTREAM, 1, _FEEDS)
    sources = {n.id: n.attr("table") or "" for n in store.nodes({e.source for e in into})}
    reads: dict[tuple[str, int], set[str]] = {}
    for edge in into:
        reads.setdefault((edge.file, edge.statement), set()).add(sources.get(edge.source, ""))
    return [(edge, reads.get((edge.file, edge.statement), set()) - {""}) for edge in uses]


def _at(edge: Edge) -> Location:
    return Location(edge.file, edge.line)


# -- the one-line summary ------------------------------------------------------------------------
def _places(gaps: Sequence[Gap]) -> str:
    where = sorted({g.where for g in gaps if g.where is not None})
    if not where:
        return ""
    shown = ", ".join(str(w) for w in where[:SHOWN])
    return f" ({shown}" + (f", ...and {len(where) - SHOWN:,} more" if len(where) > SHOWN else "") + ")"


def _names(details: Iterable[str], most: int = 3) -> str:
    names = sorted({n for d in details for n in d.split(", ") if n})
    return ", ".join(names[:most]) + (f" and {len(names) - most:,} more" if len(names) > most else "")


def _count(gaps: Sequence[Gap], one: str, many: str) -> str:
    return f"{len(gaps):,} {one if len(gaps) == 1 else many}"


def _failed(gaps: Sequence[Gap]) -> str:
    read = "it" if any(not g.detail for g in gaps) else _names(g.detail for g in gaps)
    return f"{_count(gaps, 'statement', 'statements')} that did not parse may read {read}{_places(gaps)}"


def _unresolved(gaps: Sequence[Gap]) -> str:
    return f"{_count(gaps, 'column', 'columns')} whose table the SQL does not name: {_names(g.detail for g in gaps)}{_places(gaps)}"


def _star(gaps: Sequence[Gap]) -> str:
    return f"{_count(gaps, 'unexpanded *', 'unexpanded *')} over {_names(g.detail for g in gaps)}{_places(gaps)}"


def _consumer(gaps: Sequence[Gap]) -> str:
    names = "; ".join(sorted({g.detail for g in gaps}))
    return f"{'consumer' if len(gaps) == 1 else 'consumers'} declared at table level: {names}{_places(gaps)}"


def _catalog(gaps: Sequence[Gap]) -> str:
    return f"{_count(gaps, 'catalog name', 'catalog names')} {'matches' if len(gaps) == 1 else 'match'} nothing scanned{_places(gaps)}"


def _cut(gaps: Sequence[Gap]) -> str:
    return "; ".join(sorted({g.detail for g in gaps}))


_PHRASES = {
    GapKind.FAILED_STATEMENT: _failed,
    GapKind.UNRESOLVED_COLUMN: _unresolved,
    GapKind.UNEXPANDED_STAR: _star,
    GapKind.TABLE_LEVEL_CONSUMER: _consumer,
    GapKind.UNMATCHED_CATALOG_NAME: _catalog,
    GapKind.TRUNCATED: _cut,
}
