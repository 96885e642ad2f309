-- Mart: one row per customer with everything support, CRM and growth need to know.
--
-- Owned by Customer Insights. Profile columns come straight from the CRM (staging.stg_customers);
-- order history comes from the nightly ETL. Value-based columns (lifetime value, value tier,
-- country share and rank, last order value) follow the USD order value; profile, tenure and
-- order-count columns do not. By design this view never filters or joins on a money column, so
-- a problem with order values cannot remove customers from it.

CREATE VIEW mart.customer_360 AS
WITH ranked_orders AS (
    SELECT
        e.customer_id,
        e.order_id,
        e.order_value_usd,
        e.payment_method,
        ROW_NUMBER() OVER (PARTITION BY e.customer_id ORDER BY e.created_at DESC, e.order_id DESC) AS recency_rank
    FROM intermediate.orders_enriched AS e
),
latest_order AS (
    SELECT
        r.customer_id,
        r.order_id         AS last_order_id,
        r.order_value_usd  AS last_order_value_usd,
        r.payment_method   AS last_payment_method
    FROM ranked_orders AS r
    WHERE r.recency_rank = 1
)
SELECT
    c.customer_id,
    c.email,
    c.country,
    c.signup_date,
    c.segment                          AS crm_segment,
    CURRENT_DATE - c.signup_date       AS tenure_days,
    COALESCE(co.order_count, 0)        AS order_count,
    co.first_order_date,
    co.last_order_date,
    COALESCE(co.lifetime_value_usd, 0) AS lifetime_value_usd,
    CASE
        WHEN co.lifetime_value_usd >= 10000 THEN 'platinum'
        WHEN co.lifetime_value_usd >= 1000  THEN 'gold'
        WHEN co.lifetime_value_usd > 0      THEN 'active'
        ELSE 'prospect'
    END                                AS value_tier,
    ROUND(co.lifetime_value_usd / NULLIF(SUM(co.lifetime_value_usd) OVER (PARTITION BY c.country), 0), 6)
                                       AS country_value_share,
    RANK() OVER (PARTITION BY c.country ORDER BY co.lifetime_value_usd DESC NULLS LAST)
                                       AS country_value_rank,
    lo.last_order_id,
    lo.last_order_value_usd,
    lo.last_payment_method
FROM staging.stg_customers AS c
LEFT JOIN intermediate.customer_orders AS co
    ON co.customer_id = c.customer_id
LEFT JOIN latest_order AS lo
    ON lo.customer_id = c.customer_id;
