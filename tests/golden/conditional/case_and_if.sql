-- dialect: snowflake
SELECT
  CASE WHEN lifetime_value > 1000 THEN 'gold' WHEN order_count > 10 THEN 'silver' ELSE segment END AS tier,
  CASE status WHEN 'paid' THEN amount ELSE 0 END AS paid_amount,
  IFF(is_test, NULL, amount) AS real_amount
FROM mart.customers;
