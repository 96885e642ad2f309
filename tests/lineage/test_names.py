"""What a user types, turned into nodes: BigQuery's wildcard tables and names read where their table is unknown."""

from __future__ import annotations

from pathlib import Path

import pytest

from graphs.stores.sqlite import SqliteStore
from lineage.errors import UnknownName
from lineage.graph import build_graph
from lineage.names import glob_ends, resolve_target
from parsers.sql.extract import extract_sql
from parsers.sql.schema import SchemaRegistry

WILDCARD = """\
CREATE TABLE mart.daily AS
SELECT event_name, COUNT(*) AS n FROM `proj.analytics.events_*`
WHERE _TABLE_SUFFIX BETWEEN '20240101' AND '20240131' GROUP BY event_name;
CREATE TABLE mart.sessions AS SELECT session_id FROM `proj.analytics.sessions_2024*`;
"""


def _store(tmp_path: Path, sql: str, dialect: str) -> SqliteStore:
    store = SqliteStore(tmp_path)
    with store.transaction():
        for graph in build_graph([extract_sql(sql, "w.sql", dialect, SchemaRegistry())], None):
            store.replace_file(graph)
    return store


def test_a_shard_of_a_wildcard_table_is_the_table_its_sql_reads(tmp_path: Path) -> None:
    store = _store(tmp_path, WILDCARD, "bigquery")
    names = lambda text: [n.name for n in resolve_target(store, text)]  # noqa: E731
    assert names("proj.analytics.events_20240101.event_name") == ["proj.analytics.events_*.event_name"]
    assert names("analytics.events_20240101.event_name") == ["proj.analytics.events_*.event_name"]
    assert names("proj.analytics.events_20240101") == ["proj.analytics.events_*"]
    assert names("proj.analytics.sessions_20240315.session_id") == ["proj.analytics.sessions_2024*.session_id"]
    with pytest.raises(UnknownName, match="unknown table or column 'proj.analytics.sessions_20230315.session_id'"):
        resolve_target(store, "proj.analytics.sessions_20230315.session_id")  # 2023 is no shard of sessions_2024*
    with pytest.raises(UnknownName, match="unknown table or column 'proj.analytics.events_20240101.nope'"):
        resolve_target(store, "proj.analytics.events_20240101.nope")
    store.close()


def test_an_unknown_column_read_where_its_table_is_unresolved_is_said(tmp_path: Path) -> None:
    store = _store(tmp_path, "INSERT INTO t SELECT x FROM a JOIN b ON a.id = b.id;\n", "tsql")
    with pytest.raises(UnknownName) as raised:
        resolve_target(store, "a.x")
    assert raised.value.hint == "'x' is read where its table is not resolved (`lineage find '<unresolved>.x'`); qualify those reads or give their tables' DDL (--schema), then scan again"
    with pytest.raises(UnknownName) as other:
        resolve_target(store, "a.y")
    assert other.value.hint is None  # no unresolved `y` is read anywhere, and no known name is close
    store.close()


@pytest.mark.parametrize(
    "pattern, ends",
    [
        ("app.orders", ("app.orders", "app.orders")),
        ("app.*", ("app.", "")),
        ("*.order_value", ("", ".order_value")),
        ("proj.events_[*]", ("proj.events_*", "proj.events_*")),  # a one-character class is that character
        ("proj.events_[*].*", ("proj.events_*.", "")),
        ("*[*]", ("", "*")),
        ("a[bc]d*e", ("a", "e")),  # a class of two: a wildcard, its characters no bound
        ("a[!b]c", ("a", "c")),
        ("a[]b]c", ("a", "c")),  # `]` first in a class is one of its characters
        ("a[bc", ("a", "bc")),  # unclosed: taken as a wildcard, the rest literal
        ("x?y", ("x", "y")),
    ],
)
def test_the_literal_ends_of_a_glob_bound_every_name_it_matches(pattern: str, ends: tuple[str, str]) -> None:
    assert glob_ends(pattern) == ends
