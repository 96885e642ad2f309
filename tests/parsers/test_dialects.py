"""One scan, several dialects: each file read in its own (header comment > lineage.yml `dialects:`
glob > dbt adapter > --dialect), asserted as the exact edges of every file."""

from __future__ import annotations

from pathlib import Path

import pytest

from lineage.errors import ConfigError
from parsers.scan import ScanOptions, ScanResult, scan
from tests.golden_edges import format_edges

BIGQUERY = """create table `acme-prod.mart.daily` as
select o.order_id, sum(o.amount) as revenue
from `acme-prod.sales.orders` as o
group by o.order_id;
"""
TSQL = """insert into [dw].[dbo].[Customers] ([Customer Id], [Full Name])
select c.[Id], c.[First] + ' ' + c.[Last] from [crm].[dbo].[People] as c;
"""
SNOWFLAKE = """create table mart.events as
select e.payload:customer.name::string as customer_name, e.id
from raw.events as e;
"""
WRONG = "set the dialect for this file (-- lineage: dialect={0}, or dialects: in lineage.yml)"


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")


def _report(result: ScanResult) -> str:
    """Every file's edges in the golden format, then its diagnostics."""
    out = []
    for facts in result.files:
        out.append(f"== {facts.path}\n{format_edges(facts.edges)}")
        out += [f"! {d}\n" for d in facts.diagnostics]
    return "".join(out)


MIXED = {
    "repo/lineage.yml": 'dialects:\n  "bigquery/**": bigquery\n  "tsql/*.sql": tsql\n',
    "repo/bigquery/marts/daily.sql": BIGQUERY,
    "repo/tsql/load.sql": TSQL,
    "repo/snowflake/events.sql": "-- Events land as VARIANT.\n-- lineage: dialect=snowflake\n" + SNOWFLAKE,
}
MIXED_EDGES = """\
== repo/bigquery/marts/daily.sql
acme-prod.sales.orders.order_id -> acme-prod.mart.daily (table)   indirect  group_by     @1
acme-prod.sales.orders.order_id -> acme-prod.mart.daily.order_id  direct    identity     @1
acme-prod.sales.orders.amount   -> acme-prod.mart.daily.revenue   direct    aggregation  @1
== repo/snowflake/events.sql
raw.events.payload -> mart.events.customer_name  direct  transformation  @3
raw.events.id      -> mart.events.id             direct  identity        @3
== repo/tsql/load.sql
crm.dbo.People.Id    -> dw.dbo.Customers.Customer Id  direct  identity        @1
crm.dbo.People.First -> dw.dbo.Customers.Full Name    direct  transformation  @1
crm.dbo.People.Last  -> dw.dbo.Customers.Full Name    direct  transformation  @1
"""


