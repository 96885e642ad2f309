"""The embedded store: every source's facts in one file under `.lineage/`, queried in memory.

The file holds each source's facts separately, so re-scanning a file replaces exactly what it said,
and is written atomically (temp file + rename): a reader sees the old graph or the new one.

One line per source, `crc TAB source TAB fingerprint TAB [nodes, edges]`, each part but the CRC-32
JSON (which escapes every tab and newline inside a string), after a header line (itself `crc TAB
json`) that counts the source lines and digests their CRCs. Opening verifies every line, so a
truncated file, a flipped byte or a deleted line is one `damaged` error naming how to rebuild,
never a traceback nor a graph with a source missing. A scan reads the sources' names and
fingerprints only and writes back unchanged sources as the text it read, so re-scanning a large
repository after a one-file change costs a file read and a file write, not a decode and an encode
of every fact. Facts are kept as the JSON rows they are stored as, and become `Node`/`Edge`
objects only when a query returns them.
"""

from __future__ import annotations

import bisect
import functools
import gc
import json
import os
import secrets
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from fnmatch import fnmatchcase
from pathlib import Path
from typing import TYPE_CHECKING, Concatenate, ParamSpec, TypeVar, cast

from graphs.stores.lock import LOCKNAME as LOCKNAME, exclusive  # re-exported: the lock file's name
from lineage.collector import cycle_collector_off
from lineage.digests import intact, sealed
from lineage.errors import StoreError
from lineage.names import glob_ends
from lineage.model import Direction, Edge, Flow, GraphFacts, Node, Relation, Subtype
from lineage.store import WalkRow, walk_row
from graphs.stores.embedded_rows import EdgeRow, Rows, edge_of, edge_row_of, lines_digest, node_of, node_row_of, parse_header, read_generation

if TYPE_CHECKING:
    import networkx as nx

FORMAT = "lineage-store"
VERSION = 4
# versions 2 (one JSON document) and 3 (lines without checksums) are read, and rewritten as 4 on
# the next write; their sources cannot be verified, so a scan extracts them all again
READABLE = (2, 3, 4)
REBUILD = "rebuild it with: lineage scan PATH... --rebuild"
FILENAME = "graph.json"


class _Source:
    """One source's facts as stored: the line read from the file, decoded on first use."""

    __slots__ = ("fingerprint", "_line", "_rows")

    def __init__(self, fingerprint: str, rows: Rows | None = None, line: str | None = None) -> None:
        self.fingerprint = fingerprint
        self._line = line  # `crc TAB source TAB fingerprint TAB rows`, as read: written back as it was
        self._rows = rows

    @property
    def rows(self) -> Rows:
        if self._rows is None:
            assert self._line is not None
            nodes, edges = json.loads(self._line.split("\t", 3)[3])
            self._rows = (nodes, edges)
        return self._rows

    def line(self, source: str) -> str:
        if self._line is None:
            self._line = sealed(f"{json.dumps(source)}\t{json.dumps(self.fingerprint)}\t{json.dumps(self.rows, separators=(',', ':'))}")
        return self._line

    def forget_line(self) -> None:
        """Keep only the decoded rows (a query process never writes the line back)."""
        self.rows
        self._line = None


P = ParamSpec("P")
R = TypeVar("R")


