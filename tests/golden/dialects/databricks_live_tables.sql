-- dialect: databricks
-- Delta Live Tables SQL (Databricks' DLT SQL reference): LIVE.name is the pipeline's own table, STREAM(t) reads
-- t's new rows, and a LIVE / STREAMING table or (temporary) live view is the table or view it defines.
CREATE OR REFRESH STREAMING TABLE raw_orders AS SELECT * FROM STREAM read_files('/data/orders', format => 'json');
CREATE OR REFRESH LIVE TABLE clean_orders AS SELECT id, amount, customer_id FROM LIVE.raw_orders WHERE amount > 0;
CREATE TEMPORARY LIVE VIEW big_orders AS SELECT o.id, o.amount FROM STREAM(LIVE.clean_orders) AS o WHERE o.amount > 1000;
CREATE OR REFRESH STREAMING TABLE flagged AS SELECT id FROM STREAM LIVE.big_orders;
CREATE OR REFRESH MATERIALIZED VIEW daily_totals AS SELECT customer_id, SUM(amount) AS total FROM LIVE.clean_orders GROUP BY customer_id;
-- expectations: a row failing one ON VIOLATION DROP ROW never lands (a filter); others only count rows
CREATE OR REFRESH STREAMING TABLE valid_orders (
  CONSTRAINT valid_id EXPECT (id IS NOT NULL) ON VIOLATION DROP ROW,
  CONSTRAINT positive EXPECT (amount > 0)
) COMMENT 'orders that passed their checks' AS SELECT id, amount FROM STREAM(LIVE.raw_orders);
CREATE OR REFRESH LIVE TABLE typed_orders (id BIGINT, amount DECIMAL(10, 2), CONSTRAINT known_customer EXPECT (customer_id IS NOT NULL) ON VIOLATION FAIL UPDATE)
AS SELECT id, amount FROM LIVE.clean_orders;
