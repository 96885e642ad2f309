"""The embedded store: a networkx graph persisted as one JSON file under `.lineage/`.

The file holds each source's facts separately, so re-scanning a file replaces exactly what it said,
and is written atomically (temp file + rename): a reader sees the old graph or the new one.
"""

from __future__ import annotations

import fcntl
import json
import os
import time
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from fnmatch import fnmatchcase
from pathlib import Path

import networkx as nx

from lineage.errors import StoreError
from lineage.model import Direction, Edge, GraphFacts, Node, NodeKind, Relation

FORMAT = "lineage-store"
VERSION = 1
FILENAME = "graph.json"
LOCKNAME = "lock"


class NetworkxStore:
    """LineageStore over a networkx MultiDiGraph rebuilt from per-source facts."""

    def __init__(self, directory: Path, lock_timeout: float = 120.0) -> None:
        self.path = directory / FILENAME
        self.lock_timeout = lock_timeout
        self._sources: dict[str, GraphFacts] = self._load()
        self._graph: "nx.MultiDiGraph[str] | None" = None
        self._depth = 0

    # -- persistence ---------------------------------------------------------------------------
    def _load(self) -> dict[str, GraphFacts]:
        if not self.path.exists():
            return {}
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
            raise StoreError(f"{self.path}: store file is corrupted ({err}); delete it and scan again") from None
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise StoreError(f"{self.path}: not a lineage store file; delete it and scan again")
        if data.get("version") != VERSION:
            raise StoreError(f"{self.path}: store format version {data.get('version')} is not {VERSION}; upgrade lineage or delete the store and scan again")
        try:
            return {src: _facts_from_record(src, rec) for src, rec in data["sources"].items()}
        except (KeyError, TypeError, ValueError) as err:
            raise StoreError(f"{self.path}: store file is corrupted ({err}); delete it and scan again") from None

    def _save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        data = {
            "format": FORMAT,
            "version": VERSION,
            "sources": {src: _facts_to_record(self._sources[src]) for src in sorted(self._sources)},
        }
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".graph.", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(data, handle, separators=(",", ":"))
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    # -- writes --------------------------------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[None]:
        if self._depth > 0:  # nested: the outermost transaction commits
            yield
            return
        with _exclusive(self.path.parent / LOCKNAME, self.lock_timeout):
            # another process may have committed while we waited: start from its graph
            self._sources = self._load()
            self._graph = None
            before = dict(self._sources)
            self._depth = 1
            try:
                yield
                self._save()
            except BaseException:
                self._sources = before
                self._graph = None
                raise
            finally:
                self._depth = 0

    def replace_file(self, facts: GraphFacts) -> None:
        if self._depth == 0:
            with self.transaction():
                self.replace_file(facts)
            return
        if facts.nodes or facts.edges:
            self._sources[facts.source] = facts
        else:
            self._sources.pop(facts.source, None)
        self._graph = None

    def sources(self) -> list[str]:
        return sorted(self._sources)

    # -- reads ---------------------------------------------------------------------------------
    @property
    def graph(self) -> nx.MultiDiGraph[str]:
        if self._graph is None:
            self._graph = _build(self._sources)
        return self._graph

    def walk(self, start: Iterable[str], direction: Direction, max_depth: int | None, relations: frozenset[Relation]) -> list[Edge]:
        graph = self.graph
        frontier = [n for n in dict.fromkeys(start) if n in graph]
        seen = set(frontier)
        found: set[Edge] = set()
        depth = 0
        while frontier and (max_depth is None or depth < max_depth):
            depth += 1
            nxt: list[str] = []
            for node in frontier:
                adjacent: Iterable[tuple[str, str, Edge]] = (
                    graph.out_edges(node, data="edge") if direction is Direction.DOWNSTREAM else graph.in_edges(node, data="edge")
                )
                for u, v, edge in adjacent:
                    if edge.relation not in relations:
                        continue
                    found.add(edge)
                    other = v if direction is Direction.DOWNSTREAM else u
                    if other not in seen:
                        seen.add(other)
                        nxt.append(other)
            frontier = nxt
        return sorted(found)

    def find(self, pattern: str) -> list[Node]:
        return sorted(n for n in self._nodes().values() if fnmatchcase(n.name, pattern))

    def nodes(self, ids: Iterable[str]) -> list[Node]:
        known = self._nodes()
        return sorted(known[i] for i in set(ids) if i in known)

    def _nodes(self) -> dict[str, Node]:
        return {nid: data["node"] for nid, data in self.graph.nodes(data=True)}

    def close(self) -> None:
        self._graph = None


@contextmanager
def _exclusive(path: Path, timeout: float) -> Iterator[None]:
    """Serialise writers of one store directory; readers need no lock (writes are atomic renames)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+", encoding="utf-8") as handle:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise StoreError(f"{path.parent}: another lineage process is writing this store (waited {timeout:.0f} s); try again when it finishes") from None
                time.sleep(0.1)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _build(sources: dict[str, GraphFacts]) -> nx.MultiDiGraph[str]:
    """Union of every source's facts; a node's attributes merge across sources in source order."""
    graph: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    attrs: dict[str, dict[str, str]] = {}
    heads: dict[str, Node] = {}
    for src in sorted(sources):
        for node in sources[src].nodes:
            heads.setdefault(node.id, node)
            attrs.setdefault(node.id, {}).update(node.attrs)
        for edge in sources[src].edges:
            graph.add_edge(edge.source, edge.target, key=edge, edge=edge)
    for nid, head in heads.items():
        graph.add_node(nid, node=Node(nid, head.kind, head.name, tuple(sorted(attrs[nid].items()))))
    for nid in list(graph.nodes):
        if "node" not in graph.nodes[nid]:  # an edge to a node no source declared: keep it findable
            kind, _, name = nid.partition(":")
            graph.nodes[nid]["node"] = Node(nid, NodeKind(kind), name)
    return graph


def _facts_to_record(facts: GraphFacts) -> dict[str, object]:
    return {"nodes": [n.to_record() for n in facts.nodes], "edges": [e.to_record() for e in facts.edges]}


def _facts_from_record(source: str, record: dict[str, list[dict[str, object]]]) -> GraphFacts:
    return GraphFacts(
        source,
        tuple(Node.from_record(n) for n in record["nodes"]),
        tuple(Edge.from_record(e) for e in record["edges"]),
    )
