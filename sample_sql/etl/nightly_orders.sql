-- Nightly orders ETL (runs 01:30 UTC, Data Platform team).
--
-- 1. converts every order changed in the last three days to USD (etl.tmp_orders_usd, a scratch
--    table kept until the next run so on-call can inspect it; the scheduler's pre-run hook drops
--    the previous one),
-- 2. reloads those orders into intermediate.orders_enriched together with their latest payment,
-- 3. upserts per-customer order totals into intermediate.customer_orders.
--
-- Everything revenue-shaped downstream (mart.daily_revenue, mart.customer_360,
-- mart.fraud_features) reads the two intermediate tables filled here.
--
-- Incident note: this script reads staging.stg_orders.order_value. When the Orders Service
-- renamed app.orders.order_value, the CDC replica kept the old column and left it NULL for every
-- new order; `NULL * usd_rate` is NULL, nothing failed, and SUM() downstream skipped the NULLs.

-- Targets of this script, created once.
CREATE TABLE IF NOT EXISTS intermediate.orders_enriched (
    order_id         BIGINT        PRIMARY KEY,
    customer_id      BIGINT        NOT NULL,
    order_date       DATE          NOT NULL,
    status           VARCHAR(16)   NOT NULL,
    currency_code    CHAR(3)       NOT NULL,
    order_value_usd  NUMERIC(14,2),
    payment_method   VARCHAR(16),
    paid_at          TIMESTAMP,
    created_at       TIMESTAMP     NOT NULL,
    loaded_at        TIMESTAMP     NOT NULL
);

CREATE TABLE IF NOT EXISTS intermediate.customer_orders (
    customer_id         BIGINT        PRIMARY KEY,
    first_order_date    DATE,
    last_order_date     DATE,
    order_count         INTEGER       NOT NULL,
    lifetime_value_usd  NUMERIC(16,2),
    updated_at          TIMESTAMP     NOT NULL
);

BEGIN;

-- Step 1: orders changed recently, converted to USD at the rate of the order date.
CREATE TABLE etl.tmp_orders_usd AS
SELECT
    o.order_id,
    o.customer_id,
    o.order_date,
    o.status,
    o.currency_code,
    ROUND(o.order_value * fx.usd_rate, 2)  AS order_value_usd,
    o.created_at
FROM staging.stg_orders AS o
JOIN app.fx_rates AS fx
    ON fx.currency = o.currency_code
   AND fx.rate_date = o.order_date
WHERE o.updated_at >= CURRENT_DATE - INTERVAL '3 days';

-- Step 2: reload those orders, each with its most recent captured payment.
DELETE FROM intermediate.orders_enriched
WHERE order_id IN (SELECT t.order_id FROM etl.tmp_orders_usd AS t);

INSERT INTO intermediate.orders_enriched (
    order_id, customer_id, order_date, status, currency_code,
    order_value_usd, payment_method, paid_at, created_at, loaded_at
)
WITH latest_payment AS (
    SELECT
        p.order_id,
        p.payment_method,
        p.paid_at,
        ROW_NUMBER() OVER (PARTITION BY p.order_id ORDER BY p.paid_at DESC) AS payment_rank
    FROM staging.stg_payments AS p
    WHERE p.payment_status = 'captured'
)
SELECT
    t.order_id,
    t.customer_id,
    t.order_date,
    t.status,
    t.currency_code,
    t.order_value_usd,
    lp.payment_method,
    lp.paid_at,
    t.created_at,
    CURRENT_TIMESTAMP
FROM etl.tmp_orders_usd AS t
LEFT JOIN latest_payment AS lp
    ON lp.order_id = t.order_id
   AND lp.payment_rank = 1;

-- Step 3: per-customer totals over all revenue-bearing orders.
MERGE INTO intermediate.customer_orders AS c
USING (
    SELECT
        e.customer_id,
        MIN(e.order_date)       AS first_order_date,
        MAX(e.order_date)       AS last_order_date,
        COUNT(*)                AS order_count,
        SUM(e.order_value_usd)  AS lifetime_value_usd
    FROM intermediate.orders_enriched AS e
    WHERE e.status IN ('paid', 'shipped', 'delivered')
    GROUP BY e.customer_id
) AS s
ON c.customer_id = s.customer_id
WHEN MATCHED THEN UPDATE SET
    first_order_date   = s.first_order_date,
    last_order_date    = s.last_order_date,
    order_count        = s.order_count,
    lifetime_value_usd = s.lifetime_value_usd,
    updated_at         = CURRENT_TIMESTAMP
WHEN NOT MATCHED THEN INSERT (
    customer_id, first_order_date, last_order_date, order_count, lifetime_value_usd, updated_at
) VALUES (
    s.customer_id, s.first_order_date, s.last_order_date, s.order_count, s.lifetime_value_usd, CURRENT_TIMESTAMP
);

COMMIT;
