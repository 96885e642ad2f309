"""The last scan's result kept beside the scan cache (parsers/last_result.py) and what a re-scan
derives from it: the schema of the last name parts its changes reach, replayed from the journals
naming them, must equal the whole scan's schema replayed from every file, after every kind of
change; a kept result that is damaged, foreign or another scan's is ignored (in one line when it is
not merely another version's or another scan's) and the scan is the one without it.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from graphs.stores.sqlite import SqliteStore
from lineage.api import ScanSummary, scan_into
from parsers.last_result import last_part
from parsers.scan import ScanOptions, scan
from parsers.sql.extract import extract_sql
from parsers.sql.schema import SchemaRegistry
from tests.contract.test_store import everything
from tests.parsers.test_rescan_equality import CHANGES, FILES, Options, _add, _age, _delete, _scan, _write

RESULT = "store/scan-cache.result"


def _rename_a_table(root: Path, options: Options) -> None:
    """A rename joins two last name parts: readers of the new name see the old one's columns."""
    _write(root, "sql/r.sql", "alter table raw.a rename to raw.a_old;\n")
    _write(root, "sql/s.sql", "create table mart.s as select * from raw.a_old;\n")


def _rename_it_back(root: Path, options: Options) -> None:
    _write(root, "sql/r.sql", "alter table raw.a rename to raw.a_new;\n")


def _touch_only(root: Path, options: Options) -> None:
    """The same text, a new stat: read and hashed again, the same key, nothing replayed."""
    path = root / "sql" / "d.sql"
    path.write_text(path.read_text())
    _age(path, 30)


KINDS: list[Callable[[Path, Options], None]] = [*CHANGES[:1], *CHANGES[2:9], _rename_a_table, _rename_it_back, _touch_only, *CHANGES[9:]]


def _replayed(root: Path, options: Options) -> SchemaRegistry:
    """The whole scan's schema as the scan without a kept result makes it: every file's first
    pass on `--schema` alone, its journal replayed in path order."""
    base = options.schema.copy() if options.schema else SchemaRegistry()
    schema = base.copy()
    for path in sorted(p for p in (root / "sql").glob("*.sql")):
        view = base.overlay()
        extract_sql(path.read_text(), f"sql/{path.name}", options.dialect, view)
        schema.replay(view.journal)
    return schema


def _of_parts(schema: SchemaRegistry, parts: frozenset[str]) -> dict[str, Any]:
    return {t: [tuple(c) for c in cols] for t, cols in schema.tables().items() if last_part(t) in parts}


class Kept:
    def __init__(self, root: Path) -> None:
        self.root, self.store, self.options, self.fresh = root, root / "store", Options(), 0
        self.result = self.store / "scan-cache.result"
        for name, text in FILES.items():
            _write(root, name, text)

    def rescan(self) -> ScanSummary:
        """Scan through the cache and the kept result; the store and what a user reads must be a
        fresh scan's (the kept result's own note aside, which the tests check)."""
        opened = SqliteStore(self.store)
        try:
            cached = scan_into(opened, [Path("sql")], cache=self.store / "scan-cache.json", dialect=self.options.dialect, schema=self.options.schema)
            held = everything(opened)
        finally:
            opened.close()
        self.fresh += 1
        fresh, expected = _scan(self.root / f"fresh-{self.fresh}", self.options, None)
        assert held == expected
        seen = [str(d) for d in cached.diagnostics if d.at.file not in ("store/scan-cache.json", RESULT)]
        assert (cached.files, cached.statements, cached.edges, seen, cached.unmatched) == (fresh.files, fresh.statements, fresh.edges, [str(d) for d in fresh.diagnostics], fresh.unmatched)
        return cached

    def replayed(self) -> tuple[frozenset[str], SchemaRegistry] | None:
        """What a re-scan from the kept result replays (scanned again; the store is not written)."""
        options = ScanOptions(self.options.dialect, self.options.schema, cache=self.store / "scan-cache.json", keep_result=True)
        last = scan([Path("sql")], options).last
        return None if last is None else last.replayed


def _notes(summary: ScanSummary) -> list[str]:
    return [str(d) for d in summary.diagnostics if d.at.file == RESULT]


@pytest.fixture
def kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Kept:
    monkeypatch.chdir(tmp_path)
    return Kept(tmp_path)


@pytest.mark.parametrize("change", KINDS, ids=[c.__name__.strip("_") for c in KINDS])
def test_the_schema_a_rescan_replays_is_the_whole_scans_for_its_parts(kept: Kept, change: Callable[[Path, Options], None]) -> None:
    kept.rescan()
    if change is _delete:
        _add(kept.root, kept.options)
        kept.rescan()
    assert kept.result.exists()
    change(kept.root, kept.options)
    replayed = kept.replayed()
    if replayed is not None:
        parts, schema = replayed
        assert _of_parts(schema, parts) == _of_parts(_replayed(kept.root, kept.options), parts)
    kept.rescan()


def test_the_parts_replayed_reach_the_renamed_tables_readers(kept: Kept) -> None:
    kept.rescan()
    _rename_a_table(kept.root, kept.options)
    replayed = kept.replayed()
    assert replayed is not None and {"a", "a_old"} <= replayed[0]
    assert (replayed[1].column_names("raw.a_old"), replayed[1].column_names("raw.a")) == (["id", "x", "y"], None)
    kept.rescan()


