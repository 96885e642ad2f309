"""The embedded store: a networkx graph persisted as one JSON file under `.lineage/`.

The file holds each source's facts separately, so re-scanning a file replaces exactly what it said,
and is written atomically (temp file + rename): a reader sees the old graph or the new one.

Facts are kept as the JSON rows they are stored as, and become `Node`/`Edge` objects only when a
query returns them: loading a million-edge store then costs one `json.loads` and one graph build.
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
from typing import cast

import networkx as nx

from lineage.errors import StoreError
from lineage.model import Direction, Edge, Flow, GraphFacts, Node, NodeKind, Relation, Subtype

# [id, kind, name, {attr: value}] and [source, target, relation, flow, subtype, file, line, statement]
NodeRow = list[object]
EdgeRow = list[object]
_RELATIONS = {str(r): r for r in Relation}
_FLOWS = {str(f): f for f in Flow}
_SUBTYPES = {str(s): s for s in Subtype}
_KINDS = {str(k): k for k in NodeKind}

FORMAT = "lineage-store"
VERSION = 2
FILENAME = "graph.json"
LOCKNAME = "lock"


class NetworkxStore:
    """LineageStore over a networkx DiGraph rebuilt from per-source facts (parallel edges in a list)."""

    def __init__(self, directory: Path, lock_timeout: float = 120.0) -> None:
        self.path = directory / FILENAME
        self.lock_timeout = lock_timeout
        self._sources: dict[str, tuple[list[NodeRow], list[EdgeRow]]] = self._load()
        self._graph: "nx.DiGraph[str] | None" = None
        self._depth = 0

    # -- persistence ---------------------------------------------------------------------------
    def _load(self) -> dict[str, tuple[list[NodeRow], list[EdgeRow]]]:
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
            return {src: (rec["nodes"], rec["edges"]) for src, rec in data["sources"].items()}
        except (KeyError, TypeError, ValueError) as err:
            raise StoreError(f"{self.path}: store file is corrupted ({err}); delete it and scan again") from None

    def _save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        data = {
            "format": FORMAT,
            "version": VERSION,
            "sources": {src: {"nodes": self._sources[src][0], "edges": self._sources[src][1]} for src in sorted(self._sources)},
        }
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".graph.", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(json.dumps(data, separators=(",", ":")))  # dumps: the C encoder; dump streams in Python
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
            # a writer killed mid-save (SIGKILL) leaves its temp file; only a lock holder may sweep
            for stale in self.path.parent.glob(".graph.*.tmp"):
                stale.unlink(missing_ok=True)
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
            self._sources[facts.source] = ([_node_row(n) for n in facts.nodes], [_edge_row(e) for e in facts.edges])
        else:
            self._sources.pop(facts.source, None)
        self._graph = None

    def sources(self) -> list[str]:
        return sorted(self._sources)

    def facts(self, source: str) -> GraphFacts:
        """What `source` asserted, as written (for copying between stores)."""
        nodes, edges = self._sources[source]
        return GraphFacts(
            source,
            tuple(_node(str(r[0]), (str(r[1]), str(r[2]), cast(dict[str, str], r[3]))) for r in nodes),
            tuple(_edge(r) for r in edges),
        )

    # -- reads ---------------------------------------------------------------------------------
    @property
    def graph(self) -> nx.DiGraph[str]:
        if self._graph is None:
            self._graph = _build(self._sources)
        return self._graph

    def walk(self, start: Iterable[str], direction: Direction, max_depth: int | None, relations: frozenset[Relation]) -> list[Edge]:
        graph = self.graph
        adjacency = graph.succ if direction is Direction.DOWNSTREAM else graph.pred
        wanted = {str(r) for r in relations}
        frontier = [n for n in dict.fromkeys(start) if n in graph]
        seen = set(frontier)
        found: list[EdgeRow] = []
        depth = 0
        while frontier and (max_depth is None or depth < max_depth):
            depth += 1
            nxt: list[str] = []
            for node in frontier:
                for other, data in adjacency[node].items():
                    rows = [r for r in data["rows"] if r[2] in wanted]
                    if not rows:
                        continue
                    found.extend(rows)
                    if other not in seen:
                        seen.add(other)
                        nxt.append(other)
            frontier = nxt
        return sorted({_edge(r) for r in found})

    def find(self, pattern: str) -> list[Node]:
        rows = cast(Iterable[tuple[str, tuple[str, str, dict[str, str]]]], self.graph.nodes(data="row"))
        return sorted(_node(nid, row) for nid, row in rows if fnmatchcase(row[1], pattern))

    def nodes(self, ids: Iterable[str]) -> list[Node]:
        graph = self.graph
        return sorted(_node(i, graph.nodes[i]["row"]) for i in set(ids) if i in graph)

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


def _build(sources: dict[str, tuple[list[NodeRow], list[EdgeRow]]]) -> nx.DiGraph[str]:
    """Union of every source's facts; a node's attributes merge across sources in source order."""
    heads: dict[str, tuple[str, str]] = {}
    attrs: dict[str, dict[str, str]] = {}
    pairs: dict[tuple[str, str], list[EdgeRow]] = {}
    for src in sorted(sources):
        nodes, edges = sources[src]
        for node_row in nodes:
            nid = str(node_row[0])
            heads.setdefault(nid, (str(node_row[1]), str(node_row[2])))
            attrs.setdefault(nid, {}).update(node_row[3])  # type: ignore[call-overload]
        for row in edges:
            pairs.setdefault((str(row[0]), str(row[1])), []).append(row)
    graph: nx.DiGraph[str] = nx.DiGraph()
    graph.add_edges_from((u, v, {"rows": rows}) for (u, v), rows in pairs.items())
    graph.add_nodes_from((nid, {"row": (kind, name, attrs[nid])}) for nid, (kind, name) in heads.items())
    for bare in [n for n, row in graph.nodes(data="row") if row is None]:
        # an edge to a node no source declared: keep it findable
        prefix, _, label = bare.partition(":")
        graph.nodes[bare]["row"] = (prefix, label, {})
    return graph


def _node(nid: str, row: tuple[str, str, dict[str, str]]) -> Node:
    kind, name, attrs = row
    return Node(nid, _KINDS[kind], name, tuple(sorted((str(k), str(v)) for k, v in attrs.items())))


def _edge(row: EdgeRow) -> Edge:
    source, target, relation, flow, subtype, file, line, statement = row
    return Edge(
        str(source),
        str(target),
        _RELATIONS[str(relation)],
        _FLOWS[str(flow)] if flow else None,
        _SUBTYPES[str(subtype)] if subtype else None,
        str(file),
        int(str(line)),
        int(str(statement)),
    )


def _node_row(node: Node) -> NodeRow:
    return [node.id, str(node.kind), node.name, dict(node.attrs)]


def _edge_row(edge: Edge) -> EdgeRow:
    return [edge.source, edge.target, str(edge.relation), str(edge.flow) if edge.flow else None, str(edge.subtype) if edge.subtype else None, edge.file, edge.line, edge.statement]
