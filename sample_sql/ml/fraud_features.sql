-- ML features: order-level fraud signals (Fraud ML team), rebuilt nightly after the ETL
-- (the scheduler drops the previous build first).
--
-- The checkout fraud model scores each order on how unusual it is for that customer:
--   * order_value_zscore: how far the order's USD value is from the customer's own mean,
--     in standard deviations (a sudden large basket is the strongest single fraud signal);
--   * card_share / is_card_payment: the customer's payment method mix, by number of orders;
--   * customer_order_count, account_age_days: how much history the customer has.

CREATE TABLE mart.fraud_features AS
WITH order_stats AS (
    SELECT
        e.order_id,
        e.customer_id,
        e.created_at,
        e.payment_method,
        e.order_value_usd,
        AVG(e.order_value_usd)         OVER (PARTITION BY e.customer_id)  AS customer_mean_value_usd,
        STDDEV_SAMP(e.order_value_usd) OVER (PARTITION BY e.customer_id)  AS customer_stddev_value_usd,
        COUNT(*)                       OVER (PARTITION BY e.customer_id)  AS customer_order_count,
        AVG(CASE WHEN e.payment_method = 'card' THEN 1.0 ELSE 0.0 END)
                                       OVER (PARTITION BY e.customer_id)  AS card_share
    FROM intermediate.orders_enriched AS e
    WHERE e.status <> 'cancelled'
)
SELECT
    s.order_id,
    s.customer_id,
    s.created_at                                          AS order_created_at,
    s.order_value_usd,
    ROUND((s.order_value_usd - s.customer_mean_value_usd)
          / NULLIF(s.customer_stddev_value_usd, 0), 4)    AS order_value_zscore,
    s.card_share,
    CASE WHEN s.payment_method = 'card' THEN 1 ELSE 0 END AS is_card_payment,
    s.customer_order_count,
    CAST(s.created_at AS DATE) - c.signup_date            AS account_age_days,
    c.country                                             AS customer_country
FROM order_stats AS s
JOIN staging.stg_customers AS c
    ON c.customer_id = s.customer_id;