def test_a_mixed_repository_reads_each_file_in_its_own_dialect(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    _write(tmp_path, MIXED)
    assert _report(scan([Path("repo")], ScanOptions(dialect="postgres"))) == MIXED_EDGES


def test_globs_are_relative_to_the_catalogs_folder_wherever_the_scan_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _write(tmp_path, MIXED)
    monkeypatch.chdir(tmp_path / "repo" / "tsql")
    result = scan([Path("..")], ScanOptions(dialect="postgres", catalog=Path("../lineage.yml")))
    assert _report(result) == MIXED_EDGES.replace("repo/tsql/", "").replace("repo/", "../")  # shown relative to here


def test_without_the_dialects_each_statement_names_the_dialect_that_parses_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    _write(tmp_path, {"repo/bq.sql": BIGQUERY, "repo/ms.sql": TSQL, "repo/sf.sql": SNOWFLAKE})
    assert _report(scan([Path("repo")], ScanOptions(dialect="postgres"))) == (
        f"== repo/bq.sql\n(no edges)\n! repo/bq.sql:1: cannot parse statement as postgres; it parses as bigquery: {WRONG.format('bigquery')}\n"
        f"== repo/ms.sql\n(no edges)\n! repo/ms.sql:1: cannot parse statement as postgres; it parses as tsql: {WRONG.format('tsql')}\n"
        f"== repo/sf.sql\n(no edges)\n! repo/sf.sql:1: cannot parse statement as postgres; it parses as snowflake: {WRONG.format('snowflake')}\n"
    )


def test_the_first_glob_written_wins_and_a_header_wins_over_any_glob(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`legacy/*.sql` stays within its folder; `**` crosses folders; the header beats both."""
    monkeypatch.chdir(tmp_path)
    _write(
        tmp_path,
        {
            "repo/lineage.yml": 'dialects:\n  "wh/legacy/*.sql": tsql\n  "wh/**": bigquery\n  "wh/legacy/**": snowflake\n',
            "repo/wh/legacy/load.sql": TSQL,
            "repo/wh/legacy/deeper/daily.sql": BIGQUERY,
            "repo/wh/events.sql": "-- lineage: dialect=snowflake\n" + SNOWFLAKE,
        },
    )
    assert _report(scan([Path("repo")], ScanOptions())) == (
        "== repo/wh/events.sql\n"
        "raw.events.payload -> mart.events.customer_name  direct  transformation  @2\n"
        "raw.events.id      -> mart.events.id             direct  identity        @2\n"
        "== repo/wh/legacy/deeper/daily.sql\n"
        "acme-prod.sales.orders.order_id -> acme-prod.mart.daily (table)   indirect  group_by     @1\n"
        "acme-prod.sales.orders.order_id -> acme-prod.mart.daily.order_id  direct    identity     @1\n"
        "acme-prod.sales.orders.amount   -> acme-prod.mart.daily.revenue   direct    aggregation  @1\n"
        "== repo/wh/legacy/load.sql\n"
        "crm.dbo.People.Id    -> dw.dbo.Customers.Customer Id  direct  identity        @1\n"
        "crm.dbo.People.First -> dw.dbo.Customers.Full Name    direct  transformation  @1\n"
        "crm.dbo.People.Last  -> dw.dbo.Customers.Full Name    direct  transformation  @1\n"
    )


DBT_PROJECT = 'name: shop\nversion: "1.0"\nprofile: shop\n'
DBT_PROFILE = "shop:\n  target: dev\n  outputs:\n    dev:\n      type: {0}\n      schema: shop\n"


def test_a_glob_wins_over_the_dialect_option_which_wins_over_a_dbt_adapter(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The profile says snowflake: its `:` path model parses, unless the scan says tsql; the bq/
    model parses as the glob says; the header of the third wins over all."""
    monkeypatch.chdir(tmp_path)
    _write(
        tmp_path,
        {
            "lineage.yml": 'dialects:\n  "shop/models/bq/**": bigquery\n',
            "shop/dbt_project.yml": DBT_PROJECT,
            "shop/profiles.yml": DBT_PROFILE.format("snowflake"),
            "shop/models/events.sql": "select e.payload:customer.name::string as customer_name from raw.events as e\n",
            "shop/models/bq/daily.sql": "select o.order_id, sum(o.amount) as revenue from `acme-prod.sales.orders` as o group by o.order_id\n",
            "shop/models/bq/people.sql": "-- lineage: dialect=tsql\nselect c.[Id] as id from [crm].[dbo].[People] as c\n",
        },
    )
    assert _report(scan([Path(".")], ScanOptions())) == (
        "== shop/models/bq/daily.sql\n"
        "acme-prod.sales.orders.order_id -> shop.daily (table)   indirect  group_by     @1\n"
        "acme-prod.sales.orders.order_id -> shop.daily.order_id  direct    identity     @1\n"
        "acme-prod.sales.orders.amount   -> shop.daily.revenue   direct    aggregation  @1\n"
        "== shop/models/bq/people.sql\n"
        "crm.dbo.People.Id -> shop.people.id  direct  identity  @2\n"
        "== shop/models/events.sql\n"
        "raw.events.payload -> shop.events.customer_name  direct  transformation  @1\n"
    )
    told = _report(scan([Path(".")], ScanOptions(dialect="tsql")))
    assert told.split("== shop/models/events.sql\n")[1] == (
        "(no edges)\n"
        "! shop/models/events.sql:1: cannot parse statement as tsql; it parses as snowflake: set the dialect for this file (-- lineage: dialect=snowflake, or dialects: in lineage.yml)\n"
    )


def test_an_unknown_dialect_in_the_catalog_is_one_line_with_a_suggestion(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    _write(tmp_path, {"lineage.yml": 'dialects:\n  "bq/**": bigquery\n  "sf/**": snowflak\n', "q.sql": "select a from t;\n"})
    with pytest.raises(ConfigError) as caught:
        scan([Path(".")], ScanOptions())
    assert (str(caught.value), caught.value.exit_code) == ("lineage.yml:3: unknown dialect 'snowflak'; did you mean 'snowflake'?", 2)


def test_a_header_is_read_in_any_case_with_a_note_after_the_name_and_only_before_the_first_statement() -> None:
    from lineage.api import extract

    noted = extract("/* loaded nightly */\n--LINEAGE: Dialect = TSQL   (migrated from SQL Server)\n" + TSQL, "ms.sql", dialect="postgres")
    assert (format_edges(noted.edges), noted.diagnostics) == (
        "crm.dbo.People.Id    -> dw.dbo.Customers.Customer Id  direct  identity        @3\n"
        "crm.dbo.People.First -> dw.dbo.Customers.Full Name    direct  transformation  @3\n"
        "crm.dbo.People.Last  -> dw.dbo.Customers.Full Name    direct  transformation  @3\n",
        (),
    )
    late = extract(PLAIN_SELECT + "-- lineage: dialect=tsql\n" + TSQL, "late.sql", dialect="postgres")
    assert [str(d) for d in late.diagnostics] == [f"late.sql:3: cannot parse statement as postgres; it parses as tsql: {WRONG.format('tsql')}"]
    empty = extract("-- lineage: dialect=\nselect a from t;\n", "empty.sql")
    assert (empty.edges, [str(d) for d in empty.diagnostics]) == ((), [f"empty.sql:1: unknown dialect '' in the header comment, so the file is not parsed; name one of sqlglot's, such as {COMMON}"])


PLAIN_SELECT = "select a from app.t;\n"
COMMON = "snowflake, bigquery, tsql, postgres, spark, databricks, redshift, mysql, duckdb, trino, oracle, hive"
