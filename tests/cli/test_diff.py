"""`lineage diff` on real git repositories: the sample warehouse at a base commit, one change set on top.

Goldens: tests/golden/comments/<case>.md, the PR comment with commit SHAs replaced by
placeholders (the SHAs move whenever the sample warehouse does).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from tests.conftest import SAMPLE, check_golden

runner = CliRunner()
GOLDEN = Path(__file__).resolve().parent.parent / "golden" / "comments"
STORY = ("app", "dashboards", "etl", "marts", "ml", "staging", "lineage.yml")  # the order_value story, without the dbt project
# fixed dates and no user or system config: the same change set always has the same SHAs
GIT_ENV = {
    "GIT_AUTHOR_DATE": "2025-03-01T09:00:00+00:00",
    "GIT_COMMITTER_DATE": "2025-03-01T09:00:00+00:00",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}
GITHUB_VARIABLES = ("GITHUB_REPOSITORY", "GITHUB_SERVER_URL", "GITHUB_API_URL", "GITHUB_TOKEN")


def lineage_app() -> typer.Typer:
    from cli import main

    return main.app


class Repo:
    """A git repository in a temp dir, committed to with fixed dates."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def git(self, *args: str) -> str:
        done = subprocess.run(["git", *args], cwd=self.root, env={**os.environ, **GIT_ENV}, capture_output=True, text=True, check=True)
        return done.stdout.strip()

    def edit(self, path: str, old: str, new: str) -> None:
        file = self.root / path
        text = file.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {path}"
        file.write_text(text.replace(old, new, 1), encoding="utf-8")

    def write(self, path: str, text: str) -> None:
        (self.root / path).parent.mkdir(parents=True, exist_ok=True)
        (self.root / path).write_text(text, encoding="utf-8")

    def commit(self, message: str) -> str:
        self.git("add", "-A")
        self.git("commit", "-q", "-m", message)
        return self.git("rev-parse", "HEAD")


@pytest.fixture(autouse=True)
def _no_github_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    # a test run inside GitHub Actions must not pick up the workflow's repository or token
    for name in GITHUB_VARIABLES:
        monkeypatch.delenv(name, raising=False)


def story_repo(root: Path) -> Repo:
    """The order_value story (STORY of sample_sql) committed as `main` in a new repository at ROOT."""
    repo = Repo(root)
    for name in STORY:
        source, target = SAMPLE / name, repo.root / "sample_sql" / name
        if source.is_dir():
            shutil.copytree(source, target)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(source, target)
    repo.git("init", "-q", "-b", "main")
    repo.git("config", "user.name", "Lineage Tests")
    repo.git("config", "user.email", "tests@lineage.example")
    repo.commit("the sample warehouse")
    return repo


