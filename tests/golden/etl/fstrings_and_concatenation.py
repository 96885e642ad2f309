"""SQL built in Python: constants, +, f-strings, .format(), % and dedent; run-time values become placeholders."""

import textwrap

SCHEMA = "mart"
DAYS = 30


def build(cursor, table, threshold, cfg):
    cursor.execute("INSERT INTO " + SCHEMA + ".big_orders SELECT order_id, order_value FROM app.orders WHERE order_value > " + str(threshold))
    cursor.execute(f"INSERT INTO {SCHEMA}.recent SELECT order_id FROM app.orders WHERE created_at >= current_date - {DAYS} AND region = '{cfg['region']}'")
    cursor.execute(f"INSERT INTO {table} SELECT customer_id, email FROM app.customers")
    cursor.execute(f"INSERT INTO mart.by_region_{cfg['region']} SELECT customer_id FROM app.customers WHERE country = {cfg['country']}")
    cursor.execute("INSERT INTO {schema}.payments SELECT payment_id, amount FROM {source} WHERE amount > {min}".format(schema=SCHEMA, source="app.payments", min=threshold))
    cursor.execute("INSERT INTO %s.refunds SELECT payment_id, amount FROM app.payments WHERE status = '%s'" % (SCHEMA, "refunded"))
    cursor.execute(textwrap.dedent("""
        INSERT INTO mart.customers_copy
        SELECT customer_id,
               email
        FROM app.customers
    """).strip())
