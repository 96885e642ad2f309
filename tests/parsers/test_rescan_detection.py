"""A re-scan trusts a file's stat (size, inode, modification and change times) to skip reading it:
every edit that a stat can hide from a weaker check must still be seen."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from graphs.stores.sqlite import SqliteStore
from lineage.api import ScanSummary, scan_into
from lineage.model import Edge, Node
from tests.contract.test_store import everything

Held = tuple[list[str], list[Node], list[Edge]]


def _age(path: Path, seconds: int) -> None:
    """Last written `seconds` ago: outside the racy window, so the next scan trusts its stat."""
    mtime = path.stat().st_mtime_ns - seconds * 10**9
    os.utime(path, ns=(mtime, mtime))


def _scan(store: Path, cache: Path | None = None) -> tuple[ScanSummary, Held]:
    opened = SqliteStore(store)
    try:
        summary = scan_into(opened, [Path("sql")], cache=cache)
        return summary, everything(opened)
    finally:
        opened.close()


def _fresh(tmp_path: Path, name: str) -> Held:
    """What a scan without the cache writes into a new store."""
    return _scan(tmp_path / name)[1]


def _node_ids(held: Held) -> set[str]:
    return {n.id for n in held[1]}


@pytest.fixture
def warehouse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sql").mkdir()
    (tmp_path / "sql" / "a.sql").write_text("create table b as select x from a;\n")
    (tmp_path / "sql" / "c.sql").write_text("create table c as select x from b;\n")
    for file in (tmp_path / "sql").iterdir():
        _age(file, 60)
    return tmp_path


def test_a_same_size_edit_with_its_modification_time_put_back_is_seen(warehouse: Path) -> None:
    store, cache = warehouse / "store", warehouse / "store" / "scan-cache.json"
    _scan(store, cache)
    edited = warehouse / "sql" / "a.sql"
    before = edited.stat()
    edited.write_text("create table b as select y from a;\n")  # same size
    os.utime(edited, ns=(before.st_atime_ns, before.st_mtime_ns))  # as `touch -r` or an editor restoring it
    assert (edited.stat().st_size, edited.stat().st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    summary, held = _scan(store, cache)
    assert summary.reused == 1  # c.sql; a.sql is read again: its change time moved
    assert held == _fresh(warehouse, "fresh")
    assert "column:b.y" in _node_ids(held)


def test_a_file_replaced_by_a_copy_with_the_same_stat_times_is_seen(warehouse: Path) -> None:
    """`cp -p` then `mv` over it: size and both times can match; the inode does not."""
    store, cache = warehouse / "store", warehouse / "store" / "scan-cache.json"
    _scan(store, cache)
    edited, copy = warehouse / "sql" / "a.sql", warehouse / "a.sql.new"
    before = edited.stat()
    copy.write_text("create table b as select z from a;\n")
    os.utime(copy, ns=(before.st_atime_ns, before.st_mtime_ns))
    os.replace(copy, edited)
    _, held = _scan(store, cache)
    assert held == _fresh(warehouse, "fresh")
    assert "column:b.z" in _node_ids(held)


def test_a_renamed_file_leaves_its_old_path_and_deleting_one_removes_its_facts(warehouse: Path) -> None:
    store, cache = warehouse / "store", warehouse / "store" / "scan-cache.json"
    _scan(store, cache)
    os.rename(warehouse / "sql" / "a.sql", warehouse / "sql" / "renamed.sql")
    summary, held = _scan(store, cache)
    assert held == _fresh(warehouse, "fresh-renamed")
    assert summary.removed_sources == 1
    assert held[0] == ["sql/c.sql", "sql/renamed.sql"]
    (warehouse / "sql" / "renamed.sql").unlink()
    _, held = _scan(store, cache)
    assert held == _fresh(warehouse, "fresh-deleted")
    assert held[0] == ["sql/c.sql"]


def test_two_files_of_the_same_text_keep_their_own_facts(warehouse: Path) -> None:
    """The cache's keys name the path: by text alone, the second file was served the first's
    facts (their path), and the re-scan dropped it from the graph as a deleted file."""
    (warehouse / "sql" / "copy.sql").write_bytes((warehouse / "sql" / "a.sql").read_bytes())
    _age(warehouse / "sql" / "copy.sql", 60)
    store, cache = warehouse / "store", warehouse / "store" / "scan-cache.json"
    _scan(store, cache)
    summary, held = _scan(store, cache)
    assert (summary.files, summary.reused, summary.removed_sources) == (3, 3, 0)
    assert held[0] == ["sql/a.sql", "sql/c.sql", "sql/copy.sql"]
    assert held == _fresh(warehouse, "fresh")


def test_facts_another_version_of_the_extractor_made_are_never_served(warehouse: Path) -> None:
    """The cache's header names a digest of the code that makes facts: a cache from other code (an
    upgrade, a checkout of another commit) is replaced quietly, every file read again."""
    from parsers.cache import code_digest

    store, cache = warehouse / "store", warehouse / "store" / "scan-cache.json"
    first, _ = _scan(store, cache)
    again, held = _scan(store, cache)
    assert (first.reused, again.reused) == (0, 2)
    head, _, body = cache.read_bytes().partition(b"\n")
    assert f"/code-{code_digest()}".encode() in head
    cache.write_bytes(head.replace(code_digest().encode(), b"0" * len(code_digest())) + b"\n" + body)
    summary, after = _scan(store, cache)
    assert (summary.reused, [d.message for d in summary.diagnostics]) == (0, [])
    assert after == held == _fresh(warehouse, "fresh")
