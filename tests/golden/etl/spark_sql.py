"""Spark: spark.sql with f-strings, temporary views, and DataFrames saved as tables."""

from pyspark.sql import SparkSession

TARGET = "ml.features"
spark = SparkSession.builder.getOrCreate()


def run(run_date, region):
    spark.sql("""
        CREATE OR REPLACE TEMPORARY VIEW recent AS
        SELECT order_id, customer_id, order_date, order_value FROM reporting.orders
    """)
    features = spark.sql(f"""
        SELECT customer_id, AVG(order_value) AS avg_value
        FROM recent
        WHERE order_date >= '{run_date}'
        GROUP BY customer_id
    """)
    features.write.mode("overwrite").saveAsTable(TARGET)
    totals = spark.sql("SELECT customer_id, SUM(order_value) AS total FROM recent GROUP BY customer_id")
    totals.write.insertInto("ml.totals")
    spark.sql(f"INSERT OVERWRITE TABLE sales_{region}.summary SELECT customer_id, total FROM ml.totals")
    preview = spark.sql("SELECT customer_id FROM ml.features")
    return preview
