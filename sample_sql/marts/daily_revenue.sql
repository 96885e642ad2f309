-- Mart: daily revenue by country.
--
-- Owned by Revenue Analytics; rebuilt from scratch after the nightly ETL (the scheduler drops
-- the previous build first). The single source of truth for "revenue" in company reporting: the
-- executive revenue dashboard and the finance month-end pack read this table. Revenue counts paid, shipped and delivered orders, in USD at the order date's
-- rate; the country is the customer's billing country.

CREATE TABLE mart.daily_revenue AS
SELECT
    e.order_date,
    c.country,
    COUNT(DISTINCT e.order_id)     AS order_count,
    COUNT(DISTINCT e.customer_id)  AS customer_count,
    SUM(e.order_value_usd)         AS revenue_usd,
    ROUND(SUM(e.order_value_usd) / NULLIF(COUNT(DISTINCT e.order_id), 0), 2)  AS avg_order_value_usd
FROM intermediate.orders_enriched AS e
JOIN staging.stg_customers AS c
    ON c.customer_id = e.customer_id
WHERE e.status IN ('paid', 'shipped', 'delivered')
GROUP BY e.order_date, c.country;
