"""What a project being read knows about its relations, for the macros that ask the warehouse:
declared columns of sources and models, a seed's CSV, and an upstream model's output columns,
extracted from its compiled SQL (dependencies first) only when a macro asks for them.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

from parsers.dbt_project import DbtNode, Project
from parsers.dbt_warehouse import Columns, Knowledge, Relation
from parsers.reading import read_text
from parsers.schema import SchemaRegistry
from parsers.sql import extract_sql


class ProjectKnowledge:
    """`nodes()` gives every node known so far (compiled ones carry their SQL); `files` a seed's CSV."""

    def __init__(self, project: Project, nodes: Callable[[], dict[str, DbtNode]], files: dict[str, Path]) -> None:
        self.project, self.nodes, self.files = project, nodes, files
        self.registry = SchemaRegistry()
        self._done: dict[str, Columns | None] = {}

    def knowledge(self) -> Knowledge:
        return Knowledge(self.columns, self.rows, self.relations)

    def relations(self) -> list[Relation]:
        return [self._relation(n) for n in self.nodes().values() if n.relation]

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

    def _node(self, relation: Relation) -> DbtNode | None:
        text = str(relation).lower()
        return next((n for n in self.nodes().values() if n.relation and n.relation.lower() == text), None)

    def _columns(self, node: DbtNode) -> Columns | None:
        if node.uid in self._done:
            return self._done[node.uid]
        self._done[node.uid] = None  # a cycle (dbt rejects them) answers "unknown"
        found = list(node.columns) or None
        if node.kind in ("model", "snapshot") and node.code is not None:
            for uid in node.depends:
                upstream = self.nodes().get(uid)
                if upstream is not None and upstream.relation and self._columns(upstream):
                    self.registry.define(upstream.relation, self._columns(upstream) or [])
            facts = extract_sql(f"CREATE TABLE {node.relation} AS {node.code}", node.path, self.project.dialect_of(node.path), self.registry.overlay(), self.project.statement_seconds)
            names = [c for t in facts.tables for c in t.columns]
            found = names if names and all(c != "*" for c, _ in names) else found
        self._done[node.uid] = found
        return found
