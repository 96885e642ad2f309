"""What only the Neo4j store has: a server that can fail mid-load, a schema, credentials, Cypher."""

from __future__ import annotations

import gc
import os
import random
import signal
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import neo4j
import pytest
from neo4j.exceptions import ConstraintError

import graphs.stores.neo4j.store
import graphs.stores.neo4j.walk
from bench.warehouse import write
from graphs.stores.neo4j.store import Neo4jStore
from graphs.stores.open import open_store
from lineage.api import scan_into
from lineage.errors import StoreError
from lineage.model import Direction, Edge, GraphFacts, Node, NodeKind, Relation
from lineage.store import FLOW_RELATIONS as FLOW
from tests.conftest import ROOT
from tests.contract.neo4j_server import Neo4jSettings


def _facts(source: str, *names: str) -> GraphFacts:
    nodes = tuple(Node(f"column:{n}", NodeKind.COLUMN, n, (("from", source),)) for n in names)
    edges = tuple(Edge(a.id, b.id, Relation.FEEDS, file=source) for a, b in zip(nodes, nodes[1:]))
    return GraphFacts(source, nodes, edges)


def _graph(store: Neo4jStore) -> tuple[list[str], list[Node], list[Edge]]:
    nodes = store.find("*")
    return store.sources(), nodes, store.walk([n.id for n in nodes], Direction.DOWNSTREAM, None, frozenset(Relation))


def _query(settings: Neo4jSettings, cypher: str) -> list[dict[str, object]]:
    with neo4j.GraphDatabase.driver(settings.uri, auth=(settings.user, settings.password)) as driver:
        return [record.data() for record in driver.execute_query(cypher).records]


@pytest.fixture
def flush_every_file(monkeypatch: pytest.MonkeyPatch) -> None:
    """Send every replace_file to the server at once, so that a failure hits a half-written transaction."""
    monkeypatch.setattr(graphs.stores.neo4j.store, "FLUSH_AT", 1)


@pytest.mark.usefixtures("flush_every_file")
def test_an_exception_mid_load_leaves_the_previous_graph(neo4j_store: Neo4jStore, empty_neo4j: Neo4jSettings) -> None:
    neo4j_store.replace_file(_facts("a.sql", "a.x", "a.y"))
    before = _graph(neo4j_store)
    assert before[0] == ["a.sql"] and len(before[1]) == 2 and len(before[2]) == 1
    with pytest.raises(KeyError, match="boom"):
        with neo4j_store.transaction():
            neo4j_store.replace_file(_facts("a.sql", "a.x", "b.z"))
            neo4j_store.replace_file(_facts("c.sql", "c.w", "a.x"))
            assert _query(empty_neo4j, "MATCH ()-[r:FEEDS]->() RETURN r.sources AS sources") == [{"sources": "a.sql"}]
            raise KeyError("boom")
    assert _graph(neo4j_store) == before
    with closing(empty_neo4j.open()) as other:
        assert _graph(other) == before


@pytest.mark.usefixtures("flush_every_file")
def test_a_connection_lost_mid_load_leaves_the_previous_graph(neo4j_store: Neo4jStore, empty_neo4j: Neo4jSettings) -> None:
    neo4j_store.replace_file(_facts("a.sql", "a.x", "a.y"))
    before = _graph(neo4j_store)
    with pytest.raises(StoreError) as raised:
        with neo4j_store.transaction():
            neo4j_store.replace_file(_facts("a.sql", "a.x", "b.z"))
            assert neo4j_store.sources() == ["a.sql"] and neo4j_store.find("b.*") == [Node("column:b.z", NodeKind.COLUMN, "b.z", (("from", "a.sql"),))]
            neo4j_store._driver.close()  # as if the network went away: no rollback is ever sent
            neo4j_store.replace_file(_facts("c.sql", "c.w"))
    text = str(raised.value)
    leaks_password = empty_neo4j.password in text  # asserted as a bool: a failure must not print it
    # the retry finds the driver closed, which no retry mends (tests/graphs/test_neo4j_retry.py drops real connections)
    assert text == f"Neo4j at {empty_neo4j.uri}: Driver closed" and not leaks_password
    with closing(empty_neo4j.open()) as other:
        assert _graph(other) == before


def test_reads_after_the_server_went_away_raise_one_line(neo4j_store: Neo4jStore, empty_neo4j: Neo4jSettings) -> None:
    neo4j_store._driver.close()
    with pytest.raises(StoreError) as raised:
        neo4j_store.sources()
    assert "\n" not in str(raised.value) and str(raised.value).startswith(f"Neo4j at {empty_neo4j.uri}: ")


