"""`lineage upstream` / `downstream`: every hop, nearest first, as JSON."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from cli.main import app
from lineage import Change, ChangeKind, extract, impact_of, scan_into
from graphs.stores.open import open_store

runner = CliRunner()
SQL = """\
create table src (a int, b int, k int);
create table mid as select a, b from src where k > 0;
create table top as select a + b as s from mid;
"""


def _scanned(tmp_path: Path) -> Path:
    (tmp_path / "w.sql").write_text(SQL)
    assert runner.invoke(app, ["scan", str(tmp_path / "w.sql"), "--store", str(tmp_path / "store")]).exit_code == 0
    return tmp_path / "store"


def _hops(store: Path, *args: str) -> list[tuple[int, str, str, str, str]]:
    result = runner.invoke(app, [*args, "--format", "json", "--store", str(store)])
    assert result.exit_code == 0, result.output
    return [(h["depth"], h["source"], h["target"], h["kind"], h["subtype"]) for h in json.loads(result.stdout)]


def test_upstream_lists_value_and_row_sources(tmp_path: Path) -> None:
    store = _scanned(tmp_path)
    assert _hops(store, "upstream", "top.s") == [
        (1, "mid.a", "top.s", "direct", "transformation"),
        (1, "mid.b", "top.s", "direct", "transformation"),
        (2, "src.a", "mid.a", "direct", "identity"),
        (2, "src.b", "mid.b", "direct", "identity"),
        (2, "src.k", "mid", "indirect", "filter"),
    ]


def test_downstream_follows_table_level_edges(tmp_path: Path) -> None:
    store = _scanned(tmp_path)
    assert _hops(store, "downstream", "src.k") == [(1, "src.k", "mid", "indirect", "filter"), (2, "mid.a", "top.s", "direct", "transformation"), (2, "mid.b", "top.s", "direct", "transformation")]
    assert _hops(store, "downstream", "src.k", "--max-depth", "1") == [(1, "src.k", "mid", "indirect", "filter")]


def test_python_api_extract_and_impact(tmp_path: Path) -> None:
    facts = extract("create table m as select sum(v) as total from t", "m.sql")
    assert [(e.source_table, e.source_column, e.target_column, str(e.subtype)) for e in facts.edges] == [("t", "v", "total", "aggregation")]
    (tmp_path / "w.sql").write_text(SQL)
    with open_store(str(tmp_path / "store")) as store:
        summary = scan_into(store, [tmp_path / "w.sql"])
        report = impact_of(store, ["src.a"], Change(ChangeKind.RENAME, new_name="alpha"))
    assert (summary.files, summary.statements, summary.edges, summary.failures) == (1, 3, 5, 0)
    assert [c.node.name for c in report.columns] == ["mid.a", "top.s"]


def test_rescan_drops_deleted_files(tmp_path: Path) -> None:
    (tmp_path / "sql").mkdir()
    (tmp_path / "sql" / "a.sql").write_text("create table x as select a from t;")
    (tmp_path / "sql" / "b.sql").write_text("create table y as select a from x;")
    store = str(tmp_path / "store")
    runner.invoke(app, ["scan", str(tmp_path / "sql"), "--store", store])
    (tmp_path / "sql" / "b.sql").unlink()
    result = runner.invoke(app, ["scan", str(tmp_path / "sql"), "--store", store])
    assert "1 removed file dropped from the graph" in result.stderr
    report = runner.invoke(app, ["impact", "t.a", "--format", "json", "--store", store])
    assert [c["name"] for c in json.loads(report.stdout)["columns"]] == ["x.a"]


def test_push_copies_the_embedded_graph_into_another_store(tmp_path: Path) -> None:
    source = _scanned(tmp_path)
    result = runner.invoke(app, ["push", "--to", str(tmp_path / "copy"), "--store", str(source)])
    assert result.exit_code == 0, result.output
    assert result.stderr == f"Pushed 1 sources to {tmp_path}/copy.\n"
    assert _hops(tmp_path / "copy", "upstream", "top.s") == _hops(source, "upstream", "top.s")


def test_push_never_prints_credentials_from_the_uri(tmp_path: Path) -> None:
    source = _scanned(tmp_path)
    result = runner.invoke(app, ["push", "--to", "bolt://neo4j:hunter2@127.0.0.1:1", "--store", str(source)])
    assert result.exit_code == 1
    assert "hunter2" not in result.output and "Traceback" not in result.output
    assert len(result.stderr.splitlines()) == 1