def test_every_kind_of_change_one_after_another(kept: Kept) -> None:
    kept.rescan()
    for change in KINDS:
        change(kept.root, kept.options)
        assert _notes(kept.rescan()) == []
    again = kept.rescan()
    assert again.reused == again.files


def _damaged(path: Path, how: str) -> None:
    data = path.read_bytes()
    head, _, body = data.partition(b"\n")
    if how == "truncated":
        path.write_bytes(data[: len(data) - 40])
    elif how == "flipped":
        path.write_bytes(head + b"\n" + body[:30] + bytes([body[30] ^ 1]) + body[31:])
    elif how == "foreign":
        path.write_bytes(b'{"format": "something else"}\n' + body)
    elif how == "not json":
        path.write_bytes(b"\x00\x01garbage\n")
    elif how == "rows of another shape":
        # sealed anew, so only the rows' shape can tell: a field missing from every row
        lines = body.split(b"\n")
        body = b"\n".join([lines[0], *(line.rsplit(b"\t", 1)[0] for line in lines[1:])])
        header = json.loads(head)
        header["crc"] = zlib.crc32(body)
        path.write_bytes(json.dumps(header).encode() + b"\n" + body)


@pytest.mark.parametrize("how", ["truncated", "flipped", "foreign", "not json", "rows of another shape"])
def test_a_damaged_or_foreign_kept_result_is_one_line_and_never_trusted(kept: Kept, how: str) -> None:
    kept.rescan()
    _damaged(kept.result, how)
    CHANGES[0](kept.root, kept.options)
    said = "the kept scan result is damaged" if how not in ("foreign", "not json") else "not a kept scan result"
    assert _notes(kept.rescan()) == [f"{RESULT}: {said}; ignored, the scan's schema and catalog check are made again"]
    assert _notes(kept.rescan()) == []  # kept anew


@pytest.mark.parametrize("how", ["other version", "other settings"])
def test_another_versions_or_scans_kept_result_is_replaced_quietly(kept: Kept, how: str) -> None:
    kept.rescan()
    head, _, body = kept.result.read_bytes().partition(b"\n")
    header = json.loads(head)
    header["version" if how == "other version" else "settings"] = 0 if how == "other version" else "0" * 64
    kept.result.write_bytes(json.dumps(header).encode() + b"\n" + body)
    CHANGES[0](kept.root, kept.options)
    assert _notes(kept.rescan()) == []
    assert json.loads(kept.result.read_bytes().partition(b"\n")[0])["settings"] != "0" * 64


@pytest.mark.parametrize("lost", ["manifest", "manifest replaced", "facts"])
def test_a_kept_result_whose_cache_is_gone_or_replaced_is_not_trusted_for_it(kept: Kept, lost: str) -> None:
    """The kept rows name cache entries: a manifest that is not the one saved with them is read
    entry by entry (the rows whose entries are gone are scanned as changed)."""
    kept.rescan()
    manifest = kept.store / "scan-cache.json"
    earlier = manifest.read_bytes()
    CHANGES[0](kept.root, kept.options)
    kept.rescan()
    if lost == "manifest":
        manifest.unlink()
    elif lost == "manifest replaced":
        manifest.write_bytes(earlier)
    else:
        (kept.store / "scan-cache.facts").unlink()
        (kept.store / "lineage.db").unlink()  # every graph rebuilt: every file's facts are read
    _write(kept.root, "sql/d.sql", FILES["sql/d.sql"] + "-- edited\n")
    kept.rescan()
    assert kept.result.exists()  # kept again, with the manifest it was saved with
    again = kept.rescan()
    assert (_notes(again), again.reused) == ([], again.files)


def test_a_scan_that_cannot_be_kept_removes_the_kept_result(kept: Kept) -> None:
    kept.rescan()
    assert kept.result.exists()
    _write(kept.root, "sql/board.sql", "select b.* from stg.b as b;\n")
    _write(kept.root, "sql/lineage.yml", FILES["sql/lineage.yml"] + "dashboards:\n  board: {title: Board, owner: bi, sql: board.sql}\n")
    kept.rescan()
    assert not kept.result.exists()  # a dashboard's own query reads the whole schema: not kept


def test_a_file_read_again_with_the_same_text_keeps_its_row_with_its_new_stat(kept: Kept) -> None:
    """A stat that no longer matches (a touch, a checkout) has the file read and hashed again; the
    same text keeps its row, which takes the new stat, so the next scan does not read it again."""
    kept.rescan()
    _touch_only(kept.root, kept.options)
    assert kept.rescan().reused == 4
    found = (kept.root / "sql" / "d.sql").stat()
    rows = [line.split(b"\t") for line in kept.result.read_bytes().split(b"\n")[2:]]
    stat = next(row[-1] for row in rows if row[0] == b"sql/d.sql")
    assert stat.startswith(b"%d,%d,%d,%d," % (found.st_size, found.st_ino, found.st_mtime_ns, found.st_ctime_ns))
