"""What one batch of sources writes into Neo4j, grouped so that each node and relationship is written once.

Pure: the store runs the rows. Grouping matters twice: one row per node or relationship keeps a
single UNWIND from reading a value an earlier row of it changed (Cypher may read every row before
writing any), and identical edges from several sources become one relationship.
See `cypher` beside it for the layout.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from graphs.stores.neo4j import cypher as q
from lineage.model import Edge, GraphFacts, Node, NodeKind, Relation

RelKey = tuple[Relation, str, str, str]  # relation, a, b, key


def implied(source: str, edge: Edge) -> bool:
    """HAS_COLUMN as every scanned file writes it: kept on the column, not as a relationship."""
    return (
        edge.relation is Relation.HAS_COLUMN
        and edge.file == source
        and (edge.line, edge.statement, edge.flow, edge.subtype) == (0, 0, None, None)
        and edge.target.startswith(f"{NodeKind.COLUMN}:")
    )


@dataclass(frozen=True, slots=True)
class Plan:
    """A batch of live sources (sorted), grouped per node and per relationship."""

    claims: dict[str, list[tuple[str, q.Claim]]]  # node id -> (source, claim), in source order
    tables: dict[str, tuple[str, list[str]]]  # column id -> (table id, sources), implied HAS_COLUMN
    rels: dict[RelKey, list[str]]  # relationship -> `sources` entries
    touches: dict[str, list[str]]  # source -> the nodes to look at when it is undone
    ids: list[str]  # every node the batch names

    @classmethod
    def of(cls, batch: Mapping[str, GraphFacts]) -> Plan:
        claims: dict[str, list[tuple[str, q.Claim]]] = {}
        tables: dict[str, tuple[str, list[str]]] = {}
        rels: dict[RelKey, list[str]] = {}
        touches: dict[str, list[str]] = {}
        for source in sorted(batch):
            facts = batch[source]
            said = _claims(facts.nodes)
            mine = set(said)
            for nid, claim in sorted(said.items()):
                claims.setdefault(nid, []).append((source, claim))
            # GraphFacts lists its edges in order already (build_graph): no re-sort, only duplicates dropped
            for edge in dict.fromkeys(facts.edges):
                table = tables.get(edge.target)
                if implied(source, edge) and (table is None or table[0] == edge.source):
                    tables.setdefault(edge.target, (edge.source, []))[1].append(source)
                    mine.add(edge.target)
                else:
                    entries = rels.setdefault((edge.relation, edge.source, edge.target, q.edge_key(edge)), [])
                    if q.said_by(source, edge) not in entries:
                        entries.append(q.said_by(source, edge))
                    mine.add(edge.source)
            touches[source] = sorted(mine)
        ends = {nid for rel in rels for nid in rel[1:3]} | {nid for column, (table, _) in tables.items() for nid in (column, table)}
        return cls(claims, tables, rels, touches, sorted(ends | claims.keys()))

    def fresh_rows(self, ids: list[str]) -> dict[NodeKind, list[list[object]]]:
        """CREATE rows for nodes the database does not hold yet, per kind, as `q.create_nodes` reads them.

        Lists, not dicts: the driver packs and the server unpacks no key per row. A node one source
        claims (most) takes that claim's sorted pairs as they are; `q.merge` decides the rest.
        """
        rows: dict[NodeKind, list[list[object]]] = {}
        claims, tables, text = self.claims, self.tables, q.claim_text
        for nid in ids:
            said = claims.get(nid)
            table, sources = tables.get(nid, (None, None))
            if said is not None and len(said) == 1:
                source, claim = said[0]
                kind, name, attrs = claim
                row: list[object] = [nid, name, [k for k, _ in attrs], [v for _, v in attrs], [source], [text(claim)], table, sources]
                rows.setdefault(NodeKind(kind), []).append(row)
                continue
            node = q.merge(nid, [claim for _, claim in said or ()], True)
            assert node is not None  # linked: the batch names it
            keys, values = [k for k, _ in node.attrs], [v for _, v in node.attrs]
            srcs, texts = ([s for s, _ in said], [text(c) for _, c in said]) if said else (None, None)
            rows.setdefault(node.kind, []).append([nid, node.name, keys, values, srcs, texts, table, sources])
        return rows

    def claim_rows(self, ids: list[str]) -> list[dict[str, object]]:
        """New claims on existing nodes, with every pair they say (for ADD_CLAIMS to tell whether the merge moves)."""
        rows: list[dict[str, object]] = []
        for nid in ids:
            said = self.claims[nid]
            pairs = [pair for _, (_, _, attrs) in said for pair in attrs]
            rows.append({"id": nid, "srcs": [s for s, _ in said], "claims": [q.claim_text(c) for _, c in said], "keys": [k for k, _ in pairs], "values": [v for _, v in pairs]})
        return rows

    def rel_rows(self, existing: set[str]) -> dict[tuple[Relation, bool], list[list[object]]]:
        """Per relation and MERGE-or-CREATE: a relationship may exist already only if both ends did before this batch.

        `[a, b, key, sources]` lists, as `q.add_edges` reads them."""
        rows: dict[tuple[Relation, bool], list[list[object]]] = {}
        for (rel, a, b, key), said in self.rels.items():
            merge = a in existing and b in existing
            rows.setdefault((rel, merge), []).append([a, b, key, said if merge or len(said) > 1 else said[0]])
        return rows

    def unimplied(self, columns: list[str]) -> None:
        """Columns already held by another table: their HAS_COLUMN becomes a relationship."""
        for column in columns:
            table, sources = self.tables.pop(column)
            self.rels.setdefault((Relation.HAS_COLUMN, table, column, "||0|0"), []).extend(sources)
            for source in sources:  # undoing the source must now look at the table's relationships
                self.touches[source] = sorted({*self.touches[source], table})


def changed(rows: list[list[object]]) -> list[Node]:
    """Nodes whose merged form differs from what the database shows, from `[node..., sources, claims]` rows."""
    out = []
    for row in rows:
        node = q.merged(str(row[0]), row[5], row[6], True)  # type: ignore[arg-type]
        if node is not None and node != q.node_from(row):
            out.append(node)
    return out


def _claims(nodes: tuple[Node, ...]) -> dict[str, q.Claim]:
    """One claim per node id, merged within the source like the embedded store does."""
    heads: dict[str, Node] = {}
    attrs: dict[str, dict[str, str]] = {}
    for node in nodes:
        held = attrs.get(node.id)
        if held is None:
            heads[node.id], attrs[node.id] = node, dict(node.attrs)
        else:
            held.update(node.attrs)
    return {nid: (h.kind.value, h.name, tuple(sorted(attrs[nid].items()))) for nid, h in heads.items()}
