"""`lineage logs --engine spark` (PySpark in local mode, local[2], Java 17) writes the store `--engine local` writes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bench.logs import write_log
from cli.main import app
from tests.conftest import SAMPLE

runner = CliRunner()


@pytest.fixture(autouse=True)
def _in_repo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(SAMPLE.parent)


def _store_lines(store: Path) -> list[str]:
    """The JSON store's lines; the header's `generation` is a fresh random id at every write, the rest is the graph."""
    header, *rest = (store / "graph.json").read_text(encoding="utf-8").splitlines()
    fields = header.split("\t", 1)[1]
    return [fields.replace(fields.split('"generation":"', 1)[1].split('"', 1)[0], "*"), *rest]


def test_spark_and_local_write_the_same_store(tmp_path: Path) -> None:
    generated = tmp_path / "history.csv"
    write_log(generated, 6_000, 3_000)  # 3,000 fingerprints: parsed across the executors
    logs = ["sample_sql/query_logs/snowflake_query_history.csv", str(generated)]
    local, spark = tmp_path / "local", tmp_path / "spark"
    scanned = runner.invoke(app, ["scan", "sample_sql", "--store", f"json:{local}"])
    assert scanned.exit_code == 0, scanned.output
    shutil.copytree(local, spark)
    said = {}
    for store, engine in ((local, ["--engine", "local"]), (spark, ["--engine", "spark", "--master", "local[2]"])):
        result = runner.invoke(app, ["logs", *logs, "--format", "snowflake", "--catalog", "sample_sql/lineage.yml", "--store", f"json:{store}", *engine])
        assert result.exit_code == 0, result.output
        said[engine[1]] = [line for line in result.stderr.splitlines() if line.startswith(("sample_sql/", str(tmp_path)))]
    assert said["spark"] == said["local"] == [
        "sample_sql/query_logs/snowflake_query_history.csv: 203 rows, 4 distinct queries (2 readers, 2 writing); skipped 3 rows: 1 could not be parsed, 1 did not succeed, 1 no column lineage (session commands, DELETE, ...).",
        f"{generated}: 6,000 rows, 3,000 distinct queries (2,400 readers, 600 writing).",
    ]
    assert _store_lines(spark) == _store_lines(local)
