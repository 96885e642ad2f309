"""What a batch of sources writes into Neo4j: one row per node and per relationship, HAS_COLUMN implied where it can be."""

from __future__ import annotations

import json

from graphs.stores.neo4j import cypher as q
from graphs.stores.neo4j.plan import Plan
from lineage.model import Edge, Flow, GraphFacts, Node, NodeKind, Relation, Subtype

X = Node("column:t.x", NodeKind.COLUMN, "t.x", (("table", "t"),))
FEED = Edge("column:t.x", "column:u.y", Relation.FEEDS, Flow.DIRECT, Subtype.IDENTITY, "a.sql", 3, 2)
HAS = Edge("table:t", "column:t.x", Relation.HAS_COLUMN, file="a.sql")


def test_identical_edges_from_two_sources_are_one_relationship_naming_both() -> None:
    elsewhere = Edge(FEED.source, FEED.target, Relation.FEEDS, Flow.DIRECT, Subtype.IDENTITY, "a.sql", 3, 2)
    plan = Plan.of({"a.sql": GraphFacts("a.sql", (X,), (FEED, FEED, HAS)), "b.yml": GraphFacts("b.yml", (X,), (elsewhere,))})
    assert plan.rels == {(Relation.FEEDS, "column:t.x", "column:u.y", "direct|identity|3|2"): ["a.sql", "b.yml\x00a.sql"]}
    assert plan.tables == {"column:t.x": ("table:t", ["a.sql"])}
    assert plan.touches == {"a.sql": ["column:t.x"], "b.yml": ["column:t.x"]}
    assert plan.ids == ["column:t.x", "column:u.y", "table:t"]
    assert plan.claims == {"column:t.x": [("a.sql", ("column", "t.x", (("table", "t"),))), ("b.yml", ("column", "t.x", (("table", "t"),)))]}


def test_a_has_column_that_is_not_as_a_scan_writes_it_stays_a_relationship() -> None:
    ruled = Edge("table:t", "column:t.x", Relation.HAS_COLUMN, file="a.sql", line=4)
    other_table = Edge("table:s", "column:t.x", Relation.HAS_COLUMN, file="b.sql")
    plan = Plan.of({"a.sql": GraphFacts("a.sql", (), (ruled, HAS)), "b.sql": GraphFacts("b.sql", (), (other_table,))})
    assert plan.tables == {"column:t.x": ("table:t", ["a.sql"])}
    assert sorted(plan.rels) == [(Relation.HAS_COLUMN, "table:s", "column:t.x", "||0|0"), (Relation.HAS_COLUMN, "table:t", "column:t.x", "||4|0")]
    assert plan.touches == {"a.sql": ["column:t.x", "table:t"], "b.sql": ["table:s"]}
    plan.unimplied(["column:t.x"])  # the database holds t.x as a column of another table already
    assert plan.tables == {} and plan.rels[(Relation.HAS_COLUMN, "table:t", "column:t.x", "||0|0")] == ["a.sql"]
    assert plan.touches["a.sql"] == ["column:t.x", "table:t"]


def test_a_claim_is_spelled_as_json_would_spell_it_and_reads_back() -> None:
    nasty = ['a"b', "back\\slash", "new\nline", "nul\x00", "ctl\x1f", "é😀", "", "[,]"]
    for name in nasty:
        claim = ("column", name, ((name, "INT"), ("table", name)))
        text = q.claim_text(claim)
        assert text == json.dumps(["column", name, [[name, "INT"], ["table", name]]], ensure_ascii=False, separators=(",", ":"))
        assert q.claim_from(text) == claim
    assert q.claim_text(("table", "t", ())) == '["table","t",[]]'
