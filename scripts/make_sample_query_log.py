"""Writes sample_sql/query_logs/snowflake_query_history.csv: a month of the sample warehouse's query history, in the columns of
Snowflake's ACCOUNT_USAGE.QUERY_HISTORY joined with ACCESS_HISTORY on QUERY_ID (BASE_OBJECTS_ACCESSED,
OBJECTS_MODIFIED; empty where ACCESS_HISTORY had no row yet, as it lags). Run it again to regenerate:
`python scripts/make_sample_query_log.py`. Nothing here is random: every figure is the loops' arithmetic.
"""

from __future__ import annotations

import csv
import json
from datetime import datetime, timedelta
from pathlib import Path

COLUMNS = ["QUERY_ID", "QUERY_TEXT", "DATABASE_NAME", "SCHEMA_NAME", "QUERY_TYPE", "USER_NAME", "ROLE_NAME", "WAREHOUSE_NAME",
           "EXECUTION_STATUS", "START_TIME", "END_TIME", "QUERY_TAG", "BASE_OBJECTS_ACCESSED", "OBJECTS_MODIFIED"]
START = datetime(2026, 11, 1, 6, 0)
ORDERS = "ANALYTICS.APP.ORDERS"


def accessed(columns: list[str]) -> str:
    return json.dumps([{"objectDomain": "Table", "objectName": ORDERS, "columns": [{"columnName": c} for c in columns]}])


def main() -> None:
    rows: list[list[str]] = []

    def add(text: str, kind: str, user: str, role: str, wh: str, when: datetime, tag: str = "", status: str = "SUCCESS", base: str = "", modified: str = "") -> None:
        end = when + timedelta(seconds=4)
        rows.append([f"01b9{len(rows):06x}", text, "ANALYTICS", "APP", kind, user, role, wh, status,
                     when.strftime("%Y-%m-%d %H:%M:%S.000 -0800"), end.strftime("%Y-%m-%d %H:%M:%S.000 -0800"), tag, base, modified])

    # the Tableau extract of the finance workbook: four refreshes a day, outside any repository
    extract = ["ORDER_ID", "CUSTOMER_ID", "ORDER_VALUE", "CURRENCY", "CREATED_AT"]
    for day in range(30):
        for hour in (0, 6, 12, 18):
            when = START + timedelta(days=day, hours=hour)
            since = (when - timedelta(days=90)).strftime("%Y-%m-%d")
            add(f"SELECT \"ORDER_ID\", \"CUSTOMER_ID\", \"ORDER_VALUE\", \"CURRENCY\", \"CREATED_AT\"\nFROM \"ANALYTICS\".\"APP\".\"ORDERS\"\nWHERE \"CREATED_AT\" >= '{since}'",
                "SELECT", "SVC_TABLEAU", "REPORTER", "BI_WH", when, "tableau-finance-extract", base=accessed(extract) if day < 29 else "")
    # an analyst's notebook: revenue by currency, on weekdays
    for day in range(0, 28, 1):
        when = START + timedelta(days=day, hours=3, minutes=17)
        if when.weekday() < 5:
            add(f"-- notebook: revenue by currency\nselect currency, sum(order_value) as revenue\nfrom app.orders\nwhere status <> 'test' and created_at >= '{when:%Y-%m-01}'\ngroup by currency",
                "SELECT", "ANA_LOPEZ", "ANALYST", "ADHOC_WH", when, "jupyter")
    # the nightly Airflow task load_order_facts (sample_sql/airflow/sql/load_order_facts.sql), as it ran
    for day in range(30):
        when = START + timedelta(days=day, hours=-4)
        ds = when.strftime("%Y-%m-%d")
        add(f"INSERT INTO reporting.order_facts (order_id, customer_id, order_date, order_value, currency, status, updated_at)\nSELECT o.order_id, o.customer_id, CAST(o.created_at AS DATE), o.order_value, o.currency, o.status, o.updated_at\nFROM app.orders AS o\nWHERE o.updated_at >= DATE '{ds}' - INTERVAL '3 days' AND o.status <> 'test'",
            "INSERT", "SVC_AIRFLOW", "TRANSFORMER", "ETL_WH", when, "airflow:nightly_orders")
    # the nightly rebuild of mart.daily_revenue (sample_sql/marts/daily_revenue.sql) after the ETL, at 03:30; twice the
    # ETL ran late and the build with it: its refresh intervals are what the scorecard's freshness measures
    build = (Path(__file__).resolve().parent.parent / "sample_sql" / "marts" / "daily_revenue.sql").read_text(encoding="utf-8")
    build = build[build.index("CREATE TABLE"):].rstrip().rstrip(";")
    late = {11: timedelta(hours=6, minutes=15), 23: timedelta(hours=7, minutes=30)}
    for day in range(30):
        when = START + timedelta(days=day, hours=-2, minutes=-30) + late.get(day, timedelta())
        add(build, "CREATE_TABLE_AS_SELECT", "SVC_ETL", "TRANSFORMER", "ETL_WH", when, "etl:nightly_orders")
    # what else a query history holds: a session command, a failed query, a query cut off mid-text
    add("ALTER SESSION SET TIMEZONE = 'UTC'", "ALTER_SESSION", "SVC_TABLEAU", "REPORTER", "BI_WH", START)
    add("SELECT order_valu FROM app.orders", "SELECT", "ANA_LOPEZ", "ANALYST", "ADHOC_WH", START + timedelta(days=2), "jupyter", status="FAILED_WITH_ERROR")
    add("SELECT currency, sum(order_value) FROM app.orders WHERE (status", "SELECT", "ANA_LOPEZ", "ANALYST", "ADHOC_WH", START + timedelta(days=3), "jupyter", status="SUCCESS")
    with open(Path(__file__).resolve().parent.parent / "sample_sql" / "query_logs" / "snowflake_query_history.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(COLUMNS)
        writer.writerows(rows)


if __name__ == "__main__":
    main()
