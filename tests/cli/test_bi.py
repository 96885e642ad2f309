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


TMDL = "table Orders\n\tmeasure 'Total amount' = SUM(Orders[amount])\n\tmeasure Statuses = DISTINCTCOUNT(Orders[status])\n\tcolumn amount\n\t\tsourceColumn: amount\n\tcolumn status\n\t\tsourceColumn: status\n\tpartition Orders = m\n\t\tsource =\n\t\t\t\tlet\n\t\t\t\t    S = Sql.Database(\"h\", \"d\"),\n\t\t\t\t    T = S{[Schema=\"shop\",Item=\"orders\"]}[Data]\n\t\t\t\tin\n\t\t\t\t    T\n"
PBIR = '{"version": "4.0", "datasetReference": {"byPath": {"path": "../Shop.SemanticModel"}}}'
VISUAL = '{"name": "v", "visual": {"query": {"queryState": {"Values": {"projections": [{"field": {"Measure": {"Expression": {"SourceRef": {"Entity": "Orders"}}, "Property": "Total amount"}}}]}}}}}'
CARD = "name: Amounts\nentity_id: c1\ndataset_query:\n  native:\n    query: SELECT amount FROM shop.orders\nserdes/meta:\n- {id: c1, model: Card}\n"
NOTEBOOK = '{"cells": [{"cell_type": "code", "id": "a", "metadata": {}, "execution_count": null, "outputs": [], "source": ["import pandas as pd\\n", "df = pd.read_sql(\\"SELECT amount FROM shop.orders\\", con)"]}], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}'


def test_power_bi_metabase_and_notebooks_deep_in_the_tree_with_broken_files_beside_them(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    files = {
        "w/sql/orders.sql": "create table shop.orders (id int, amount int, status text);\n",
        "w/bi/pbi/Shop.SemanticModel/definition.pbism": '{"version": "4.0"}',
        "w/bi/pbi/Shop.SemanticModel/definition/tables/Orders.tmdl": TMDL,
        "w/bi/pbi/Shop.Report/definition.pbir": PBIR,
        "w/bi/pbi/Shop.Report/definition/pages/p1/page.json": '{"name": "p1", "displayName": "Sales"}',
        "w/bi/pbi/Shop.Report/definition/pages/p1/visuals/v/visual.json": VISUAL,
        "w/bi/pbi/Shop.Report/definition/pages/p1/visuals/bomb/visual.json": "[" * 100_000 + "]" * 100_000,
        "w/bi/mb/collections/cards/c1_amounts.yaml": CARD,
        "w/bi/mb/collections/cards/c2_broken.yaml": "name: [oops\n",
        "w/nb/amounts.ipynb": NOTEBOOK,
        "w/nb/broken.ipynb": '{"cells": [',
        "w/nb/.ipynb_checkpoints/amounts-checkpoint.ipynb": NOTEBOOK,
    }
    for path, text in files.items():
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        Path(path).write_text(text, encoding="utf-8")
    scanned = runner.invoke(app, ["scan", "w", "--store", "store"])
    assert scanned.exit_code == 1
    assert scanned.stderr.splitlines() == [
        "w/bi/mb/collections/cards/c2_broken.yaml:2: invalid YAML: expected ',' or ']', but got '<stream end>'",
        "w/bi/pbi/Shop.Report/definition/pages/p1/visuals/bomb/visual.json:1: not valid JSON (nested too deeply); not read",
        "w/nb/broken.ipynb:1: not a notebook nbformat can read (Notebook does not appear to be JSON: '{\"cells\": ['); not read",
        "Scanned 10 files, 3 statements; 3 failed (listed above); 6 edges written.",
    ]
    result = runner.invoke(app, ["impact", "shop.orders.amount", "--drop", "--store", "store", "--format", "json"])
    assert result.exit_code == 0, result.output
    import json

    consumers = sorted((d["name"], d.get("owner")) for d in json.loads(result.stdout)["dashboards"])
    assert consumers == [("metabase:root/Amounts", None), ("notebook:w/nb/amounts.ipynb", None), ("powerbi:Shop", None), ("powerbi:Shop/Sales/v", None), ("powerbi:Shop/Total amount", None)]
