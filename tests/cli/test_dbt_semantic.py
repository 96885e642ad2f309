"""Ephemeral models are relations of their own, and the semantic layer (semantic models, metrics,
saved queries) are consumers with owners: from real dbt's manifest and from the files alike."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from parsers.dbt.extract import DbtOptions, extract_dbt
from parsers.sql.schema import SchemaRegistry
from tests.cli.dbt_helpers import real_manifest, write_project
from tests.parsers.test_dbt import describe, describe_catalog

runner = CliRunner()
FILES = {
    'shop/dbt_project.yml': 'name: shop\nprofile: shop\n',
    'shop/profiles.yml': 'shop:\n  target: dev\n  outputs:\n    dev: {type: duckdb, schema: main, path: "{{ env_var(\'DBT_DUCKDB_PATH\', \'target/shop.duckdb\') }}"}\n',
    'shop/models/src.yml': 'sources:\n  - name: app\n    schema: app\n    tables:\n      - name: payments\n        columns: [{name: payment_id}, {name: order_id}, {name: amount}, {name: status}, {name: paid_at}]\n',
    'shop/models/int_paid.sql': "{{ config(materialized='ephemeral') }}\nselect payment_id, order_id, amount, paid_at\nfrom {{ source('app', 'payments') }}\nwhere status = 'paid'\n",
    'shop/models/revenue.sql': "select\n    p.order_id,\n    p.paid_at,\n    sum(p.amount) as revenue\nfrom {{ ref('int_paid') }} as p\ngroup by p.order_id, p.paid_at\n",
    'shop/models/metricflow_time_spine.sql': "select cast('2024-01-01' as date) as date_day\n",
    'shop/models/semantic.yml': 'groups:\n  - name: finance\n    owner: {name: Finance, email: finance@acme.example}\nsemantic_models:\n  - name: revenue\n    model: ref(\'revenue\')\n    config: {group: finance}\n    defaults: {agg_time_dimension: paid_at}\n    entities:\n      - {name: order, type: primary, expr: order_id}\n    dimensions:\n      - {name: paid_at, type: time, type_params: {time_granularity: day}}\n    measures:\n      - {name: total_revenue, agg: sum, expr: revenue}\n      - {name: order_count, agg: sum, expr: 1}\nmetrics:\n  - name: revenue\n    label: Revenue\n    type: simple\n    type_params: {measure: total_revenue}\n    config: {meta: {owner: {name: CFO office, email: cfo@acme.example}}}\n  - name: orders\n    label: Orders\n    type: simple\n    type_params: {measure: order_count}\n    filter: \"{{ Dimension(\'order__paid_at\') }} > \'2024-01-01\'\"\n  - name: revenue_per_order\n    label: Revenue per order\n    type: ratio\n    type_params: {numerator: revenue, denominator: orders}\nsaved_queries:\n  - name: daily_revenue\n    label: Daily revenue\n    config: {group: finance}\n    query_params:\n      metrics: [revenue_per_order]\n      group_by: ["TimeDimension(\'metric_time\', \'day\')"]\n',
}
FACTS = """\
== shop/models/int_paid.sql (1 statements)
app.payments.status     -> main.int_paid (table)     indirect  filter    @3
app.payments.amount     -> main.int_paid.amount      direct    identity  @3
app.payments.order_id   -> main.int_paid.order_id    direct    identity  @3
app.payments.paid_at    -> main.int_paid.paid_at     direct    identity  @3
app.payments.payment_id -> main.int_paid.payment_id  direct    identity  @3
table main.int_paid view (payment_id, order_id, amount, paid_at) @2
== shop/models/metricflow_time_spine.sql (1 statements)
table main.metricflow_time_spine view (date_day DATE) @1
== shop/models/revenue.sql (1 statements)
main.int_paid.order_id -> main.revenue (table)   indirect  group_by     @5
main.int_paid.paid_at  -> main.revenue (table)   indirect  group_by     @5
main.int_paid.order_id -> main.revenue.order_id  direct    identity     @5
main.int_paid.paid_at  -> main.revenue.paid_at   direct    identity     @5
main.int_paid.amount   -> main.revenue.revenue   direct    aggregation  @5
table main.revenue view (order_id, paid_at, revenue) @1
== shop/models/src.yml (0 statements)
table app.payments source (payment_id, order_id, amount, status, paid_at) @5
"""
CATALOG = """\
catalog shop/dbt_project.yml
owner cfo-office name='CFO office' email='cfo@acme.example'
owner finance name='Finance' email='finance@acme.example'
dashboard semantic_model.revenue owner=finance title='revenue' url='' @shop/models/semantic.yml:5
main.revenue.order_id -> semantic_model.revenue (table)  direct  identity  @5
main.revenue.paid_at  -> semantic_model.revenue (table)  direct  identity  @5
main.revenue.revenue  -> semantic_model.revenue (table)  direct  identity  @5
dashboard metric.orders owner= title='Orders' url='' @shop/models/semantic.yml:22
main.revenue.order_id -> metric.orders (table)  direct  identity  @22
main.revenue.paid_at  -> metric.orders (table)  direct  identity  @22
dashboard metric.revenue owner=cfo-office title='Revenue' url='' @shop/models/semantic.yml:17
main.revenue.revenue -> metric.revenue (table)  direct  identity  @17
dashboard metric.revenue_per_order owner= title='Revenue per order' url='' @shop/models/semantic.yml:27
main.revenue.order_id -> metric.revenue_per_order (table)  direct  identity  @27
main.revenue.paid_at  -> metric.revenue_per_order (table)  direct  identity  @27
main.revenue.revenue  -> metric.revenue_per_order (table)  direct  identity  @27
dashboard saved_query.daily_revenue owner=finance title='Daily revenue' url='' @shop/models/semantic.yml:32
main.revenue.order_id -> saved_query.daily_revenue (table)  direct  identity  @32
main.revenue.paid_at  -> saved_query.daily_revenue (table)  direct  identity  @32
main.revenue.revenue  -> saved_query.daily_revenue (table)  direct  identity  @32
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return write_project(tmp_path, FILES) / "shop"


