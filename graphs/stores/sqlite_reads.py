"""Reading the SQLite store's rows: a walk's levels, and rows made into the model's nodes and edges.

Functions of a connection (the store's, inside its read snapshot or write transaction), apart from
the store class so that each stays small; ids are the store's integers until the last step.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Collection, Iterable
from operator import attrgetter, itemgetter

from graphs.stores.sqlite_schema import FLOWS, KEY, KINDS, RELATIONS, SHIFT, SPELLED, SUBTYPES, spelled
from lineage.model import Edge, Node, maker
from lineage.store import WalkRow

CHUNK = 500  # text keys per `IN (...)` look-up: well under SQLite's limit on parameters
# (source, target, how, file, line, statement) with node and file ids; `how` packs the relation,
# flow and subtype codes into one number (fetching it costs a third of what three columns did). A
# flow or subtype outside 0-8 (no version of ours wrote one) packs as -1, which no code decodes: the
# store is said to be damaged, where a 12 would have carried into the relation's digit and read as
# another valid code
Row = tuple[int, int, int, int, int, int]
_PACKED = "CASE WHEN ifnull(flow, 0) BETWEEN 0 AND 8 AND ifnull(subtype, 0) BETWEEN 0 AND 8 THEN relation * 100 + ifnull(flow, 9) * 10 + ifnull(subtype, 9) ELSE -1 END"
ROW = f"src, dst, {_PACKED}, COALESCE(file, id >> {SHIFT}), line, statement"
_HOW = [(r * 100 + f * 10 + s, r, f, s) for r in RELATIONS for f in (*FLOWS, 9) for s in (*SUBTYPES, 9)]
HOW_RELATION = {how: RELATIONS[r] for how, r, _, _ in _HOW}
HOW_FLOW = {how: FLOWS.get(f, "") for how, _, f, _ in _HOW}  # a row's flow and subtype: the enums' members or ""
HOW_SUBTYPE = {how: SUBTYPES.get(s, "") for how, _, _, s in _HOW}


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
        # the JSON array of a node's claims (see `NODE_ROWS`) -> what they say: `Common`, or the
        # distinct claims when they must be merged per node; the same few arrays come back every walk
        self.merged: dict[str, Common | frozenset[Said]] = {}

    def check(self, db: sqlite3.Connection) -> None:
        version = int(db.execute("PRAGMA data_version").fetchone()[0])
        if version != self.version:
            self.forget()
            self.version = version

    def forget(self) -> None:
        self.version = None
        self.ids.clear()
        self.keys.clear()
        self.merged.clear()

    def learn(self, pairs: Iterable[tuple[str, int]]) -> None:
        if len(self.ids) > self.CAP:
            self.ids.clear()
            self.keys.clear()
            self.merged.clear()
        for key, i in pairs:
            self.ids[key] = i
            self.keys[i] = key


def pick(db: sqlite3.Connection, ids: Iterable[int], table: str = "picked") -> None:
    """Fill a scratch table with `ids`: one statement however many (JSON is parsed in C)."""
    db.execute(f"DELETE FROM temp.{table}")
    db.execute(f"INSERT OR IGNORE INTO temp.{table} SELECT value FROM json_each(?)", (json.dumps(list(ids)),))


def walk_levels(db: sqlite3.Connection, begin: list[int], way: tuple[str, str, str], max_depth: int | None) -> set[Row]:
    near, far, codes = way
    query = f"SELECT {ROW} FROM edges WHERE {near} IN (SELECT id FROM temp.frontier) AND relation IN ({codes})"
    other = itemgetter(1 if far == "dst" else 0)
    seen, frontier, found, depth = set(begin), set(begin), set(), 0
    while frontier and (max_depth is None or depth < max_depth):
        depth += 1
        pick(db, frontier, "frontier")
        rows = db.execute(query).fetchall()
        found.update(rows)  # set operations run in C: a level of thousands of rows is no loop of ours
        frontier = set(map(other, rows)) - seen
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
    query = f"WITH RECURSIVE {reach} SELECT DISTINCT {ROW} FROM edges WHERE {near} IN (SELECT id FROM reach) AND relation IN ({codes})"
    return set(db.execute(query).fetchall())


def edges_of(db: sqlite3.Connection, rows: list[Row], known: Known) -> list[Edge]:
    """The rows as Edges, sorted."""
    return made_edges(rows_of(db, rows, known))


def made_edges(rows: list[WalkRow]) -> list[Edge]:
    """`row_edge` of each row, without its look-ups: a row's flow and subtype are the enums' members or ""."""
    return [Edge(src, dst, relation, flow or None, subtype or None, file, line, statement) for src, dst, relation, flow, subtype, file, line, statement in rows]  # type: ignore[arg-type]


def rows_of(db: sqlite3.Connection, rows: Collection[Row], known: Known) -> list[WalkRow]:
    """The rows with text for ids and codes, sorted as text tuples (comparing Edge dataclasses
    would be most of a big walk's cost). Made column by column, each mapped in C: a p95 walk is
    ~4,000 rows, and a loop of ours over them took a millisecond more."""
    if not rows:
        return []
    src, dst, how, file, line, statement = zip(*rows)
    keys = keys_of(db, {*src, *dst}, known).__getitem__
    files = dict(db.execute(f"SELECT id, name FROM files WHERE id IN ({','.join(str(int(f)) for f in set(file))})").fetchall())
    return sorted(zip(map(keys, src), map(keys, dst), map(HOW_RELATION.__getitem__, how), map(HOW_FLOW.__getitem__, how), map(HOW_SUBTYPE.__getitem__, how), map(files.__getitem__, file), line, statement))


Claim = tuple[int, int, str | None, int, str | None]  # node, source, name, named, attrs
Said = tuple[str | None, int, str | None]  # what a claim says: name, named, attrs
# attributes common to nodes, and whether the spelled ones are added (`named`); when they are, split
# around where they go: those sorted before "column", between it and "table", after "table"
Common = tuple[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...], tuple[tuple[str, str], ...], bool]

# Each node with what its claims say, as one JSON array per node (claims saying nothing left out):
# the array is the same text for the many nodes whose claims say the same (a column's type from the
# model that makes it, its spelled name from each reader), so it is merged once per text, and the
# node's row and its claims come in one statement (read apart, the claims were 2,400 rows to group).
NODE_ROWS = (
    "SELECT n.id, n.kind, n.name, (SELECT json_group_array(json_array(c.name, c.named, c.attrs)) FROM claims c"
    " WHERE c.node = n.id AND (c.attrs IS NOT NULL OR c.named)) FROM nodes n WHERE n.id IN (SELECT id FROM temp.picked)"
)


_node = maker(Node)  # ~1,200 per wide impact


def nodes_of(db: sqlite3.Connection, keys: dict[int, str], known: Known) -> list[Node]:
    """The nodes of these ids (id -> text key), sorted by id, with their attributes merged across
    sources in source order (later ones win)."""
    pick(db, keys)
    found: list[Node] = []
    undecided: list[tuple[int, str, str, str, frozenset[Said]]] = []
    decoded: dict[str, dict[str, str]] = {}
    merged = known.merged
    for i, kind, name, said in db.execute(NODE_ROWS).fetchall():
        key = keys[i]
        common = merged.get(said)
        if common is None:
            distinct = frozenset((n, named, a) for n, named, a in json.loads(said))
            common = merged[said] = _common(distinct, decoded) or distinct
        if type(common) is frozenset:  # claims that name the node, or disagree: merged for this node
            undecided.append((i, key, kind, name, common))
            continue
        before, between, after, named = common  # type: ignore[misc]
        if named:
            table, _, column = key.partition(":")[2].rpartition(".")
            found.append(_node(key, KINDS[kind], name, (*before, ("column", column), *between, ("table", table), *after)))
        else:
            found.append(_node(key, KINDS[kind], name, before))
    if undecided:
        found += _decided(db, undecided, decoded)
    found.sort(key=attrgetter("id"))
    return found


def _decided(db: sqlite3.Connection, nodes: list[tuple[int, str, str, str, frozenset[Said]]], decoded: dict[str, dict[str, str]]) -> list[Node]:
    """Nodes whose claims `_common` could not merge: their union when the claims agree, else the
    claims applied in their sources' order (the sources' names read only then)."""
    found, ordered = [], {}
    for i, key, kind, name, distinct in nodes:
        union = _agreed(distinct, key, decoded)
        if union is None:
            ordered[i] = (key, kind, name)
        else:
            found.append(Node(key, KINDS[kind], name, tuple(sorted(union.items()))))
    if ordered:
        pick(db, ordered)
        held: dict[int, list[Claim]] = {}
        for claim in db.execute("SELECT node, source, name, named, attrs FROM claims WHERE node IN (SELECT id FROM temp.picked) AND (attrs IS NOT NULL OR named)"):
            held.setdefault(claim[0], []).append(claim)
        sources = dict(db.execute(f"SELECT id, name FROM files WHERE id IN ({','.join(str(int(c[1])) for cs in held.values() for c in cs)})"))
        for i, (key, kind, name) in ordered.items():
            union = {}
            for claim in sorted(held[i], key=lambda c: sources[c[1]]):
                union.update(_said(claim[2:], key, decoded))
            found.append(Node(key, KINDS[kind], name, tuple(sorted(union.items()))))
    return found


def _common(claims: frozenset[Said], decoded: dict[str, dict[str, str]]) -> Common | None:
    """What claims that name no node of their own (`name` NULL) say alike of any node they are made of:
    their attributes other than the spelled ones, sorted and split around where the spelled ones go,
    and whether those (`named`) are added; None when they disagree, or one states a spelled attribute itself."""
    if any(name is not None for name, _, _ in claims):
        return None
    union = _agreed({(None, 0, text) for _, _, text in claims}, "", decoded)
    if union is None or any(k in union for k in SPELLED):
        return None
    items = tuple(sorted(union.items()))
    if not any(named for _, named, _ in claims):
        return items, (), (), False
    return tuple(i for i in items if i[0] < "column"), tuple(i for i in items if "column" < i[0] < "table"), tuple(i for i in items if i[0] > "table"), True


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
    missing = keys.difference(ids)  # in C, over `keys` (a dict_keys operand would be copied to a set first)
    held = keys - missing if missing else keys
    found = dict(zip(held, map(ids.__getitem__, held)))
    ordered = sorted(missing)
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
    """The text of each id, in a mapping that may hold more: the known keys themselves when they
    hold every one (a walk's nodes were mostly read before)."""
    if ids <= known.keys.keys():
        return known.keys
    found = {i: known.keys[i] for i in ids if i in known.keys}
    if len(found) < len(ids):
        pick(db, ids - found.keys())
        read = db.execute(f"SELECT id, {KEY} FROM nodes n WHERE id IN (SELECT id FROM temp.picked)").fetchall()
        known.learn((key, i) for i, key in read)
        found.update(read)
    return found
