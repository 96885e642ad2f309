"""The embedded store on SQLite: one file in `.lineage/`, queried where it lies.

A query reads only the rows it walks: adjacency is an index on each end of an edge, a walk is one
recursive CTE over it (or, measured beside it, one statement per breadth-first level), and names
are matched through an index on the name and one on the name reversed. A `lineage impact`
therefore costs the rows it reaches, not the size of the graph.

Writes go through SQLite transactions in WAL mode: a re-scan replaces each changed source's rows
inside one transaction, so a process killed at any moment leaves the old graph or the new one,
and readers see the last committed graph without blocking the writer. Writers are serialised by
the same lock file as the JSON store's, so a second scan waits for the first, then sees its graph.
"""

from __future__ import annotations

import functools
import json
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Concatenate, ParamSpec, TypeVar

from graphs.stores.lock import LOCKNAME, exclusive
from graphs.stores.sqlite_reads import ROW, Known, edges_of, lookup, made_edges, nodes_of, pick, rows_of, walk_levels, walk_recursive
from graphs.stores.sqlite_schema import (
    FILENAME,
    FLOW_CODES,
    FORMAT,
    KEY,
    KINDS,
    PER_SOURCE,
    RELATION_CODES,
    SCRATCH,
    SHIFT,
    SUBTYPE_CODES,
    TABLES,
    VERSION,
    bounds,
    packed,
    reversed_text,
    spelled,
    stored_key,
    unpacked,
)
from lineage.errors import StoreError
from lineage.names import glob_ends
from lineage.model import Direction, Edge, GraphFacts, Node, Relation
from lineage.store import WalkRow

REBUILD = "rebuild it with: lineage scan PATH... --rebuild"
NEWNAME = ".lineage.db.new"  # a --rebuild writes here, then renames over the store

P = ParamSpec("P")
R = TypeVar("R")


