"""Airflow SQL operators: inline SQL, lists of statements, Jinja, and BigQuery job configurations."""

from airflow import DAG
from airflow.providers.common.sql.operators.sql import SQLExecuteQueryOperator
from airflow.providers.google.cloud.operators.bigquery import BigQueryInsertJobOperator
from airflow.providers.postgres.operators.postgres import PostgresOperator
from airflow.providers.snowflake.operators.snowflake import SnowflakeOperator

with DAG(dag_id="operators") as dag:
    generic = SQLExecuteQueryOperator(
        task_id="generic",
        sql="INSERT INTO mart.daily (day, revenue) SELECT DATE '{{ ds }}', SUM(order_value) FROM app.orders WHERE created_at >= '{{ ds }}'",
    )
    postgres = PostgresOperator(
        task_id="postgres",
        sql=[
            "DELETE FROM mart.customers",
            """
            INSERT INTO mart.customers (customer_id, segment)
            SELECT customer_id, {{ params.segment_expr }}
            FROM app.customers
            WHERE signup_date < '{{ macros.ds_add(ds, -params.days) }}'
            """,
        ],
        params={"days": 7},
    )
    snowflake = SnowflakeOperator(
        task_id="snowflake",
        sql="CREATE OR REPLACE TABLE analytics.orders_copy AS SELECT ORDER_ID, ORDER_VALUE FROM RAW.ORDERS",
    )
    bigquery = BigQueryInsertJobOperator(
        task_id="bigquery",
        configuration={
            "query": {
                "query": "INSERT INTO `proj.mart.events` (user_id, n) SELECT user_id, COUNT(*) FROM `proj.raw.events` WHERE _PARTITIONDATE = '{{ ds }}' GROUP BY user_id",
                "useLegacySql": False,
            }
        },
    )
    check = SQLExecuteQueryOperator(task_id="row_check", sql="SELECT COUNT(*) AS n, MAX(order_value) AS top FROM app.orders")
