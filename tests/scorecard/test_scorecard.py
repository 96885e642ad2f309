"""`lineage scorecard` on the sample warehouse over a git history built commit by commit: a hot edit of
a core table, a proper versioned migration, a rename in a mart. Exact scores, and the evidence in goldens
(tests/scorecard/golden/, commit SHAs replaced by <c0>..<c3>: they move whenever sample_sql does)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from lineage.scorecard_rules import rules_table
from tests.conftest import SAMPLE, check_golden

runner = CliRunner()
GOLDEN = Path(__file__).resolve().parent / "golden"
README = Path(__file__).resolve().parents[2] / "README.md"
AS_OF = "2026-12-01"


class History:
    """A git repository committed to at the dates each step gives."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.shas: list[str] = []

    def git(self, *args: str, day: str = "2026-01-01") -> str:
        stamp = f"{day}T09:00:00+00:00"
        env = {**os.environ, "GIT_AUTHOR_NAME": "Ada", "GIT_AUTHOR_EMAIL": "ada@acme.example", "GIT_COMMITTER_NAME": "Ada", "GIT_COMMITTER_EMAIL": "ada@acme.example", "GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
        return subprocess.run(["git", *args], cwd=self.root, env=env, capture_output=True, text=True, check=True).stdout.strip()

    def edit(self, path: str, old: str, new: str) -> None:
        file = self.root / path
        text = file.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {path}"
        file.write_text(text.replace(old, new, 1), encoding="utf-8")

    def commit(self, message: str, day: str) -> None:
        self.git("add", "-A", day=day)
        self.git("commit", "-q", "-m", message, day=day)
        self.shas.append(self.git("rev-parse", "HEAD"))

    def placeholders(self, text: str) -> str:
        for n, sha in enumerate(self.shas):
            text = text.replace(sha, f"<c{n}>").replace(sha[:7], f"<c{n}>")
        return text


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> History:
    repo = History(tmp_path_factory.mktemp("shop"))
    shutil.copytree(SAMPLE, repo.root / "sample_sql")
    repo.git("init", "-q", "-b", "main")
    repo.commit("the sample warehouse", "2026-09-20")
    # a hot edit of a core table: a retype, no versioned replacement, no deprecation
    repo.edit("sample_sql/app/orders_service.sql", "    amount       NUMERIC(12,2) NOT NULL,     -- captured", "    amount       NUMERIC(12,0) NOT NULL,     -- captured")
    repo.commit("payments: whole currency units", "2026-10-05")
    # a proper versioned migration: app.products_v2 replaces app.products, deprecated, with its field mapping
    for old, new in (("CREATE TABLE app.products (", "CREATE TABLE app.products_v2 ("), ("    name            VARCHAR(200)", "    product_name    VARCHAR(200)"),
                     ("REFERENCES app.products (", "REFERENCES app.products_v2 ("), ("    p.name            AS product_name,", "    p.product_name,"),
                     ("FROM app.products AS p", "FROM app.products_v2 AS p"), ("p.name, p.category", "p.product_name, p.category")):
        repo.edit("sample_sql/marts/unrelated_inventory.sql", old, new)
    repo.edit(
        "sample_sql/lineage.yml",
        '  app.products: {owner: merchandising, tier: core, description: "Product catalogue (catalogue service replica)"}',
        '  app.products: {owner: merchandising, tier: core, description: "Product catalogue", deprecated: "2027-01-31", replaced_by: app.products_v2, mapping: {name: product_name}}\n'
        '  app.products_v2: {owner: merchandising, tier: core, description: "Product catalogue (catalogue service replica)"}',
    )
    repo.commit("products v2", "2026-10-20")
    # a rename in a mart, its ML feature moved along
    repo.edit("sample_sql/marts/customer_360.sql", "AS value_tier,", "AS ltv_tier,")
    repo.edit("sample_sql/lineage.yml", "mart.customer_360.value_tier]", "mart.customer_360.ltv_tier]")
    repo.commit("customer_360: value_tier is ltv_tier", "2026-11-10")
    return repo


def run(history: History, *args: str) -> tuple[int, str, str]:
    cwd = Path.cwd()
    os.chdir(history.root)
    try:
        result = runner.invoke(app, ["scorecard", "-p", "sample_sql", "--as-of", AS_OF, *args])
    finally:
        os.chdir(cwd)
    return result.exit_code, result.stdout, result.stderr


def scores(record: dict[str, object]) -> dict[str, tuple[object, ...]]:
    out = {}
    for card in record["products"]:  # type: ignore[attr-defined]
        dims = card["dimensions"]
        out[card["product"]] = (*(dims[d]["score"] for d in ("ownership", "reuse", "change discipline", "lifecycle", "freshness")), card["overall"])
    return out


def test_scores_of_every_product_over_the_history(history: History) -> None:
    code, out, err = run(history, "--format", "json")
    assert (code, err) == (0, "")
    record = json.loads(out)
    assert [c["subject"] for c in record["commits"]] == ["the sample warehouse", "payments: whole currency units", "products v2", "customer_360: value_tier is ltv_tier"]
    assert scores(record) == {
        "app.customers": (2, 5, 5, 5, None, 4.2),
        "app.fx_rates": (2, 5, 5, 3, None, 3.8),
        "app.fx_rates_v2": (4, 1, 5, 4, None, 3.5),
        "app.inventory_levels": (2, 2, 5, 5, None, 3.5),
        "app.orders": (5, 5, 5, 5, None, 5.0),
        "app.payments": (2, 5, 3, 5, None, 3.8),
        "app.products": (2, 1, 5, 5, None, 3.2),
        "app.products_v2": (2, 2, 5, 5, None, 3.5),
        "etl.tmp_orders_usd": (2, 5, 5, 5, None, 4.2),
        "intermediate.customer_orders": (2, 4, 5, 5, None, 4.0),
        "intermediate.orders_enriched": (2, 4, 5, 5, None, 4.0),
        "mart.customer_360": (2, 4, 4, 5, None, 3.8),
        "mart.daily_revenue": (3, 4, 5, 5, None, 4.2),
        "mart.fraud_features": (2, 3, 5, 5, None, 3.8),
        "mart.product_catalog": (2, 1, 5, 5, None, 3.2),
        "staging.stg_customers": (2, 5, 5, 5, None, 4.2),
        "staging.stg_orders": (2, 5, 5, 5, None, 4.2),
        "staging.stg_payments": (2, 4, 5, 3, None, 3.5),
    }
    cards = {c["product"]: c for c in record["products"]}

    def change(product: str) -> list[tuple[str, int, list[str]]]:
        found = cards[product]["dimensions"]["change discipline"]["findings"]
        return [(f["rule"], f["points"], [history.placeholders(e) for e in f["evidence"]]) for f in found]

    assert change("app.payments") == [("violation", -2, ["<c1> 2026-10-05 app.payments.amount retyped (sample_sql/app/orders_service.sql:29)"])]
    assert change("app.products_v2") == [("migration", 0, ["<c2> 2026-10-20 app.products renamed to app.products_v2 (sample_sql/marts/unrelated_inventory.sql:7)"])]
    assert change("mart.customer_360") == [("breaking", -1, ["<c3> 2026-11-10 mart.customer_360.value_tier renamed to ltv_tier (sample_sql/marts/customer_360.sql:9)"])]
    lifecycle = {p: [(f["rule"], f["evidence"][0]) for f in c["dimensions"]["lifecycle"]["findings"]] for p, c in cards.items()}
    assert {p: found for p, found in lifecycle.items() if found} == {
        "app.fx_rates": [("deprecated_read", "deprecated 2027-03-31 (sample_sql/lineage.yml:42)")],
        "app.fx_rates_v2": [("unmoved", "replaces app.fx_rates, deprecated 2027-03-31 (sample_sql/lineage.yml:42), which still has 1 reader")],
        "staging.stg_payments": [("expired_view", "renewed 2026-06-30 (sample_sql/lineage.yml:49): 154 days before 2026-12-01")],
    }
    assert cards["app.fx_rates"]["dimensions"]["lifecycle"]["findings"][0]["evidence"][1:] == ["etl.tmp_orders_usd (table, sample_sql/etl/nightly_orders.sql:42)"]
    assert {p: c["dimensions"]["freshness"]["notes"] for p, c in cards.items()} == {p: ["no query logs ingested"] for p in cards}
    assert record["unknown"] == {"freshness": {"products": 18, "why": ["no query logs ingested"]}}


def test_the_markdown_page_is_golden(history: History, update_golden: bool) -> None:
    code, out, err = run(history, "--format", "markdown")
    assert (code, err) == (0, "")
    check_golden(GOLDEN / "sample_history.md", history.placeholders(out), update_golden)


def test_history_already_scored_is_read_from_the_cache(history: History) -> None:
    shutil.rmtree(history.root / ".lineage", ignore_errors=True)
    first = run(history)
    again = run(history)
    assert first[1].splitlines()[0] == "18 products; 4 commits since 2026-09-02 (4 compared, 0 from the cache)."
    assert again[1].splitlines()[0] == "18 products; 4 commits since 2026-09-02 (0 compared, 4 from the cache)."
    assert first[1].splitlines()[1:] == again[1].splitlines()[1:]


def test_bad_usage_is_one_line(history: History) -> None:
    assert run(history, "--since", "3w") == (2, "", "--since '3w' is not a number of days; write it as 90d\n")
    assert run(history, "--as-of", "tomorrow") == (2, "", "--as-of 'tomorrow' is not a date; write it as 2026-12-31\n")
    assert run(history, "app.nope") == (1, "", "no table 'app.nope' in sample_sql at HEAD\n")


def test_the_readme_rules_table_is_the_rules() -> None:
    assert rules_table() in README.read_text(encoding="utf-8")


def test_query_logs_give_freshness_and_observed_readers(history: History, tmp_path: Path) -> None:
    # the sample's Snowflake history: mart.daily_revenue rebuilt nightly at 03:30 (twice hours late), and two
    # readers of app.orders outside the repository; app.orders itself no logged query writes
    store = str(tmp_path / "store")
    cwd = Path.cwd()
    os.chdir(history.root)
    try:
        for args in (["scan", "sample_sql"], ["logs", "sample_sql/query_logs/snowflake_query_history.csv", "--format", "snowflake", "--catalog", "sample_sql/lineage.yml"]):
            assert runner.invoke(app, [*args, "--store", store]).exit_code == 0
    finally:
        os.chdir(cwd)
    code, out, err = run(history, "app.orders", "mart.daily_revenue", "--store", store, "--format", "json")
    assert (code, err) == (0, "")
    record = json.loads(out)
    cards = {c["product"]: c["dimensions"] for c in record["products"]}
    log = "sample_sql/query_logs/snowflake_query_history.csv"
    assert {p: (d["freshness"]["score"], [f["evidence"] for f in d["freshness"]["findings"]], d["freshness"]["notes"]) for p, d in cards.items()} == {
        "app.orders": (None, [], ["no writes in the query logs"]),
        "mart.daily_revenue": (3, [[f"observed p95 30h15m > declared 26h ({log})"]], ["29 refresh intervals of 30 writes, 2026-11-01 to 2026-12-01; 69 breaches of 26h per 1,000 runs"]),
    }
    assert record["unknown"] == {"freshness": {"products": 1, "why": ["no writes in the query logs"]}}
    assert cards["app.orders"]["reuse"]["findings"][0]["evidence"][:3] == [
        f"SVC_TABLEAU: 120 runs, last 2026-12-01T08:00:00Z (query log {log})",
        f"ANA_LOPEZ: 20 runs, last 2026-11-27T17:17:00Z (query log {log})",
        "customer_support (dashboard, sample_sql/dashboards/customer_support.sql:7)",
    ]
    assert [n for d in cards.values() for n in d["reuse"]["notes"]] == []  # observed readers known: no "unknown" note
    # the README's excerpt is this output
    lines = run(history, "app.orders", "mart.daily_revenue", "--store", store)[1].splitlines()
    shown = [lines[1], *(x for x in lines if x.startswith(("product ", "app.orders ", "mart.daily_revenue ")) or "30h15m" in x or "29 refresh" in x)]
    readme = README.read_text(encoding="utf-8").splitlines()
    assert len(shown) == 6 and [x for x in shown if x not in readme] == []


def test_without_a_store_freshness_and_observed_readers_are_unknown(history: History) -> None:
    code, out, _ = run(history, "app.orders", "--format", "json")
    dimensions = json.loads(out)["products"][0]["dimensions"]
    assert (code, dimensions["freshness"]["notes"], dimensions["reuse"]["notes"]) == (0, ["no query logs ingested"], ["no query logs ingested: observed readers unknown"])
