-- dialect: bigquery
-- A script's variable stays a variable after a temporary function and a procedure are defined, and a
-- procedure's parameters and locals are no variables of the statements after it (BigQuery scripting:
-- DECLARE, CREATE TEMP FUNCTION, CREATE PROCEDURE ... BEGIN ... END).
DECLARE min_quantity INT64 DEFAULT 10;
CREATE TEMP FUNCTION to_usd(amount NUMERIC, rate NUMERIC) AS (amount * rate);
CREATE OR REPLACE PROCEDURE shop.refresh_large_orders(cutoff DATE)
BEGIN
  DECLARE fx NUMERIC DEFAULT 1.1;
  INSERT INTO shop.large_orders (order_id, total_usd)
  SELECT order_id, to_usd(total, fx) FROM shop.orders WHERE order_date > cutoff;
END;
CREATE OR REPLACE TABLE shop.order_review AS
SELECT order_id, fx, cutoff FROM shop.orders WHERE quantity >= min_quantity;
