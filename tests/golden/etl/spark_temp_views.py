"""Spark temporary views registered from DataFrames (createOrReplaceTempView, createTempView,
registerTempTable, createOrReplaceGlobalTempView) and read by later spark.sql: a view of a spark.sql
result is that query as a view; a view of a DataFrame built by the DataFrame API is one warning."""

from pyspark.sql import SparkSession

spark = SparkSession.builder.getOrCreate()

orders = spark.table("raw.orders")
orders.createOrReplaceTempView("orders_v")

recent = spark.sql("SELECT id, amount, customer_id FROM raw.orders WHERE ds >= '2024-01-01'")
recent.createOrReplaceTempView("recent")

customers = spark.sql("SELECT id, country FROM raw.customers")
customers.createOrReplaceGlobalTempView("customers_g")

spark.sql("""
    INSERT INTO mart.recent_by_country
    SELECT c.country, SUM(r.amount) AS amount, COUNT(o.id) AS orders
    FROM recent AS r
    JOIN global_temp.customers_g AS c ON c.id = r.customer_id
    JOIN orders_v AS o ON o.id = r.id
    GROUP BY c.country
""")
