"""The order_value story end to end through the CLI: scan the sample warehouse, ask about a rename."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from tests.conftest import SAMPLE, check_golden

runner = CliRunner()

STORY_COLUMNS = {
    "staging.stg_orders.order_value",
    "etl.tmp_orders_usd.order_value_usd",
    "intermediate.orders_enriched.order_value_usd",
    "intermediate.customer_orders.lifetime_value_usd",
    "mart.daily_revenue.revenue_usd",
    "mart.daily_revenue.avg_order_value_usd",
    "mart.customer_360.lifetime_value_usd",
    "mart.customer_360.value_tier",
    "mart.customer_360.country_value_share",
    "mart.customer_360.country_value_rank",
    "mart.customer_360.last_order_value_usd",
    "mart.fraud_features.order_value_usd",
    "mart.fraud_features.order_value_zscore",
}


@pytest.fixture(autouse=True)
def _in_repo(monkeypatch: pytest.MonkeyPatch) -> None:
    # file:line provenance is shown relative to the working directory
    monkeypatch.chdir(SAMPLE.parent)


def scan_sample(store: Path) -> None:
    result = runner.invoke(app, ["scan", "sample_sql", "--store", str(store)])
    assert result.exit_code == 0, result.output
    assert "Scanned 11 files, 23 statements; 149 edges written." in result.stderr


def impact_json(store: Path, *args: str) -> dict[str, object]:
    result = runner.invoke(app, ["impact", *args, "--format", "json", "--store", str(store)])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_rename_order_value_reaches_the_dashboard_features_and_owners(tmp_path: Path) -> None:
    scan_sample(tmp_path)
    report = impact_json(tmp_path, "orders.order_value", "--rename", "order_total_usd")
    assert report["targets"] == ["app.orders.order_value"]
    assert report["change"] == "rename to order_total_usd"
    assert {c["name"] for c in report["columns"]} == STORY_COLUMNS
    assert [(d["name"], d["owner"], d["distance"]) for d in report["dashboards"]] == [("executive_revenue", "bi-team", 5)]
    assert [(f["name"], f["owner"]) for f in report["ml_features"]] == [
        ("fraud.order_amount_zscore", "fraud-ml"),
        ("churn.customer_lifetime_value", "growth-ml"),
    ]
    assert {o["owner"]: o["assets"] for o in report["owners"]} == {
        "bi-team": ["executive_revenue"],
        "customer-insights": ["mart.customer_360"],
        "data-platform": ["etl.tmp_orders_usd", "intermediate.customer_orders", "intermediate.orders_enriched", "staging.stg_orders"],
        "fraud-ml": ["fraud.order_amount_zscore", "mart.fraud_features"],
        "growth-ml": ["churn.customer_lifetime_value"],
        "revenue-analytics": ["mart.daily_revenue"],
    }
    breaking = [(s["file"], s["line"]) for s in report["statements"] if s["breaks"]]
    assert breaking == [("sample_sql/staging/stg_orders.sql", 7)]
    assert [(s["file"], s["line"], s["distance"]) for s in report["statements"]] == [
        ("sample_sql/staging/stg_orders.sql", 7, 1),
        ("sample_sql/etl/nightly_orders.sql", 42, 2),
        ("sample_sql/etl/nightly_orders.sql", 61, 3),
        ("sample_sql/etl/nightly_orders.sql", 91, 4),
        ("sample_sql/marts/customer_360.sql", 9, 4),
        ("sample_sql/marts/daily_revenue.sql", 8, 4),
        ("sample_sql/ml/fraud_features.sql", 10, 4),
        ("sample_sql/dashboards/executive_revenue.sql", 7, 5),
        ("sample_sql/lineage.yml", 74, 5),
        ("sample_sql/lineage.yml", 82, 6),
    ]


def test_unrelated_assets_are_not_impacted(tmp_path: Path) -> None:
    scan_sample(tmp_path)
    report = impact_json(tmp_path, "app.orders.order_value", "--drop")
    names = {d["name"] for d in report["dashboards"]} | {f["name"] for f in report["ml_features"]}
    assert "customer_support" not in names
    assert "fraud.payment_method_mix" not in names and "churn.customer_tenure" not in names
    assert "merchandising" not in {o["owner"] for o in report["owners"]}


def test_table_output_lists_owners_with_contacts(tmp_path: Path) -> None:
    scan_sample(tmp_path)
    result = runner.invoke(app, ["impact", "orders.order_value", "--rename", "order_total_usd", "--store", str(tmp_path)])
    assert result.exit_code == 0
    assert "13 columns, 7 tables, 1 dashboard, 2 ML features affected." in result.stdout
    assert "@acme/bi" in result.stdout and "executive_revenue" in result.stdout


def test_fail_if_impacted_sets_the_exit_code(tmp_path: Path) -> None:
    scan_sample(tmp_path)
    result = runner.invoke(app, ["impact", "orders.order_value", "--drop", "--fail-if-impacted", "--store", str(tmp_path)])
    assert result.exit_code == 3
    (tmp_path / "sql").mkdir()
    (tmp_path / "sql" / "a.sql").write_text("create table a (x int, y int); create table b as select x from a;")
    assert runner.invoke(app, ["scan", str(tmp_path / "sql"), "--store", str(tmp_path / "s2")]).exit_code == 0
    unread = runner.invoke(app, ["impact", "a.y", "--drop", "--fail-if-impacted", "--store", str(tmp_path / "s2")])
    assert unread.exit_code == 0, unread.output
    assert "Nothing downstream reads it." in unread.stdout


def test_max_depth_limits_the_walk(tmp_path: Path) -> None:
    scan_sample(tmp_path)
    report = impact_json(tmp_path, "orders.order_value", "--max-depth", "2")
    assert [(c["name"], c["distance"]) for c in report["columns"]] == [
        ("staging.stg_orders.order_value", 1),
        ("etl.tmp_orders_usd.order_value_usd", 2),
    ]
    assert report["dashboards"] == [] and report["ml_features"] == []


def test_markdown_report_is_golden(tmp_path: Path, update_golden: bool) -> None:
    scan_sample(tmp_path)
    result = runner.invoke(app, ["impact", "orders.order_value", "--rename", "order_total_usd", "--format", "markdown", "--store", str(tmp_path)])
    assert result.exit_code == 0
    check_golden(SAMPLE.parent / "tests" / "golden" / "reports" / "story_impact.md", result.stdout, update_golden)