def _guarded(method: Callable[Concatenate[SqliteStore, P], R]) -> Callable[Concatenate[SqliteStore, P], R]:
    """SQLite's errors as one StoreError line: a file that is not a database, a store another
    process keeps locked past the timeout, a full disk."""

    @functools.wraps(method)
    def guarded(store: SqliteStore, /, *args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return method(store, *args, **kwargs)
        except sqlite3.OperationalError as err:
            if "locked" in str(err) or "busy" in str(err):
                raise StoreError(f"{store.directory}: another lineage process is writing this store (waited {store.lock_timeout:.0f} s); try again when it finishes") from None
            if any(word in str(err) for word in ("full", "readonly", "I/O")):  # SQLite rolled the write back
                raise StoreError(f"{store.path}: cannot write the store ({err}); the previous graph is kept") from None
            raise StoreError(f"{store.path}: {err}") from None
        except sqlite3.DatabaseError as err:  # "file is not a database", "database disk image is malformed"
            raise StoreError(f"{store.path}: damaged ({err})", hint=REBUILD) from None
        except (KeyError, ValueError) as err:  # a node kind or code no version of ours wrote
            raise StoreError(f"{store.path}: damaged (a row holds {err})", hint=REBUILD) from None

    return guarded


class SqliteStore:
    """LineageStore over `DIR/lineage.db`; `walk_by` picks how a walk reads the edges: "recursive"
    (one recursive CTE: the default, the faster at the median in `make bench-embedded`) or
    "levels" (one statement per breadth-first level, the level's nodes in a temporary table)."""

    def __init__(self, directory: Path, lock_timeout: float = 120.0, fresh: bool = False, walk_by: str = "recursive") -> None:
        """`fresh`: ignore what the directory holds (a damaged store being rebuilt); the first
        transaction writes a new file and renames it over the old one when it commits."""
        self.directory = directory
        self.path = directory / FILENAME
        self.lock_timeout = lock_timeout
        self.walk_by = walk_by
        self._fresh = fresh
        self._depth = 0
        self._touched: set[int] = set()  # nodes whose head (kind, name) may have changed
        self._settled: set[int] = set()  # ... of which those created with the head they keep
        self._loose: set[int] = set()  # nodes that lost a claim or an edge: deleted if nothing is left
        self._known = Known()  # node ids reads learnt; inside a write, `_keys` is a fresh one each time
        # a rebuild, or a store not yet written, reads as empty (a store in memory) until its first
        # transaction opens the file: a scan that fails before writing leaves no file behind
        self._pending = fresh or not self.path.exists()
        self._db = self._connect(None if self._pending else self.path)

    # -- connection ----------------------------------------------------------------------------
    @_guarded
    def _connect(self, path: Path | None) -> sqlite3.Connection:
        """A connection to `path` (None: an empty store in memory), creating its tables."""
        if path is not None:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as err:
                raise StoreError(f"{path.parent}: cannot create the store's directory ({err.strerror})") from None
        db = sqlite3.connect(path or ":memory:", isolation_level=None, timeout=self.lock_timeout, check_same_thread=False)
        db.create_function("lineage_reversed", 1, reversed_text, deterministic=True)
        db.execute("PRAGMA journal_mode=WAL")
        # WAL with NORMAL: a commit is atomic and survives the process being killed; only a power
        # cut may lose the last commits (never half of one)
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("PRAGMA temp_store=MEMORY")
        # up to 128 MB of pages, taken only as used: a query touches a few hundred; a full scan's
        # index inserts land all over the file, and with SQLite's 2 MB default each went to disk
        db.execute("PRAGMA cache_size=-131072")
        if not db.execute("SELECT 1 FROM sqlite_master WHERE name = 'meta'").fetchone():
            # two processes may create it at once: every statement is idempotent
            db.executescript(f"BEGIN IMMEDIATE; {TABLES} INSERT OR IGNORE INTO meta VALUES ('format', '{FORMAT}'), ('version', '{VERSION}'); COMMIT;")
        meta = dict(db.execute("SELECT key, value FROM meta").fetchall())
        if meta.get("format") != FORMAT:
            raise StoreError(f"{path}: not a lineage store file", hint=REBUILD)
        if meta.get("version") != VERSION:
            raise StoreError(f"{path}: store format version {meta.get('version')} is not {VERSION}; upgrade lineage or delete the store and scan again")
        db.executescript(SCRATCH)
        return db

    def close(self) -> None:
        self._db.close()

    @contextmanager
    def _reading(self) -> Iterator[sqlite3.Connection]:
        """One snapshot for a read of several statements (a walk's levels see one graph)."""
        if self._depth > 0 or self._db.in_transaction:
            if self._touched or self._loose:  # a read inside a write sees the writes settled
                self._settle()
            yield self._db
            return
        self._db.execute("BEGIN")
        try:
            self._known.check(self._db)
            yield self._db
        finally:
            self._db.execute("COMMIT")

    @property
    def _keys(self) -> Known:
        """What reads learnt; inside a write (whose rows are changing) an empty, throwaway one."""
        return Known() if self._depth > 0 else self._known

    # -- writes --------------------------------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[None]:
        if self._depth > 0:  # nested: the outermost transaction commits
            yield
            return
        with exclusive(self.directory / LOCKNAME, self.lock_timeout):
            self._begin()
            self._depth = 1
            try:
                yield
                self._commit()
            except BaseException:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                raise
            finally:
                self._depth = 0
                self._known.forget()  # our own commits do not move `PRAGMA data_version`
                self._touched, self._settled, self._loose = set(), set(), set()

    @_guarded
    def _begin(self) -> None:
        if self._fresh:  # under the lock: no other rebuild is writing the new file
            new = self.directory / NEWNAME
            for leftover in (new, new.with_name(NEWNAME + "-wal"), new.with_name(NEWNAME + "-shm")):
                leftover.unlink(missing_ok=True)
            self._db.close()
            self._db = self._connect(new)
        elif self._pending:  # another writer may have created it meanwhile: then we start from its graph
            self._db.close()
            self._db = self._connect(self.path)
            self._pending = False
        self._db.execute("BEGIN IMMEDIATE")

    @_guarded
    def _commit(self) -> None:
        self._settle()
        self._db.execute("COMMIT")
        if self._fresh:
            self._install()

    def _install(self) -> None:
        """Put the rebuilt file in the store's place. The old file's WAL goes first: left beside
        the new file, SQLite would replay it into it."""
        self._db.close()
        for stale in (self.path.with_name(FILENAME + "-wal"), self.path.with_name(FILENAME + "-shm")):
            stale.unlink(missing_ok=True)
        os.replace(self.directory / NEWNAME, self.path)
        self._fresh = self._pending = False
        self._db = self._connect(self.path)

    @_guarded
    def replace_file(self, facts: GraphFacts) -> None:
        if self._depth == 0:
            with self.transaction():
                self.replace_file(facts)
            return
        db = self._db
        source = self._file_id(facts.source)
        old_claims = [n for (n,) in db.execute("SELECT node FROM claims WHERE source = ?", (source,))]
        self._touched.update(old_claims)
        self._settled.difference_update(old_claims)
        self._loose.update(old_claims)
        span = (source << SHIFT, (source << SHIFT) + PER_SOURCE - 1)
        self._loose.update(n for pair in db.execute("SELECT src, dst FROM edges WHERE id BETWEEN ? AND ?", span) for n in pair)
        db.execute("DELETE FROM edges WHERE id BETWEEN ? AND ?", span)
        for table, column in (("claims", "source"), ("sources", "file")):
            db.execute(f"DELETE FROM {table} WHERE {column} = ?", (source,))
        if facts.nodes or facts.edges:
            db.execute("INSERT INTO sources VALUES (?, ?)", (source, facts.fingerprint))
            self._write(source, facts)

    def _write(self, source: int, facts: GraphFacts) -> None:
        claims: dict[str, list[object]] = {}  # a node declared twice by one source: first head, attrs merged
        for node in facts.nodes:
            held = claims.setdefault(node.id, [str(node.kind), node.name, {}])
            held[2].update(node.attrs)  # type: ignore[union-attr]
        ids = self._node_ids({*claims, *(e.source for e in facts.edges), *(e.target for e in facts.edges)}, claims)
        rows = []
        for key, (kind, name, attrs) in claims.items():
            same = spelled(key) == (kind, name)
            rows.append((ids[key], source, None if same else kind, None if same else name, *packed(str(name), attrs)))  # type: ignore[arg-type]
        self._db.executemany("INSERT INTO claims VALUES (?, ?, ?, ?, ?, ?)", rows)
        if len(facts.edges) >= PER_SOURCE:
            raise StoreError(f"{facts.source}: {len(facts.edges):,} edges from one source; the store holds at most {PER_SOURCE - 1:,}")
        files = {f: self._file_id(f) for f in {e.file for e in facts.edges} - {facts.source}}
        self._db.executemany(
            "INSERT INTO edges VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                ((source << SHIFT) + n, ids[e.source], ids[e.target], RELATION_CODES[e.relation], FLOW_CODES[e.flow] if e.flow else None, SUBTYPE_CODES[e.subtype] if e.subtype else None, files.get(e.file), e.line, e.statement)
                for n, e in enumerate(facts.edges)
            ),
        )

    def _node_ids(self, keys: set[str], claims: dict[str, list[object]]) -> dict[str, int]:
        """Each key's node id, inserting the nodes not yet stored with the head their claim gives."""
        ids = lookup(self._db, keys, Known())
        for key in keys:
            claimed = key in claims
            if key in ids:
                if claimed:
                    self._touched.add(ids[key])
                    self._settled.discard(ids[key])
                continue
            kind, name = (str(claims[key][0]), str(claims[key][1])) if claimed else spelled(key)
            cursor = self._db.execute("INSERT INTO nodes(kind, name, key) VALUES (?, ?, ?)", (kind, name, stored_key(key, kind, name)))
            ids[key] = int(cursor.lastrowid or 0)
            if claimed:
                self._settled.add(ids[key])
            else:
                self._touched.add(ids[key])  # a later source in this transaction may claim it
        return ids

    def _file_id(self, name: str) -> int:
        row = self._db.execute("SELECT id FROM files WHERE name = ?", (name,)).fetchone()
        if row:
            return int(row[0])
        return int(self._db.execute("INSERT INTO files(name) VALUES (?)", (name,)).lastrowid or 0)

    def _settle(self) -> None:
        """At commit: give each touched node the head of its first source's claim, and delete
        the nodes no claim and no edge holds any more."""
        db = self._db
        pick(db, self._touched - self._settled)
        keys = dict(db.execute(f"SELECT id, {KEY} FROM nodes n WHERE id IN (SELECT id FROM temp.picked)").fetchall())
        heads = {i: (str(k), *spelled(k)) for i, k in keys.items()}
        claims = db.execute("SELECT c.node, f.name, c.kind, c.name FROM claims c JOIN files f ON f.id = c.source WHERE c.node IN (SELECT id FROM temp.picked)")
        first: dict[int, str] = {}
        for node, source, kind, name in claims:
            if node not in first or source < first[node]:
                first[node] = source
                key = heads[node][0]
                heads[node] = (key, kind or spelled(key)[0], name if name is not None else spelled(key)[1])
        db.executemany("UPDATE nodes SET kind = ?, name = ?, key = ? WHERE id = ?", ((kind, name, stored_key(key, kind, name), i) for i, (key, kind, name) in heads.items()))
        pick(db, self._loose)
        db.execute(
            "DELETE FROM nodes WHERE id IN (SELECT id FROM temp.picked) AND NOT EXISTS (SELECT 1 FROM claims WHERE node = nodes.id)"
            " AND NOT EXISTS (SELECT 1 FROM edges WHERE src = nodes.id) AND NOT EXISTS (SELECT 1 FROM edges WHERE dst = nodes.id)"
        )
        self._touched, self._settled, self._loose = set(), set(), set()

    # -- reads ---------------------------------------------------------------------------------
    @_guarded
    def sources(self, prefix: str = "") -> list[str]:
        # a prefix is a range of the index on files' names: an impact asks for the query logs alone
        low, high = bounds(prefix) if prefix else ("", None)
        where = "f.name >= ?" + (" AND f.name < ?" if high is not None else "")
        with self._reading() as db:
            return sorted(name for (name,) in db.execute(f"SELECT f.name FROM files f JOIN sources s ON s.file = f.id WHERE {where}", [p for p in (low, high) if p is not None]))

    @_guarded
    def fingerprints(self) -> dict[str, str]:
        with self._reading() as db:
            return dict(db.execute("SELECT f.name, s.fingerprint FROM sources s JOIN files f ON f.id = s.file").fetchall())

    @_guarded
    def facts(self, source: str) -> GraphFacts:
        """What `source` asserted (nodes by id, edges as written), for copying between stores."""
        with self._reading() as db:
            row = db.execute("SELECT s.file, s.fingerprint FROM sources s JOIN files f ON f.id = s.file WHERE f.name = ?", (source,)).fetchone()
            if row is None:
                return GraphFacts(source)
            claims = db.execute(f"SELECT {KEY}, c.kind, c.name, c.named, c.attrs FROM claims c JOIN nodes n ON n.id = c.node WHERE c.source = ?", (row[0],)).fetchall()
            nodes = sorted(_claimed(*claim) for claim in claims)
            span = (row[0] << SHIFT, (row[0] << SHIFT) + PER_SOURCE - 1)
            rows = db.execute(f"SELECT {ROW} FROM edges WHERE id BETWEEN ? AND ?", span).fetchall()
            return GraphFacts(source, tuple(nodes), tuple(edges_of(db, rows, self._keys)), row[1])

    @_guarded
    def walk(self, start: Iterable[str], direction: Direction, max_depth: int | None, relations: frozenset[Relation]) -> list[Edge]:
        return made_edges(self.walk_rows(start, direction, max_depth, relations))

    @_guarded
    def walk_rows(self, start: Iterable[str], direction: Direction, max_depth: int | None, relations: frozenset[Relation]) -> list[WalkRow]:
        codes = ", ".join(str(RELATION_CODES[r]) for r in sorted(relations))
        if not codes or max_depth == 0:
            return []
        near, far = ("src", "dst") if direction is Direction.DOWNSTREAM else ("dst", "src")
        with self._reading() as db:
            begin = list(lookup(db, set(start), self._keys).values())
            walk_by = walk_recursive if self.walk_by == "recursive" else walk_levels
            return rows_of(db, walk_by(db, begin, (near, far, codes), max_depth), self._keys)

    @_guarded
    def find(self, pattern: str) -> list[Node]:
        prefix, suffix = glob_ends(pattern)
        if prefix:
            where, (low, high) = "name >= ?", bounds(prefix)
        elif suffix:
            where, (low, high) = "lineage_reversed(name) >= ?", bounds(suffix[::-1])
        else:
            where, low, high = "1", None, None
        column = "name" if prefix else "lineage_reversed(name)"
        query = f"SELECT id, {KEY}, kind, name FROM nodes n WHERE {where}" + (f" AND {column} < ?" if high is not None else "")
        params = [p for p in (low, high) if p is not None]
        with self._reading() as db:
            return nodes_of(db, {r[0]: r[1] for r in db.execute(query, params) if fnmatchcase(r[3], pattern)}, self._keys)

    @_guarded
    def nodes(self, ids: Iterable[str]) -> list[Node]:
        with self._reading() as db:
            found = lookup(db, set(ids), self._keys)
            return nodes_of(db, dict(zip(found.values(), found)), self._keys)

def _claimed(key: str, kind: str | None, name: str | None, named: int, attrs: str | None) -> Node:
    """A node as one source's claim states it."""
    kind = kind or spelled(key)[0]
    name = name if name is not None else spelled(key)[1]
    return Node(key, KINDS[kind], name, tuple(sorted(unpacked(name, named, json.loads(attrs) if attrs else {}).items())))


def convert_json(directory: Path, lock_timeout: float = 120.0) -> int:
    """Copy the JSON store in `directory` into a new `lineage.db` (written aside and renamed into
    place when complete, so a kill leaves the JSON store to convert again); the number of sources."""
    from graphs.stores.embedded import NetworkxStore

    old = NetworkxStore(directory, lock_timeout)
    new = SqliteStore(directory, lock_timeout, fresh=True)
    try:
        with new.transaction():
            for source in old.sources():
                new.replace_file(old.facts(source))
        return len(old.sources())
    finally:
        new.close()
        old.close()