def test_the_files_give_ephemeral_nodes_and_semantic_consumers(project: Path) -> None:
    facts = extract_dbt(project, "shop", SchemaRegistry(), DbtOptions(files_only=True))
    assert (describe(facts.files), describe_catalog(facts.catalog)) == (FACTS, CATALOG)


def test_real_dbts_manifest_gives_the_same(project: Path) -> None:
    manifest = json.loads(real_manifest(project).read_text(encoding="utf-8"))
    assert "__dbt__cte__int_paid" in manifest["nodes"]["model.shop.revenue"]["compiled_code"]  # dbt inlines it; we do not
    assert sorted(manifest["metrics"]) == ["metric.shop.orders", "metric.shop.revenue", "metric.shop.revenue_per_order"]
    facts = extract_dbt(project, "shop", SchemaRegistry(), DbtOptions())
    assert (describe(facts.files), describe_catalog(facts.catalog)) == (FACTS, CATALOG)


def test_impact_on_an_ephemeral_models_column_reaches_the_metrics_and_their_owners(project: Path) -> None:
    scanned = runner.invoke(app, ["scan", "shop", "--store", "s"])
    assert (scanned.exit_code, scanned.stderr) == (0, "Scanned 4 files, 3 statements; 22 edges written.\n")
    report = json.loads(runner.invoke(app, ["impact", "int_paid.amount", "--format", "json", "--store", "s"]).stdout)
    assert [c["name"] for c in report["columns"]] == ["main.revenue.revenue"]
    assert [d["name"] for d in report["dashboards"]] == ["metric.revenue", "metric.revenue_per_order", "saved_query.daily_revenue", "semantic_model.revenue"]
    assert [(o["owner"], o["assets"]) for o in report["owners"]] == [("cfo-office", ["metric.revenue"]), ("finance", ["saved_query.daily_revenue", "semantic_model.revenue"])]


def test_a_metrics_filter_reads_the_dimension_it_names(project: Path) -> None:
    """`filter: {{ Dimension('order__paid_at') }} > ...` makes metric.orders (and what uses it) read paid_at."""
    assert runner.invoke(app, ["scan", "shop", "--store", "s"]).exit_code == 0
    report = json.loads(runner.invoke(app, ["impact", "main.revenue.paid_at", "--format", "json", "--store", "s"]).stdout)
    assert [d["name"] for d in report["dashboards"]] == ["metric.orders", "metric.revenue_per_order", "saved_query.daily_revenue", "semantic_model.revenue"]
