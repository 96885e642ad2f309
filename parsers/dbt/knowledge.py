"""What a project being read knows about its relations, for the macros that ask the warehouse:
declared columns of sources and models, a seed's CSV, and an upstream model's output columns,
extracted from its compiled SQL (dependencies first) only when a macro asks for them.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

from parsers.dbt.project import DbtNode, Project
from parsers.dbt.warehouse import Columns, Knowledge, Relation
from parsers.sources.reading import read_text
from parsers.sql.schema import SchemaRegistry
from parsers.sql.extract import extract_sql


class ProjectKnowledge:
    """`node(uid)` gives a node as far as it is known (compiled ones carry their SQL); `files` maps
    every node's uid to its file (a seed's CSV). Relations are final once macros introspect."""

    def __init__(self, project: Project, node: Callable[[str], DbtNode | None], files: dict[str, Path]) -> None:
        self.project, self.node, self.files = project, node, files
        self.registry = SchemaRegistry()
        self._done: dict[str, Columns | None] = {}
        self._by_relation: dict[str, str] | None = None  # lower-cased relation -> uid

    def knowledge(self) -> Knowledge:
        return Knowledge(self.columns, self.rows, self.relations)

    def relations(self) -> list[Relation]:
        return [self._relation(n) for n in map(self.node, sorted(self._index().values())) if n is not None]

    def columns(self, relation: Relation) -> Columns | None:
        node = self._node(relation)
        return None if node is None else self._columns(node)

    def rows(self, relation: Relation) -> list[dict[str, str]] | None:
        node = self._node(relation)
        path = self.files.get(node.uid) if node is not None and node.kind == "seed" else None
        text = read_text(path, self.project.max_bytes, node.path) if path is not None and node is not None else None
        if not isinstance(text, str):
            return None
        return [{k.strip().lower(): v for k, v in row.items() if k} for row in csv.DictReader(io.StringIO(text))]

    def _relation(self, node: DbtNode) -> Relation:
        schema, _, name = node.relation.rpartition(".")
        return Relation(node.relation, schema.strip('"'), name.strip('"'))

    def _index(self) -> dict[str, str]:
        if self._by_relation is None:
            nodes = [self.node(uid) for uid in sorted(self.files) + sorted(u for u in self._sources())]
            self._by_relation = {n.relation.lower(): n.uid for n in nodes if n is not None and n.relation}
        return self._by_relation

    def _sources(self) -> list[str]:
        return [uid for uid, n in self.project.nodes.items() if n.kind == "source"]

    def _node(self, relation: Relation) -> DbtNode | None:
        uid = self._index().get(str(relation).lower())
        return None if uid is None else self.node(uid)

    def _columns(self, node: DbtNode) -> Columns | None:
        if node.uid in self._done:
            return self._done[node.uid]
        self._done[node.uid] = None  # a cycle (dbt rejects them) answers "unknown"
        found = list(node.columns) or None
        if node.kind in ("model", "snapshot") and node.code is not None:
            for uid in node.depends:
                upstream = self.node(uid)
                if upstream is not None and upstream.relation and self._columns(upstream):
                    self.registry.define(upstream.relation, self._columns(upstream) or [])
            facts = extract_sql(f"CREATE TABLE {node.relation} AS {node.code}", node.path, self.project.dialect_of(node.path), self.registry.overlay(), self.project.statement_seconds)
            names = [c for t in facts.tables for c in t.columns]
            found = names if names and all(c != "*" for c, _ in names) else found
        self._done[node.uid] = found
        return found
