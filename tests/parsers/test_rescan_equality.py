"""A re-scan through the scan cache writes exactly what a fresh scan of the same files writes.

The cache keeps each entry's facts in a file of their own (`parsers/cache_facts.py`), appended to
and read back by offset; every kind of change below runs through it, one after the other on the same
store and cache, and after each the store's contents, the warnings and the summary's counts must
equal those of a scan without the cache into a new store. A damaged cache, or one a killed writer
left half-updated, must give the same result (after at most one line saying so).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import parsers.cache
from graphs.stores.sqlite import SqliteStore
from lineage.api import ScanSummary, scan_into
from lineage.digests import sealed
from parsers.sql.schema import SchemaRegistry
from tests.contract.test_store import everything

FILES = {
    "sql/a.sql": "create table raw.a (id int, x int, y int);\n",
    "sql/b.sql": "create table stg.b as select * from raw.a;\n",
    "sql/c.sql": "create table mart.c as select id, x from stg.b;\n",
    "sql/d.sql": "select b.x, b.y from stg.b as b join mart.c as c on c.id = b.id;\n",
    "sql/lineage.yml": "owners:\n  bi: {name: BI, github: acme/bi}\ntables:\n  \"mart.*\": {owner: bi}\n",
}
CACHE = "store/scan-cache.json"  # as the cache's notes name it


@dataclass
class Options:
    dialect: str | None = None
    schema: SchemaRegistry | None = None


def _age(path: Path, seconds: int = 60) -> None:
    """Last written `seconds` ago: outside the racy window, so the next scan trusts its stat."""
    mtime = path.stat().st_mtime_ns - seconds * 10**9
    os.utime(path, ns=(mtime, mtime))


def _write(root: Path, name: str, text: str) -> None:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    _age(path)


def _scan(store: Path, options: Options, cache: Path | None) -> tuple[ScanSummary, Any]:
    opened = SqliteStore(store)
    try:
        summary = scan_into(opened, [Path("sql")], cache=cache, dialect=options.dialect, schema=options.schema)
        return summary, everything(opened)
    finally:
        opened.close()


def _seen(summary: ScanSummary) -> tuple[Any, ...]:
    """What a user reads of a scan, but for what the cache saved (reused and unchanged counts) and
    the one line about a damaged cache (which the damage tests check)."""
    return (summary.files, summary.statements, summary.edges, [str(d) for d in summary.diagnostics if d.at.file != CACHE], summary.unmatched)


class Warehouse:
    def __init__(self, root: Path) -> None:
        self.root, self.fresh_stores = root, 0
        self.store, self.cache = root / "store", root / "store" / "scan-cache.json"
        self.options = Options()
        for name, text in FILES.items():
            _write(root, name, text)

    def rescan(self) -> ScanSummary:
        """Scan through the cache, and check it against a fresh scan; the cached scan's summary."""
        cached, held = _scan(self.store, self.options, self.cache)
        self.fresh_stores += 1
        fresh, expected = _scan(self.root / f"fresh-{self.fresh_stores}", self.options, None)
        assert held == expected
        assert _seen(cached) == _seen(fresh)
        return cached


def _edit_plain(root: Path, options: Options) -> None:
    _write(root, "sql/c.sql", "create table mart.c as select id, x, y from stg.b;\n")


def _dashboard_query(root: Path, options: Options) -> None:
    """A dashboard's own query reads through the whole scan's schema: the changes after this one
    change the columns of the tables it reads (and re-extract, in the second pass, files whose
    cached first-pass journal declares what their fresh one does)."""
    _write(root, "sql/board.sql", "select b.*, c.x from stg.b as b join mart.c as c on c.id = b.id;\n")
    _write(root, "sql/lineage.yml", FILES["sql/lineage.yml"] + "dashboards:\n  board: {title: Board, owner: bi, sql: board.sql}\n")


def _rename_a_column_others_read(root: Path, options: Options) -> None:
    _write(root, "sql/e.sql", "alter table raw.a rename column x to x2;\n")


def _replace_a_table_with_other_columns(root: Path, options: Options) -> None:
    _write(root, "sql/a.sql", "create or replace table raw.a (id int, y int, z int);\n")