def test_node_ids_are_unique(neo4j_store: Neo4jStore, empty_neo4j: Neo4jSettings) -> None:
    constraints = _query(empty_neo4j, "SHOW CONSTRAINTS YIELD name, type, labelsOrTypes, properties WHERE name = 'lineage_node_id'")
    assert constraints == [{"name": "lineage_node_id", "type": "UNIQUENESS", "labelsOrTypes": ["Lineage"], "properties": ["id"]}]
    neo4j_store.replace_file(_facts("a.sql", "a.x"))
    with pytest.raises(ConstraintError):
        _query(empty_neo4j, "CREATE (:Lineage {id: 'column:a.x'})")


def test_rescanning_does_not_duplicate_anything_on_the_server(neo4j_store: Neo4jStore, empty_neo4j: Neo4jSettings) -> None:
    for _ in range(3):
        neo4j_store.replace_file(_facts("a.sql", "a.x", "a.y", "a.z"))
        neo4j_store.replace_file(_facts("b.sql", "a.z", "b.w"))
    held = (
        "MATCH (n) OPTIONAL MATCH (n)-[r]->() WITH n, r ORDER BY r.sources "
        "RETURN coalesce(n.id, n.name) AS node, n.claim_sources AS claims, n.touches AS touches, collect(r.sources) AS out ORDER BY node"
    )
    assert [(r["node"], r["claims"], r["touches"], r["out"]) for r in _query(empty_neo4j, held)] == [
        ("a.sql", None, ["column:a.x", "column:a.y", "column:a.z"], []),
        ("b.sql", None, ["column:a.z", "column:b.w"], []),
        ("column:a.x", ["a.sql"], None, ["a.sql"]),
        ("column:a.y", ["a.sql"], None, ["a.sql"]),
        ("column:a.z", ["a.sql", "b.sql"], None, ["b.sql"]),
        ("column:b.w", ["b.sql"], None, []),
    ]


@pytest.mark.parametrize("written_as", ["string", "list"])
def test_a_relationship_of_one_source_as_a_string_or_a_list_reads_merges_and_undoes_alike(
    neo4j_store: Neo4jStore, empty_neo4j: Neo4jSettings, written_as: str
) -> None:
    """One source is kept as a string; before issue 18 as a one-item list, which a database may still hold."""
    neo4j_store.replace_file(_facts("a.sql", "a.x", "a.y"))
    sources = "MATCH ()-[r:FEEDS]->() RETURN r.sources AS sources"
    assert _query(empty_neo4j, sources) == [{"sources": "a.sql"}]
    if written_as == "list":
        _query(empty_neo4j, "MATCH ()-[r:FEEDS]->() SET r.sources = [r.sources]")
    one = Edge("column:a.x", "column:a.y", Relation.FEEDS, file="a.sql")
    assert neo4j_store.walk(["column:a.x"], Direction.DOWNSTREAM, None, frozenset(Relation)) == [one]
    neo4j_store.replace_file(_facts("b.sql", "a.x", "a.y"))  # the same edge: a second source on the relationship
    assert _query(empty_neo4j, sources) == [{"sources": ["a.sql", "b.sql"]}]
    both = [one, Edge("column:a.x", "column:a.y", Relation.FEEDS, file="b.sql")]
    assert neo4j_store.walk(["column:a.x"], Direction.DOWNSTREAM, None, frozenset(Relation)) == both
    neo4j_store.replace_file(GraphFacts("a.sql"))
    assert neo4j_store.walk(["column:a.y"], Direction.UPSTREAM, None, frozenset(Relation)) == both[1:]
    neo4j_store.replace_file(GraphFacts("b.sql"))
    assert _graph(neo4j_store) == ([], [], [])


def test_an_old_layout_database_is_refused_with_how_to_rebuild(neo4j_store: Neo4jStore, empty_neo4j: Neo4jSettings) -> None:
    neo4j_store.replace_file(_facts("a.sql", "a.x"))
    _query(empty_neo4j, "MATCH (s:LineageSource) REMOVE s.touches")  # as the first layout wrote sources
    with pytest.raises(StoreError) as raised:
        empty_neo4j.open()
    assert str(raised.value) == (
        f"Neo4j at {empty_neo4j.uri} holds a lineage graph in an older layout; rebuild it: delete it with "
        "`MATCH (n) WHERE n:Lineage OR n:LineageSource CALL (n) { DETACH DELETE n } IN TRANSACTIONS` and scan again"
    )


