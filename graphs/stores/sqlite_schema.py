"""The SQLite store's tables and the small codes its rows hold instead of words.

Rows are kept small so that a walk reads few pages: nodes and files get integer ids (their text
only in `nodes.key`/`files.name`), vocabularies are one-digit codes, and what can be told from
elsewhere is NULL: a claim's kind and name when they are the ones its node id spells, an edge's
file when it is the source that asserted it.
"""

from __future__ import annotations

import json

from lineage.model import Flow, NodeKind, Relation, Subtype

FILENAME = "lineage.db"
FORMAT = "lineage-sqlite"
VERSION = "1"

# Stored codes: fixed here, never derived from an enum's order (a new member must not renumber rows).
RELATION_CODES = {Relation.FEEDS: 0, Relation.HAS_COLUMN: 1, Relation.OWNED_BY: 2}
FLOW_CODES = {Flow.DIRECT: 0, Flow.INDIRECT: 1}
SUBTYPE_CODES = {
    Subtype.IDENTITY: 0,
    Subtype.TRANSFORMATION: 1,
    Subtype.AGGREGATION: 2,
    Subtype.JOIN: 3,
    Subtype.GROUP_BY: 4,
    Subtype.FILTER: 5,
    Subtype.SORT: 6,
    Subtype.WINDOW: 7,
    Subtype.CONDITIONAL: 8,
}
RELATIONS = {code: word for word, code in RELATION_CODES.items()}
FLOWS = {code: word for word, code in FLOW_CODES.items()}
SUBTYPES = {code: word for word, code in SUBTYPE_CODES.items()}
KINDS = {str(k): k for k in NodeKind}

# nodes: every node a source declares or an edge names; `kind`/`name` are those of the claim of the
# first source (by name) that declares it, else spelled by the id; `key`, the id, only when
# `kind:name` does not spell it (so nearly never: a node is found by its name). The index on the
# name reversed (a function every connection registers) makes a suffix (`impact orders.amount`
# finding `app.orders.amount`) an index range too.
# claims: what each source says of a node (attrs as JSON; kind/name NULL when the id spells them).
# edges: rowid tables with one index per way of walking, and one by source for a re-scan's delete.
TABLES = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS files(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
CREATE TABLE IF NOT EXISTS sources(file INTEGER PRIMARY KEY, fingerprint TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS nodes(id INTEGER PRIMARY KEY, kind TEXT NOT NULL, name TEXT NOT NULL, key TEXT);
CREATE INDEX IF NOT EXISTS nodes_name ON nodes(name);
CREATE INDEX IF NOT EXISTS nodes_reversed ON nodes(lineage_reversed(name));
CREATE UNIQUE INDEX IF NOT EXISTS nodes_key ON nodes(key) WHERE key IS NOT NULL;
CREATE TABLE IF NOT EXISTS claims(node INTEGER NOT NULL, source INTEGER NOT NULL, kind TEXT, name TEXT, named INTEGER NOT NULL, attrs TEXT, PRIMARY KEY(node, source)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS claims_source ON claims(source);
CREATE TABLE IF NOT EXISTS edges(id INTEGER PRIMARY KEY, src INTEGER NOT NULL, dst INTEGER NOT NULL, relation INTEGER NOT NULL, flow INTEGER, subtype INTEGER, file INTEGER, line INTEGER NOT NULL, statement INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS edges_src ON edges(src);
CREATE INDEX IF NOT EXISTS edges_dst ON edges(dst);
"""
# An edge's id is its source's id shifted left, plus its place in the source's facts: a source's
# edges are one range of the table itself, found and deleted without an index of their own (one
# was a tenth of the file), and the source is the id shifted back.
SHIFT = 24
PER_SOURCE = 1 << SHIFT

# A column's `table` and `column` attributes are most of what claims hold, and its name spells
# them: a claim whose name does is stored without them, `named` set.
SPELLED = ("column", "table")


def packed(name: str, attrs: dict[str, str]) -> tuple[int, str | None]:
    """`named` and the attributes' JSON (None when empty) of a claim of node `name`."""
    table, _, column = name.rpartition(".")
    named = int(bool(table) and attrs.get("table") == table and attrs.get("column") == column)
    rest = {k: v for k, v in attrs.items() if k not in SPELLED} if named else attrs
    return named, json.dumps(rest, ensure_ascii=False, sort_keys=True, separators=(",", ":")) if rest else None


def unpacked(name: str, named: int, attrs: dict[str, str]) -> dict[str, str]:
    if not named:
        return attrs
    table, _, column = name.rpartition(".")
    return {**attrs, "column": column, "table": table}

# Per connection: scratch tables for a walk's frontier and for id look-ups, in memory.
SCRATCH = """
CREATE TEMP TABLE IF NOT EXISTS frontier(id INTEGER PRIMARY KEY);
CREATE TEMP TABLE IF NOT EXISTS picked(id INTEGER PRIMARY KEY);
"""


# a node's id, in SQL over `nodes n`
KEY = "COALESCE(n.key, n.kind || ':' || n.name)"


def reversed_text(text: str) -> str:
    return text[::-1]


def stored_key(key: str, kind: str, name: str) -> str | None:
    """What `nodes.key` holds: nothing when `kind:name` spells the id."""
    return None if key == f"{kind}:{name}" else key


def spelled(key: str) -> tuple[str, str]:
    """The kind and name a node id spells (`column:app.orders.id`)."""
    kind, _, name = key.partition(":")
    return kind, name


def bounds(prefix: str) -> tuple[str, str | None]:
    """The half-open range of text that starts with `prefix` (BINARY order is code-point order)."""
    for cut in range(len(prefix) - 1, -1, -1):
        code = ord(prefix[cut]) + 1
        if code <= 0x10FFFF:  # past the surrogates, which UTF-8 cannot hold
            return prefix, prefix[:cut] + chr(0xE000 if 0xD800 <= code < 0xE000 else code)
    return prefix, None


