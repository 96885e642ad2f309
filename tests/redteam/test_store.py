"""A damaged or unwritable store, a damaged scan cache, a folder that cannot be read: one line each,
the exit code that says so, the store as it was (or rebuilt whole), never a traceback.

Some attacks need what root does not feel: permission bits. The program then runs with the two
capabilities that let root ignore them dropped from its bounding set (`setpriv`), so a `chmod 000`
folder or a `chmod 555` store stops it as it stops any user. A full disk is a real one: a tmpfs
of a few kilobytes, mounted for the test (the tests run as root; if the mount fails, they fail).
"""

from __future__ import annotations

import fcntl
import json
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from lineage.digests import sealed
from tests.redteam.harness import LINEAGE, Run, run_limited, run_lineage

SAMPLE = Path(__file__).parents[2] / "sample_sql"
REBUILD = "rebuild it with: lineage scan PATH... --rebuild"
STORE = ".lineage/graph.json"
# These attack the JSON store's own format (the SQLite store's damage, lock and rebuild are in
# tests/graphs/test_sqlite_store.py): every run names it, `json:DIR`, as a user keeping it would.
JSON_DEFAULT = {"LINEAGE_STORE": "json:.lineage"}
EXPOSURE = "sample_sql/dbt/models/exposures.yml:35: exposure 'finance_month_end' names no columns (meta.lineage): table-level, every known column of dbt_mart.daily_revenue counted as read"
FULL_ANSWER = "23 columns, 15 tables, 3 dashboards, 3 ML features affected."


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample warehouse scanned once into `.lineage/`; tests work on copies."""
    root = tmp_path_factory.mktemp("clean")
    shutil.copytree(SAMPLE, root / "sample_sql")
    assert run_json("scan the sample", "scan", "sample_sql", cwd=root).exit_code == 0
    return root


@pytest.fixture
def work(clean: Path, tmp_path: Path) -> Path:
    shutil.copytree(clean, tmp_path / "w")
    return tmp_path / "w"


def run_json(name: str, *args: str, cwd: Path, **options: object) -> Run:
    named = [f"json:{a}" if i and args[i - 1] == "--store" else a for i, a in enumerate(args)]
    return run_lineage(name, *named, cwd=cwd, env=JSON_DEFAULT, **options)


def impact(name: str, cwd: Path, *store: str) -> Run:
    return run_json(name, "impact", "orders.order_value", "--rename", "x", "--format", "json", *store, cwd=cwd)


def assert_damaged(run: Run, what: str, store: str = STORE) -> None:
    assert (run.exit_code, run.lines()) == (1, [f"{store}: damaged ({what}); {REBUILD}"]), run.stderr


def lines(path: Path) -> list[bytes]:
    return path.read_bytes().split(b"\n")


def write_lines(path: Path, body: list[bytes]) -> None:
    path.write_bytes(b"\n".join(body))


# -- damage found, said in one line, never written back ----------------------------------------


def test_a_truncated_store_is_one_line_for_queries_and_scans(work: Path) -> None:
    store = work / STORE
    store.write_bytes(store.read_bytes()[: store.stat().st_size // 2])
    before = store.read_bytes()
    cut = before.count(b"\n") + 1  # the line the cut went through
    assert_damaged(impact("impact on a truncated store", work), f"line {cut} fails its checksum")
    assert_damaged(run_json("scan --no-cache over a truncated store", "scan", "sample_sql", "--no-cache", cwd=work), f"line {cut} fails its checksum")
    assert store.read_bytes() == before  # refused: nothing written back


def test_a_flipped_structural_byte_is_one_line_and_not_written_back(work: Path) -> None:
    store = work / STORE
    body = lines(store)
    body[6] = body[6].replace(b"\t[[", b" [[", 1)  # the tab before line 7's rows
    write_lines(store, body)
    assert_damaged(impact("impact on a flipped byte", work), "line 7 fails its checksum")
    assert_damaged(run_json("scan --no-cache over a flipped byte", "scan", "sample_sql", "--no-cache", cwd=work), "line 7 fails its checksum")
    assert lines(store)[6] == body[6]


def test_a_deleted_source_line_is_found_not_answered_wrongly(work: Path) -> None:
    store = work / STORE
    body = lines(store)
    write_lines(store, body[:6] + body[7:])  # was: 10 columns affected instead of 23, exit 0
    assert_damaged(impact("impact with a source line deleted", work), "20 source lines where its header records 21")


def test_a_line_from_another_store_is_found(work: Path) -> None:
    """Each line passes its own checksum, and the count is right: the header's digest of the lines' checksums is not."""
    store = work / STORE
    body = lines(store)
    body[6] = body[7]  # a duplicated line in place of another
    write_lines(store, body)
    assert_damaged(impact("impact with a line replaced", work), "its lines are not those its header records")


def test_rows_of_the_wrong_shape_are_one_line_even_when_sealed(work: Path) -> None:
    """Checksums catch damage, not a hand-written store: its rows are checked where they are used."""
    store = work / STORE
    body = lines(store)
    _, source, mark, _ = body[3].decode().split("\t")
    body[3] = sealed(f"{source}\t{mark}\t{json.dumps([[['column:x', 'column']], [[1, 2, 3]]])}").encode()
    header = json.loads(body[0].decode().split("\t")[1])
    header["digest"] = _digest(body[1:-1])
    body[0] = sealed(json.dumps(header)).encode()
    write_lines(store, body)
    assert_damaged(impact("impact over rows of the wrong shape", work), "a source holds rows of the wrong shape")
    assert_damaged(run_json("upstream over rows of the wrong shape", "upstream", "mart.daily_revenue.revenue_usd", cwd=work), "a source holds rows of the wrong shape")


def test_scan_rebuild_repairs_a_damaged_store_and_cache(work: Path, clean: Path) -> None:
    store, cache = work / STORE, work / ".lineage/scan-cache.json"
    write_lines(store, lines(store)[:6] + lines(store)[7:])
    cache.write_bytes(cache.read_bytes()[:100])
    run = run_json("scan --rebuild over a damaged store", "scan", "sample_sql", "--rebuild", cwd=work)
    assert (run.exit_code, run.lines()) == (0, [EXPOSURE, "Scanned 53 files, 48 statements; 1 warning; 366 edges written."]), run.stderr
    rebuilt = impact("impact after --rebuild", work)
    assert (rebuilt.exit_code, rebuilt.stdout) == (0, impact("impact on a clean store", clean).stdout)
    assert len(json.loads(rebuilt.stdout)["columns"]) == 23
    again = run_json("scan after --rebuild", "scan", "sample_sql", cwd=work)
    assert again.lines()[-1] == "Scanned 53 files, 48 statements (19 file extractions reused from the cache; 34 files it does not hold (ETL code, BI files, catalog queries, changed dbt projects) extracted again); 1 warning; 366 edges written (21 unchanged files kept as stored)."


def test_a_store_without_checksums_opens_and_the_next_scan_rewrites_every_source(work: Path) -> None:
    """Format 3 (the format before checksums): queries answer from it; a scan cannot verify a
    line, so it rebuilds them all (a line lost from it comes back) and writes format 4."""
    store = work / STORE
    body = lines(store)
    header = json.loads(body[0].decode().split("\t")[1])
    old = [json.dumps({"format": "lineage-store", "version": 3, "generation": header["generation"]}).encode()]
    write_lines(store, old + [line[9:] for line in body[1:6] + body[7:]])
    assert impact("impact on a format-3 store", work).exit_code == 0
    run = run_json("scan over a format-3 store", "scan", "sample_sql", cwd=work)
    assert (run.exit_code, run.lines()[-1]) == (0, "Scanned 53 files, 48 statements (19 file extractions reused from the cache; 34 files it does not hold (ETL code, BI files, catalog queries, changed dbt projects) extracted again); 1 warning; 366 edges written.")
    assert len(json.loads(impact("impact after migrating", work).stdout)["columns"]) == 23
    assert json.loads(lines(store)[0].split(b"\t")[1])["version"] == 4


# -- the scan cache: a damaged one is one warning and the scan goes on --------------------------


@pytest.mark.parametrize(
    ("shape", "text", "said"),
    [
        ("a list", b"[]", "not a scan cache of this format; ignored, every file is parsed again"),
        ("a number", b"42\n", "not a scan cache of this format; ignored, every file is parsed again"),
        ("truncated", None, "1 damaged entry ignored; their files are parsed again"),
        ("an edited entry", "edit", "1 damaged entry ignored; their files are parsed again"),
        ("stats of the wrong shape", "stats", "1 damaged entry ignored; their files are parsed again"),
    ],
)
def test_a_scan_cache_of_the_wrong_shape_is_one_warning(work: Path, shape: str, text: bytes | str | None, said: str) -> None:
    cache = work / ".lineage/scan-cache.json"
    body = lines(cache)
    if text is None:
        cache.write_bytes(cache.read_bytes()[: len(b"\n".join(body[:4])) + 40])
    elif text == "edit":
        edited = body[3].replace(b'\t[["', b'\t[["x', 1)  # the summary row's path, its CRC left as it was
        assert edited != body[3]
        body[3] = edited
        write_lines(cache, body)
    elif text == "stats":
        body[1] = sealed("stats\t\t[1, 2]").encode()
        write_lines(cache, body)
    else:
        assert isinstance(text, bytes)
        cache.write_bytes(text)
    run = run_json(f"scan over a cache: {shape}", "scan", "sample_sql", cwd=work)
    assert (run.exit_code, run.lines()[:2]) == (0, [f".lineage/scan-cache.json: {said}", EXPOSURE]), run.stderr
    assert run.lines()[2].startswith("Scanned 53 files, 48 statements") and run.lines()[2].endswith("; 2 warnings; 366 edges written (21 unchanged files kept as stored).")
    assert len(json.loads(impact(f"impact after a cache: {shape}", work).stdout)["columns"]) == 23
    assert run_json(f"scan after a cache: {shape}", "scan", "sample_sql", cwd=work).lines() == [EXPOSURE, "Scanned 53 files, 48 statements (19 file extractions reused from the cache; 34 files it does not hold (ETL code, BI files, catalog queries, changed dbt projects) extracted again); 1 warning; 366 edges written (21 unchanged files kept as stored)."]


def test_a_killed_cache_writers_temp_file_is_swept_and_a_live_ones_kept(work: Path) -> None:
    dead, live = work / ".lineage/.scan-cache.dead.tmp", work / ".lineage/.scan-cache.live.tmp"
    dead.write_text("half a cache")
    live.write_text("a cache being written")
    with live.open("rb") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)  # as a writer holds its own until the rename
        assert run_json("scan sweeping a cache temp file", "scan", "sample_sql", cwd=work).exit_code == 0
    assert (dead.exists(), live.exists()) == (False, True)


# -- I/O failures: one line, the previous store kept --------------------------------------------


@contextmanager
def tiny_disk(path: Path, kilobytes: int) -> Iterator[Path]:
    path.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={kilobytes}k", "tmpfs", str(path)], capture_output=True, text=True)
    assert mounted.returncode == 0, f"these tests mount a tmpfs to fill a disk for real, and need root: {mounted.stderr}"
    try:
        yield path
    finally:
        subprocess.run(["umount", str(path)], check=True)


def test_a_full_disk_while_writing_the_store_is_one_line_and_keeps_the_previous_graph(work: Path) -> None:
    with tiny_disk(work / "disk", 200) as disk:
        first = run_json("scan a subset onto a small disk", "scan", "sample_sql/app", "--store", "disk/s", "--no-cache", cwd=work)
        assert first.exit_code == 0, first.stderr
        before = (disk / "s/graph.json").read_bytes()
        (disk / "filler").write_bytes(b"x" * (200 * 1024 - len(before) - 16 * 1024))
        run = run_json("scan onto a full disk", "scan", "sample_sql", "--store", "disk/s", "--no-cache", cwd=work)
        assert (run.exit_code, run.lines()) == (1, ["disk/s/graph.json: cannot write the store (No space left on device); the previous graph is kept"]), run.stderr
        assert (disk / "s/graph.json").read_bytes() == before
        assert sorted(p.name for p in (disk / "s").iterdir()) == ["graph.json", "lock"]


def test_a_full_disk_while_writing_the_cache_is_one_warning_and_the_store_is_written(work: Path) -> None:
    """400 files that yield no edges: a large cache, a small store."""
    for n in range(400):
        (work / "many" / f"q{n:03}.sql").parent.mkdir(exist_ok=True)
        (work / "many" / f"q{n:03}.sql").write_text("select 1;\n")
    (work / "many" / "t.sql").write_text("create table t as select a from s;\n")
    with tiny_disk(work / "disk", 32) as disk:
        run = run_json("scan with the cache on a full disk", "scan", "many", "--store", "disk/s", cwd=work)
        assert (run.exit_code, run.lines()) == (0, ["disk/s/scan-cache.json: cannot write the scan cache (No space left on device); the next scan parses every file again", "Scanned 401 files, 401 statements; 1 warning; 1 edge written."]), run.stderr
        assert sorted(p.name for p in (disk / "s").iterdir()) == ["graph.json", "lock"]
        assert run_json("upstream after a full cache disk", "upstream", "t.a", "--store", "disk/s", cwd=work).exit_code == 0


def test_a_file_size_limit_while_writing_the_store_is_one_line(work: Path) -> None:
    """RLIMIT_FSIZE: the write fails with EFBIG (Python ignores SIGXFSZ), another errno, one line too."""
    before = (work / STORE).read_bytes()
    (work / "sample_sql/marts/extra.sql").write_text("create table extra as select order_value from app.orders;\n")
    run = run_limited("scan past a file-size limit", ["prlimit", f"--fsize={len(before) // 2}", str(LINEAGE), "scan", "sample_sql", "--no-cache"], work, env=JSON_DEFAULT)
    assert (run.exit_code, run.lines()[-1:]) == (1, [f"{STORE}: cannot write the store (File too large); the previous graph is kept"]), run.stderr
    assert len(run.lines()) == 1
    assert (work / STORE).read_bytes() == before


def unprivileged(name: str, cwd: Path, *args: str) -> Run:
    """`lineage` as root without CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH: permission bits hold."""
    return run_limited(name, ["setpriv", "--bounding-set", "-dac_override,-dac_read_search", str(LINEAGE), *args], cwd, env=JSON_DEFAULT)


def test_a_read_only_store_directory_is_one_line(work: Path) -> None:
    before = (work / STORE).read_bytes()
    (work / "sample_sql/marts/extra.sql").write_text("create table extra as select order_value from app.orders;\n")
    (work / ".lineage").chmod(0o555)
    try:
        run = unprivileged("scan into a read-only store", work, "scan", "sample_sql")
    finally:
        (work / ".lineage").chmod(0o755)
    assert (run.exit_code, run.lines()) == (1, [f"{STORE}: cannot write the store (Permission denied); the previous graph is kept"]), run.stderr
    assert (work / STORE).read_bytes() == before


@pytest.mark.parametrize(
    ("name", "what", "mode", "line", "summary"),
    [
        ("an unreadable folder", "sample_sql/staging", 0o755, "sample_sql/staging: cannot read this directory (Permission denied); its files are kept as stored", "Scanned 50 files, 45 statements"),
        ("an unreadable file", "sample_sql/staging/stg_orders.sql", 0o644, "sample_sql/staging/stg_orders.sql: cannot read: Permission denied; its lineage is kept as stored", "Scanned 53 files, 47 statements"),
    ],
)
def test_what_cannot_be_read_is_a_counted_error_and_its_lineage_is_kept(work: Path, name: str, what: str, mode: int, line: str, summary: str) -> None:
    """A permission error says nothing of what the folder or file holds: its stored lineage stays."""
    (work / what).chmod(0o000)
    try:
        run = unprivileged(f"scan with {name}", work, "scan", "sample_sql")
    finally:
        (work / what).chmod(mode)
    assert run.exit_code == 1, run.stderr
    assert run.lines()[:2] == [EXPOSURE, line]
    assert run.lines()[2].startswith(summary) and "; 1 failed (listed above); 1 warning;" in run.lines()[2], run.lines()
    assert len(json.loads(impact(f"impact after {name}", work).stdout)["columns"]) == 23
    assert '"sample_sql/staging/stg_orders.sql"' in (work / STORE).read_text()


# -- the summary's counts -------------------------------------------------------------------------


def test_a_dbt_project_without_a_profile_keeps_its_catalog_and_counts_right(tmp_path: Path) -> None:
    """Its catalog's source is dbt_project.yml, also a scanned file (it has a diagnostic): two graphs
    under one source, so the first scan said -1 unchanged file and the second dropped the catalog."""
    shutil.copytree(SAMPLE / "dbt", tmp_path / "dbt")
    (tmp_path / "dbt/profiles.yml").unlink()
    first = run_json("scan dbt without a profile", "scan", "dbt", cwd=tmp_path)
    second = run_json("re-scan dbt without a profile", "scan", "dbt", cwd=tmp_path)
    assert first.lines()[-1] == "Scanned 11 files, 7 statements; 2 warnings; 70 edges written."
    assert second.lines()[-1] == "Scanned 11 files, 7 statements (11 file extractions reused from the cache); 2 warnings; 70 edges written (9 unchanged files kept as stored)."
    exposures = run_json("impact after the re-scan", "impact", "stg_orders.order_value", "--format", "json", cwd=tmp_path)
    assert len(json.loads(exposures.stdout)["dashboards"]) == 2


def _digest(body: list[bytes]) -> str:
    import zlib

    return f"{zlib.crc32(b''.join(line[:8] for line in body)):08x}"

