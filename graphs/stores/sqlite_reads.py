"""Reading the SQLite store's rows: a walk's levels, and rows made into the model's nodes and edges.

Functions of a connection (the store's, inside its read snapshot or write transaction), apart from
the store class so that each stays small; ids are the store's integers until the last step.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from operator import itemgetter

from graphs.stores.sqlite_schema import FLOWS, KEY, KINDS, RELATIONS, SHIFT, SPELLED, SUBTYPES, spelled
from lineage.model import Edge, Node
from lineage.store import WalkRow

CHUNK = 500  # text keys per `IN (...)` look-up: well under SQLite's limit on parameters
# (source, target, relation, flow, subtype, file, line, statement) with node and file ids
Row = tuple[int, int, int, int | None, int | None, int, int, int]


class Known:
    """Node ids as text and as the store's integers, both ways, kept while the file is unchanged:
    a walk reads integers, and the next call (`nodes()`) asks for the same nodes by their text.
    `check` at the start of each read snapshot forgets them when another connection has committed
    (`PRAGMA data_version` moved); the store forgets them at its own commits, which do not move it.
    (Keeping the Node and Edge values made from rows too was measured slower: the cycle collector
    then walks every one kept.) At most `CAP` ids are kept: past that, all are dropped."""

    CAP = 500_000

    def __init__(self) -> None:
        self.version: int | None = None
        self.ids: dict[str, int] = {}
        self.keys: dict[int, str] = {}

    def check(self, db: sqlite3.Connection) -> None:
        version = int(db.execute("PRAGMA data_version").fetchone()[0])
        if version != self.version:
            self.forget()
            self.version = version

    def forget(self) -> None:
        self.version = None
        self.ids.clear()
        self.keys.clear()

    def learn(self, pairs: Iterable[tuple[str, int]]) -> None:
        if len(self.ids) > self.CAP:
            self.ids.clear()
            self.keys.clear()
        for key, i in pairs:
            self.ids[key] = i
            self.keys[i] = key


def pick(db: sqlite3.Connection, ids: Iterable[int], table: str = "picked") -> None:
    """Fill a scratch table with `ids`: one statement however many (JSON is parsed in C)."""
    db.execute(f"DELETE FROM temp.{table}")
    db.execute(f"INSERT OR IGNORE INTO temp.{table} SELECT value FROM json_each(?)", (json.dumps(list(ids)),))


def walk_levels(db: sqlite3.Connection, begin: list[int], way: tuple[str, str, str], max_depth: int | None) -> set[Row]:
    near, far, codes = way
    query = f"SELECT src, dst, relation, flow, subtype, COALESCE(file, id >> {SHIFT}), line, statement FROM edges WHERE {near} IN (SELECT id FROM temp.frontier) AND relation IN ({codes})"
    other = 1 if far == "dst" else 0
    seen, frontier, found, depth = set(begin), set(begin), set(), 0
    while frontier and (max_depth is None or depth < max_depth):
        depth += 1
        pick(db, frontier, "frontier")
        rows = db.execute(query).fetchall()
        found.update(rows)  # set operations run in C: a level of thousands of rows is no loop of ours
        frontier = {row[other] for row in rows} - seen
        seen |= frontier
    return found


def walk_recursive(db: sqlite3.Connection, begin: list[int], way: tuple[str, str, str], max_depth: int | None) -> set[Row]:
    near, far, codes = way
    pick(db, begin, "frontier")
    # unbounded, the CTE's UNION is the visited set; bounded, a node is kept once per depth
    # it is reached at (its least depth decides, as breadth-first would)
    reach = (
        f"reach(id) AS (SELECT id FROM temp.frontier UNION SELECT e.{far} FROM reach r JOIN edges e ON e.{near} = r.id WHERE e.relation IN ({codes}))"
        if max_depth is None
        else f"reach(id, depth) AS (SELECT id, 0 FROM temp.frontier UNION SELECT e.{far}, r.depth + 1 FROM reach r JOIN edges e ON e.{near} = r.id WHERE r.depth + 1 < {int(max_depth)} AND e.relation IN ({codes}))"
    )
    query = f"WITH RECURSIVE {reach} SELECT DISTINCT src, dst, relation, flow, subtype, COALESCE(file, id >> {SHIFT}), line, statement FROM edges WHERE {near} IN (SELECT id FROM reach) AND relation IN ({codes})"
    return set(db.execute(query).fetchall())


def edges_of(db: sqlite3.Connection, rows: list[Row], known: Known) -> list[Edge]:
    """The rows as Edges, sorted."""
    return made_edges(rows_of(db, rows, known))


def made_edges(rows: list[WalkRow]) -> list[Edge]:
    """`row_edge` of each row, without its look-ups: a row's flow and subtype are the enums' members or ""."""
    return [Edge(src, dst, relation, flow or None, subtype or None, file, line, statement) for src, dst, relation, flow, subtype, file, line, statement in rows]  # type: ignore[arg-type]


def rows_of(db: sqlite3.Connection, rows: list[Row], known: Known) -> list[WalkRow]:
    """The rows with text for ids and codes, sorted as text tuples (comparing Edge dataclasses
    would be most of a big walk's cost)."""
    keys = keys_of(db, {n for row in rows for n in row[:2]}, known)
    files = dict(db.execute(f"SELECT id, name FROM files WHERE id IN ({','.join(str(int(f)) for f in {row[5] for row in rows})})").fetchall())
    return sorted(
        (keys[src], keys[dst], RELATIONS[relation], FLOWS[flow] if flow is not None else "", SUBTYPES[subtype] if subtype is not None else "", files[file], line, statement)
        for src, dst, relation, flow, subtype, file, line, statement in rows
    )


Claim = tuple[int, int, str | None, int, str | None]  # node, source, name, named, attrs


def nodes_of(db: sqlite3.Connection, rows: list[tuple[int, str, str, str]], picked: bool = False) -> list[Node]:
    """Nodes sorted by id (as text, not as dataclasses: cheaper), with their attributes merged
    across sources in source order (later ones win); `picked`: `temp.picked` holds the rows' ids."""
    if not picked:
        pick(db, (r[0] for r in rows))
    held: dict[int, list[Claim]] = {}
    for claim in db.execute("SELECT node, source, name, named, attrs FROM claims WHERE node IN (SELECT id FROM temp.picked) AND (attrs IS NOT NULL OR named)"):
        said = held.get(claim[0])
        if said is None:
            held[claim[0]] = [claim]
        else:
            said.append(claim)
    decoded: dict[str, dict[str, str]] = {}
    shared: dict[frozenset[tuple[str | None, int, str | None]], tuple[tuple[tuple[str, str], ...], bool] | None] = {}
    sources: dict[int, str] = {}
    found = []
    for i, key, kind, name in sorted(rows, key=itemgetter(1)):
        said = held.get(i)
        if said is None:
            found.append(Node(key, KINDS[kind], name))
            continue
        # a node's claims mostly say the same (its table and column, spelled by its name; a type from
        # the model that makes it): claims alike are merged once, the distinct ones once per set of
        # them (nodes share those sets), and only when two give one attribute different values are the
        # sources' names read to apply them in source order
        distinct = frozenset([c[2:] for c in said])
        common = shared.get(distinct, False)
        if common is False:
            common = shared[distinct] = _common(distinct, decoded)
        if common is not None:
            items, named = common
            if named:
                table, _, column = spelled(key)[1].rpartition(".")
                items = tuple(sorted((*items, ("column", column), ("table", table))))
            found.append(Node(key, KINDS[kind], name, items))
            continue
        union = _agreed(distinct, key, decoded)
        if union is None:
            if not sources:
                sources.update(db.execute(f"SELECT id, name FROM files WHERE id IN ({','.join(str(int(s)) for s in {c[1] for cs in held.values() for c in cs})})"))
            union = {}
            for claim in sorted(said, key=lambda c: sources[c[1]]):
                union.update(_said(claim[2:], key, decoded))
        found.append(Node(key, KINDS[kind], name, tuple(sorted(union.items()))))
    return found


def _common(claims: frozenset[tuple[str | None, int, str | None]], decoded: dict[str, dict[str, str]]) -> tuple[tuple[tuple[str, str], ...], bool] | None:
    """What claims that name no node of their own (`name` NULL) say alike of any node they are made of:
    their attributes other than the spelled ones, sorted, and whether the spelled ones (`named`) are
    added; None when they disagree, or one states a spelled attribute itself."""
    if any(name is not None for name, _, _ in claims):
        return None
    union = _agreed({(None, 0, text) for _, _, text in claims}, "", decoded)
    if union is None or any(k in union for k in SPELLED):
        return None
    return tuple(sorted(union.items())), any(named for _, named, _ in claims)


def _agreed(claims: set[tuple[str | None, int, str | None]], key: str, decoded: dict[str, dict[str, str]]) -> dict[str, str] | None:
    """The union of what the (distinct) claims say of node `key`, or None when two give one attribute
    different values (then their order decides)."""
    union: dict[str, str] = {}
    for claim in claims:
        for k, v in _said(claim, key, decoded).items():
            if union.setdefault(k, v) != v:
                return None
    return union


def _said(claim: tuple[str | None, int, str | None], key: str, decoded: dict[str, dict[str, str]]) -> dict[str, str]:
    """What one claim (name, named, attrs) says of node `key` (`unpacked`); each distinct JSON text
    decoded once per call."""
    name, named, text = claim
    attrs: dict[str, str] = {}
    if text is not None:
        attrs = decoded.get(text) or decoded.setdefault(text, json.loads(text))
    if not named:
        return attrs
    table, _, column = (spelled(key)[1] if name is None else name).rpartition(".")
    return {**attrs, "column": column, "table": table}


def lookup(db: sqlite3.Connection, keys: set[str], known: Known) -> dict[str, int]:
    """The node id of each key that is stored."""
    ids = known.ids
    found = {k: ids[k] for k in keys if k in ids}
    ordered = sorted(k for k in keys if k not in found)
    read: dict[str, int] = {}
    for at in range(0, len(ordered), CHUNK):
        chunk = ordered[at : at + CHUNK]
        marks = ",".join("?" * len(chunk))
        read.update(db.execute(f"SELECT key, id FROM nodes WHERE key IN ({marks}) AND key IS NOT NULL", chunk).fetchall())
        wanted = set(chunk)
        named = db.execute(f"SELECT {KEY}, id FROM nodes n WHERE name IN ({marks}) AND key IS NULL", [spelled(k)[1] for k in chunk])
        read.update((key, i) for key, i in named if key in wanted)
    known.learn(read.items())
    found.update(read)
    return found


def keys_of(db: sqlite3.Connection, ids: set[int], known: Known) -> dict[int, str]:
    found = {i: known.keys[i] for i in ids if i in known.keys}
    if len(found) < len(ids):
        pick(db, ids - found.keys())
        read = db.execute(f"SELECT id, {KEY} FROM nodes n WHERE id IN (SELECT id FROM temp.picked)").fetchall()
        known.learn((key, i) for i, key in read)
        found.update(read)
    return found