def _rows_checked(method: Callable[Concatenate[NetworkxStore, P], R]) -> Callable[Concatenate[NetworkxStore, P], R]:
    """A query over rows of the wrong shape (a store written by hand, or by an older version
    without checksums) says the store is damaged, in one line, wherever a row first fails: this
    costs nothing on the way a sound store goes, unlike checking every row of a million."""

    @functools.wraps(method)
    def checked(store: NetworkxStore, /, *args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return method(store, *args, **kwargs)
        except (AttributeError, IndexError, KeyError, TypeError, ValueError) as err:
            raise store._damaged("a source holds rows of the wrong shape") from err  # --debug shows where

    return checked


class NetworkxStore:
    """LineageStore over the union of per-source facts, walked as plain adjacency dicts; `graph`
    hands the same union to networkx for anything networkx's algorithms answer."""

    def __init__(self, directory: Path, lock_timeout: float = 120.0, fresh: bool = False) -> None:
        """`fresh`: ignore what the directory holds (a damaged store being rebuilt); the first
        write replaces it."""
        self.path = directory / FILENAME
        self.lock_timeout = lock_timeout
        self._generation: str | None = None  # of the file as last read or written
        self._fresh = fresh
        self._sources: dict[str, _Source] = {} if fresh else self._load()
        self._index: _Index | None = None
        self._depth = 0

    # -- persistence ---------------------------------------------------------------------------
    def _load(self) -> dict[str, _Source]:
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            self._generation = None
            return {}
        except OSError as err:
            raise StoreError(f"{self.path}: cannot read the store ({err.strerror})") from None
        lines = data.split(b"\n")
        if lines[-1] == b"":
            lines.pop()
        header = parse_header(lines[0]) if lines else None
        if header is None:
            raise self._damaged("line 1 fails its checksum" if lines and not lines[0].startswith(b"{") else "line 1 is not a store header")
        if header.get("format") != FORMAT:
            raise StoreError(f"{self.path}: not a lineage store file", hint=REBUILD)
        if header.get("version") not in READABLE:
            raise StoreError(f"{self.path}: store format version {header.get('version')} is not {VERSION}; upgrade lineage or delete the store and scan again")
        self._generation = str(header.get("generation", ""))
        try:
            if header["version"] == 2:
                return {src: _Source("", rows=(rec["nodes"], rec["edges"])) for src, rec in header["sources"].items()}
            if header["version"] == 3:
                return {json.loads(name): _Source("", rows=tuple(json.loads(rows))) for line in lines[1:] if line for name, _, rows in [line.decode("utf-8").split("\t", 2)]}
        except (KeyError, TypeError, ValueError) as err:
            raise self._damaged(f"not the store format it names: {err}") from None
        return self._verified(header, lines[1:])

    def _verified(self, header: dict[str, object], lines: list[bytes]) -> dict[str, _Source]:
        """The sources of a version-4 body, each line checked against its CRC and the whole
        against the header's count and digest (a deleted or stale line passes its own check)."""
        sources: dict[str, _Source] = {}
        for number, line in enumerate(lines, start=2):
            try:
                if not intact(line):
                    raise ValueError
                text = line.decode("utf-8")
                _, name, mark, _ = text.split("\t", 3)
                sources[json.loads(name)] = _Source(json.loads(mark), line=text)
            except ValueError:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
                raise self._damaged(f"line {number} fails its checksum") from None
        if header.get("sources") != len(lines):
            raise self._damaged(f"{len(lines):,} source lines where its header records {header.get('sources')}")
        if header.get("digest") != lines_digest(line[:8] for line in lines):
            raise self._damaged("its lines are not those its header records")
        return sources

    def _damaged(self, what: str) -> StoreError:
        return StoreError(f"{self.path}: damaged ({what})", hint=REBUILD)

    def _save(self) -> None:
        lines = [held.line(src) + "\n" for src, held in sorted(self._sources.items())]
        generation = secrets.token_hex(8)
        header = {"format": FORMAT, "version": VERSION, "generation": generation, "sources": len(lines), "digest": lines_digest(line[:8].encode("ascii") for line in lines)}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".graph.", suffix=".tmp")
        except OSError as err:
            raise self._unwritable(err) from None
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(sealed(json.dumps(header, separators=(",", ":"))) + "\n")
                handle.writelines(lines)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, self.path)
            self._generation = generation
            self._fresh = False
        except BaseException as err:
            Path(tmp).unlink(missing_ok=True)
            if isinstance(err, OSError):
                raise self._unwritable(err) from None
            raise

    def _unwritable(self, err: OSError) -> StoreError:
        return StoreError(f"{self.path}: cannot write the store ({err.strerror}); the previous graph is kept")

    # -- writes --------------------------------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[None]:
        if self._depth > 0:  # nested: the outermost transaction commits
            yield
            return
        with exclusive(self.path.parent / LOCKNAME, self.lock_timeout):
            # a writer killed mid-save (SIGKILL) leaves its temp file; only a lock holder may sweep
            for stale in self.path.parent.glob(".graph.*.tmp"):
                stale.unlink(missing_ok=True)
            # another process may have committed while we waited: start from its graph
            if not self._fresh and self._generation != read_generation(self.path):
                self._sources = self._load()
                self._index = None
            before = dict(self._sources)
            self._depth = 1
            try:
                yield
                self._save()
            except BaseException:
                self._sources = before
                self._index = None
                raise
            finally:
                self._depth = 0

    def replace_file(self, facts: GraphFacts) -> None:
        if self._depth == 0:
            with self.transaction():
                self.replace_file(facts)
            return
        if facts.nodes or facts.edges:
            self._sources[facts.source] = _Source(facts.fingerprint, rows=([node_row_of(n) for n in facts.nodes], [edge_row_of(e) for e in facts.edges]))
        else:
            self._sources.pop(facts.source, None)
        self._index = None

    def sources(self, prefix: str = "") -> list[str]:
        return sorted(s for s in self._sources if s.startswith(prefix))

    def fingerprints(self) -> dict[str, str]:
        return {src: held.fingerprint for src, held in self._sources.items()}

    @_rows_checked
    def facts(self, source: str) -> GraphFacts:
        """What `source` asserted, as written (for copying between stores)."""
        held = self._sources[source]
        nodes, edges = held.rows
        return GraphFacts(
            source,
            tuple(node_of(str(r[0]), (str(r[1]), str(r[2]), cast(dict[str, str], r[3]))) for r in nodes),
            tuple(edge_of(r) for r in edges),
            held.fingerprint,
        )

    # -- reads ---------------------------------------------------------------------------------
    @property
    def index(self) -> _Index:
        if self._index is None:
            self._index = _built(self._sources)
        return self._index

    @_rows_checked
    def to_networkx(self) -> nx.DiGraph[str]:
        """The union graph as a new networkx DiGraph (parallel edges as `rows`), for networkx's
        algorithms; built on every call, so keep the result.

        Queries walk the plain adjacency of `index` instead: building the DiGraph costs as much
        again as reading the store, and a CLI query pays that on every run.
        """
        import networkx as nx

        index = self.index
        graph: nx.DiGraph[str] = nx.DiGraph()
        graph.add_edges_from((u, v, {"rows": rows}) for u, targets in index.succ.items() for v, rows in targets.items())
        graph.add_nodes_from((nid, {"row": index.row(nid)}) for nid in index.ids())
        return graph

    @_rows_checked
    def walk(self, start: Iterable[str], direction: Direction, max_depth: int | None, relations: frozenset[Relation]) -> list[Edge]:
        index = self.index
        adjacency = index.succ if direction is Direction.DOWNSTREAM else index.pred
        wanted = {str(r) for r in relations}
        frontier = [n for n in dict.fromkeys(start) if index.has(n)]
        seen = set(frontier)
        found: set[tuple[object, ...]] = set()
        depth = 0
        while frontier and (max_depth is None or depth < max_depth):
            depth += 1
            nxt: list[str] = []
            for node in frontier:
                for other, rows in adjacency.get(node, {}).items():
                    kept = [tuple(r) for r in rows if r[2] in wanted]
                    if not kept:
                        continue
                    found.update(kept)
                    if other not in seen:
                        seen.add(other)
                        nxt.append(other)
            frontier = nxt
        # sorted as rows, then made Edges: comparing Edge dataclasses is most of a big walk's cost
        return [edge_of(r) for r in sorted(found, key=_edge_order)]

    def walk_rows(self, start: Iterable[str], direction: Direction, max_depth: int | None, relations: frozenset[Relation]) -> list[WalkRow]:
        return [walk_row(e) for e in self.walk(start, direction, max_depth, relations)]

    @_rows_checked
    def find(self, pattern: str) -> list[Node]:
        index = self.index
        prefix, _ = glob_ends(pattern)
        # every answer's completeness finds `<unparsed> *` and the like: a prefix is a bisection, not a scan
        rows = ((nid, index.row(nid)) for nid in (index.named(prefix) if prefix else index.ids()))
        return sorted(node_of(nid, row) for nid, row in rows if fnmatchcase(row[1], pattern))

    @_rows_checked
    def nodes(self, ids: Iterable[str]) -> list[Node]:
        index = self.index
        return sorted(node_of(i, index.row(i)) for i in set(ids) if index.has(i))

    def close(self) -> None:
        self._index = None


