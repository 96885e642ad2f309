"""pandas: read_sql / read_sql_query, keyword and positional SQL, and DataFrame.to_sql (with its schema= apart)."""

import pandas as pd
from pandas import read_sql_query


def extract(engine):
    orders = pd.read_sql("SELECT order_id, order_value FROM app.orders WHERE status = 'paid'", engine)
    customers = read_sql_query(sql="SELECT c.customer_id, c.country FROM app.customers AS c", con=engine, params={"x": 1})
    enriched = pd.read_sql_query(
        "SELECT o.order_id, o.order_value * fx.usd_rate AS value_usd FROM app.orders o JOIN app.fx_rates fx ON fx.currency = o.currency",
        engine,
    )
    enriched.to_sql("reporting.orders_usd", engine, if_exists="replace")
    paid = pd.read_sql("SELECT order_id, order_value FROM app.orders WHERE status = 'paid'", engine)
    paid.to_sql("paid_orders", engine, schema="staging", if_exists="append", index=False)
    return orders, customers
