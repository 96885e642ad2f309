"""The Neo4j store's Cypher text and the pure conversions around it; only the neo4j_* modules import it.

Graph layout (2): one node per lineage node and one relationship per distinct edge, with what each
source said kept in properties rather than in relationships of its own, because every entity Neo4j
writes costs about the same (measured: ~16,000 bare node creates/s on the bench server), and the
first layout wrote three relationships per column edge.

- `(:Lineage:<Kind> {id, kind, name, attr_keys, attr_values, claim_sources, claims})`: the merged
  node, plus each asserting source's own claim (`claims[i]` is the JSON of what `claim_sources[i]` said).
- `(a)-[:FEEDS|HAS_COLUMN|OWNED_BY {key, sources}]->(b)`: `key` holds flow|subtype|line|statement;
  `sources` every source asserting it, as `src`, or `src<NUL>file` when the edge names another file:
  a plain string when one source does (most edges), since a list of strings costs a record of its own
  in Neo4j's dynamic array store (measured: 200k relationships commit in 3.4 s with a string, 5.7 s with
  a one-item list); readers take either.
- HAS_COLUMN is implied, not a relationship, in the shape every scanned file writes it (table ->
  its column, no line, file = the source): the column holds `table` (the table's id, indexed) and
  `table_sources`. Any other HAS_COLUMN (a second table for one column) is a relationship.
- `(:LineageSource {name, fingerprint, touches})`: `touches` lists the nodes whose claims, implied
  HAS_COLUMN or outgoing relationships hold the source's name, so a re-scan finds what to undo.

Query text is built only from the constants below. Labels and relationship types come from the
`NodeKind` and `Relation` enums (the allow-list); every value travels as a query parameter.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from lineage.errors import StoreError
from lineage.model import Direction, Edge, Flow, Node, NodeKind, Relation, Subtype

LAYOUT = 2
BASE = "Lineage"  # every lineage node; the uniqueness constraint on `id` hangs off it
SOURCE = "LineageSource"
SEP = "\x00"  # between a source and the file its edge names; no path holds NUL
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")


def _identifier(text: str) -> str:
    if not _NAME.fullmatch(text):
        raise ValueError(f"not a safe Cypher identifier: {text!r}")
    return text


LABELS: dict[NodeKind, str] = {k: _identifier("".join(p.capitalize() for p in k.value.split("_"))) for k in NodeKind}
TYPES: dict[Relation, str] = {r: _identifier(r.value.upper()) for r in Relation}
RELATIONS: dict[str, Relation] = {t: r for r, t in TYPES.items()}
ALL_LABELS = ":".join(LABELS[k] for k in NodeKind)
ALL_TYPES = "|".join(TYPES[r] for r in Relation)
HAS_COLUMN = TYPES[Relation.HAS_COLUMN]

SCHEMA = {
    "lineage_node_id": f"CREATE CONSTRAINT lineage_node_id IF NOT EXISTS FOR (n:{BASE}) REQUIRE n.id IS UNIQUE",
    "lineage_source_name": f"CREATE CONSTRAINT lineage_source_name IF NOT EXISTS FOR (s:{SOURCE}) REQUIRE s.name IS UNIQUE",
    "lineage_node_name_range": f"CREATE INDEX lineage_node_name_range IF NOT EXISTS FOR (n:{BASE}) ON (n.name)",
    "lineage_node_table": f"CREATE INDEX lineage_node_table IF NOT EXISTS FOR (n:{BASE}) ON (n.table)",
}
# the TEXT (trigram) index on name cost half of a load's commit time (measured: 100k edges, commit 8.5 s
# with it, 3.2 s with a RANGE index instead); `find` asks for a prefix, which a RANGE index seeks
SCHEMA_DROPPED = ["DROP INDEX lineage_node_name IF EXISTS"]
SCHEMA_STATE = "SHOW INDEXES YIELD name, state WHERE name STARTS WITH 'lineage_' RETURN collect([name, state]) AS rows"
AWAIT_INDEXES = "CALL db.awaitIndexes(300)"
# the first layout kept claims as ASSERTS relationships; a database is wholly of one layout, so one source tells
OLD_LAYOUT = (
    f"RETURN EXISTS {{ ()-[:ASSERTS]->() }} OR "
    f"EXISTS {{ MATCH (s:{SOURCE}) WITH s LIMIT 1 WITH s WHERE s.touches IS NULL RETURN s }} AS old"
)

# Reads return one record holding a list of rows: the driver decodes a list far faster than
# as many records (measured: 3,000 rows in 9 ms instead of 98 ms).
_NODE = "n.id, n.kind, n.name, n.attr_keys, n.attr_values"
_NODES = f"collect([{_NODE}]) AS rows"

# Every lookup by id or name carries an index hint: a plan made while the graph was empty, or
# before Neo4j re-sampled its indexes after a bulk load, scans labels instead, and gets cached.
_BY_ID = f"USING INDEX SEEK n:{BASE}(id)"
_ROW_NODE = f"UNWIND $rows AS row MATCH (n:{BASE} {{id: row.id}}) {_BY_ID}"
_REL_SOURCES = "CASE WHEN r.sources IS :: STRING THEN [r.sources] ELSE r.sources END"  # one source: a string (see above)

# the prefix narrows on the server, through the name constraint's index: every impact asks for the
# log sources only, and a scan at scale holds tens of thousands of file sources
SOURCES = f"MATCH (s:{SOURCE}) USING INDEX s:{SOURCE}(name) WHERE s.name STARTS WITH $prefix RETURN collect(s.name) AS rows"
FINGERPRINTS = f"MATCH (s:{SOURCE}) RETURN collect([s.name, coalesce(s.fingerprint, '')]) AS rows"
NODES = f"UNWIND $ids AS id MATCH (n:{BASE} {{id: id}}) {_BY_ID} RETURN {_NODES}"
FIND = f"MATCH (n:{BASE}) WHERE n.name STARTS WITH $prefix AND n.name ENDS WITH $suffix RETURN {_NODES}"
EXISTING = f"UNWIND $ids AS id MATCH (n:{BASE} {{id: id}}) {_BY_ID} RETURN collect(n.id) AS rows"

# -- undoing sources: rows are one per node, `srcs` the sources to take off it --------------------
TAKE_SOURCES = (
    f"UNWIND $sources AS src MATCH (s:{SOURCE} {{name: src}}) USING INDEX SEEK s:{SOURCE}(name) "
    "WITH s, [s.name, s.touches] AS row DELETE s RETURN collect(row) AS rows"
)
UNCLAIM = (
    f"{_ROW_NODE} WITH n, row, [i IN range(0, size(coalesce(n.claim_sources, [])) - 1) WHERE NOT n.claim_sources[i] IN row.srcs] AS keep "
    "WHERE size(keep) < size(coalesce(n.claim_sources, [])) "
    "SET n.claim_sources = [i IN keep | n.claim_sources[i]], n.claims = [i IN keep | n.claims[i]]"
)
UNIMPLY = (
    f"{_ROW_NODE} WITH n, n.table AS t, [x IN coalesce(n.table_sources, []) WHERE NOT x IN row.srcs] AS keep "
    "WHERE size(keep) < size(coalesce(n.table_sources, [])) "
    "SET n.table_sources = CASE size(keep) WHEN 0 THEN null ELSE keep END, n.table = CASE size(keep) WHEN 0 THEN null ELSE t END "
    "RETURN collect(t) AS rows"
)
UNLINK = (
    f"{_ROW_NODE} MATCH (n)-[r:{ALL_TYPES}]->(m:{BASE}) WITH r, m, row, {_REL_SOURCES} AS held "
    "WITH r, m, held, [x IN held WHERE NOT split(x, $sep)[0] IN row.srcs] AS keep WHERE size(keep) < size(held) "
    "SET r.sources = keep WITH r, m, keep WHERE size(keep) = 0 DELETE r RETURN collect(m.id) AS rows"
)
STATE = (
    f"UNWIND $ids AS id MATCH (n:{BASE} {{id: id}}) {_BY_ID} RETURN collect([{_NODE}, n.claim_sources, n.claims, "
    f"EXISTS {{ (n)-[:{ALL_TYPES}]-() }} OR n.table IS NOT NULL OR EXISTS {{ MATCH (c:{BASE} {{table: n.id}}) }}]) AS rows"
)
DELETE_NODES = f"UNWIND $ids AS id MATCH (n:{BASE} {{id: id}}) {_BY_ID} DETACH DELETE n"

# -- writing sources -------------------------------------------------------------------------------
ADD_SOURCES = f"UNWIND $rows AS row CREATE (:{SOURCE} {{name: row.name, fingerprint: row.fingerprint, touches: row.touches}})"
# Comes back only where the merged node may change: a new first source (name, kind), or a pair the
# merge does not show yet. A pair it shows stays shown whichever source is last to say it, so the
# rest (most claims: a file naming a column another file defines) needs no decoding in Python.
ADD_CLAIMS = (
    f"{_ROW_NODE} WITH n, row, coalesce(n.claim_sources, []) AS held, coalesce(n.attr_keys, []) AS keys, coalesce(n.attr_values, []) AS values "
    "WITH n, row, size(held) = 0 OR any(s IN row.srcs WHERE all(h IN held WHERE s < h)) "
    "OR any(i IN range(0, size(row.keys) - 1) WHERE NOT any(j IN range(0, size(keys) - 1) WHERE keys[j] = row.keys[i] AND values[j] = row.values[i])) AS moved "
    "SET n.claim_sources = coalesce(n.claim_sources, []) + row.srcs, n.claims = coalesce(n.claims, []) + row.claims "
    f"WITH n, moved WHERE moved RETURN collect([{_NODE}, n.claim_sources, n.claims]) AS rows"
)
# one row per column: which of them already belong (implied) to another table comes back
IMPLY = (
    f"UNWIND $rows AS row MATCH (n:{BASE} {{id: row.b}}) {_BY_ID} "
    "WITH n, row, n.table IS NULL OR n.table = row.a AS fits "
    "SET n.table = CASE WHEN fits THEN row.a ELSE n.table END, "
    "n.table_sources = CASE WHEN fits THEN coalesce(n.table_sources, []) + row.srcs ELSE n.table_sources END "
    "WITH row, fits WHERE NOT fits RETURN collect(row.b) AS rows"
)


def create_nodes(kind: NodeKind) -> str:
    """Nodes no transaction holds yet (checked first, under the uniqueness constraint): CREATE, not MERGE.

    Rows are `[id, name, keys, values, claim_sources, claims, table, table_sources]` lists (`Plan.fresh_rows`),
    and `$kind` the one kind of them all."""
    return (
        f"UNWIND $rows AS row CREATE (n:{BASE}:{LABELS[kind]} {{id: row[0], kind: $kind, name: row[1], "
        "attr_keys: row[2], attr_values: row[3], claim_sources: row[4], claims: row[5], table: row[6], table_sources: row[7]})"
    )


def put_nodes(kind: NodeKind) -> str:
    """Rewrite existing nodes of one kind; the kind label is swapped in case a merge changed it."""
    return (
        f"{_ROW_NODE} REMOVE n:{ALL_LABELS} "
        f"SET n:{LABELS[kind]}, n.kind = row.kind, n.name = row.name, n.attr_keys = row.keys, n.attr_values = row.values"
    )


def add_edges(relation: Relation, merge: bool) -> str:
    """Relationships, one `[a, b, key, sources]` row per distinct edge; MERGE only where both ends were there before the batch.

    `row[3]` is a string for one source, else a list; MERGE rows always carry a list (`string + string`
    would concatenate the names)."""
    ends = f"UNWIND $rows AS row MATCH (a:{BASE} {{id: row[0]}}) USING INDEX SEEK a:{BASE}(id) MATCH (b:{BASE} {{id: row[1]}}) USING INDEX SEEK b:{BASE}(id) "
    if merge:
        return ends + (
            f"MERGE (a)-[r:{TYPES[relation]} {{key: row[2]}}]->(b) ON CREATE SET r.sources = CASE size(row[3]) WHEN 1 THEN row[3][0] ELSE row[3] END "
            f"ON MATCH SET r.sources = {_REL_SOURCES} + row[3]"
        )
    return ends + f"CREATE (a)-[:{TYPES[relation]} {{key: row[2], sources: row[3]}}]->(b)"


def step(direction: Direction, relations: frozenset[Relation], hops: int) -> str:
    """`hops` breadth-first levels from the frontier `$ids` in one round trip: one list per level of the
    `[a, b, type, key, sources]` rows of the edges out of that level's nodes (level 1: the frontier's).

    Level k+1 expands every distinct node level k reached, seen before or not: a node seen at an
    earlier level comes back again, and its rows are duplicates the caller drops.
    """
    types = "|".join(TYPES[r] for r in sorted(relations))
    if direction is Direction.DOWNSTREAM:
        real = f"MATCH (n)-[r:{types}]->(m:{BASE}) RETURN [n.id, m.id, type(r), r.key, r.sources] AS row, m"
        implied = f"MATCH (m:{BASE} {{table: n.id}}) USING INDEX m:{BASE}(table) RETURN [n.id, m.id, '{HAS_COLUMN}', '', m.table_sources] AS row, m"
    else:
        real = f"MATCH (n)<-[r:{types}]-(m:{BASE}) RETURN [m.id, n.id, type(r), r.key, r.sources] AS row, m"
        implied = f"MATCH (m:{BASE} {{id: n.table}}) USING INDEX SEEK m:{BASE}(id) RETURN [m.id, n.id, '{HAS_COLUMN}', '', n.table_sources] AS row, m"
    hop = "CALL (n) { " + real + (f" UNION ALL {implied}" if Relation.HAS_COLUMN in relations else "") + " }"

    def reached(level: int) -> str:  # the nodes the next level expands; the last level needs none
        return f", collect(DISTINCT m) AS next{level}" if level < hops else ""

    text = f"UNWIND $ids AS id MATCH (n:{BASE} {{id: id}}) USING INDEX SEEK n:{BASE}(id) {hop} WITH collect(row) AS rows1{reached(1)}"
    for level in range(2, hops + 1):
        text += f" CALL (next{level - 1}) {{ UNWIND next{level - 1} AS n {hop} RETURN collect(row) AS rows{level}{reached(level)} }}"
    return text + " RETURN [" + ", ".join(f"rows{level}" for level in range(1, hops + 1)) + "] AS rows"


# -- conversions ---------------------------------------------------------------------------------
Claim = tuple[str, str, tuple[tuple[str, str], ...]]  # kind, name, attrs: what one source said of a node


_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode  # one encoder: json.dumps with options builds one per call


_STRING = json.encoder.encode_basestring  # json's own (C) string quoting, as `_ENCODE` uses with ensure_ascii=False


def claim_text(claim: Claim) -> str:
    """`_ENCODE([kind, name, attrs])`, spelled out: a load writes one per claim, and this is 3x cheaper."""
    kind, name, attrs = claim
    pairs = ",".join(f"[{_STRING(k)},{_STRING(v)}]" for k, v in attrs)
    return f"[{_STRING(kind)},{_STRING(name)},[{pairs}]]"


def claim_from(text: str) -> Claim:
    kind, name, attrs = json.loads(text)
    return str(kind), str(name), tuple((str(k), str(v)) for k, v in attrs)


def merge(nid: str, claims: Sequence[Claim], linked: bool) -> Node | None:
    """The node as the graph shows it: `claims` in source order, later sources winning per key.

    A node no source asserts exists while an edge references it, with the kind its id names.
    """
    if claims:
        attrs: dict[str, str] = {}
        for _, _, pairs in claims:
            attrs.update(pairs)
        return Node(nid, NodeKind(claims[0][0]), claims[0][1], tuple(sorted(attrs.items())))
    if not linked:
        return None
    kind, _, name = nid.partition(":")
    if kind not in set(NodeKind):
        raise StoreError(f"edge endpoint '{nid}' is asserted by no source and its id names no node kind")
    return Node(nid, NodeKind(kind), name)


def merged(nid: str, sources: Sequence[str] | None, texts: Sequence[str] | None, linked: bool) -> Node | None:
    """`merge` over the claims a node holds, in source order."""
    said = sorted(zip(sources or (), texts or (), strict=True))
    return merge(nid, [claim_from(text) for _, text in said], linked)


def node_row(node: Node) -> dict[str, object]:
    return {"id": node.id, "kind": str(node.kind), "name": node.name, "keys": [k for k, _ in node.attrs], "values": [v for _, v in node.attrs]}


def node_from(row: Sequence[Any]) -> Node:
    """A node from `[n.id, n.kind, n.name, n.attr_keys, n.attr_values, ...]`."""
    nid, kind, name, keys, values = row[:5]
    return Node(nid, NodeKind(kind), name, tuple(zip(keys or (), values or (), strict=True)))


def edge_key(edge: Edge) -> str:
    return f"{edge.flow or ''}|{edge.subtype or ''}|{edge.line}|{edge.statement}"


def said_by(source: str, edge: Edge) -> str:
    return source if edge.file == source else f"{source}{SEP}{edge.file}"


def edges_from(row: Sequence[Any]) -> Iterator[Edge]:
    """The edges of one `[a, b, type, key, sources]` row: one per distinct file its sources name."""
    source, target, kind, key, sources = row
    flow, subtype, line, statement = (key or "|||").split("|")
    files = {s.partition(SEP)[2] or s for s in ((sources,) if isinstance(sources, str) else sources or ())}
    for file in sorted(files):
        yield Edge(source, target, RELATIONS[kind], Flow(flow) if flow else None, Subtype(subtype) if subtype else None, file, int(line or 0), int(statement or 0))


def walk_rows_from(row: Sequence[Any]) -> Iterator[tuple[str, str, Relation, str, str, str, int, int]]:
    """`edges_from` as `lineage.store.WalkRow`s, made without an `Edge` each."""
    source, target, kind, key, sources = row
    flow, subtype, line, statement = (key or "|||").split("|")
    relation, at, order = RELATIONS[kind], int(line or 0), int(statement or 0)
    for file in {s.partition(SEP)[2] or s for s in ((sources,) if isinstance(sources, str) else sources or ())}:
        yield source, target, relation, flow, subtype, file, at, order


def chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def unique(items: Iterable[str]) -> list[str]:
    return sorted(set(items))
