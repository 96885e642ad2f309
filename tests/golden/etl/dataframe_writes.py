"""Tables written from DataFrames no SQL built: the PySpark DataFrame API (spark.table, join,
withColumn, select) and pandas frames made in Python. The lineage into them is not read, so each
write is one warning whose words (the target, and every string of the file) let answers reaching
those tables say they may be incomplete. A DataFrame from spark.sql is still linked to its write."""

import pandas as pd
from pyspark.sql import SparkSession
from pyspark.sql import functions as F

spark = SparkSession.builder.getOrCreate()

orders = spark.table("raw.orders")
customers = spark.read.table("raw.customers")
enriched = (
    orders.join(customers, orders.customer_id == customers.id, "left")
    .withColumn("amount_usd", F.col("amount") * F.col("fx_rate"))
    .select("order_id", "amount_usd", customers.country)
)
enriched.write.mode("overwrite").saveAsTable("mart.paid_orders")

totals = spark.sql("SELECT country, SUM(amount_usd) AS total FROM mart.paid_orders GROUP BY country")
totals.write.insertInto("mart.country_totals")

targets = pd.DataFrame({"country": ["NL"], "target_usd": [1000]})
targets.to_sql("revenue_targets", con=None, schema="finance", if_exists="replace")