@pytest.fixture
def story(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Repo:
    """The sample warehouse committed as `main`, with the working directory at the repository's root."""
    repo = story_repo(tmp_path / "shop")
    monkeypatch.chdir(repo.root)
    return repo


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(lineage_app(), list(args))
    return result.exit_code, result.stdout, result.stderr


def diff_json(*args: str, code: int = 0) -> dict[str, object]:
    exit_code, out, err = run("diff", "--base", "main~1", "sample_sql", "--format", "json", *args)
    assert exit_code == code, err
    return json.loads(out)


def placeholders(text: str, repo: Repo) -> str:
    for ref, name in (("HEAD", "head"), ("HEAD~1", "base")):
        sha = repo.git("rev-parse", ref)
        text = text.replace(sha, f"<{name}-sha>").replace(sha[:7], f"<{name}>")
    return text


def golden_markdown(repo: Repo, case: str, update: bool, *args: str) -> None:
    code, out, err = run("diff", "--base", "main~1", "sample_sql", "--format", "markdown", *args)
    assert code in (0, 3), err
    check_golden(GOLDEN / f"{case}.md", placeholders(out, repo), update)


# -- the change sets ------------------------------------------------------------------------------
def rename_order_value(repo: Repo) -> None:
    repo.edit("sample_sql/app/orders_service.sql", "    order_value  NUMERIC(12,2)", "    order_total_usd NUMERIC(12,2)")
    repo.edit("sample_sql/staging/stg_orders.sql", "    o.order_value,", "    o.order_total_usd,")
    repo.commit("rename order_value to order_total_usd")


def test_renaming_order_value_breaks_the_story_and_violates_the_orders_contract(story: Repo, update_golden: bool) -> None:
    rename_order_value(story)
    golden_markdown(story, "rename_order_value", update_golden, "--repo", "acme/shop")
    report = diff_json()
    assert report["verdict"] == "breaking"
    assert report["counts"] == {"breaking": 2, "data-changing": 0, "non-breaking": 0, "contract_violations": 1}
    first, second = report["changes"]  # type: ignore[misc]
    assert (first["kind"], first["table"], first["column"], first["new_name"], first["evidence"]) == ("column_renamed", "app.orders", "order_value", "order_total_usd", "same type and position")
    assert (first["contract"]["level"], first["contract"]["tier"], first["contract"]["mapping"]) == ("violation", "core", [{"old": "order_value", "new": "order_total_usd"}])
    assert first["broken"] == [{"at": "sample_sql/staging/stg_orders.sql:7", "reads": ["app.orders.order_value"], "head": "updated in this change"}]
    assert first["impact"]["dashboards"] == ["executive_revenue"]
    assert first["impact"]["ml_features"] == ["fraud.order_amount_zscore", "churn.customer_lifetime_value"]
    assert (second["table"], second["column"], second["evidence"], second["contract"]["level"]) == ("staging.stg_orders", "order_value", "same inputs and transformations", "info")
    assert second["broken"] == [{"at": "sample_sql/etl/nightly_orders.sql:42", "reads": ["staging.stg_orders.order_value"], "head": "still reads it"}]
    assert [o["owner"] for o in report["owners"]] == ["bi-team", "customer-insights", "data-platform", "fraud-ml", "growth-ml", "revenue-analytics"]  # type: ignore[index]


def test_fail_on_breaking_exits_3_and_never_does_not(story: Repo) -> None:
    rename_order_value(story)
    assert run("diff", "--base", "main~1", "sample_sql", "--fail-on", "breaking")[0] == 3
    assert run("diff", "--base", "main~1", "sample_sql", "--fail-on", "never")[0] == 0
    assert run("diff", "--base", "main~1", "sample_sql")[0] == 0


def test_the_working_tree_and_index_are_left_alone(story: Repo) -> None:
    rename_order_value(story)
    story.edit("sample_sql/marts/daily_revenue.sql", "AS revenue_usd", "AS revenue_usd_draft")
    before = story.git("status", "--porcelain")
    assert run("diff", "--base", "main~1", "sample_sql")[0] == 0
    assert story.git("status", "--porcelain") == before == "M sample_sql/marts/daily_revenue.sql"


def test_dropping_a_feature_column_breaks_the_feature(story: Repo, update_golden: bool) -> None:
    story.edit("sample_sql/ml/fraud_features.sql", "    s.card_share,\n", "")
    story.commit("drop card_share")
    golden_markdown(story, "drop_column", update_golden)
    report = diff_json()
    assert report["changes"] == [
        {
            "kind": "column_removed",
            "table": "mart.fraud_features",
            "column": "card_share",
            "new_name": None,
            "old_type": None,
            "new_type": None,
            "evidence": None,
            "clause": None,
            "before": None,
            "after": None,
            "base_at": "sample_sql/ml/fraud_features.sql:10",
            "head_at": None,
            "severity": "breaking",
            "contract": {
                "level": "warning",
                "tier": "mart",
                "message": "mart table `mart.fraud_features` breaks: tell its consumers before merging",
                "replacement": None,
                "deprecated": None,
                "mapping": [{"old": "card_share", "new": None}],
            },
            "broken": [{"at": "sample_sql/lineage.yml:78", "reads": ["mart.fraud_features.card_share"], "head": "still reads it"}],
            "impact": {
                "statements": ["sample_sql/lineage.yml:78"],
                "columns": [],
                "tables": [],
                "dashboards": [],
                "ml_features": ["fraud.payment_method_mix"],
                "owners": ["fraud-ml"],
                "readers": [],
            },
            "still_breaks": {"breaks": True, "readers": 0, "columns": 0, "tables": 0, "dashboards": 0, "ml_features": 1, "statements": ["sample_sql/lineage.yml:78"]},
        }
    ]
    assert report["owners"] == [
        {"owner": "fraud-ml", "name": "Fraud ML team", "contacts": {"github": "acme/fraud-ml", "slack": "#fraud-ml", "email": "fraud-ml@acme.example"}, "assets": ["fraud.payment_method_mix"]}
    ]


def test_retyping_a_column_breaks_what_reads_it(story: Repo, update_golden: bool) -> None:
    story.edit("sample_sql/etl/nightly_orders.sql", "    order_count         INTEGER ", "    order_count         BIGINT  ")
    story.commit("order_count as BIGINT")
    golden_markdown(story, "retype_column", update_golden)
    (change,) = diff_json()["changes"]  # type: ignore[misc]
    assert (change["kind"], change["table"], change["column"], change["old_type"], change["new_type"]) == ("column_retyped", "intermediate.customer_orders", "order_count", "INT", "BIGINT")
    assert (change["severity"], change["contract"]["level"]) == ("breaking", "warning")
    assert change["impact"]["dashboards"] == ["customer_support"]


def test_an_additive_change_is_non_breaking(story: Repo) -> None:
    story.edit("sample_sql/app/orders_service.sql", "    updated_at   TIMESTAMP     NOT NULL\n", "    updated_at   TIMESTAMP     NOT NULL,\n    discount_usd NUMERIC(12,2)\n")
    story.edit("sample_sql/staging/stg_orders.sql", "    o.updated_at\n", "    o.updated_at,\n    o.discount_usd\n")
    story.commit("discounts")
    assert run("diff", "--base", "main~1", "sample_sql", "--fail-on", "data-changing")[0] == 0
    report = diff_json()
    assert (report["verdict"], report["counts"]) == ("non-breaking", {"breaking": 0, "data-changing": 0, "non-breaking": 2, "contract_violations": 0})
    assert [(c["kind"], c["table"], c["column"], c["new_type"], c["head_at"], c["contract"]["level"], c["impact"]) for c in report["changes"]] == [  # type: ignore[union-attr]
        ("column_added", "app.orders", "discount_usd", "DECIMAL(12, 2)", "sample_sql/app/orders_service.sql:19", "none", None),
        # the view passes app.orders.discount_usd through unchanged: it has that column's type
        ("column_added", "staging.stg_orders", "discount_usd", "DECIMAL(12, 2)", "sample_sql/staging/stg_orders.sql:7", "none", None),
    ]
    assert report["owners"] == []


def test_a_new_expression_is_data_changing(story: Repo, update_golden: bool) -> None:
    story.edit("sample_sql/marts/daily_revenue.sql", "    SUM(e.order_value_usd)         AS revenue_usd,", "    SUM(CASE WHEN e.status = 'delivered' THEN e.order_value_usd ELSE 0 END) AS revenue_usd,")
    story.commit("count delivered orders only")
    golden_markdown(story, "expression_changed", update_golden)
    assert run("diff", "--base", "main~1", "sample_sql", "--fail-on", "breaking")[0] == 0
    assert run("diff", "--base", "main~1", "sample_sql", "--fail-on", "data-changing")[0] == 3
    (change,) = diff_json()["changes"]  # type: ignore[misc]
    assert (change["kind"], change["severity"], change["contract"]["level"]) == ("expression_changed", "data-changing", "warning")
    assert change["evidence"] == "now reads intermediate.orders_enriched.status (indirect/conditional)"
    assert change["impact"]["dashboards"] == ["executive_revenue"]


def test_renaming_a_view_breaks_the_etl_that_still_reads_it(story: Repo, update_golden: bool) -> None:
    story.edit("sample_sql/staging/stg_payments.sql", "CREATE VIEW staging.stg_payments AS", "CREATE VIEW staging.payments_clean AS")
    story.commit("rename the payments view")
    golden_markdown(story, "view_renamed", update_golden)
    (change,) = diff_json()["changes"]  # type: ignore[misc]
    assert (change["kind"], change["table"], change["new_name"], change["evidence"]) == ("table_renamed", "staging.stg_payments", "staging.payments_clean", "same columns and inputs")
    assert (change["severity"], change["contract"]["level"]) == ("breaking", "info")
    assert [b["head"] for b in change["broken"]] == ["still reads it"]


def test_a_versioned_replacement_with_a_deprecation_is_an_agreed_migration(story: Repo, update_golden: bool) -> None:
    story.edit("sample_sql/app/orders_service.sql", "CREATE TABLE app.orders (", "CREATE TABLE app.orders_v2 (")
    story.edit("sample_sql/app/orders_service.sql", "    order_value  NUMERIC(12,2)", "    order_total_usd NUMERIC(12,2)")
    story.edit("sample_sql/staging/stg_orders.sql", "FROM app.orders AS o", "FROM app.orders_v2 AS o")
    story.edit("sample_sql/staging/stg_orders.sql", "    o.order_value,", "    o.order_total_usd AS order_value,")
    story.edit("sample_sql/lineage.yml", "  app.orders: {owner: orders-service, tier: core,", '  app.orders_v2: {owner: orders-service, tier: core, description: "Orders, with USD totals"}\n  app.orders: {owner: orders-service, tier: core, deprecated: "2025-09-30",')
    story.commit("orders v2")
    golden_markdown(story, "versioned_migration", update_golden)
    assert run("diff", "--base", "main~1", "sample_sql", "--fail-on", "breaking")[0] == 0
    report = diff_json()
    assert [(c["kind"], c["table"], c["severity"], c["contract"]["level"]) for c in report["changes"]] == [  # type: ignore[union-attr]
        ("table_renamed", "app.orders", "breaking", "migration"),
    ]
    contract = report["changes"][0]["contract"]  # type: ignore[index]
    assert (contract["replacement"], contract["deprecated"]) == ("app.orders_v2", "2025-09-30")
    assert {"old": "order_value", "new": "order_total_usd"} in contract["mapping"]


# -- bad input ------------------------------------------------------------------------------------
def test_outside_a_git_repository_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = run("diff", "--base", "main")
    assert (code, out) == (2, "")
    assert err == f"{tmp_path}: not a git repository; run this inside a git checkout\n"


def test_an_unknown_revision_is_one_line(story: Repo) -> None:
    code, out, err = run("diff", "--base", "origin/nope", "sample_sql")
    assert (code, out) == (2, "")
    assert err == "unknown git revision 'origin/nope'; check the name, or fetch it first (actions/checkout with fetch-depth: 0)\n"


def test_sql_that_fails_to_parse_at_one_revision_leaves_the_report_incomplete(story: Repo, update_golden: bool) -> None:
    story.write("sample_sql/marts/broken.sql", "create table mart.broken as select from where (;\n")
    story.edit("sample_sql/ml/fraud_features.sql", "    s.card_share,\n", "")
    story.commit("a broken file, and a drop")
    code, out, err = run("diff", "--base", "main~1", "sample_sql", "--format", "markdown")
    assert code == 1
    assert err == "sample_sql/marts/broken.sql:1: cannot parse statement: Expected table name but got 'where' (at head)\n"
    check_golden(GOLDEN / "incomplete.md", placeholders(out, story), update_golden)
    report = diff_json(code=1)
    assert report["incomplete"] is True
    assert report["problems"] == [{"side": "head", "at": "sample_sql/marts/broken.sql:1", "message": "cannot parse statement: Expected table name but got 'where'"}]
    assert [c["column"] for c in report["changes"]] == ["card_share"]  # type: ignore[union-attr]
    assert run("diff", "--base", "main~1", "sample_sql", "--fail-on", "breaking")[0] == 3


def test_a_broken_catalog_at_one_revision_is_ignored_there_and_reported(story: Repo) -> None:
    story.edit("sample_sql/lineage.yml", "owners:\n", "owners: [\n")
    story.commit("a broken catalog")
    code, out, err = run("diff", "--base", "main~1", "sample_sql", "--format", "json")
    assert code == 1
    assert err.startswith("sample_sql/lineage.yml:")
    assert err.endswith("; the catalog is ignored at this revision (at head)\n")
    assert len(err.splitlines()) == 1
    assert json.loads(out)["incomplete"] is True


def test_a_change_next_to_sql_that_did_not_parse_says_it_may_be_incomplete(story: Repo) -> None:
    # at the base revision already: a statement naming app.orders that does not parse
    story.write("sample_sql/marts/broken.sql", "create table mart.broken as select order_value from app.orders where (;\n")
    story.commit("a broken statement over app.orders")
    rename_order_value(story)
    report = diff_json("--fail-on", "breaking", code=3)
    assert report["completeness"] == {
        "complete": False,
        "gaps": [{"kind": "failed_statement", "file": "sample_sql/marts/broken.sql", "line": 1, "detail": "app.orders"}],
    }
    code, out, _ = run("diff", "--base", "main~1", "sample_sql")
    assert code == 1  # the broken file is a problem at both revisions
    assert out.splitlines()[1] == "May be incomplete: 1 statement that did not parse may read app.orders (sample_sql/marts/broken.sql:1)."
    assert run("diff", "--base", "main~1", "sample_sql", "--fail-on", "incomplete")[0] == 3


def test_fail_on_incomplete_passes_a_complete_report_and_combines_with_breaking(story: Repo) -> None:
    rename_order_value(story)
    code, out, _ = run("diff", "--base", "main~1", "sample_sql")
    assert (code, out.splitlines()[1]) == (0, "Complete.")
    assert diff_json()["completeness"] == {"complete": True, "gaps": []}
    assert run("diff", "--base", "main~1", "sample_sql", "--fail-on", "incomplete")[0] == 0
    assert run("diff", "--base", "main~1", "sample_sql", "--fail-on", "incomplete", "--fail-on", "breaking")[0] == 3


BI = ("feast", "looker", "tableau")  # sample_sql's BI and feature-store definitions


def test_dropping_a_column_breaks_the_feast_views_and_services_that_read_it(story: Repo, update_golden: bool) -> None:
    for name in BI:
        shutil.copytree(SAMPLE / name, story.root / "sample_sql" / name)
    story.commit("the BI tools' definitions")
    story.edit("sample_sql/ml/fraud_features.sql", "    s.card_share,\n", "")
    story.commit("drop card_share")
    golden_markdown(story, "drop_column_bi", update_golden)
    (change,) = diff_json()["changes"]  # type: ignore[misc]
    assert change["broken"] == [
        {"at": "sample_sql/feast/fraud_features.py:32", "reads": ["mart.fraud_features.card_share"], "head": "still reads it"},
        {"at": "sample_sql/feast/fraud_features.py:46", "reads": ["mart.fraud_features.card_share"], "head": "still reads it"},
        {"at": "sample_sql/lineage.yml:78", "reads": ["mart.fraud_features.card_share"], "head": "still reads it"},
    ]
    assert change["impact"]["ml_features"] == ["feast:checkout_fraud_v2", "feast:payment_mix", "fraud.payment_method_mix"]
    assert change["impact"]["owners"] == ["fraud-ml"]


def test_the_comment_names_readers_outside_the_repository_from_query_logs(story: Repo) -> None:
    rename_order_value(story)
    log = SAMPLE / "query_logs" / "snowflake_query_history.csv"
    code, out, err = run("diff", "--base", "main~1", "sample_sql", "--format", "markdown", "--logs", str(log), "--log-format", "snowflake")
    assert code == 0, err
    assert err.endswith("snowflake_query_history.csv: 203 rows, 4 distinct queries (2 readers, 2 writing); skipped 3 rows: 1 could not be parsed, 1 did not succeed, 1 no column lineage (session commands, DELETE, ...).\n")
    assert (
        "- **Readers outside the repository (2, query logs):** `SVC_TABLEAU` read `app.orders.order_value` 120 times, last 2026-12-01T08:00:00Z (bi-team); "
        "`ANA_LOPEZ` read `app.orders.order_value` 20 times, last 2026-11-27T17:17:00Z (revenue-analytics)\n"
    ) in out
    assert "Readers outside the repository" not in run("diff", "--base", "main~1", "sample_sql", "--format", "markdown")[1]


def test_a_change_breaking_a_column_only_query_logs_saw_read_fails_the_gate(story: Repo, tmp_path: Path) -> None:
    # nothing in the repository reads mart.daily_revenue.customer_count; a finance analyst's query does
    log = tmp_path / "history.csv"
    header = "QUERY_ID,QUERY_TEXT,DATABASE_NAME,SCHEMA_NAME,QUERY_TYPE,USER_NAME,ROLE_NAME,WAREHOUSE_NAME,EXECUTION_STATUS,START_TIME,END_TIME,QUERY_TAG,BASE_OBJECTS_ACCESSED,OBJECTS_MODIFIED"
    rows = [f'01b9{n:06x},"select order_date, customer_count from mart.daily_revenue",ANALYTICS,MART,SELECT,FIN_KIM,ANALYST,ADHOC_WH,SUCCESS,2026-11-0{n + 1} 09:00:00.000 -0800,2026-11-0{n + 1} 09:00:04.000 -0800,,,' for n in range(3)]
    log.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    story.edit("sample_sql/marts/daily_revenue.sql", "    COUNT(DISTINCT e.customer_id)  AS customer_count,\n", "")
    story.commit("drop customer_count")
    logs = ("--logs", str(log), "--log-format", "snowflake")
    without = run("diff", "--base", "main~1", "sample_sql", "--fail-on", "breaking")
    code, out, err = run("diff", "--base", "main~1", "sample_sql", "--fail-on", "breaking", "--format", "markdown", *logs)
    assert (without[0], code) == (0, 3), err
    assert err.endswith("history.csv: 3 rows, 1 distinct query (1 reader, 0 writing).\n")
    assert "**Breaks**" not in out  # the log's query is no statement of the repository
    assert "**After this change:** still breaks 1 reader outside the repository (query logs; no change set updates them, so `--fail-on` counts them).\n" in out
    assert "- **Readers outside the repository (1, query logs):** `FIN_KIM` read `mart.daily_revenue.customer_count` 3 times, last 2026-11-03T17:00:00Z (revenue-analytics)\n" in out
    (change,) = diff_json("--base", "main~1", "sample_sql", *logs)["changes"]  # type: ignore[misc]
    assert (change["severity"], change["impact"]["readers"], change["still_breaks"]["breaks"], change["still_breaks"]["readers"]) == ("breaking", ["FIN_KIM"], True, 1)
