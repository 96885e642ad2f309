"""What both embedded stores (SQLite and JSON) promise their writers, through the one lock they share
(graphs/stores/lock.py): a second writer waits, then fails in one line; a writer starts from what another
committed."""

from __future__ import annotations

import fcntl
from pathlib import Path

import pytest

from graphs.stores.embedded import NetworkxStore
from graphs.stores.sqlite import SqliteStore
from lineage.errors import StoreError
from lineage.model import Edge, Flow, GraphFacts, Node, NodeKind, Relation, Subtype

FACTS = GraphFacts(
    "a.sql",
    (Node("column:t.a", NodeKind.COLUMN, "t.a"), Node("column:u.a", NodeKind.COLUMN, "u.a")),
    (Edge("column:t.a", "column:u.a", Relation.FEEDS, Flow.DIRECT, Subtype.IDENTITY, "a.sql", 1, 1),),
)
OTHER = GraphFacts("b.sql", (Node("column:v.b", NodeKind.COLUMN, "v.b"),))
STORES = pytest.mark.parametrize("store_class", [SqliteStore, NetworkxStore], ids=["sqlite", "json"])


@STORES
def test_a_held_lock_makes_a_second_writer_wait_then_fail_clearly(tmp_path: Path, store_class: type) -> None:
    store = store_class(tmp_path, lock_timeout=0.3)
    with open(tmp_path / "lock", "a+") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        with pytest.raises(StoreError) as caught:
            store.replace_file(FACTS)
    assert str(caught.value) == f"{tmp_path}: another lineage process is writing this store (waited 0 s); try again when it finishes"
    store.replace_file(FACTS)  # lock released: the write goes through
    assert store_class(tmp_path).sources() == ["a.sql"]


@STORES
def test_a_writer_starts_from_what_another_writer_committed(tmp_path: Path, store_class: type) -> None:
    first, second = store_class(tmp_path), store_class(tmp_path)
    first.replace_file(FACTS)
    second.replace_file(OTHER)
    assert store_class(tmp_path).sources() == ["a.sql", "b.sql"]
    assert sorted(n.id for n in second.find("*")) == ["column:t.a", "column:u.a", "column:v.b"]
