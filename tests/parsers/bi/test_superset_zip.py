"""Superset's export zip (`superset export-dashboards`, the UI's export): found by its content, read
with the bounded zip reader, its reads exactly the unpacked folder's; a bad zip is one line."""

from __future__ import annotations

import os
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from lineage.catalog import Consumer
from parsers.bi.jobs import bi_jobs
from parsers.scan import find_sources
from parsers.sql.dialects import PathDialects
from parsers.sql.schema import SchemaRegistry
from tests.conftest import SAMPLE

EXPORT = SAMPLE / "superset" / "dashboard_export"
TOP = "dashboard_export_20261130T090000"


@dataclass(frozen=True)
class _Options:
    max_bytes: int | None = 2**20
    statement_seconds: float | None = None


def _scan(folder: Path, max_bytes: int | None = 2**20) -> tuple[list[Consumer], list[str]]:
    """The scan's BI units over `folder`: the consumers they read and every line they said."""
    sources = find_sources([folder])
    consumers: list[Consumer] = []
    lines: list[str] = []
    for _, job in bi_jobs(sources.bi, {}, PathDialects(), _Options(max_bytes), sources.root).values():
        files, catalog = job(SchemaRegistry())
        lines += [str(d) for f in files for d in f.diagnostics]
        consumers += list(catalog.consumers) if catalog else []
    return consumers, sorted(lines)


def _zip(path: Path, members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", method) as archive:
        for name, data in members.items():
            archive.writestr(zipfile.ZipInfo(name), data, method)
    return path


def _export_members() -> dict[str, bytes]:
    return {f"{TOP}/{p.relative_to(EXPORT).as_posix()}": p.read_bytes() for p in sorted(EXPORT.rglob("*.yaml"))}


def _reads(consumers: list[Consumer], where: str) -> list[str]:
    """Each read as a line, its file shown relative to where the export lies (folder or zip member)."""
    return sorted(f"{c.id} <- {e.source_table}.{e.source_column} ({e.flow}/{e.subtype}) at {str(e.at).split(where, 1)[1]}" for c in consumers for e in c.reads)


@pytest.fixture
def here(tmp_path: Path) -> Path:
    old = os.getcwd()
    os.chdir(tmp_path)
    yield tmp_path
    os.chdir(old)


def test_an_export_zip_reads_exactly_what_its_folder_reads(here: Path) -> None:
    folder_consumers, folder_lines = _scan(EXPORT.parent)
    (here / "exports").mkdir()
    _zip(here / "exports" / "revenue.zip", _export_members())  # its name says nothing: its content does
    zipped, lines = _scan(here / "exports")
    assert (folder_lines, lines) == ([], [])
    assert len(_reads(zipped, "!")) == len(_reads(folder_consumers, "dashboard_export/")) > 0
    assert _reads(zipped, f"!{TOP}/") == _reads(folder_consumers, "dashboard_export/")
    assert sorted(c.id for c in zipped) == sorted(c.id for c in folder_consumers)
    # provenance: the zip, then the member, then the line
    assert {str(c.at) for c in zipped if c.id == "superset:Revenue trend"} == {f"exports/revenue.zip!{TOP}/charts/Revenue_trend_101.yaml:1"}


def test_a_zip_of_something_else_is_ignored_as_before(here: Path) -> None:
    _zip(here / "photos.zip", {"a/readme.txt": b"hello", "a/config.yaml": b"type: Dashboard\n"})
    _zip(here / "deep.zip", {"a/b/metadata.yaml": b"type: Dashboard\n"})  # not the top folder's
    assert _scan(here) == ([], [])


def test_bad_export_zips_are_one_line_each_and_the_scan_goes_on(here: Path) -> None:
    members = _export_members()
    _zip(here / "good.zip", members)
    (here / "broken.zip").write_bytes(b"PK\x03\x04 not really a zip")
    _zip(here / "bomb.zip", {f"{TOP}/metadata.yaml": b"type: Dashboard\n", f"{TOP}/charts/bomb.yaml": b"a" * (3 * 2**20)})
    _zip(here / "climb.zip", {f"{TOP}/metadata.yaml": b"type: Dashboard\n", f"{TOP}/../../etc/evil.yaml": b"slice_name: x\n"})
    _zip(here / "other.zip", {"x/metadata.yaml": b"type: Spreadsheet\n"})
    consumers, lines = _scan(here)
    assert lines == [
        f"bomb.zip: {TOP}/charts/bomb.yaml unpacks to more than 1 MB (a zip bomb or a data extract); not read",
        "broken.zip: not a readable zip (File is not a zip file); not read",
        f"climb.zip: member '{TOP}/../../etc/evil.yaml' has an unsafe path (absolute or climbing out with ..); not read",
        "other.zip!x/metadata.yaml:1: has a metadata.yaml whose type is 'Spreadsheet', not a Superset export's (Dashboard, Database, SavedQuery, Slice, SqlaTable); not read",
    ]
    assert {c.id for c in consumers} >= {"superset:Revenue trend"}  # the good zip is still read
    assert all(str(c.at).startswith("good.zip!") for c in consumers)
