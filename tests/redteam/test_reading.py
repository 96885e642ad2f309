"""Hostile input files: what is not a regular file, what has no end, YAML that expands, odd bytes and names.

Every file the tool reads goes through one bounded reader (parsers/sources/reading.py) and every YAML or
JSON document through one loader (parsers/sources/documents.py): each attack is one line, and the other
files are still read.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.redteam.harness import LINEAGE, run_lineage, run_limited

OK_SQL = "create table t as select a, b from s;\n"
BOMB_LEVELS = "".join(f"  {c}: &{c} [{','.join([f'*{p}'] * 9)}]\n" for p, c in zip("abcdefgh", "bcdefghi"))
# 377 bytes of dbt_project.yml: nine levels of nine aliases, 9^9 strings once expanded
DBT_BOMB = 'name: proj\nvars:\n  a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + BOMB_LEVELS


def _dev_zero(path: Path) -> None:
    (path / "x.sql").symlink_to("/dev/zero")


def _device(path: Path) -> None:
    # /dev/zero's own device node, made inside the scanned folder (the suite runs as root, as CI
    # does): no link to refuse, so only the reader's fstat stands between it and an endless read
    os.mknod(path / "z.sql", stat.S_IFCHR | 0o666, os.makedev(1, 5))


def _fifo(path: Path) -> None:
    os.mkfifo(path / "p.sql")


def _newline_name(path: Path) -> None:
    (path / "a\nb.sql").write_text("selec broken from;\n")


@pytest.mark.parametrize(
    ("name", "make", "expected"),
    [
        ("scan: x.sql -> /dev/zero", _dev_zero, ["x.sql: a link to a file outside the scanned folder; not read", "Scanned 2 files, 1 statement; 1 failed (listed above); 2 edges written."]),
        ("scan: z.sql is a character device", _device, ["z.sql: not a regular file (a character device): not scanned", "Scanned 2 files, 1 statement; 1 failed (listed above); 2 edges written."]),
        ("scan: p.sql is a FIFO", _fifo, ["p.sql: not a regular file (a FIFO): not scanned", "Scanned 2 files, 1 statement; 1 failed (listed above); 2 edges written."]),
        # the name is escaped as git quotes it: one line for the file, whatever its name holds
        ("scan: newline in a file name", _newline_name, ["a\\nb.sql:1: cannot parse statement: Invalid expression / Unexpected token", "Scanned 2 files, 2 statements; 1 failed (listed above); 2 edges written."]),
    ],
)
def test_a_hostile_file_is_one_line_and_the_rest_scanned(tmp_path: Path, name: str, make: Callable[[Path], None], expected: list[str]) -> None:
    (tmp_path / "ok.sql").write_text(OK_SQL)
    make(tmp_path)
    # the CPU limit does not see a read blocked on a FIFO: the timeout bounds that
    run = run_lineage(name, "scan", ".", "--store", "s", cwd=tmp_path, timeout=120)
    assert (run.exit_code, run.lines()) == (1, expected)


def test_extract_refuses_dev_zero(tmp_path: Path) -> None:
    run = run_lineage("extract /dev/zero", "extract", "/dev/zero", cwd=tmp_path)
    assert (run.exit_code, run.lines(), run.stdout) == (1, ["/dev/zero: not a regular file (a character device): not scanned"], "")


def test_extract_reads_standard_input_up_to_the_limit(tmp_path: Path) -> None:
    run = run_limited("extract - < /dev/zero", ["sh", "-c", f"exec '{LINEAGE}' extract - < /dev/zero"], tmp_path)
    assert run.exit_code == 1, run.stderr
    assert run.lines() == ["<stdin>: 10.0 MB, more than --max-file-mb 10: not scanned (a data dump?); raise the limit to scan it"]


def test_a_billion_laughs_in_dbt_vars_is_refused(tmp_path: Path) -> None:
    (tmp_path / "proj" / "models").mkdir(parents=True)
    (tmp_path / "proj" / "dbt_project.yml").write_text(DBT_BOMB)
    (tmp_path / "proj" / "models" / "m.sql").write_text("select 1 as x\n")
    (tmp_path / "ok.sql").write_text(OK_SQL)
    run = run_lineage("dbt_project.yml vars: billion laughs", "scan", ".", "--store", "s", cwd=tmp_path)
    assert run.exit_code == 1, run.stderr
    assert run.lines() == [
        "proj/dbt_project.yml: profile 'proj' not found (looked in proj/profiles.yml, ~/.dbt/profiles.yml); models without a custom schema go to schema 'proj'",
        "proj/dbt_project.yml:9: YAML expands past 10.0 MB through its aliases (an alias bomb?); not read",
        "Scanned 3 files, 2 statements; 1 failed (listed above); 1 warning; 2 edges written.",
    ]


def test_a_megabyte_aliased_a_thousand_times_in_the_catalog_is_refused(tmp_path: Path) -> None:
    (tmp_path / "ok.sql").write_text(OK_SQL)
    big = "y" * 2**20
    (tmp_path / "lineage.yml").write_text(f"owners: {{a: {{name: A}}}}\ntables:\n  t: {{owner: a, description: &big '{big}'}}\n" + "".join(f"  t{i}: {{owner: a, description: *big}}\n" for i in range(1000)))
    run = run_lineage("lineage.yml: 1 MB anchor aliased 1,000 times", "scan", ".", "--store", "s", cwd=tmp_path)
    assert (run.exit_code, run.lines()) == (2, ["lineage.yml:3: YAML expands past 11.0 MB through its aliases (an alias bomb?); not read"])


def test_an_alias_bomb_in_the_schema_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "ok.sql").write_text(OK_SQL)
    # column types that are lists of lists: str() of each was a 500 MB string
    levels = "".join(f"  c{i}: &{c} [{','.join([f'*{p}'] * 10)}]\n" for i, (p, c) in enumerate(zip("abcdefg", "bcdefgh"), 1))
    (tmp_path / "schema.yml").write_text("t:\n  c0: &a [x,x,x,x,x,x,x,x,x,x]\n" + levels)
    run = run_lineage("--schema: alias bomb", "scan", "ok.sql", "--schema", "schema.yml", "--store", "s", cwd=tmp_path)
    assert (run.exit_code, run.lines()) == (2, ["schema.yml:8: YAML expands past 10.0 MB through its aliases (an alias bomb?); not read"])


def test_a_byte_order_mark_changes_nothing(tmp_path: Path) -> None:
    for folder, prefix in (("plain", b""), ("bom", b"\xef\xbb\xbf")):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "q.sql").write_bytes(prefix + b"create table t as\nselect a, b + 1 as c from s;\n")
    plain = run_lineage("extract: no BOM", "extract", "q.sql", cwd=tmp_path / "plain")
    bom = run_lineage("extract: UTF-8 BOM", "extract", "q.sql", cwd=tmp_path / "bom")
    assert (bom.exit_code, bom.stderr, bom.stdout) == (0, "", plain.stdout)
    assert [(e["target_column"], e["line"]) for e in json.loads(bom.stdout)] == [("a", 1), ("c", 1)]


def _git(repo: Path, *args: str, stdin: bytes | None = None) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], input=stdin, capture_output=True, check=True).stdout.decode().strip()


def test_diff_exports_only_what_a_scan_reads(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    _git(repo, "init", "-q")
    (repo / "sql").mkdir()
    (repo / "sql" / "t.sql").write_text(OK_SQL)
    (repo / "sql" / "u.sql").write_text("create table u as select b from t;\n")
    _git(repo, "add", ".")
    # one 15 MB blob under 60 names: 900 MB to export, a few KB in .git
    blob = _git(repo, "hash-object", "-w", "--stdin", stdin=bytes(range(256)) * (15 * 2**20 // 256))
    for i in range(60):
        _git(repo, "update-index", "--add", "--cacheinfo", f"100644,{blob},data/dump{i:02}.bin")
    _git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "base")
    (repo / "sql" / "t.sql").write_text("create table t as select a from s;\n")
    _git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qam", "drop t.b")
    run = run_lineage("diff: 60 x 15 MB binaries beside the SQL", "diff", "--base", "HEAD~1", "--head", "HEAD", "--format", "json", cwd=repo, memory_mb=1200)
    assert (run.exit_code, run.stderr) == (0, ""), run.stderr
    changes = json.loads(run.stdout)["changes"]
    assert [(c["table"], c["kind"], c["column"], c["severity"], c["impact"]["statements"]) for c in changes] == [("t", "column_removed", "b", "breaking", ["sql/u.sql:1"])]
