"""Fraud scoring features (Fraud ML team): a nightly Spark job, run after the Airflow DAG.

Reads the order facts the Airflow DAG loads (reporting.order_facts) and the dbt model
dbt_mart.customer_order_stats, and writes ml.order_fraud_scores, which the checkout fraud model
reads (dbt exposure fraud_order_value_model). A NULL order value gives a NULL z-score: the model
then scores the order as perfectly ordinary.

    spark-submit fraud_scoring_job.py 2024-05-01
"""

from __future__ import annotations

import sys

from pyspark.sql import SparkSession

LOOKBACK_DAYS = 30
SCORES_TABLE = "ml.order_fraud_scores"


def main(run_date: str) -> None:
    spark = SparkSession.builder.appName("fraud_scoring").enableHiveSupport().getOrCreate()

    spark.sql(f"""
        CREATE OR REPLACE TEMPORARY VIEW recent_orders AS
        SELECT order_id, customer_id, order_date, order_value
        FROM reporting.order_facts
        WHERE order_date >= date_sub(DATE '{run_date}', {LOOKBACK_DAYS})
    """)

    scores = spark.sql("""
        SELECT
            r.order_id,
            r.customer_id,
            r.order_value,
            (r.order_value - s.avg_order_value) / NULLIF(s.stddev_order_value, 0) AS order_value_zscore,
            s.card_share
        FROM recent_orders AS r
        JOIN dbt_mart.customer_order_stats AS s
            ON s.customer_id = r.customer_id
    """)

    scores.write.mode("overwrite").saveAsTable(SCORES_TABLE)


if __name__ == "__main__":
    main(sys.argv[1])
