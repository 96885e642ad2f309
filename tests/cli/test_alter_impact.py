"""Schema-changing DDL in the scanned SQL, through the CLI: a renamed column is a known column, and
impact through the rename reaches what reads the new name."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app

runner = CliRunner()
FILES = {
    "raw.sql": "CREATE TABLE raw.drivers (driver_id INT, vehicle_type VARCHAR(20));\n",
    "migrate.sql": "ALTER TABLE raw.drivers RENAME COLUMN vehicle_type TO vehicle_class;\nALTER TABLE raw.drivers ADD COLUMN rating NUMERIC(3,2);\n",
    "mart.sql": "CREATE VIEW mart.fleet AS SELECT vehicle_class, COUNT(*) AS drivers FROM raw.drivers GROUP BY vehicle_class;\n",
}


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    for name, text in FILES.items():
        (tmp_path / "sql").mkdir(exist_ok=True)
        (tmp_path / "sql" / name).write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["scan", "sql", "--store", ".lineage"])
    assert result.exit_code == 0, result.output
    assert result.stderr == "Scanned 3 files, 4 statements; 4 edges written.\n"
    return tmp_path / ".lineage"


def impact(store: Path, target: str) -> dict[str, object]:
    result = runner.invoke(app, ["impact", target, "--format", "json", "--store", str(store)])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_the_renamed_column_is_known_and_reaches_its_readers(store: Path) -> None:
    report = impact(store, "raw.drivers.vehicle_class")
    assert report["targets"] == ["raw.drivers.vehicle_class"]
    assert [(c["name"], c["distance"]) for c in report["columns"]] == [("mart.fleet.drivers", 1), ("mart.fleet.vehicle_class", 1)]
    assert [(s["file"], s["line"], s["breaks"]) for s in report["statements"]] == [("sql/mart.sql", 1, True)]


def test_impact_of_the_old_name_goes_through_the_rename(store: Path) -> None:
    report = impact(store, "raw.drivers.vehicle_type")
    assert [(c["name"], c["distance"], c["via"]) for c in report["columns"]] == [
        ("raw.drivers.vehicle_class", 1, "direct/identity"),
        ("mart.fleet.drivers", 2, "table"),
        ("mart.fleet.vehicle_class", 2, "direct/identity"),
    ]
    assert [(s["file"], s["line"], s["breaks"]) for s in report["statements"]] == [("sql/migrate.sql", 1, True), ("sql/mart.sql", 1, False)]


def test_an_added_column_is_known_before_anything_reads_it(store: Path) -> None:
    report = impact(store, "raw.drivers.rating")
    assert report["targets"] == ["raw.drivers.rating"]
    assert report["columns"] == []