def _drop_a_table(root: Path, options: Options) -> None:
    _write(root, "sql/f.sql", "drop table raw.a;\ncreate table raw.a (id int, w int);\n")


def _add(root: Path, options: Options) -> None:
    _write(root, "sql/g.sql", "create table mart.g as select w from raw.a;\n")


def _delete(root: Path, options: Options) -> None:
    (root / "sql" / "g.sql").unlink()


def _rename(root: Path, options: Options) -> None:
    os.rename(root / "sql" / "c.sql", root / "sql" / "c2.sql")


def _copy(root: Path, options: Options) -> None:
    shutil.copy(root / "sql" / "b.sql", root / "sql" / "b_copy.sql")
    _age(root / "sql" / "b_copy.sql")


def _dialect_option(root: Path, options: Options) -> None:
    options.dialect = "snowflake"


def _dialect_header(root: Path, options: Options) -> None:
    _write(root, "sql/d.sql", "-- lineage: dialect=postgres\n" + FILES["sql/d.sql"])


def _schema_option(root: Path, options: Options) -> None:
    schema = SchemaRegistry()
    schema.define("raw.src", [("k", None), ("v", None)])
    options.schema = schema
    _write(root, "sql/h.sql", "create table stg.h as select * from raw.src;\n")


def _catalog(root: Path, options: Options) -> None:
    _write(root, "sql/lineage.yml", FILES["sql/lineage.yml"] + "  \"stg.*\": {owner: bi}\ndialects:\n  \"sql/d.sql\": duckdb\n")


CHANGES: list[Callable[[Path, Options], None]] = [
    _edit_plain,
    _dashboard_query,
    _rename_a_column_others_read,
    _replace_a_table_with_other_columns,
    _drop_a_table,
    _add,
    _delete,
    _rename,
    _copy,
    _dialect_option,
    _dialect_header,
    _schema_option,
    _catalog,
]


@pytest.fixture
def warehouse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Warehouse:
    monkeypatch.chdir(tmp_path)
    return Warehouse(tmp_path)


def test_each_kind_of_change_rescans_as_a_fresh_scan_would(warehouse: Warehouse) -> None:
    first = warehouse.rescan()
    assert (first.files, first.reused) == (4, 0)
    for change in CHANGES:
        change(warehouse.root, warehouse.options)
        warehouse.rescan()
    again = warehouse.rescan()
    assert again.reused == again.files - again.uncached  # nothing changed: every extraction reused
    assert _damage_notes(again) == []


@pytest.mark.parametrize("change", CHANGES, ids=[c.__name__.strip("_") for c in CHANGES])
def test_each_change_alone_rescans_as_a_fresh_scan_would(warehouse: Warehouse, change: Callable[[Path, Options], None]) -> None:
    warehouse.rescan()
    if change in (_delete,):
        _add(warehouse.root, warehouse.options)
        warehouse.rescan()
    change(warehouse.root, warehouse.options)
    warehouse.rescan()


def test_the_facts_file_is_appended_to_then_rewritten_when_mostly_garbage(warehouse: Warehouse, monkeypatch: pytest.MonkeyPatch) -> None:
    facts = warehouse.root / "store" / "scan-cache.facts"
    warehouse.rescan()
    written = facts.stat()
    _edit_plain(warehouse.root, warehouse.options)
    warehouse.rescan()
    appended = facts.stat()
    assert (appended.st_ino, appended.st_size > written.st_size) == (written.st_ino, True)  # appended in place
    monkeypatch.setattr(parsers.cache, "GARBAGE_SLACK", 0)
    monkeypatch.setattr(parsers.cache, "GARBAGE_RATIO", 1)
    _write(warehouse.root, "sql/c.sql", FILES["sql/c.sql"])
    warehouse.rescan()
    rewritten = facts.stat()
    assert rewritten.st_ino != written.st_ino  # any garbage now: a new file of the live entries alone
    lines = facts.read_bytes().splitlines()
    assert len(lines) == len(warehouse.cache.read_bytes().splitlines()) - 2  # one per entry: header and stats aside
    assert warehouse.rescan().reused == 4


def _damage_notes(summary: ScanSummary) -> list[str]:
    return [str(d) for d in summary.diagnostics if d.at.file == CACHE]


