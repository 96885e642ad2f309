"""Catalog loading: owners, tiers, consumers, and validation errors that point at file:line."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from lineage.catalog import Consumer, Owner, TableEntry
from lineage.errors import ConfigError
from lineage.model import Location, NodeKind, Tier
from parsers.catalog import load_catalog

GOOD = """\
owners:
  bi-team: {name: BI, email: bi@x.example, slack: "#bi", github: "@acme/bi"}
  core: {name: Core}
tables:
  app.orders: {owner: core, tier: core, deprecated: "2027-01-01"}
  "mart.*": {owner: bi-team, tier: mart}
  mart.special: {owner: core, tier: view}
dashboards:
  exec: {title: Exec, owner: bi-team, url: "https://bi/x", sql: dash.sql}
ml_features:
  f.one: {owner: core, columns: [Mart.Daily.Revenue]}
"""


def _catalog(tmp_path: Path, text: str) -> Path:
    (tmp_path / "dash.sql").write_text("select 1")
    path = tmp_path / "lineage.yml"
    path.write_text(text)
    return path


def test_a_valid_catalog_loads_exactly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    catalog = load_catalog(Path("lineage.yml") if _catalog(tmp_path, GOOD) else Path())
    assert catalog.owners == (Owner("bi-team", "BI", "bi@x.example", "#bi", "acme/bi"), Owner("core", "Core"))
    assert catalog.tables == (
        TableEntry("app.orders", "core", Tier.CORE, "", "2027-01-01", Location("lineage.yml", 5)),
        TableEntry("mart.*", "bi-team", Tier.MART, "", "", Location("lineage.yml", 6)),
        TableEntry("mart.special", "core", Tier.VIEW, "", "", Location("lineage.yml", 7)),
    )
    assert catalog.consumers == (
        Consumer("exec", NodeKind.DASHBOARD, "bi-team", "Exec", "https://bi/x", (), "dash.sql", (), Location("lineage.yml", 9)),
        Consumer("f.one", NodeKind.ML_FEATURE, "core", "", "", ("mart.daily.revenue",), "", (), Location("lineage.yml", 11), columns_at=(Location("lineage.yml", 11),)),
    )


def test_exact_entries_win_over_globs(tmp_path: Path) -> None:
    catalog = load_catalog(_catalog(tmp_path, GOOD))
    assert catalog.table_entry("mart.special").owner == "core"  # type: ignore[union-attr]
    assert catalog.table_entry("mart.daily").owner == "bi-team"  # type: ignore[union-attr]
    assert catalog.table_entry("orders").owner == "core"  # type: ignore[union-attr]
    assert catalog.table_entry("staging.x") is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("owners: [a, b]\n", "lineage.yml:1: owners must be a mapping"),
        ("owners:\n  a: {name: A, phone: 1}\n", "lineage.yml:2: unknown key 'phone' in owner 'a'; expected one of email, github, name, slack"),
        ("tables:\n  t: {owner: nobody}\n", "lineage.yml:2: table 't' names unknown owner 'nobody'; declare it under 'owners'"),
        ("owners:\n  bi-team: {}\ntables:\n  t: {owner: bi-tem}\n", "lineage.yml:4: table 't' names unknown owner 'bi-tem'; did you mean 'bi-team'?"),
        ("tables:\n  t: {tier: gold}\n", "lineage.yml:2: unknown tier 'gold' for table 't'; use core, mart or view"),
        ("dashboards:\n  d: {title: D}\n", "lineage.yml:2: dashboard 'd' needs 'columns' or 'sql' to say what it reads"),
        ("dashboards:\n  d: {sql: missing.sql}\n", "lineage.yml:2: SQL file 'missing.sql' of dashboard 'd' does not exist"),
        ("ml_features:\n  f: {columns: [revenue]}\n", "lineage.yml:2: column 'revenue' of ML feature 'f' must be qualified as table.column"),
        ("ml_features:\n  f: {columns: mart.x.y}\n", "lineage.yml:2: 'columns' of ML feature 'f' must be a list of table.column names"),
        ("owners:\n  a: {name: [x]}\n", "lineage.yml:2: 'name' of owner 'a' must be a string"),
        ("tables:\n  t: {owner: a\n", "lineage.yml:3: invalid YAML: expected ',' or '}', but got '<stream end>'"),
        ("consumer_owners:\n  \"looker/*\": bi-tem\n", "lineage.yml:2: consumer_owners 'looker/*' names unknown owner 'bi-tem'; declare it under 'owners'"),
        ("consumer_owners:\n  \"looker/*\": [a]\n", "lineage.yml:2: the owner of 'looker/*' must be a string"),
        ("dashbords: {}\n", "lineage.yml:1: unknown key 'dashbords' in the catalog; expected one of consumer_owners, contracts, dashboards, dialects, ml_features, namespace, observed_owners, owners, tables"),
        ("namespace: [a]\n", "lineage.yml:1: 'namespace' must be a string"),
    ],
)
def test_validation_errors_name_file_line_and_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, message: str) -> None:
    monkeypatch.chdir(tmp_path)
    _catalog(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_catalog(Path("lineage.yml"))
    assert str(caught.value) == message


@pytest.mark.parametrize("sql", ["../outside.sql", "sub/../../outside.sql", "{root}/outside.sql"])
def test_dashboard_sql_must_be_in_the_catalogs_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sql: str) -> None:
    """Even when the file exists: a catalog under review must not have us read the machine's files."""
    (tmp_path / "outside.sql").write_text("select a from t;\n", encoding="utf-8")
    (tmp_path / "repo" / "sub").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "repo")
    named = sql.format(root=tmp_path)
    _catalog(tmp_path / "repo", f"dashboards:\n  d: {{sql: {named}}}\n")
    with pytest.raises(ConfigError) as caught:
        load_catalog(Path("lineage.yml"))
    assert str(caught.value) == f"lineage.yml:2: SQL file '{named}' of dashboard 'd' is outside the catalog's folder"


