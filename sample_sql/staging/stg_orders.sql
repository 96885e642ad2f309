-- Staging: cleaned orders.
--
-- Owned by the Data Platform team. A thin view over the replicated app.orders: normalises codes,
-- derives the order date and drops the QA team's test orders. No business logic lives here; the
-- nightly ETL (etl/nightly_orders.sql) reads this view, never app.orders directly.

CREATE VIEW staging.stg_orders AS
SELECT
    o.order_id,
    o.customer_id,
    o.order_value,
    UPPER(o.currency)           AS currency_code,
    LOWER(o.status)             AS status,
    CAST(o.created_at AS DATE)  AS order_date,
    o.created_at,
    o.updated_at
FROM app.orders AS o
WHERE o.status <> 'test';
