"""Scanning is a pure function of the files: the same graph for any --jobs and any order of discovery."""

from __future__ import annotations

from pathlib import Path

import pytest

from lineage.graph import build_graph
from parsers.scan import ScanOptions, scan
from tests.conftest import SAMPLE


@pytest.fixture(autouse=True)
def _in_repo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(SAMPLE.parent)


def test_parallel_scan_gives_the_same_graph_as_a_serial_one() -> None:
    serial = scan([Path("sample_sql")], ScanOptions(jobs=1))
    parallel = scan([Path("sample_sql")], ScanOptions(jobs=2))
    assert parallel.files == serial.files
    assert build_graph(parallel.files, parallel.catalog) == build_graph(serial.files, serial.catalog)
    assert sum(len(f.edges) for f in serial.files) == 217  # the files' own edges: consumer reads and the graph's HAS_COLUMN are not among them


def test_schema_declared_in_a_later_file_resolves_an_earlier_one(tmp_path: Path) -> None:
    (tmp_path / "a_view.sql").write_text("create view v as select * from z_base;")
    (tmp_path / "z_ddl.sql").write_text("create table z_base (id int, amount int);")
    result = scan([tmp_path], ScanOptions(jobs=2))
    view = next(f for f in result.files if f.path.endswith("a_view.sql"))
    assert [(e.source_table, e.source_column, e.target_column) for e in view.edges] == [("z_base", "amount", "amount"), ("z_base", "id", "id")]
    assert view.diagnostics == ()


def _facts_by_path(tmp_path: Path, cache: Path) -> dict[str, object]:
    return {f.path: f for f in scan([tmp_path / "sql"], ScanOptions(cache=cache)).files}


def test_the_cache_reuses_unchanged_files_and_gives_the_same_facts(tmp_path: Path) -> None:
    (tmp_path / "sql").mkdir()
    (tmp_path / "sql" / "a_view.sql").write_text("create view v as select * from z_base;")
    (tmp_path / "sql" / "m.sql").write_text("create table m as select amount from v where id > 0;")
    (tmp_path / "sql" / "z_ddl.sql").write_text("create table z_base (id int, amount int);")
    cache = tmp_path / "cache.json"
    cold = scan([tmp_path / "sql"], ScanOptions(cache=cache))
    warm = scan([tmp_path / "sql"], ScanOptions(cache=cache))
    assert (cold.reused, warm.reused) == (0, 3)  # files, not lookups: a_view's second pass is the same file
    assert warm.files == cold.files == scan([tmp_path / "sql"], ScanOptions()).files


def test_a_changed_table_invalidates_the_files_that_read_it(tmp_path: Path) -> None:
    (tmp_path / "sql").mkdir()
    (tmp_path / "sql" / "a_view.sql").write_text("create view v as select * from z_base;")
    (tmp_path / "sql" / "z_ddl.sql").write_text("create table z_base (id int, amount int);")
    cache = tmp_path / "cache.json"
    _facts_by_path(tmp_path, cache)
    (tmp_path / "sql" / "z_ddl.sql").write_text("create table z_base (id int, amount int, currency text);")
    view = next(f for p, f in _facts_by_path(tmp_path, cache).items() if p.endswith("a_view.sql"))
    assert [e.target_column for e in view.edges] == ["amount", "currency", "id"]  # type: ignore[attr-defined]


def test_a_corrupted_cache_is_ignored_and_rewritten(tmp_path: Path) -> None:
    (tmp_path / "sql").mkdir()
    (tmp_path / "sql" / "a.sql").write_text("create table b as select x from a;")
    (tmp_path / "cache.json").write_text("{not json")
    facts = _facts_by_path(tmp_path, tmp_path / "cache.json")
    assert len(facts) == 1
    assert (tmp_path / "cache.json").read_text().startswith('{"format":"lineage-scan-cache"')


