"""SQLite-store specifics: the file, damage, readers beside a writer (the lock: test_embedded_writers.py), rebuilds,
converting a JSON store, and the two ways of walking agreeing."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from graphs.stores.embedded import NetworkxStore
from graphs.stores.open import open_store
from graphs.stores.sqlite import FILENAME, SqliteStore
from lineage.api import scan_into
from lineage.errors import StoreError
from lineage.model import Direction, Edge, Flow, GraphFacts, Node, NodeKind, Relation, Subtype

FACTS = GraphFacts(
    "a.sql",
    (Node("column:t.a", NodeKind.COLUMN, "t.a", (("table", "t"),)), Node("column:u.a", NodeKind.COLUMN, "u.a")),
    (Edge("column:t.a", "column:u.a", Relation.FEEDS, Flow.DIRECT, Subtype.IDENTITY, "a.sql", 1, 1),),
    "f1",
)
OTHER = GraphFacts("b.sql", (Node("column:v.b", NodeKind.COLUMN, "v.b"),))
REBUILD = "; rebuild it with: lineage scan PATH... --rebuild"


def test_a_reopened_store_has_the_same_graph_in_one_file(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path)
    store.replace_file(FACTS)
    store.close()
    reopened = SqliteStore(tmp_path)
    assert (reopened.sources(), reopened.fingerprints()) == (["a.sql"], {"a.sql": "f1"})
    assert reopened.facts("a.sql") == FACTS
    reopened.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == [FILENAME, "lock"]  # the WAL is folded in on close


def test_a_file_that_is_no_database_is_one_line(tmp_path: Path) -> None:
    (tmp_path / FILENAME).write_bytes(b"this is not a database, it only has the name of one" * 100)
    with pytest.raises(StoreError) as caught:
        SqliteStore(tmp_path)
    assert str(caught.value) == f"{tmp_path / FILENAME}: damaged (file is not a database){REBUILD}"


def test_a_newer_format_is_refused_with_one_line(tmp_path: Path) -> None:
    SqliteStore(tmp_path).replace_file(FACTS)
    with sqlite3.connect(tmp_path / FILENAME) as db:
        db.execute("UPDATE meta SET value = '99' WHERE key = 'version'")
    with pytest.raises(StoreError) as caught:
        SqliteStore(tmp_path)
    assert str(caught.value) == f"{tmp_path / FILENAME}: store format version 99 is not 1; upgrade lineage or delete the store and scan again"


def test_a_failed_transaction_leaves_the_graph_as_it_was(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path)
    store.replace_file(FACTS)
    with pytest.raises(RuntimeError), store.transaction():
        store.replace_file(GraphFacts("a.sql"))
        store.replace_file(OTHER)
        raise RuntimeError("interrupted")
    assert store.sources() == ["a.sql"]
    assert store.find("*") == list(FACTS.nodes)


def test_a_reader_neither_blocks_the_writer_nor_sees_half_of_a_write(tmp_path: Path) -> None:
    SqliteStore(tmp_path).replace_file(FACTS)
    reader = sqlite3.connect(tmp_path / FILENAME, isolation_level=None)
    reader.execute("BEGIN")
    assert reader.execute("SELECT count(*) FROM sources").fetchone() == (1,)  # its snapshot starts here
    writer = SqliteStore(tmp_path, lock_timeout=1)
    writer.replace_file(OTHER)  # not blocked by the open read
    assert reader.execute("SELECT count(*) FROM sources").fetchone() == (1,)
    reader.execute("COMMIT")
    assert reader.execute("SELECT count(*) FROM sources").fetchone() == (2,)
    assert SqliteStore(tmp_path).sources() == ["a.sql", "b.sql"]


def test_a_rebuild_replaces_the_old_graph_only_when_it_commits(tmp_path: Path) -> None:
    SqliteStore(tmp_path).replace_file(FACTS)
    rebuild = SqliteStore(tmp_path, fresh=True)
    assert rebuild.sources() == []
    with pytest.raises(RuntimeError), rebuild.transaction():
        rebuild.replace_file(OTHER)
        raise RuntimeError("interrupted")
    assert SqliteStore(tmp_path).sources() == ["a.sql"]
    rebuild.replace_file(OTHER)
    assert rebuild.sources() == ["b.sql"]
    assert SqliteStore(tmp_path).sources() == ["b.sql"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [FILENAME, f"{FILENAME}-shm", f"{FILENAME}-wal", "lock"]


def test_a_json_store_is_converted_once_with_one_line(tmp_path: Path) -> None:
    NetworkxStore(tmp_path).replace_file(FACTS)
    said: list[str] = []
    with open_store(str(tmp_path), create=False, notify=said.append) as store:
        assert (store.sources(), store.find("*")) == (["a.sql"], list(FACTS.nodes))
    assert said == [f"converted the JSON store {tmp_path}/graph.json into {tmp_path}/{FILENAME} (1 sources); the JSON file is no longer read"]
    with open_store(str(tmp_path), notify=said.append) as store:
        store.replace_file(OTHER)
    assert len(said) == 1
    with open_store(f"json:{tmp_path}", create=False) as old:
        assert old.sources() == ["a.sql"]  # still reachable, as it was


def test_no_store_is_one_line_for_either_kind(tmp_path: Path) -> None:
    for spec in (str(tmp_path / "none"), f"json:{tmp_path / 'none'}"):
        with pytest.raises(StoreError) as caught, open_store(spec, create=False):
            pass
        assert str(caught.value) == f"no lineage store in '{spec}'; run `lineage scan PATH` first, or pass --store"


def test_both_ways_of_walking_give_the_same_edges(tmp_path: Path) -> None:
    levels = SqliteStore(tmp_path, walk_by="levels")
    scan_into(levels, [Path("sample_sql")])
    recursive = SqliteStore(tmp_path, walk_by="recursive")
    nodes = [n.id for n in levels.find("*")]
    assert len(nodes) > 100
    for direction in Direction:
        for depth in (None, 0, 1, 2, 3):
            for start in (nodes, nodes[::7], ["column:app.orders.order_value"]):
                expected = levels.walk(start, direction, depth, frozenset(Relation))
                assert recursive.walk(start, direction, depth, frozenset(Relation)) == expected
                assert depth != 1 or start is not nodes or len(expected) > 100


def test_a_reader_forgets_the_node_ids_it_learnt_when_another_process_writes(tmp_path: Path) -> None:
    """Ids a reader keeps would name other nodes after another connection's write (SQLite reuses a
    deleted row's id); `PRAGMA data_version` tells the reader to forget them, and so does its own commit."""
    writer = SqliteStore(tmp_path)
    writer.replace_file(FACTS)
    reader = SqliteStore(tmp_path)
    assert reader.walk(["column:t.a"], Direction.DOWNSTREAM, None, frozenset({Relation.FEEDS})) == list(FACTS.edges)
    writer.replace_file(GraphFacts("a.sql"))  # t.a and u.a gone: their ids are free again
    moved = GraphFacts("c.sql", (), (Edge("column:x.a", "column:y.a", Relation.FEEDS, Flow.DIRECT, Subtype.IDENTITY, "c.sql", 1, 1),))
    writer.replace_file(moved)
    assert reader.walk(["column:t.a"], Direction.DOWNSTREAM, None, frozenset({Relation.FEEDS})) == []
    assert [n.id for n in reader.nodes(["column:t.a", "column:x.a", "column:y.a"])] == ["column:x.a", "column:y.a"]
    reader.replace_file(GraphFacts("c.sql"))
    reader.replace_file(FACTS)
    assert reader.walk(["column:t.a"], Direction.DOWNSTREAM, None, frozenset({Relation.FEEDS})) == list(FACTS.edges)
    assert reader.nodes(["column:x.a"]) == []
    reader.close()
    writer.close()


@pytest.mark.parametrize("column, value", [("flow", 12), ("subtype", 11), ("flow", 9), ("subtype", -1)])
def test_an_edge_code_no_version_wrote_is_damage_not_another_code(tmp_path: Path, column: str, value: int) -> None:
    # a flow of 12 packed as relation*100 + flow*10 + subtype carried into the relation's digit and
    # read as another valid edge: it must say the store is damaged, whichever way the walk goes
    SqliteStore(tmp_path).replace_file(FACTS)
    with sqlite3.connect(tmp_path / FILENAME) as db:
        db.execute(f"UPDATE edges SET {column} = ? WHERE relation = 0", (value,))
    for walk_by in ("levels", "recursive"):
        store = SqliteStore(tmp_path, walk_by=walk_by)
        with pytest.raises(StoreError) as caught:
            store.walk(["column:t.a"], Direction.DOWNSTREAM, None, frozenset(Relation))
        assert str(caught.value).startswith(f"{tmp_path / FILENAME}: damaged") and str(caught.value).endswith(REBUILD)
        store.close()
