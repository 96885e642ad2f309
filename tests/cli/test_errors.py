"""Bad input gets one clear line, a non-zero exit, and nothing lost."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from cli.main import app
from graphs.stores.sqlite import SqliteStore
from lineage.digests import sealed

runner = CliRunner()


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_a_bad_statement_is_reported_and_the_rest_is_scanned(tmp_path: Path) -> None:
    _write(tmp_path / "sql" / "a.sql", "create table a (x int);\nselect from where (;\ncreate table b as select x from a;\n")
    _write(tmp_path / "sql" / "c.sql", "create table c as select x from b;\n")
    result = runner.invoke(app, ["scan", str(tmp_path / "sql"), "--store", str(tmp_path / "store")])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == f"{tmp_path}/sql/a.sql:2: cannot parse statement: Expected table name but got 'where'"
    assert "Traceback" not in result.output
    assert "1 failed (listed above)" in result.stderr
    impact = runner.invoke(app, ["impact", "a.x", "--format", "json", "--store", str(tmp_path / "store")])
    assert [c["name"] for c in json.loads(impact.stdout)["columns"]] == ["b.x", "c.x"]


def test_non_utf8_file_is_one_line_and_others_still_scan(tmp_path: Path) -> None:
    (tmp_path / "sql").mkdir()
    (tmp_path / "sql" / "bad.sql").write_bytes(b"select \xff\xfe from t;")
    _write(tmp_path / "sql" / "good.sql", "create table g as select x from t;")
    result = runner.invoke(app, ["scan", str(tmp_path / "sql"), "--store", str(tmp_path / "store")])
    assert result.exit_code == 1
    assert f"{tmp_path}/sql/bad.sql: not UTF-8 text (byte 7); re-save it as UTF-8" in result.stderr
    assert "Scanned 2 files, 1 statement; 1 failed (listed above); 1 edge written." in result.stderr


def test_unknown_name_suggests_close_matches(tmp_path: Path) -> None:
    _write(tmp_path / "a.sql", "create table app.orders (order_value int, status text);\ncreate table m as select order_value from app.orders;")
    runner.invoke(app, ["scan", str(tmp_path / "a.sql"), "--store", str(tmp_path / "store")])
    result = runner.invoke(app, ["impact", "orders.order_valu", "--store", str(tmp_path / "store")])
    assert result.exit_code == 1
    assert result.stderr == "unknown table or column 'orders.order_valu'; did you mean 'app.orders.order_value'?\n"


def test_ambiguous_partial_name_lists_the_matches(tmp_path: Path) -> None:
    _write(tmp_path / "a.sql", "create table app.orders (id int);\ncreate table old.orders (id int);")
    runner.invoke(app, ["scan", str(tmp_path / "a.sql"), "--store", str(tmp_path / "store")])
    result = runner.invoke(app, ["impact", "orders.id", "--store", str(tmp_path / "store")])
    assert result.exit_code == 1
    assert result.stderr == "'orders.id' is ambiguous: it matches app.orders.id, old.orders.id; qualify it further\n"


def test_unknown_dialect_is_a_usage_error(tmp_path: Path) -> None:
    _write(tmp_path / "a.sql", "select 1")
    result = runner.invoke(app, ["scan", str(tmp_path), "--dialect", "oracel", "--store", str(tmp_path / "store")])
    assert result.exit_code == 2
    assert result.stderr == "unknown dialect 'oracel'; did you mean 'oracle'? (`lineage scan --help` lists the common ones)\n"


def test_an_unknown_dialect_points_to_the_help_of_the_command_that_was_run(tmp_path: Path) -> None:
    _write(tmp_path / "a.sql", "select 1")
    for command in (["scan", str(tmp_path), "--store", str(tmp_path / "store")], ["extract", str(tmp_path / "a.sql")]):
        result = runner.invoke(app, [*command, "--dialect", "snowflak"])
        assert (result.exit_code, result.stderr) == (2, f"unknown dialect 'snowflak'; did you mean 'snowflake'? (`lineage {command[0]} --help` lists the common ones)\n")


def test_missing_store_says_to_scan_first(tmp_path: Path) -> None:
    result = runner.invoke(app, ["impact", "a.b", "--store", str(tmp_path / "nothing")])
    assert result.exit_code == 1
    assert result.stderr == f"no lineage store in '{tmp_path}/nothing'; run `lineage scan PATH` first, or pass --store\n"


def test_corrupted_store_is_one_line(tmp_path: Path) -> None:
    _write(tmp_path / "store" / "graph.json", "{not json")
    result = runner.invoke(app, ["impact", "a.b", "--store", str(tmp_path / "store")])
    assert result.exit_code == 1
    assert result.stderr == f"{tmp_path}/store/graph.json: damaged (line 1 is not a store header); rebuild it with: lineage scan PATH... --rebuild\n"


def test_two_changes_at_once_is_a_usage_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["impact", "a.b", "--drop", "--rename", "c", "--store", str(tmp_path)])
    assert result.exit_code == 2
    assert result.stderr == "give at most one of --rename, --drop, --retype (got --rename and --drop)\n"


def test_debug_shows_the_traceback(tmp_path: Path) -> None:
    result = runner.invoke(app, ["--debug", "impact", "a.b", "--store", str(tmp_path / "nothing")])
    assert result.exit_code == 1
    assert "Traceback" in result.stderr


def test_extract_prints_the_json_interface_from_stdin() -> None:
    result = runner.invoke(app, ["extract", "-", "--format", "json"], input="select o.a + 1 as b from db.o where o.c > 0")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == [
        {"source_table": "db.o", "source_column": "c", "target_table": "<stdin>", "target_column": None, "kind": "indirect", "subtype": "filter", "file": "<stdin>", "statement": 1, "line": 1},
        {"source_table": "db.o", "source_column": "a", "target_table": "<stdin>", "target_column": "b", "kind": "direct", "subtype": "transformation", "file": "<stdin>", "statement": 1, "line": 1},
    ]


def test_extract_unresolved_source_table_is_null() -> None:
    result = runner.invoke(app, ["extract", "-"], input="select x from a join b on a.id = b.id")
    records = json.loads(result.stdout)
    assert [(r["source_table"], r["source_column"], r["target_column"]) for r in records if r["target_column"]] == [(None, "x", "x")]


def test_edited_cached_facts_are_one_line_and_the_scan_parses_every_file_again(tmp_path: Path) -> None:
    _write(tmp_path / "sql" / "a.sql", "create table b as select x from a;\n")
    store = tmp_path / "store"
    assert runner.invoke(app, ["scan", str(tmp_path / "sql"), "--store", str(store)]).exit_code == 0
    facts = store / "scan-cache.facts"
    (line,) = facts.read_bytes().splitlines()
    _, key, record = line.split(b"\t")
    edited = "\t".join([key.decode(), "{not json".ljust(len(record))])  # sealed anew, the same length: only its facts are wrong
    facts.write_bytes(sealed(edited).encode() + b"\n")
    (store / "lineage.db").unlink()  # the store no longer holds the file's graph: its facts are needed
    result = runner.invoke(app, ["scan", str(tmp_path / "sql"), "--store", str(store)])
    assert (result.exit_code, result.stderr.splitlines()) == (0, [f"{store}/scan-cache.json: the scan cache's facts are damaged; ignored, every file is parsed again", "Scanned 1 file, 1 statement; 1 warning; 1 edge written."])
    assert [s for s in SqliteStore(store).sources()] == [f"{tmp_path}/sql/a.sql"]
    again = runner.invoke(app, ["scan", str(tmp_path / "sql"), "--store", str(store)])
    assert (again.exit_code, again.stderr.splitlines()) == (0, ["Scanned 1 file, 1 statement (1 file extraction reused from the cache); 1 edge written (1 unchanged file kept as stored)."])


def test_a_20_mb_script_is_one_line_and_the_other_files_still_scan(tmp_path: Path) -> None:
    dump = tmp_path / "sql" / "dump.sql"
    dump.parent.mkdir(parents=True)
    row = "(1, 'a customer name, as a seed file holds it'),\n"
    with dump.open("w", encoding="utf-8") as handle:
        handle.write("insert into seed.customers (id, name) values\n")
        handle.write(row * (20 * 2**20 // len(row)))
        handle.write("(0, 'last');\n")
    _write(tmp_path / "sql" / "model.sql", "create table m as select id from seed.customers;\n")
    result = runner.invoke(app, ["scan", str(tmp_path / "sql"), "--store", str(tmp_path / "store")])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{dump}: 20.0 MB, more than --max-file-mb 10: not scanned (a data dump?); raise the limit to scan it",
        "Scanned 2 files, 1 statement; 1 failed (listed above); 1 edge written.",
    ]