def _without_graphs(warehouse: Warehouse) -> None:
    """The store loses its graphs: every file's facts are needed, so every blob is read."""
    (warehouse.store / "lineage.db").unlink()


@pytest.mark.parametrize("damage", ["truncated", "flipped", "other-version", "missing"])
def test_damaged_facts_are_one_line_and_every_file_is_parsed_again(warehouse: Warehouse, damage: str) -> None:
    warehouse.rescan()
    facts = warehouse.store / "scan-cache.facts"
    data = facts.read_bytes()
    if damage == "truncated":
        facts.write_bytes(data[: len(data) // 2])
    elif damage == "flipped":
        facts.write_bytes(data[:40] + bytes([data[40] ^ 1]) + data[41:])
    elif damage == "other-version":
        # a writer killed between renaming a rewritten facts file and its manifest: the old
        # manifest points into the new file, whose lines lie at other offsets
        facts.write_bytes(b"\n".join(sorted(data.splitlines(), reverse=True)) + b"\n")
    else:
        facts.unlink()
    _without_graphs(warehouse)
    summary = warehouse.rescan()
    assert _damage_notes(summary) == ["store/scan-cache.json: the scan cache's facts are damaged; ignored, every file is parsed again"]
    assert summary.reused == 0
    assert _damage_notes(warehouse.rescan()) == []  # the cache was written anew


def test_a_truncated_manifest_is_one_line_and_its_lost_entries_are_parsed_again(warehouse: Warehouse) -> None:
    warehouse.rescan()
    data = warehouse.cache.read_bytes()
    warehouse.cache.write_bytes(data[: len(data) - 30])
    _without_graphs(warehouse)
    summary = warehouse.rescan()
    # the lost line may be a first-pass entry of a file whose second pass is still cached: the
    # count of reused files need not drop, and the result is the fresh scan's either way (rescan)
    assert _damage_notes(summary) == ["store/scan-cache.json: 1 damaged entry ignored; their files are parsed again"]


def test_facts_appended_by_a_writer_killed_before_its_manifest_are_ignored(warehouse: Warehouse) -> None:
    """The state a kill between the append and the manifest's rename leaves: the old manifest,
    the facts file with lines (whole or cut short) that no entry names."""
    warehouse.rescan()
    facts = warehouse.store / "scan-cache.facts"
    with facts.open("ab") as handle:
        handle.write(sealed("0" * 64 + "\t{}").encode() + b"\n" + b"0badc0de\tcut sh")
    _edit_plain(warehouse.root, warehouse.options)
    _without_graphs(warehouse)
    summary = warehouse.rescan()
    assert (_damage_notes(summary), summary.reused) == ([], 3)
    _without_graphs(warehouse)
    assert warehouse.rescan().reused == 4  # the facts appended after the cut-short line read back


def test_a_facts_file_that_is_a_link_is_replaced_never_written_through(warehouse: Warehouse, tmp_path: Path) -> None:
    warehouse.rescan()
    facts, outside = warehouse.store / "scan-cache.facts", tmp_path / "outside"
    outside.write_bytes(facts.read_bytes())
    facts.unlink()
    facts.symlink_to(outside)
    before = outside.read_bytes()
    _edit_plain(warehouse.root, warehouse.options)
    warehouse.rescan()
    assert (outside.read_bytes(), facts.is_symlink()) == (before, False)
    _without_graphs(warehouse)
    assert _damage_notes(warehouse.rescan()) == []  # the rewritten file holds every entry's facts


def test_a_manifest_entry_naming_facts_past_the_file_is_damage_not_an_allocation(warehouse: Warehouse) -> None:
    """An edited manifest, sealed anew, whose entry says its facts are a terabyte long."""
    warehouse.rescan()
    header, stats, *entries = warehouse.cache.read_bytes().splitlines()
    _, key, head, _ = entries[0].decode().split("\t")
    entries[0] = sealed(f"{key}\t{head}\t0,{2**40}").encode()
    warehouse.cache.write_bytes(b"\n".join([header, stats, *entries]) + b"\n")
    _without_graphs(warehouse)
    assert _damage_notes(warehouse.rescan()) == ["store/scan-cache.json: the scan cache's facts are damaged; ignored, every file is parsed again"]
