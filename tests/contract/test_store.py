"""The store contract: every test runs unchanged against every store, each starting empty."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from cli.main import app
from graphs.stores.embedded import NetworkxStore
from graphs.stores.neo4j.store import Neo4jStore
from lineage.api import impact_of, paths_of, scan_into
from lineage.impact import Change, ChangeKind, ImpactReport
from lineage.model import Direction, Edge, Flow, GraphFacts, Node, NodeKind, Relation, Subtype
from lineage.store import FLOW_RELATIONS, LineageStore
from tests.story import STORY_COLUMNS, STORY_DASHBOARDS, STORY_FEATURES, STORY_OWNERS, STORY_STATEMENTS
from tests.conftest import ROOT
from tests.contract.conftest import Backend

FEEDS = frozenset({Relation.FEEDS})
ALL = frozenset(Relation)
DOWN, UP = Direction.DOWNSTREAM, Direction.UPSTREAM


def col(name: str, **attrs: str) -> Node:
    return Node(f"column:{name}", NodeKind.COLUMN, name, tuple(sorted(attrs.items())))


def table(name: str, **attrs: str) -> Node:
    return Node(f"table:{name}", NodeKind.TABLE, name, tuple(sorted(attrs.items())))


def feeds(a: str, b: str, line: int, file: str = "a.sql", flow: Flow = Flow.DIRECT, subtype: Subtype = Subtype.IDENTITY) -> Edge:
    return Edge(a if ":" in a else f"column:{a}", b if ":" in b else f"column:{b}", Relation.FEEDS, flow, subtype, file, line, line)


def has(t: str, c: str, file: str = "a.sql") -> Edge:
    return Edge(f"table:{t}", f"column:{t}.{c}", Relation.HAS_COLUMN, file=file)


def everything(store: LineageStore) -> tuple[list[str], list[Node], list[Edge]]:
    nodes = store.find("*")
    return store.sources(), nodes, store.walk([n.id for n in nodes], DOWN, None, ALL)


# t.a -E1-> u.b -E2-> v.c -E3-> w.d -E5-> x.e, and a shortcut t.a -E4-> w.d;
# u.b -E6-> table v (a filter: table-level), which HAS_COLUMN v.c; table t is OWNED_BY a team.
E1, E2, E3, E4, E5 = feeds("t.a", "u.b", 1), feeds("u.b", "v.c", 2), feeds("v.c", "w.d", 3), feeds("t.a", "w.d", 4), feeds("w.d", "x.e", 5)
E6 = feeds("u.b", "table:v", 6, flow=Flow.INDIRECT, subtype=Subtype.FILTER)
HT, HU, HV = has("t", "a"), has("u", "b"), has("v", "c")
OWN = Edge("table:t", "owner:team", Relation.OWNED_BY, file="a.sql", line=9)
CHAIN = GraphFacts(
    "a.sql",
    (col("t.a", table="t"), col("u.b", table="u"), col("v.c", table="v"), col("w.d", table="w"), col("x.e", table="x"), table("t"), table("u"), table("v")),
    (E1, E2, E3, E4, E5, E6, HT, HU, HV, OWN),
)


def test_an_empty_store_has_nothing(store: LineageStore) -> None:
    assert everything(store) == ([], [], [])
    assert store.nodes(["column:t.a"]) == []
    assert store.walk(["column:t.a"], DOWN, None, ALL) == []


def test_written_facts_read_back_exactly(store: LineageStore) -> None:
    store.replace_file(CHAIN)
    assert store.sources() == ["a.sql"]
    assert store.find("*") == sorted([*CHAIN.nodes, Node("owner:team", NodeKind.OWNER, "team")])
    assert store.walk(["table:t"], DOWN, None, ALL) == sorted([E1, E2, E3, E4, E5, E6, HT, HV, OWN])


def test_sources_are_sorted_by_code_point(store: LineageStore) -> None:
    for source in ["b.sql", "ä.sql", "Z.sql", "a.sql", "edges-only.sql"]:
        edges = (feeds("p.x", "q.y", 1, file=source),) if source == "edges-only.sql" else ()
        store.replace_file(GraphFacts(source, () if edges else (col(f"{source}.c"),), edges))
    assert store.sources() == ["Z.sql", "a.sql", "b.sql", "edges-only.sql", "ä.sql"]


def test_rescanning_a_source_replaces_what_it_said(store: LineageStore) -> None:
    store.replace_file(GraphFacts("a.sql", (col("t.a"), col("u.b"), col("gone.z")), (E1, feeds("gone.z", "u.b", 7))))
    store.replace_file(GraphFacts("a.sql", (col("t.a"), col("u.b", table="u"), col("v.c")), (E1, E2)))
    store.replace_file(GraphFacts("a.sql", (col("t.a"), col("u.b", table="u"), col("v.c")), (E1, E2)))
    assert everything(store) == (["a.sql"], [col("t.a"), col("u.b", table="u"), col("v.c")], [E1, E2])


def test_empty_facts_delete_a_source_and_what_only_it_said(store: LineageStore) -> None:
    store.replace_file(CHAIN)
    store.replace_file(GraphFacts("b.sql", (col("w.d", owner="b"), col("y.f")), (feeds("w.d", "y.f", 1, file="b.sql"),)))
    store.replace_file(GraphFacts("a.sql"))
    assert everything(store) == (["b.sql"], [col("w.d", owner="b"), col("y.f")], [feeds("w.d", "y.f", 1, file="b.sql")])
    store.replace_file(GraphFacts("b.sql"))
    store.replace_file(GraphFacts("never-scanned.sql"))
    assert everything(store) == ([], [], [])


def test_a_node_only_an_edge_names_exists_while_the_edge_does(store: LineageStore) -> None:
    store.replace_file(GraphFacts("a.sql", (), (feeds("ghost.c", "table:ghost", 1),)))
    bare = [Node("column:ghost.c", NodeKind.COLUMN, "ghost.c"), Node("table:ghost", NodeKind.TABLE, "ghost")]
    assert store.find("ghost*") == bare
    store.replace_file(GraphFacts("b.sql", (col("ghost.c", table="ghost"),)))
    assert store.find("ghost*") == [col("ghost.c", table="ghost"), bare[1]]
    store.replace_file(GraphFacts("b.sql"))
    assert store.find("ghost*") == bare
    store.replace_file(GraphFacts("a.sql"))
    assert everything(store) == ([], [], [])


def test_the_same_edge_from_two_sources_is_one_edge(store: LineageStore) -> None:
    store.replace_file(GraphFacts("a.sql", (), (E1,)))
    store.replace_file(GraphFacts("b.sql", (), (E1, E2)))
    assert store.walk(["column:t.a"], DOWN, None, ALL) == [E1, E2]
    store.replace_file(GraphFacts("b.sql"))
    assert store.walk(["column:t.a"], DOWN, None, ALL) == [E1]


def test_attributes_merge_across_sources_in_source_order(store: LineageStore) -> None:
    store.replace_file(GraphFacts("b.sql", (Node("column:x", NodeKind.COLUMN, "x-from-b", (("k1", "b"), ("k2", "b"))),)))
    store.replace_file(GraphFacts("a.sql", (Node("column:x", NodeKind.COLUMN, "x-from-a", (("k1", "a"), ("k3", "a"))), Node("column:x", NodeKind.COLUMN, "x-again", (("k4", "a"),)))))
    assert store.nodes(["column:x"]) == [Node("column:x", NodeKind.COLUMN, "x-from-a", (("k1", "b"), ("k2", "b"), ("k3", "a"), ("k4", "a")))]
    store.replace_file(GraphFacts("c.sql", (Node("column:x", NodeKind.COLUMN, "x-from-c", (("k3", "c"),)),)))
    store.replace_file(GraphFacts("a.sql"))
    assert store.nodes(["column:x"]) == [Node("column:x", NodeKind.COLUMN, "x-from-b", (("k1", "b"), ("k2", "b"), ("k3", "c")))]
    assert store.find("x-from-?") == store.nodes(["column:x"])


def test_claims_of_a_node_named_by_its_id_merge_in_source_order_where_they_disagree(store: LineageStore) -> None:
    # the common case of a scanned warehouse: the model making a column says its type, its readers only its
    # table and column; where two sources give an attribute different values, the later source (by name) wins
    def c(name: str, **attrs: str) -> Node:
        return col(name, **({"table": name.rpartition(".")[0], "column": name.rpartition(".")[2]} | attrs))

    store.replace_file(GraphFacts("b.sql", (c("app.t.x", type="INT"), c("app.t.y", type="INT"), c("app.t.z", table="other"))))
    store.replace_file(GraphFacts("a.sql", (c("app.t.x", type="BIGINT"), c("app.t.y"), c("app.t.z"))))
    store.replace_file(GraphFacts("c.sql", (c("app.t.x"), c("app.t.y"), c("app.t.z"))))
    assert store.nodes(["column:app.t.x", "column:app.t.y", "column:app.t.z"]) == [c("app.t.x", type="INT"), c("app.t.y", type="INT"), c("app.t.z")]
    store.replace_file(GraphFacts("d.sql", (c("app.t.x", type="TEXT", note="d"),)))
    assert store.nodes(["column:app.t.x"]) == [c("app.t.x", type="TEXT", note="d")]


@pytest.mark.parametrize(
    ("depth", "relations", "expected"),
    [
        (0, FLOW_RELATIONS, []),
        (1, FEEDS, [E1, E4]),
        (2, FEEDS, [E1, E2, E4, E5, E6]),
        (3, FEEDS, [E1, E2, E3, E4, E5, E6]),
        (None, FEEDS, [E1, E2, E3, E4, E5, E6]),
        (2, FLOW_RELATIONS, [E1, E2, E4, E5, E6]),
        (3, FLOW_RELATIONS, [E1, E2, E3, E4, E5, E6, HV]),
        (None, FLOW_RELATIONS, [E1, E2, E3, E4, E5, E6, HV]),
        (None, frozenset(), []),
    ],
)
def test_walk_downstream(store: LineageStore, depth: int | None, relations: frozenset[Relation], expected: list[Edge]) -> None:
    store.replace_file(CHAIN)
    assert store.walk(["column:t.a"], DOWN, depth, relations) == sorted(expected)


@pytest.mark.parametrize(
    ("depth", "relations", "expected"),
    [
        (1, FEEDS, [E3, E4]),
        (2, FEEDS, [E2, E3, E4]),
        (None, FEEDS, [E1, E2, E3, E4]),
        (2, FLOW_RELATIONS, [E2, E3, E4, HT, HV]),
        (3, FLOW_RELATIONS, [E1, E2, E3, E4, E6, HT, HU, HV]),
        (None, FLOW_RELATIONS, [E1, E2, E3, E4, E6, HT, HU, HV]),
    ],
)
def test_walk_upstream(store: LineageStore, depth: int | None, relations: frozenset[Relation], expected: list[Edge]) -> None:
    store.replace_file(CHAIN)
    assert store.walk(["column:w.d"], UP, depth, relations) == sorted(expected)


@pytest.mark.parametrize("depth", [1, 2, None])
def test_a_filter_into_a_table_is_a_hop_of_its_columns_at_any_max_depth(store: LineageStore, depth: int | None) -> None:
    # u.b filters table v, which has v.c: to `upstream v.c` that is one hop, as u.b -> v.c is;
    # --max-depth 1 must list it as --max-depth 2 does (HAS_COLUMN costs no depth)
    store.replace_file(CHAIN)
    hops = [(h.depth, h.source.name, h.target.name) for h in paths_of(store, "v.c", "upstream", depth)]
    near = [(1, "u.b", "v.c"), (1, "u.b", "v")]
    assert hops == near + ([] if depth == 1 else [(2, "t.a", "u.b")])
    assert [(h.depth, h.source.name, h.target.name) for h in paths_of(store, "u.b", "downstream", 1)] == near


def test_walk_follows_only_the_relations_asked_for(store: LineageStore) -> None:
    store.replace_file(CHAIN)
    assert store.walk(["table:u", "table:v"], DOWN, 1, frozenset({Relation.HAS_COLUMN})) == [HU, HV]
    assert store.walk(["table:t"], DOWN, None, FLOW_RELATIONS) == sorted([HT, E1, E2, E3, E4, E5, E6, HV])
    assert store.walk(["table:t"], DOWN, 1, frozenset({Relation.OWNED_BY})) == [OWN]
    assert store.walk(["owner:team"], UP, None, frozenset({Relation.OWNED_BY})) == [OWN]


def test_walk_ignores_unknown_and_repeated_starts(store: LineageStore) -> None:
    store.replace_file(CHAIN)
    assert store.walk(["column:t.a", "column:t.a", "column:nope", "nope"], DOWN, 1, FEEDS) == [E1, E4]
    assert store.walk(["column:nope"], DOWN, None, ALL) == []


NAMES = [
    "app.orders.id", "app.orders.order_value", "app.Orders.x", "mart.daily.rev", "it's", 'say "hi"',
    "back`tick", "br{ace}}", "ünïcødé.列", "star*", "a[b]", "(paren)+$^.\\d", "MATCH (n) DETACH DELETE n",
    "x`}) DETACH DELETE n //",
]  # fmt: skip


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("app.*", ["app.Orders.x", "app.orders.id", "app.orders.order_value", "app.orders"]),
        ("app.orders.*", ["app.orders.id", "app.orders.order_value"]),
        ("APP.*", []),
        ("app.?rders.?d", ["app.orders.id"]),
        ("*.[io]*", ["app.orders.id", "app.orders.order_value", "app.orders"]),
        ("[!a-m]*", ["(paren)+$^.\\d", "MATCH (n) DETACH DELETE n", 'say "hi"', "star*", "x`}) DETACH DELETE n //", "ünïcødé.列"]),
        ("it's", ["it's"]),
        ('say "hi"', ['say "hi"']),
        ("*`*", ["back`tick", "x`}) DETACH DELETE n //"]),
        ("*{*}*", ["br{ace}}"]),
        ("ünï*", ["ünïcødé.列"]),
        ("*列", ["ünïcødé.列"]),
        ("star[*]", ["star*"]),
        ("a[[]b]", ["a[b]"]),
        ("(paren)+$^.\\d", ["(paren)+$^.\\d"]),
        ("*DETACH DELETE n*", ["MATCH (n) DETACH DELETE n", "x`}) DETACH DELETE n //"]),
        ("app.orders.i", []),
        ("?", []),
    ],
)
def test_find_matches_globs_like_fnmatchcase(store: LineageStore, pattern: str, expected: list[str]) -> None:
    store.replace_file(GraphFacts("a.sql", (*(col(n) for n in NAMES), table("app.orders"))))
    assert [n.name for n in store.find(pattern)] == expected


def test_find_star_and_nodes_return_every_node_sorted_by_id(store: LineageStore) -> None:
    store.replace_file(GraphFacts("a.sql", (*(col(n, table="t") for n in NAMES), table("app.orders", kind="view"))))
    assert store.find("*") == sorted([*(col(n, table="t") for n in NAMES), table("app.orders", kind="view")])
    assert store.nodes(["table:app.orders", "column:it's", "column:nope", "column:it's"]) == [col("it's", table="t"), table("app.orders", kind="view")]


def test_a_failed_transaction_leaves_the_graph_unchanged(backend: Backend, store: LineageStore) -> None:
    store.replace_file(CHAIN)
    before = everything(store)
    with pytest.raises(RuntimeError, match="mid-scan"):
        with store.transaction():
            store.replace_file(GraphFacts("a.sql", (col("t.a", table="changed"),), (E5,)))
            store.replace_file(GraphFacts("b.sql", (col("b.b"),)))
            assert store.sources() == ["a.sql", "b.sql"]
            raise RuntimeError("mid-scan")
    assert everything(store) == before
    reopened = backend.open()
    try:
        assert everything(reopened) == before
    finally:
        reopened.close()


def test_writes_in_a_transaction_are_seen_inside_and_elsewhere_only_after_commit(backend: Backend, store: LineageStore) -> None:
    store.replace_file(GraphFacts("a.sql", (col("t.a"),)))
    with store.transaction():
        store.replace_file(GraphFacts("b.sql", (col("b.b"),)))
        with store.transaction():
            store.replace_file(GraphFacts("a.sql"))
        assert everything(store) == (["b.sql"], [col("b.b")], [])
        elsewhere = backend.open()
        try:
            assert everything(elsewhere) == (["a.sql"], [col("t.a")], [])
        finally:
            elsewhere.close()
    reopened = backend.open()
    try:
        assert everything(reopened) == (["b.sql"], [col("b.b")], [])
    finally:
        reopened.close()


def _scan(store: LineageStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, files: dict[str, str]) -> None:
    monkeypatch.chdir(tmp_path)
    for name, text in files.items():
        (tmp_path / "sql").mkdir(exist_ok=True)
        (tmp_path / "sql" / name).write_text(text, encoding="utf-8")
    summary = scan_into(store, [Path("sql")])
    assert summary.diagnostics == ()


LOOPS = """\
create table t (x int, y int);
insert into t select x + 1 as x, y from t;
create view v1 as select a from v2;
create view v2 as select a from v1;
"""


def test_cycles_and_self_loops_terminate(store: LineageStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _scan(store, tmp_path, monkeypatch, {"loops.sql": LOOPS})
    loop = Edge("column:t.x", "column:t.x", Relation.FEEDS, Flow.DIRECT, Subtype.TRANSFORMATION, "sql/loops.sql", 2, 2)
    v1_v2 = Edge("column:v1.a", "column:v2.a", Relation.FEEDS, Flow.DIRECT, Subtype.IDENTITY, "sql/loops.sql", 4, 4)
    v2_v1 = Edge("column:v2.a", "column:v1.a", Relation.FEEDS, Flow.DIRECT, Subtype.IDENTITY, "sql/loops.sql", 3, 3)
    has_v1 = Edge("table:v1", "column:v1.a", Relation.HAS_COLUMN, file="sql/loops.sql")
    has_v2 = Edge("table:v2", "column:v2.a", Relation.HAS_COLUMN, file="sql/loops.sql")
    assert store.walk(["column:t.x"], DOWN, None, FLOW_RELATIONS) == [loop]
    assert store.walk(["column:t.x"], UP, 5, FLOW_RELATIONS) == [loop, Edge("table:t", "column:t.x", Relation.HAS_COLUMN, file="sql/loops.sql")]
    assert store.walk(["table:v1"], DOWN, None, FLOW_RELATIONS) == [v1_v2, v2_v1, has_v1]
    assert store.walk(["column:v1.a"], UP, 1, FLOW_RELATIONS) == [v2_v1, has_v1]
    assert store.walk(["column:v1.a"], UP, None, FLOW_RELATIONS) == [v1_v2, v2_v1, has_v1, has_v2]
    report = impact_of(store, ["v1.a"], Change())
    assert [(r.node.name, r.distance) for r in report.columns] == [("v2.a", 1)]
    assert [(h.source.name, h.target.name, h.depth) for h in paths_of(store, "t.x", "downstream")] == [("t.x", "t.x", 1)]


CONSUMERS = (
    GraphFacts(
        "lineage.yml",
        (
            Node("owner:team-a", NodeKind.OWNER, "team-a", (("email", "a@example.com"),)),
            Node("owner:team-b", NodeKind.OWNER, "team-b"),
            table("u", owner="team-a"),
            Node("dashboard:rev", NodeKind.DASHBOARD, "rev", (("owner", "team-b"),)),
            Node("ml_feature:f.score", NodeKind.ML_FEATURE, "f.score", (("owner", "team-b"),)),
        ),
        (
            Edge("table:u", "owner:team-a", Relation.OWNED_BY, file="lineage.yml", line=3),
            Edge("dashboard:rev", "owner:team-b", Relation.OWNED_BY, file="lineage.yml", line=5),
            Edge("ml_feature:f.score", "owner:team-b", Relation.OWNED_BY, file="lineage.yml", line=7),
            feeds("u.b", "dashboard:rev", 5, file="lineage.yml"),
            feeds("u.b", "ml_feature:f.score", 7, file="lineage.yml", subtype=Subtype.AGGREGATION),
        ),
    ),
    GraphFacts("a.sql", (col("t.a", table="t"), col("u.b", table="u"), table("t"), table("u")), (E1, HU)),
)


def test_impact_reaches_dashboards_features_and_owners(store: LineageStore) -> None:
    for facts in CONSUMERS:
        store.replace_file(facts)
    report = impact_of(store, ["t.a"], Change(ChangeKind.DROP))
    assert [(r.node.name, r.distance) for r in report.columns] == [("u.b", 1)]
    assert [(r.node.name, r.distance) for r in report.tables] == [("u", 1)]
    assert [(r.node.id, r.distance, r.via) for r in report.dashboards] == [("dashboard:rev", 2, "direct/identity")]
    assert [(r.node.id, r.distance, r.via) for r in report.features] == [("ml_feature:f.score", 2, "direct/aggregation")]
    assert [(o.owner, o.assets) for o in report.owners] == [
        (Node("owner:team-a", NodeKind.OWNER, "team-a", (("email", "a@example.com"),)), ("u",)),
        (Node("owner:team-b", NodeKind.OWNER, "team-b"), ("f.score", "rev")),
    ]


def _story(store: LineageStore, monkeypatch: pytest.MonkeyPatch) -> ImpactReport:
    monkeypatch.chdir(ROOT)  # provenance is relative to the working directory
    scan_into(store, [Path("sample_sql")])
    return impact_of(store, ["orders.order_value"], Change(ChangeKind.RENAME, "order_total_usd"))


def test_the_order_value_story(store: LineageStore, monkeypatch: pytest.MonkeyPatch) -> None:
    report = _story(store, monkeypatch)
    assert [t.name for t in report.targets] == ["app.orders.order_value"]
    assert {c.node.name for c in report.columns} == STORY_COLUMNS
    assert [(d.node.name, d.node.attr("owner"), d.distance) for d in report.dashboards] == STORY_DASHBOARDS
    assert [(f.node.name, f.node.attr("owner"), f.distance) for f in report.features] == STORY_FEATURES
    assert {o.owner.name: list(o.assets) for o in report.owners} == STORY_OWNERS
    assert [(s.file, s.line, s.distance) for s in report.statements] == STORY_STATEMENTS


def test_both_stores_give_identical_story_reports(neo4j_store: Neo4jStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    embedded = NetworkxStore(tmp_path)
    expected = _story(embedded, monkeypatch)
    assert {c.node.name for c in expected.columns} == STORY_COLUMNS
    assert _story(neo4j_store, monkeypatch) == expected
    assert everything(neo4j_store) == everything(embedded)
    nodes = [n.id for n in embedded.find("*")]
    assert neo4j_store.walk(nodes, UP, None, ALL) == embedded.walk(nodes, UP, None, ALL)
    assert paths_of(neo4j_store, "app.orders", "downstream", 3) == paths_of(embedded, "app.orders", "downstream", 3)


INJECTION = """\
create table "a'b"."c}d" ("x`) DETACH DELETE n //" int, "q""uote" int, plain int);
create table "out`put" as select "x`) DETACH DELETE n //" as "v{1}}", "q""uote" as "ünï列", plain from "a'b"."c}d" where plain > 0;
"""


def test_identifiers_cannot_inject_cypher(store: LineageStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _scan(store, tmp_path, monkeypatch, {"inject.sql": INJECTION, "keep.sql": "create table keep (k int);\n"})
    names = ["a'b.c}d", "a'b.c}d.plain", "a'b.c}d.q\"uote", "a'b.c}d.x`) DETACH DELETE n //", "keep", "keep.k", "out`put", "out`put.plain", "out`put.v{1}}", "out`put.ünï列"]
    assert sorted(n.name for n in store.find("*")) == names
    for name in names:
        assert [n.name for n in store.find(name)] == [name]
    nasty = "column:a'b.c}d.x`) DETACH DELETE n //"
    assert store.nodes([nasty]) == [col("a'b.c}d.x`) DETACH DELETE n //", column="x`) DETACH DELETE n //", table="a'b.c}d", type="INT")]
    assert store.walk([nasty], DOWN, None, FEEDS) == [
        Edge(nasty, "column:out`put.v{1}}", Relation.FEEDS, Flow.DIRECT, Subtype.IDENTITY, "sql/inject.sql", 2, 2)
    ]
    store.replace_file(GraphFacts("sql/inject.sql"))
    assert [n.name for n in store.find("*")] == ["keep.k", "keep"]
    assert store.sources() == ["sql/keep.sql"]


# One column feeding 20,000 columns, one table and one statement each; the first 150 of those tables
# are owned by one team. fan_00000.c feeds a further column, fan_19999.c a dashboard: both at distance 2.
FAN = 20_000
FAN_TABLES = [f"fan_{i:05d}" for i in range(FAN)]
OWNED = 150
FAN_OUT = (
    GraphFacts(
        "fan.sql",
        (
            col("src.x", table="src"),
            col("deep.d", table="deep"),
            Node("dashboard:board", NodeKind.DASHBOARD, "board"),
            Node("owner:team", NodeKind.OWNER, "team"),
            *(table(t) for t in FAN_TABLES[:OWNED]),
        ),
        (
            feeds("fan_00000.c", "deep.d", FAN + 1, file="fan.sql"),
            feeds("fan_19999.c", "dashboard:board", FAN + 2, file="fan.sql"),
            *(Edge(f"table:{t}", "owner:team", Relation.OWNED_BY, file="fan.sql") for t in FAN_TABLES[:OWNED]),
        ),
    ),
    # in parts, one transaction each: the test server's heap holds a few hundred MiB
    *(
        GraphFacts(f"fan-{part}", tuple(col(f"{t}.c", table=t) for t in tables), tuple(feeds("src.x", f"{t}.c", int(t[4:]) + 1, file="fan.sql") for t in tables))
        for part, tables in enumerate(FAN_TABLES[i : i + 5_000] for i in range(0, FAN, 5_000))
    ),
)
FAN_CUTS = [("columns", 100, FAN + 1), ("tables", 100, FAN + 1), ("statements", 100, FAN + 2), ("assets of owner team", 100, OWNED)]


def test_impact_over_a_huge_fan_out_lists_the_nearest_and_says_what_it_cut(backend: Backend, store: LineageStore) -> None:
    for facts in FAN_OUT:
        store.replace_file(facts)
    whole = impact_of(store, ["src.x"], Change())
    report = impact_of(store, ["src.x"], Change(), limit=100)
    assert (len(whole.columns), len(whole.tables), len(whole.statements), len(whole.owners[0].assets), whole.truncated) == (FAN + 1, FAN + 1, FAN + 2, OWNED, ())
    assert [(t.what, t.shown, t.total) for t in report.truncated] == FAN_CUTS
    assert [r.node.name for r in report.columns] == [f"{t}.c" for t in FAN_TABLES[:100]]
    assert [r.node.name for r in report.tables] == FAN_TABLES[:100]
    assert [(d.node.name, d.distance) for d in report.dashboards] == [("board", 2)]  # under the limit: all listed
    assert [(s.file, s.line, s.distance) for s in report.statements] == [("fan.sql", i, 1) for i in range(1, 101)]
    assert [(o.owner.name, o.assets) for o in report.owners] == [("team", tuple(FAN_TABLES[:100]))]
    assert [report.total(what) for what in ("columns", "tables", "dashboards", "ML features", "statements", "owners")] == [FAN + 1, FAN + 1, 1, 0, FAN + 2, 1]
    assert report.edges == tuple(feeds("src.x", f"{t}.c", i + 1, file="fan.sql") for i, t in enumerate(FAN_TABLES[:100]))
    assert report.limited(100) == report.limited(None) == report and whole.limited(FAN + 2) == whole
    near = impact_of(store, ["src.x"], Change(), max_depth=1, limit=100)
    assert [(t.what, t.shown, t.total) for t in near.truncated] == [("columns", 100, FAN), ("tables", 100, FAN), ("statements", 100, FAN), ("assets of owner team", 100, OWNED)]
    assert near.dashboards == ()
    _the_cli_bounds_the_fan_out(backend)


def _cli(backend: Backend, *args: str) -> Result:
    result = CliRunner().invoke(app, [*args, "--store", backend.spec], env=backend.env)
    assert result.exit_code == 0, result.output
    return result


def _the_cli_bounds_the_fan_out(backend: Backend) -> None:
    record = json.loads(_cli(backend, "impact", "src.x", "--limit", "100", "--format", "json").stdout)
    assert [(t["what"], t["shown"], t["total"]) for t in record["truncated"]] == FAN_CUTS
    assert [len(record[k]) for k in ("columns", "tables", "dashboards", "statements")] == [100, 100, 1, 100]
    lines = _cli(backend, "impact", "src.x", "--limit", "100").stdout.splitlines()
    assert lines[1] == "20,001 columns, 20,001 tables, 1 dashboard, 0 ML features affected."
    assert lines[-4:] == [
        "truncated: 100 of 20,001 columns shown; raise --limit",
        "truncated: 100 of 20,001 tables shown; raise --limit",
        "truncated: 100 of 20,002 statements shown; raise --limit",
        "truncated: 100 of 150 assets of owner team shown; raise --limit",
    ]
    default = json.loads(_cli(backend, "impact", "src.x", "--format", "json").stdout)
    assert [(t["what"], t["shown"], t["total"]) for t in default["truncated"]] == [("columns", 10_000, FAN + 1), ("tables", 10_000, FAN + 1), ("statements", 10_000, FAN + 2)]
    everything_listed = json.loads(_cli(backend, "impact", "src.x", "--limit", "0", "--format", "json", "--max-depth", "1").stdout)
    assert (len(everything_listed["columns"]), everything_listed["truncated"]) == (FAN, [])
    hops = _cli(backend, "downstream", "src.x", "--limit", "5", "--format", "json")
    assert [h["target"] for h in json.loads(hops.stdout)] == [f"{t}.c" for t in FAN_TABLES[:5]]
    assert hops.stderr == "truncated: 5 of 20,002 hops shown; raise --limit\n"


# -- completeness: what an answer may miss is kept in the store, and every answer says so ----------
GAPS = {
    "base.sql": "create table app.orders (id int, order_value int, status text);\ncreate table raw.items (id int, x int);\n",
    "mart.sql": (
        "create table mart.rev as select sum(order_value) as revenue from app.orders;\n"
        "create table mart.bad as select order_value from app.orders where (;\n"
        "create table mart.mixed as select note, o.status from raw.notes n join raw.memos m on n.id = m.id join app.orders o on o.id = n.id;\n"
        "create table mart.star as select * from raw.unknown;\n"
    ),
    "other.sql": "select from from from;\n",
}


def _scan_gaps(store: LineageStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, files: dict[str, str]) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sql").mkdir(exist_ok=True)
    for name, text in files.items():
        (tmp_path / "sql" / name).write_text(text, encoding="utf-8")
    scan_into(store, [Path("sql")])


def test_a_statement_that_did_not_parse_is_kept_and_named_by_the_answers_it_may_touch(store: LineageStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _scan_gaps(store, tmp_path, monkeypatch, GAPS)
    assert [(n.name, n.attr("line"), n.attr("mentions")) for n in store.find("<unparsed> *")] == [
        ("<unparsed> sql/mart.sql:2", "2", '["app", "as", "bad", "create", "from", "mart", "order_value", "orders", "select", "table", "where"]'),
        ("<unparsed> sql/other.sql:1", "1", '["from", "select"]'),
    ]
    # `note` may be a column of app.orders (no schema says otherwise), and the statement that did not parse names it
    assert impact_of(store, ["app.orders.status"], Change()).completeness.line() == (
        "May be incomplete: 1 statement that did not parse may read app.orders (sql/mart.sql:2); "
        "1 column whose table the SQL does not name: note (sql/mart.sql:3)."
    )
    assert impact_of(store, ["raw.items.x"], Change()).completeness.line() == "Complete."
    assert impact_of(store, ["mart.rev.revenue"], Change()).completeness.line() == "Complete."
    star = impact_of(store, ["raw.unknown"], Change()).completeness
    assert [g.to_record() for g in star.gaps] == [{"kind": "unexpanded_star", "file": "sql/mart.sql", "line": 4, "detail": "raw.unknown"}]


def test_rescanning_the_fixed_statement_makes_the_answer_complete(store: LineageStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _scan_gaps(store, tmp_path, monkeypatch, GAPS)
    fixed = {"mart.sql": "create table mart.rev as select sum(order_value) as revenue from app.orders;\n", "other.sql": "select 1 as one;\n"}
    _scan_gaps(store, tmp_path, monkeypatch, fixed)
    assert store.find("<unparsed> *") == []
    assert impact_of(store, ["app.orders.status"], Change()).completeness.line() == "Complete."


def test_a_file_that_could_not_be_read_may_read_anything(store: LineageStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _scan_gaps(store, tmp_path, monkeypatch, {"base.sql": GAPS["base.sql"]})
    (tmp_path / "sql" / "latin1.sql").write_bytes("select 'caf\xe9' as c from app.orders;".encode("latin-1"))
    scan_into(store, [Path("sql")])
    assert impact_of(store, ["raw.items.x"], Change()).completeness.line() == "May be incomplete: 1 statement that did not parse may read it (sql/latin1.sql)."
