-- Task load_order_facts of nightly_orders_dag.py: reload the order facts of the last
-- {{ params.lookback_days }} days (late CDC updates), in the order's own currency.

DELETE FROM reporting.order_facts
WHERE updated_at >= DATE '{{ ds }}' - INTERVAL '{{ params.lookback_days }} days';

INSERT INTO reporting.order_facts (order_id, customer_id, order_date, order_value, currency, status, updated_at)
SELECT
    o.order_id,
    o.customer_id,
    CAST(o.created_at AS DATE),
    o.order_value,
    o.currency,
    o.status,
    o.updated_at
FROM app.orders AS o
WHERE o.updated_at >= DATE '{{ ds }}' - INTERVAL '{{ params.lookback_days }} days'
  AND o.status <> 'test';
