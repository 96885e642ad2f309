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
    assert sum(len(f.edges) for f in serial.files) == 207  # 243 written by `lineage scan sample_sql`, less the 36 consumer reads


def test_schema_declared_in_a_later_file_resolves_an_earlier_one(tmp_path: Path) -> None:
    (tmp_path / "a_view.sql").write_text("create view v as select * from z_base;")
    (tmp_path / "z_ddl.sql").write_text("create table z_base (id int, amount int);")
    result = scan([tmp_path], ScanOptions(jobs=2))
    view = next(f for f in result.files if f.path.endswith("a_view.sql"))
    assert [(e.source_table, e.source_column, e.target_column) for e in view.edges] == [("z_base", "amount", "amount"), ("z_base", "id", "id")]
    assert view.diagnostics == ()
