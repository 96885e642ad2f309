"""Nightly order facts for reporting (Data Platform team), an Airflow DAG that runs at 02:00 UTC.

1. load_order_facts copies every order changed in the last few days from the CDC replica
   (app.orders) into reporting.order_facts (sql/load_order_facts.sql),
2. refresh_customer_value rebuilds today's per-customer totals from it,
3. audit_row_counts records how many facts were loaded.

This is the job that loaded NULL order values for a night after the orders service renamed
app.orders.order_value: nothing failed, and the fraud scoring job (sample_sql/spark/) read them.
"""

from __future__ import annotations

from datetime import datetime

from airflow import DAG
from airflow.operators.python import PythonOperator
from airflow.providers.common.sql.operators.sql import SQLExecuteQueryOperator
from airflow.providers.postgres.hooks.postgres import PostgresHook
from airflow.providers.postgres.operators.postgres import PostgresOperator

REPORTING_SCHEMA = "reporting"


def audit_row_counts(ds: str, **_: object) -> None:
    hook = PostgresHook(postgres_conn_id="warehouse")
    with hook.get_conn() as conn, conn.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {REPORTING_SCHEMA}.etl_audit (run_date, table_name, row_count) "
            "SELECT %(run_date)s, 'reporting.order_facts', COUNT(*) FROM reporting.order_facts",
            {"run_date": ds},
        )


with DAG(
    dag_id="nightly_order_facts",
    start_date=datetime(2024, 1, 1),
    schedule="0 2 * * *",
    catchup=False,
    template_searchpath=["sql"],
) as dag:
    load_order_facts = SQLExecuteQueryOperator(
        task_id="load_order_facts",
        conn_id="warehouse",
        sql="load_order_facts.sql",
        params={"lookback_days": 3},
    )

    refresh_customer_value = PostgresOperator(
        task_id="refresh_customer_value",
        postgres_conn_id="warehouse",
        sql=[
            "DELETE FROM reporting.customer_order_value WHERE snapshot_date = '{{ ds }}'",
            """
            INSERT INTO reporting.customer_order_value (snapshot_date, customer_id, order_count, total_order_value)
            SELECT DATE '{{ ds }}', f.customer_id, COUNT(*), SUM(f.order_value)
            FROM reporting.order_facts AS f
            GROUP BY f.customer_id
            """,
        ],
    )

    audit = PythonOperator(task_id="audit_row_counts", python_callable=audit_row_counts)

    load_order_facts >> refresh_customer_value >> audit
