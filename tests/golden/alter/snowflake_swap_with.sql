-- dialect: snowflake
-- https://docs.snowflake.com/en/sql-reference/sql/alter-table: SWAP WITH exchanges two tables' contents and metadata.
-- The blue/green rebuild: orders_next is built beside orders, then the two names swap.
CREATE TABLE analytics.orders (order_id INT, order_value NUMBER(12,2));
CREATE TABLE analytics.orders_next AS SELECT id AS order_id, amount_usd AS order_total_usd, placed_at FROM raw.orders;
ALTER TABLE analytics.orders SWAP WITH orders_next;
CREATE VIEW analytics.revenue AS SELECT order_id, order_total_usd, placed_at FROM analytics.orders;