class _Index:
    """The union of every source's facts: adjacency both ways (parallel edges as a list of rows),
    and each node's kind, name and attributes merged across sources in source order."""

    __slots__ = ("succ", "pred", "heads", "attrs", "_by_name")

    def __init__(self, sources: dict[str, _Source]) -> None:
        self.succ: dict[str, dict[str, list[EdgeRow]]] = {}
        self.pred: dict[str, dict[str, list[EdgeRow]]] = {}
        self.heads: dict[str, tuple[str, str]] = {}
        self.attrs: dict[str, dict[str, str]] = {}
        self._by_name: list[tuple[str, str]] | None = None  # (name, id), sorted: built by the first `named`
        succ, pred, heads, attrs = self.succ, self.pred, self.heads, self.attrs
        shared: dict[object, object] = {str(v): str(v) for vocabulary in (Relation, Flow, Subtype) for v in vocabulary}
        for src in sorted(sources):
            nodes, edges = sources[src].rows
            sources[src].forget_line()
            shared[src] = src
            for node_row in nodes:
                nid = cast(str, node_row[0])
                if nid not in heads:
                    heads[nid] = (cast(str, node_row[1]), cast(str, node_row[2]))
                    attrs[nid] = dict(cast(dict[str, str], node_row[3]))
                else:
                    attrs[nid].update(cast(dict[str, str], node_row[3]))
            for row in edges:
                # one string object per distinct node id, vocabulary word and file: a million
                # decoded rows otherwise hold a million copies of each
                row[:] = [shared.setdefault(x, x) for x in row]
                u, v = cast(str, row[0]), cast(str, row[1])
                rows = succ.setdefault(u, {}).get(v)
                if rows is None:
                    rows = succ[u][v] = []
                    pred.setdefault(v, {})[u] = rows
                rows.append(row)

    def has(self, nid: str) -> bool:
        return nid in self.heads or nid in self.succ or nid in self.pred

    def named(self, prefix: str) -> list[str]:
        """The ids of the nodes whose name starts with `prefix`."""
        if self._by_name is None:
            self._by_name = sorted((self.row(nid)[1], nid) for nid in self.ids())
        by_name = self._by_name
        start = bisect.bisect_left(by_name, (prefix, ""))
        end = bisect.bisect_left(by_name, (prefix + "\U0010ffff", ""), start)  # past every name that starts so
        return [nid for _, nid in by_name[start:end]]

    def ids(self) -> Iterator[str]:
        """Every node: declared by a source, or only named by an edge."""
        yield from self.heads
        yield from (n for n in self.succ if n not in self.heads)
        yield from (n for n in self.pred if n not in self.heads and n not in self.succ)

    def row(self, nid: str) -> tuple[str, str, dict[str, str]]:
        head = self.heads.get(nid)
        if head is None:  # an edge to a node no source declared: keep it findable
            prefix, _, label = nid.partition(":")
            return (prefix, label, {})
        return (head[0], head[1], self.attrs[nid])


def _built(sources: dict[str, _Source]) -> _Index:
    """The index, built without the cyclic garbage collector, which it could never feed: it holds
    no cycles. With it, a million-edge build ran collections over millions of live objects, and a
    later query paid a 9 s full collection; frozen, the collector never scans the index again."""
    with cycle_collector_off():
        index = _Index(sources)
    gc.freeze()
    return index


def _edge_order(row: tuple[object, ...]) -> tuple[object, ...]:
    """Edge's field order, None as "" (where Edge compares at all, it compares the same)."""
    return (row[0], row[1], row[2], row[3] or "", row[4] or "", row[5], row[6], row[7])
