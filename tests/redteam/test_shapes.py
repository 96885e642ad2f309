"""Statement shapes engines accept but a reader can miss: a WITH before the write, a parenthesised
body, an UPDATE naming its target by a FROM alias, USING between derived tables, CTEs that a failed
template left without a query. Each must trace to base tables, or say at file:line what it could not
resolve; never name a CTE or an alias as a table.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.redteam.harness import run_lineage

FAILED_CTE = "CTE 'days' has no query (its body is 'NULL'): columns read from it are unresolved"
FORWARD = "CTE 'weekly' reads 'daily' before the CTE 'daily' is defined: its columns are unresolved (define 'daily' first)"


def _folder(root: Path) -> Path:
    sql = root / "sql"
    sql.mkdir()
    # a dbt model whose date spine macro failed: the template left NULL where the CTE's query was
    (sql / "daily.sql").write_text(
        "with days as (\n    null\n),\nfacts as (select order_date, amount from analytics.orders)\n"
        "select days.date_day, sum(facts.amount) as revenue\nfrom days left join facts on facts.order_date = days.date_day\ngroup by days.date_day;\n",
        encoding="utf-8",
    )
    (sql / "weekly.sql").write_text(
        "with weekly as (select week, amount from daily),\ndaily as (select order_date as week, amount from analytics.orders)\nselect week, amount from weekly;\n",
        encoding="utf-8",
    )
    (sql / "load.sql").write_text(
        "with settled as (select sale_id, amount from staging.sales where status = 'settled')\n"
        "insert into dw.fact_sales (sale_id, amount)\nselect sale_id, amount from settled;\n"
        "update o set o.ship_city = c.city from sales.orders as o join sales.customers as c on o.customer_id = c.customer_id;\n"
        "insert into dw.fact_sales (select sale_id, amount from staging.late_sales);\n",
        encoding="utf-8",
    )
    return sql


def _edges(run_stdout: str) -> set[tuple[str | None, str, str, str | None]]:
    return {(e["source_table"], e["source_column"], e["target_table"], e["target_column"]) for e in json.loads(run_stdout)}


def test_ctes_without_a_query_are_counted_warnings_and_never_tables(tmp_path: Path) -> None:
    _folder(tmp_path)
    run = run_lineage("scan: failed CTE, forward CTE, WITH before INSERT, UPDATE alias", "scan", "sql", "--store", "st", "--dialect", "tsql", cwd=tmp_path)
    assert run.exit_code == 0
    assert run.lines() == [
        f"sql/daily.sql:1: {FAILED_CTE}",
        f"sql/weekly.sql:1: {FORWARD}",
        "Scanned 3 files, 5 statements; 2 warnings; 15 edges written.",
    ]
    daily = run_lineage("extract: a CTE a failed template left as NULL", "extract", "sql/daily.sql", "--dialect", "tsql", cwd=tmp_path)
    assert {source for source, *_ in _edges(daily.stdout)} == {None, "analytics.orders"}  # never a table 'days'
    weekly = run_lineage("extract: a CTE read before it is defined", "extract", "sql/weekly.sql", "--dialect", "tsql", cwd=tmp_path)
    assert {source for source, *_ in _edges(weekly.stdout)} == {None}  # never a table 'daily'


def test_writes_trace_through_a_leading_with_parentheses_and_update_aliases(tmp_path: Path) -> None:
    _folder(tmp_path)
    run = run_lineage("extract: WITH before INSERT, UPDATE alias FROM, INSERT (SELECT)", "extract", "sql/load.sql", "--dialect", "tsql", cwd=tmp_path)
    # the last INSERT names no columns and no DDL gives them: said once, mapped by name
    assert (run.exit_code, run.lines()) == (0, ["sql/load.sql:5: columns of 'dw.fact_sales' are unknown: mapped by output name (add its DDL or --schema)"])
    assert _edges(run.stdout) == {
        ("staging.sales", "status", "dw.fact_sales", None),
        ("staging.sales", "sale_id", "dw.fact_sales", "sale_id"),
        ("staging.sales", "amount", "dw.fact_sales", "amount"),
        ("sales.orders", "customer_id", "sales.orders", None),
        ("sales.customers", "customer_id", "sales.orders", None),
        ("sales.customers", "city", "sales.orders", "ship_city"),
        ("staging.late_sales", "sale_id", "dw.fact_sales", "sale_id"),
        ("staging.late_sales", "amount", "dw.fact_sales", "amount"),
    }


def test_five_hundred_unaliased_derived_tables_joined_using_one_key(tmp_path: Path) -> None:
    """Unnamed derived tables once collided ('Alias already used') and lost the statement; naming them
    and finding the USING key's holders stay linear-ish in the joins."""
    tables = 500
    derived = [f"(select id, v{i} from s{i})" for i in range(tables)]
    sql = "select id, " + ", ".join(f"v{i}" for i in range(tables)) + " from " + derived[0] + "".join(f" join {d} using (id)" for d in derived[1:]) + ";\n"
    (tmp_path / "wide_using.sql").write_text(sql, encoding="utf-8")
    run = run_lineage("extract: 500 unaliased derived tables joined USING (id)", "extract", "wide_using.sql", "--dialect", "bigquery", cwd=tmp_path)
    assert (run.exit_code, run.stderr) == (0, "")
    edges = _edges(run.stdout)
    assert {e for e in edges if e[3] == "id"} == {(f"s{i}", "id", "wide_using", "id") for i in range(tables)}
    assert {e for e in edges if e[3] is None} == {(f"s{i}", "id", "wide_using", None) for i in range(tables)}
    assert len(edges) == 3 * tables
