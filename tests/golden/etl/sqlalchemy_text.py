"""SQLAlchemy: text() passed straight to execute, held in a variable, or built and run elsewhere."""

import sqlalchemy as sa
from sqlalchemy import text


def refresh(engine, since):
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO mart.active (customer_id) SELECT customer_id FROM app.orders WHERE created_at >= :since"), {"since": since})
        stmt = sa.text("DELETE FROM mart.stale WHERE customer_id IN (SELECT customer_id FROM app.customers WHERE deleted)")
        conn.execute(stmt)


QUERIES = {
    "segments": text("SELECT segment, COUNT(*) AS n FROM app.customers GROUP BY segment"),
}
label = text("hello world")  # not SQL