# one column id, two tables that may own it: the first HAS_COLUMN is kept on the column, the second is a relationship
TWO_TABLES = (
    GraphFacts("a.sql", (), (Edge("table:t", "column:t.x.c", Relation.HAS_COLUMN, file="a.sql"),)),
    GraphFacts("b.sql", (), (Edge("table:t.x", "column:t.x.c", Relation.HAS_COLUMN, file="b.sql"), Edge("table:t", "column:t.x.c", Relation.HAS_COLUMN, file="b.sql"))),
)


@pytest.mark.parametrize("together", [True, False], ids=["one-batch", "two-batches"])
def test_a_column_of_two_tables_keeps_both_has_column_edges(neo4j_store: Neo4jStore, together: bool) -> None:
    if together:
        with neo4j_store.transaction():
            for facts in TWO_TABLES:
                neo4j_store.replace_file(facts)
    else:
        for facts in TWO_TABLES:
            neo4j_store.replace_file(facts)
    edges = sorted({*TWO_TABLES[0].edges, *TWO_TABLES[1].edges})
    assert _graph(neo4j_store)[2] == edges
    assert neo4j_store.walk(["column:t.x.c"], Direction.UPSTREAM, 1, frozenset({Relation.HAS_COLUMN})) == edges
    assert neo4j_store.walk(["table:t.x"], Direction.DOWNSTREAM, None, frozenset(Relation)) == edges[2:]
    neo4j_store.replace_file(GraphFacts("a.sql"))
    assert _graph(neo4j_store)[2] == edges[1:]
    neo4j_store.replace_file(GraphFacts("b.sql"))
    assert _graph(neo4j_store) == ([], [], [])