def test_an_unchanged_file_is_known_by_its_stat_and_an_edited_or_fresh_one_is_read(tmp_path: Path) -> None:
    import hashlib
    import os
    import time

    from parsers.cache import ScanCache
    from parsers.sources.paths import display_path

    (tmp_path / "sql").mkdir()
    old, fresh = tmp_path / "sql" / "old.sql", tmp_path / "sql" / "fresh.sql"
    old.write_text("create table b as select x from a;")
    fresh.write_text("create table c as select x from b;")
    os.utime(old, ns=(old.stat().st_atime_ns, old.stat().st_mtime_ns - 10**10))  # last written 10 s ago
    # and `fresh` a minute from now: inside the racy window however long the scan below takes
    os.utime(fresh, ns=(fresh.stat().st_atime_ns, time.time_ns() + 60 * 10**9))
    cache = tmp_path / "cache.json"
    scan([tmp_path / "sql"], ScanOptions(cache=cache))
    shown = {p: display_path(p) for p in (old, fresh)}
    known = ScanCache(cache)
    digest = hashlib.sha256(old.read_bytes()).hexdigest()
    assert (known.text_digest(shown[old], old), known.text_digest(shown[fresh], fresh)) == (digest, None)  # fresh: written < 2 s before the cache
    old.write_text("create table b as select y from a;")  # same size, new times
    assert ScanCache(cache).text_digest(shown[old], old) is None
    assert [e.source_column for e in _facts_by_path(tmp_path, cache)[shown[old]].edges] == ["y"]  # type: ignore[attr-defined]


def test_a_dashboards_query_over_max_file_mb_is_one_diagnostic_and_the_rest_is_scanned(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("model.sql").write_text("create table mart.t as select id from app.orders;")
    Path("dash.sql").write_text("select id from mart.t\n" + "-- padding\n" * 200)  # 2,222 bytes
    Path("lineage.yml").write_text("dashboards:\n  d: {sql: dash.sql}\n")
    result = scan([Path(".")], ScanOptions(max_file_mb=2000 / 2**20))  # 2,000 bytes
    assert [str(d) for d in result.diagnostics] == ["dash.sql: 0.0 MB, more than --max-file-mb 0.00190735: not scanned (a data dump?); raise the limit to scan it"]
    assert [(e.source_table, e.source_column, e.target_table, e.target_column) for e in result.files[1].edges] == [("app.orders", "id", "mart.t", "id")]
    assert result.catalog is not None and result.catalog.consumers[0].reads == ()


@pytest.mark.parametrize("cached", [False, True])
def test_a_dashboards_query_reads_the_columns_the_second_pass_declared(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cached: bool) -> None:
    """`stg.b` has columns only once the whole scan's schema gives `raw.a` its own: the dashboard's
    `b.*` must read them, whether the files were extracted or taken from the cache (whose journals
    are JSON lists where a fresh extraction's are tuples), and after `raw.a` changed."""
    monkeypatch.chdir(tmp_path)
    Path("a.sql").write_text("create table raw.a (id int, x int);")
    Path("b.sql").write_text("create table stg.b as select * from raw.a;")
    Path("c.sql").write_text("create table mart.c as select id from stg.b;")
    Path("dash.sql").write_text("select b.* from stg.b as b join mart.c as c on c.id = b.id")
    Path("lineage.yml").write_text("dashboards:\n  d: {sql: dash.sql}\n")
    options = ScanOptions(cache=tmp_path / "cache" / "scan-cache.json" if cached else None)

    def reads() -> list[tuple[str | None, str]]:
        result = scan([Path(".")], options)
        assert result.catalog is not None
        return sorted((e.source_table, e.source_column) for e in result.catalog.consumers[0].reads)

    assert reads() == [("mart.c", "id"), ("stg.b", "id"), ("stg.b", "id"), ("stg.b", "x")]  # the join's key, and b.*
    Path("a.sql").write_text("create table raw.a (id int, x int, y int);")
    assert reads() == [("mart.c", "id"), ("stg.b", "id"), ("stg.b", "id"), ("stg.b", "x"), ("stg.b", "y")]
