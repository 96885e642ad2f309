"""The order_value story end to end through the CLI: scan the sample warehouse, ask about a rename."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from tests.conftest import SAMPLE, check_golden
from tests.story import STORY_COLUMNS, STORY_DASHBOARDS, STORY_FEATURES, STORY_OWNERS, STORY_STATEMENTS

runner = CliRunner()



@pytest.fixture(autouse=True)
def _in_repo(monkeypatch: pytest.MonkeyPatch) -> None:
    # file:line provenance is shown relative to the working directory
    monkeypatch.chdir(SAMPLE.parent)


def scan_sample(store: Path) -> None:
    result = runner.invoke(app, ["scan", "sample_sql", "--store", str(store)])
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        "sample_sql/dbt/models/exposures.yml:35: exposure 'finance_month_end' names no columns (meta.lineage): "
        "table-level, every known column of dbt_mart.daily_revenue counted as read\n"
        "Scanned 53 files, 48 statements; 1 warning; 366 edges written.\n"
    )


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
    assert [(d["name"], d["owner"], d["distance"]) for d in report["dashboards"]] == STORY_DASHBOARDS
    assert [(f["name"], f["owner"], f["distance"]) for f in report["ml_features"]] == STORY_FEATURES
    assert {o["owner"]: o["assets"] for o in report["owners"]} == STORY_OWNERS
    breaking = [(s["file"], s["line"]) for s in report["statements"] if s["breaks"]]
    assert breaking == [
        ("sample_sql/airflow/sql/load_order_facts.sql", 7),
        ("sample_sql/dbt/models/staging/stg_orders.sql", 13),
        ("sample_sql/dbt/snapshots/orders_snapshot.sql", 14),
        ("sample_sql/notebooks/large_orders_review.ipynb", 34),
        ("sample_sql/staging/stg_orders.sql", 7),
    ]
    assert [(s["file"], s["line"], s["distance"]) for s in report["statements"]] == STORY_STATEMENTS


def test_unrelated_assets_are_not_impacted(tmp_path: Path) -> None:
    scan_sample(tmp_path)
    report = impact_json(tmp_path, "app.orders.order_value", "--drop")
    names = {d["name"] for d in report["dashboards"]} | {f["name"] for f in report["ml_features"]}
    assert "customer_support" not in names
    assert "fraud.payment_method_mix" not in names and "churn.customer_tenure" not in names
    # the BI consumers that read only other columns of the same tables
    unrelated = {"looker:revenue_overview/orders_per_day", "looker:customer_tiers/tenure_spread", "tableau:regional_revenue/Orders per day", "tableau:regional_revenue/Customer tenure"}
    unrelated |= {"superset:Orders by country", "superset:Loyal customers", "metabase:Finance/Customer sign-ups", "notebook:sample_sql/notebooks/signup_funnel.ipynb"}
    unrelated |= {"powerbi:Finance/Orders", "powerbi:Finance/Paid Orders", "powerbi:Finance/Revenue overview/Orders by country"}
    assert unrelated & names == set()
    assert {"feast:payment_mix", "feast:customer_profile", "feast:churn_model_v1"} & names == set()
    assert "merchandising" not in {o["owner"] for o in report["owners"]}


def test_table_output_lists_owners_with_contacts(tmp_path: Path) -> None:
    scan_sample(tmp_path)
    result = runner.invoke(app, ["impact", "orders.order_value", "--rename", "order_total_usd", "--store", str(tmp_path)])
    assert result.exit_code == 0
    assert "23 columns, 15 tables, 21 dashboards, 6 ML features affected." in result.stdout
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
        ("dbt_staging.stg_orders.order_value", 1),
        ("reporting.order_facts.order_value", 1),
        ("snapshots.orders_snapshot.order_value", 1),
        ("staging.stg_orders.order_value", 1),
        ("dbt_mart.customer_order_stats.avg_order_value", 2),
        ("dbt_mart.customer_order_stats.stddev_order_value", 2),
        ("dbt_mart.daily_revenue.gross_order_value", 2),
        ("etl.tmp_orders_usd.order_value_usd", 2),
        ("recent_orders.order_value", 2),
        ("reporting.customer_order_value.total_order_value", 2),
    ]
    # the notebook that reads the column itself is one step away
    assert [(d["name"], d["distance"]) for d in report["dashboards"]] == [("notebook:sample_sql/notebooks/large_orders_review.ipynb", 1)]
    assert report["ml_features"] == []


def test_markdown_report_is_golden(tmp_path: Path, update_golden: bool) -> None:
    scan_sample(tmp_path)
    result = runner.invoke(app, ["impact", "orders.order_value", "--rename", "order_total_usd", "--format", "markdown", "--store", str(tmp_path)])
    assert result.exit_code == 0
    check_golden(SAMPLE.parent / "tests" / "golden" / "reports" / "story_impact.md", result.stdout, update_golden)


def test_every_answer_says_how_complete_it_is(tmp_path: Path) -> None:
    scan_sample(tmp_path)
    table = runner.invoke(app, ["impact", "orders.order_value", "--rename", "order_total_usd", "--store", str(tmp_path)])
    assert table.stdout.splitlines()[:3] == [
        "Impact of rename to order_total_usd on app.orders.order_value",
        "23 columns, 15 tables, 21 dashboards, 6 ML features affected.",
        "Complete.",
    ]
    assert impact_json(tmp_path, "orders.order_value")["completeness"] == {"complete": True, "gaps": []}
    cut = impact_json(tmp_path, "orders.order_value", "--max-depth", "2", "--limit", "3")["completeness"]
    assert cut == {
        "complete": False,
        "gaps": [
            {"kind": "truncated", "file": None, "line": None, "detail": "stopped at --max-depth 2 with more downstream"},
            {"kind": "truncated", "file": None, "line": None, "detail": "5 lists cut by --limit (the counts stay whole)"},
        ],
    }
    down = runner.invoke(app, ["downstream", "dbt_mart.daily_revenue.gross_order_value", "--store", str(tmp_path)])
    assert down.stdout.splitlines()[-1] == "Complete."
    up = runner.invoke(app, ["upstream", "dbt_mart.daily_revenue.gross_order_value", "--max-depth", "1", "--store", str(tmp_path)])
    assert up.stdout.splitlines()[-1] == "May be incomplete: stopped at --max-depth 1 with more upstream."


def test_fail_on_incomplete_and_impacted(tmp_path: Path) -> None:
    scan_sample(tmp_path)
    base = ["impact", "orders.order_value", "--store", str(tmp_path)]
    assert runner.invoke(app, [*base, "--fail-on", "incomplete"]).exit_code == 0
    assert runner.invoke(app, [*base, "--fail-on", "impacted"]).exit_code == 3
    assert runner.invoke(app, [*base, "--max-depth", "1", "--fail-on", "incomplete"]).exit_code == 3
    # --limit only shortens the listing: the gate asks the graph, not the page
    assert runner.invoke(app, [*base, "--limit", "1", "--fail-on", "incomplete"]).exit_code == 0
    sql = tmp_path / "sql"
    sql.mkdir()
    (sql / "a.sql").write_text("create table a (x int, y int);\ncreate table b as select x from a;\ncreate table c as select y from a where (;\n")
    assert runner.invoke(app, ["scan", str(sql), "--store", str(tmp_path / "s2")]).exit_code == 1
    unread = runner.invoke(app, ["impact", "a.y", "--drop", "--fail-if-impacted", "--fail-on", "incomplete", "--store", str(tmp_path / "s2")])
    assert unread.exit_code == 3
    assert unread.stdout.splitlines()[1:] == ["Nothing downstream reads it.", f"May be incomplete: 1 statement that did not parse may read a ({sql}/a.sql:3)."]


def test_the_query_log_names_the_readers_outside_the_repository(tmp_path: Path) -> None:
    """The story's query log: the Tableau extract and an analyst's notebook read order_value from no repository."""
    scan_sample(tmp_path)
    logs = runner.invoke(app, ["logs", "sample_sql/query_logs/snowflake_query_history.csv", "--format", "snowflake", "--catalog", "sample_sql/lineage.yml", "--store", str(tmp_path)])
    assert logs.exit_code == 0, logs.output
    assert logs.stderr == (
        "sample_sql/query_logs/snowflake_query_history.csv: 203 rows, 4 distinct queries (2 readers, 2 writing); "
        "skipped 3 rows: 1 could not be parsed, 1 did not succeed, 1 no column lineage (session commands, DELETE, ...).\n"
    )
    report = impact_json(tmp_path, "orders.order_value", "--rename", "order_total_usd", "--since", "30d", "--as-of", "2026-12-05")
    assert [(r["user"], r["executions"], r["last_seen"], r["owner"]) for r in report["readers"]] == [
        ("SVC_TABLEAU", 120, "2026-12-01T08:00:00Z", "bi-team"),
        ("ANA_LOPEZ", 20, "2026-11-27T17:17:00Z", "revenue-analytics"),
    ]
    # the code's lineage is the story's as before: the log adds readers, not columns or statements
    assert {c["name"] for c in report["columns"]} == STORY_COLUMNS
    assert [(s["file"], s["line"], s["distance"]) for s in report["statements"]] == STORY_STATEMENTS
    seen = {("sample_sql/airflow/sql/load_order_facts.sql", 7), ("sample_sql/marts/daily_revenue.sql", 8)}  # the log's two writing queries
    ran = [s for s in STORY_STATEMENTS if s[:2] not in seen]
    assert report["not_run_since"] == {"days": 30, "cutoff": "2026-11-05T00:00:00Z", "statements": [f"{f}:{line}" for f, line, _ in ran]}
    table = runner.invoke(app, ["impact", "orders.order_value", "--rename", "order_total_usd", "--store", str(tmp_path)])
    assert "SVC_TABLEAU │ app.orders.order_value │ 120  │ 2026-12-01T08:00:00Z │ bi-team" in table.stdout
