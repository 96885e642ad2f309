"""DB-API cursors: execute, executemany, pyformat parameters, SQL held in variables."""

import psycopg2

ORDERS = "app.orders"
LOAD_TOTALS = """
    INSERT INTO mart.customer_totals (customer_id, total)
    SELECT customer_id, SUM(order_value) FROM app.orders GROUP BY customer_id
"""


def load(conn, day):
    cursor = conn.cursor()
    cursor.execute(LOAD_TOTALS)
    cursor.execute(
        "INSERT INTO mart.daily (day, revenue) "
        "SELECT %(day)s, SUM(o.order_value) FROM app.orders o WHERE o.created_at >= %(day)s AND o.note <> '100%%'",
        {"day": day},
    )
    cursor.executemany("INSERT INTO audit.seen (order_id) SELECT order_id FROM app.orders WHERE customer_id = %s", [(1,), (2,)])
    local_sql = "UPDATE mart.customers SET segment = s.segment FROM app.customers s WHERE s.customer_id = mart.customers.customer_id"
    cursor.execute(local_sql)
    cursor.execute("ls -la")  # not SQL: a remote shell's execute, ignored
    rows = cursor.execute(f"SELECT order_id, order_value FROM {ORDERS} WHERE status = 'paid'").fetchall()
    return rows