def test_consumer_owner_rules_give_unowned_consumers_the_first_matching_owner(tmp_path: Path) -> None:
    text = GOOD + 'consumer_owners:\n  "looker:exec*": core\n  "looker/*": bi-team\n  "*": core\n'
    catalog = load_catalog(_catalog(tmp_path, text))
    tools = (
        Consumer("looker:executive", NodeKind.DASHBOARD, at=Location("bi/looker/a.lookml", 3)),
        Consumer("looker:sales", NodeKind.DASHBOARD, at=Location("bi/looker/a.lookml", 9)),
        Consumer("feast:v", NodeKind.ML_FEATURE, owner="ana@x.example", at=Location("feast/v.py", 1)),
        Consumer("tableau:w/s", NodeKind.DASHBOARD, at=Location("w.twb", 4)),
    )
    owned = replace(catalog, consumers=tools).with_rule_owners()
    assert [(c.id, c.owner) for c in owned.consumers] == [("looker:executive", "core"), ("looker:sales", "bi-team"), ("feast:v", "ana@x.example"), ("tableau:w/s", "core")]


CONTRACTS = """\
owners:
  core: {name: Core, slack: "#core"}
tables:
  app.orders: {owner: core, tier: core, deprecated: "2027-01-01", replaced_by: App.Orders_V2, mapping: {Order_Value: order_total}, escalation: "#oncall", freshness: {p95: 30m, P99: 1.5h}}
  "v.*": {owner: core, tier: view, renewed: "2026-06-30"}
contracts:
  v.x:
    columns:
      id: INT
      name: {type: "varchar(8)", description: The name}
"""


def test_contracts_and_lifecycle_keys_load_exactly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from lineage.catalog import ContractColumn, DeclaredContract

    monkeypatch.chdir(tmp_path)
    catalog = load_catalog(Path("lineage.yml") if _catalog(tmp_path, CONTRACTS) else Path())
    orders, views = catalog.tables
    assert (orders.replaced_by, orders.mapping, orders.deprecated, views.renewed) == ("app.orders_v2", (("order_value", "order_total"),), "2027-01-01", "2026-06-30")
    assert catalog.contracts == (
        DeclaredContract("app.orders", (), (("p95", 1800), ("p99", 5400)), "#oncall", Location("lineage.yml", 4)),
        DeclaredContract("v.x", (ContractColumn("id", "INT", "", Location("lineage.yml", 9)), ContractColumn("name", "varchar(8)", "The name", Location("lineage.yml", 10))), (), "", Location("lineage.yml", 7)),
    )
    assert catalog.contract_for("v.x") == catalog.contracts[1]
    assert catalog.contract_for("orders") == catalog.contracts[0]
    assert catalog.contract_for("v.y") is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("tables:\n  t: {freshness: {p95: soon}}\n", "lineage.yml:2: 'p95' of the freshness of table 't' must be a duration such as 30m, 2h or 1d, not 'soon'"),
        ("tables:\n  t: {freshness: {fast: 30m}}\n", "lineage.yml:2: unknown percentile 'fast' in the freshness of table 't'; use p50, p95, p99 ..."),
        ("tables:\n  t: {renewed: last spring}\n", "lineage.yml:2: 'renewed' of table 't' must be a date such as 2026-01-31, not 'last spring'"),
        ("contracts:\n  t: {sla: 1h}\n", "lineage.yml:2: unknown key 'sla' in contract 't'; expected one of columns, escalation, freshness"),
        ("contracts:\n  t: {columns: {a: {kind: int}}}\n", "lineage.yml:2: unknown key 'kind' in column 'a' of contract 't'; expected one of description, type"),
    ],
)
def test_contract_errors_name_file_line_and_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, message: str) -> None:
    monkeypatch.chdir(tmp_path)
    _catalog(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_catalog(Path("lineage.yml"))
    assert str(caught.value) == message
