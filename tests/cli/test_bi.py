"""BI definitions found anywhere under a scanned path become consumers that `impact` lists, owned or not."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app

runner = CliRunner()

VIEW = "view: orders {\n  sql_table_name: shop.orders ;;\n  dimension: amount { sql: ${TABLE}.amount ;; }\n  dimension: status {}\n}\n"
BOARD = "- dashboard: sales\n  elements:\n  - name: amounts\n    explore: orders\n    fields: [orders.amount]\n  - name: statuses\n    explore: orders\n    fields: [orders.status]\n"
FEAST = 'from feast import FeatureView, Field\nfrom feast.infra.offline_stores.bigquery_source import BigQuerySource\n\nsrc = BigQuerySource(table="shop.orders")\nv = FeatureView(name="amounts", schema=[Field(name="amount")], source=src)\n'


def test_tiles_and_features_deep_in_the_tree_are_impacted_and_say_they_have_no_owner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for path, text in (("w/sql/orders.sql", "create table shop.orders (id int, amount int, status text);\n"), ("w/bi/deep/lookml/orders.view.lkml", VIEW), ("w/bi/deep/lookml/sales.dashboard.lookml", BOARD), ("w/ml/features/repo.py", FEAST)):
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        Path(path).write_text(text, encoding="utf-8")
    scanned = runner.invoke(app, ["scan", "w", "--store", "store"])
    assert (scanned.exit_code, scanned.stderr) == (0, "Scanned 4 files, 1 statement; 5 edges written.\n")
    result = runner.invoke(app, ["impact", "shop.orders.amount", "--drop", "--store", "store"])
    assert result.exit_code == 0, result.output
    rows = [" ".join(line.replace("│", " ").split()) for line in result.stdout.splitlines() if "no owner" in line]
    assert rows == ["dashboard looker:sales no owner 1", "dashboard looker:sales/amounts no owner 1", "ML feature feast:amounts no owner 1"]
    assert "looker:sales/statuses" not in result.stdout
