"""Embedded-store specifics: the on-disk format, atomic writes, and the writer lock."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from graphs.stores.embedded import FILENAME, NetworkxStore
from lineage.errors import StoreError
from lineage.model import Edge, Flow, GraphFacts, Node, NodeKind, Relation, Subtype

FACTS = GraphFacts(
    "a.sql",
    (Node("column:t.a", NodeKind.COLUMN, "t.a"), Node("column:u.a", NodeKind.COLUMN, "u.a")),
    (Edge("column:t.a", "column:u.a", Relation.FEEDS, Flow.DIRECT, Subtype.IDENTITY, "a.sql", 1, 1),),
)


def test_a_reopened_store_has_the_same_graph(tmp_path: Path) -> None:
    NetworkxStore(tmp_path).replace_file(FACTS)
    reopened = NetworkxStore(tmp_path)
    assert reopened.sources() == ["a.sql"]
    assert reopened.nodes(["column:t.a", "column:u.a"]) == list(FACTS.nodes)
    assert sorted(p.name for p in tmp_path.iterdir()) == [FILENAME, "lock"]  # no temp files left


def test_a_newer_format_is_refused_with_one_line(tmp_path: Path) -> None:
    (tmp_path / FILENAME).write_text(json.dumps({"format": "lineage-store", "version": 99, "sources": {}}))
    with pytest.raises(StoreError) as caught:
        NetworkxStore(tmp_path)
    assert str(caught.value) == f"{tmp_path}/{FILENAME}: store format version 99 is not 4; upgrade lineage or delete the store and scan again"


def test_a_failed_transaction_leaves_the_file_untouched(tmp_path: Path) -> None:
    store = NetworkxStore(tmp_path)
    store.replace_file(FACTS)
    before = (tmp_path / FILENAME).read_bytes()
    with pytest.raises(RuntimeError), store.transaction():
        store.replace_file(GraphFacts("a.sql"))
        raise RuntimeError("interrupted")
    assert (tmp_path / FILENAME).read_bytes() == before
    assert store.sources() == ["a.sql"]


def test_a_version_2_store_is_read_and_rewritten_as_version_4(tmp_path: Path) -> None:
    node_rows = [[n.id, str(n.kind), n.name, dict(n.attrs)] for n in FACTS.nodes]
    edge_rows = [[e.source, e.target, str(e.relation), str(e.flow), str(e.subtype), e.file, e.line, e.statement] for e in FACTS.edges]
    (tmp_path / FILENAME).write_text(json.dumps({"format": "lineage-store", "version": 2, "sources": {"a.sql": {"nodes": node_rows, "edges": edge_rows}}}))
    old = NetworkxStore(tmp_path)
    assert (old.sources(), old.fingerprints(), old.facts("a.sql")) == (["a.sql"], {"a.sql": ""}, FACTS)
    old.replace_file(GraphFacts("b.sql", (Node("column:v.b", NodeKind.COLUMN, "v.b"),), (), "f" * 64))
    header, *lines = (tmp_path / FILENAME).read_text().splitlines()
    assert json.loads(header.split("\t")[1])["version"] == 4
    assert [line.split("\t")[1:3] for line in lines] == [['"a.sql"', '""'], ['"b.sql"', f'"{"f" * 64}"']]
    assert NetworkxStore(tmp_path).facts("a.sql") == FACTS


def test_a_symlinked_lock_file_is_refused_and_its_target_never_created(tmp_path: Path) -> None:
    store_dir, elsewhere = tmp_path / "store", tmp_path / "elsewhere" / "planted"
    store_dir.mkdir()
    (store_dir / "lock").symlink_to(elsewhere)
    with pytest.raises(StoreError) as caught:
        NetworkxStore(store_dir).replace_file(FACTS)
    assert str(caught.value) == f"{store_dir}/lock: cannot open the store's lock file (Too many levels of symbolic links); if it is a symbolic link, remove it"
    assert not elsewhere.exists() and not elsewhere.parent.exists()
    assert not (store_dir / FILENAME).exists()


def test_to_networkx_is_the_union_graph_with_each_edges_rows(tmp_path: Path) -> None:
    store = NetworkxStore(tmp_path)
    store.replace_file(FACTS)
    # a second source asserts the same edge (another statement) and one more node
    store.replace_file(GraphFacts("b.sql", (Node("column:v.a", NodeKind.COLUMN, "v.a"),), (Edge("column:t.a", "column:u.a", Relation.FEEDS, Flow.INDIRECT, Subtype.FILTER, "b.sql", 4, 2),)))
    graph = store.to_networkx()
    assert sorted(graph.nodes) == ["column:t.a", "column:u.a", "column:v.a"]
    assert list(graph.edges) == [("column:t.a", "column:u.a")]
    assert graph.edges["column:t.a", "column:u.a"]["rows"] == [
        ["column:t.a", "column:u.a", "feeds", "direct", "identity", "a.sql", 1, 1],
        ["column:t.a", "column:u.a", "feeds", "indirect", "filter", "b.sql", 4, 2],
    ]
    assert graph.nodes["column:v.a"]["row"] == ("column", "v.a", {})