def test_labels_and_types_come_only_from_the_enums(neo4j_store: Neo4jStore, empty_neo4j: Neo4jSettings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    scan_into(neo4j_store, [Path("sample_sql")])
    labels = _query(empty_neo4j, "MATCH (n) UNWIND labels(n) AS label RETURN DISTINCT label ORDER BY label")
    types = _query(empty_neo4j, "MATCH ()-[r]->() RETURN DISTINCT type(r) AS type ORDER BY type")
    assert [r["label"] for r in labels] == ["Column", "Dashboard", "Lineage", "LineageSource", "MlFeature", "Owner", "Table"]
    # HAS_COLUMN as the scanned files write it is kept on the column (see neo4j_cypher)
    assert [r["type"] for r in types] == ["FEEDS", "OWNED_BY"]


def test_a_wrong_password_is_one_line_without_the_password(empty_neo4j: Neo4jSettings) -> None:
    wrong = "not-" + empty_neo4j.password
    with pytest.raises(StoreError) as raised:
        Neo4jStore(empty_neo4j.uri, empty_neo4j.user, wrong)
    text = str(raised.value)
    assert text == f"Neo4j at {empty_neo4j.uri}: authentication failed for user '{empty_neo4j.user}'; check NEO4J_USER and NEO4J_PASSWORD"
    assert raised.value.__cause__ is None and raised.value.__suppress_context__


def test_an_unreachable_server_is_one_line() -> None:
    with pytest.raises(StoreError) as raised:
        Neo4jStore("bolt://127.0.0.1:9", "neo4j", "secret-pw")
    assert str(raised.value) == "Neo4j at bolt://127.0.0.1:9: cannot connect (Connection refused); is the server running?"


def test_settings_come_from_the_environment(empty_neo4j: Neo4jSettings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEO4J_URI", empty_neo4j.uri)
    monkeypatch.setenv("NEO4J_USER", empty_neo4j.user)
    monkeypatch.setenv("NEO4J_PASSWORD", empty_neo4j.password)
    with closing(Neo4jStore()) as store:
        store.replace_file(_facts("a.sql", "a.x"))
    with open_store(empty_neo4j.uri) as opened:
        assert isinstance(opened, Neo4jStore) and opened.sources() == ["a.sql"]
    monkeypatch.delenv("NEO4J_PASSWORD")
    with pytest.raises(StoreError, match=r"^no password for Neo4j at bolt://\S+; set NEO4J_PASSWORD$"):
        Neo4jStore()
    monkeypatch.delenv("NEO4J_URI")
    with pytest.raises(StoreError, match="^no Neo4j URI given; pass bolt://HOST:PORT or set NEO4J_URI$"):
        Neo4jStore()


def test_a_scan_killed_mid_load_leaves_the_old_or_the_new_graph(empty_neo4j: Neo4jSettings, tmp_path: Path) -> None:
    """SIGKILL of `lineage scan` at random points: no rollback is sent, the server drops the open transaction."""
    env = {**os.environ, "NEO4J_USER": empty_neo4j.user, "NEO4J_PASSWORD": empty_neo4j.password}

    def scan(sql: Path) -> subprocess.Popen[bytes]:
        command = [str(Path(sys.executable).parent / "lineage"), "scan", str(sql), "--store", empty_neo4j.uri, "--jobs", "1", "--no-cache"]
        return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def graph() -> tuple[list[str], list[Node], list[Edge]]:
        with closing(empty_neo4j.open()) as store:
            return _graph(store)

    old_sql, new_sql = tmp_path / "old", tmp_path / "new"
    write(20, old_sql)
    write(300, new_sql)

    def from_old() -> tuple[list[str], list[Node], list[Edge]]:
        empty_neo4j.wipe()
        assert scan(old_sql).wait() == 0
        return graph()

    old = from_old()
    assert scan(new_sql).wait() == 0
    new = graph()  # the new scan adds its files to what the old one wrote
    assert len(new[0]) > len(old[0]) and set(old[0]) < set(new[0])
    rng = random.Random(9)
    for _ in range(4):
        assert from_old() == old
        child = scan(new_sql)
        time.sleep(rng.uniform(0.5, 3.0))
        child.send_signal(signal.SIGKILL)
        child.wait()
        assert graph() in (old, new)


@pytest.mark.parametrize("hops", [2, 3])
def test_several_levels_per_round_trip_walk_as_one_level_does(neo4j_store: Neo4jStore, monkeypatch: pytest.MonkeyPatch, hops: int) -> None:
    # a chain with a loop back, a fork, and a table whose columns are implied HAS_COLUMN
    edges = [("t.a", "u.b"), ("u.b", "v.c"), ("v.c", "w.d"), ("w.d", "u.b"), ("t.a", "x.e"), ("x.e", "w.d")]
    nodes = tuple(Node(f"column:{n}", NodeKind.COLUMN, n, (("table", n.split(".")[0]),)) for n in sorted({n for e in edges for n in e}))
    feeds = tuple(Edge(f"column:{a}", f"column:{b}", Relation.FEEDS, file="a.sql", line=i) for i, (a, b) in enumerate(edges))
    owns = tuple(Edge(f"table:{n.name.split('.')[0]}", n.id, Relation.HAS_COLUMN, file="a.sql") for n in nodes)
    neo4j_store.replace_file(GraphFacts("a.sql", nodes, feeds + owns))
    starts = {Direction.DOWNSTREAM: ["column:t.a", "table:t"], Direction.UPSTREAM: ["column:w.d"]}
    cases = [(direction, depth, relations) for direction in starts for depth in (1, 2, 3, 4, 5, None) for relations in (FLOW, frozenset({Relation.FEEDS}))]
    one = [neo4j_store.walk_rows(starts[d], d, depth, r) for d, depth, r in cases]
    monkeypatch.setattr(graphs.stores.neo4j.walk, "HOPS", hops)
    assert [neo4j_store.walk_rows(starts[d], d, depth, r) for d, depth, r in cases] == one
    # downstream of t.a and table t, unbounded: every FEEDS, and only table t's HAS_COLUMN
    assert len(one[cases.index((Direction.DOWNSTREAM, None, FLOW))]) == len(feeds) + 1


def test_a_load_leaves_no_rows_for_the_cycle_collector(neo4j_store: Neo4jStore) -> None:
    # the driver keeps what a query was sent with in a reference cycle: rows left there waited for a
    # collection, which at 1M edges took 2.4 s inside the first impact after the load
    gc.collect()
    with neo4j_store.transaction():
        for k in range(3):
            neo4j_store.replace_file(_facts(f"f{k}.sql", *(f"t{k}.c{i}" for i in range(20))))
    assert len(neo4j_store.nodes([f"column:t1.c{i}" for i in range(20)])) == 20
    gc.set_debug(gc.DEBUG_SAVEALL)  # what a collection finds is kept in gc.garbage, to be looked at
    try:
        gc.collect()
        rows = [o for o in gc.garbage if isinstance(o, list) and o and isinstance(o[0], str) and o[0].startswith("column:")]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
    assert rows == []
