CREATE TABLE mart.order_metrics AS
SELECT
  o.order_id,
  o.order_value * fx.usd_rate + o.shipping_fee AS total_usd,
  ROUND(COALESCE(o.discount, 0) / NULLIF(o.order_value, 0), 2) AS discount_ratio,
  UPPER(TRIM(o.status)) AS status_code,
  42 AS constant_col
FROM app.orders o
JOIN app.fx_rates fx ON fx.currency = o.currency;
