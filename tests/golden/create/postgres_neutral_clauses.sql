-- dialect: postgres
-- Clauses from the Postgres reference that change no column's lineage (WITH [NO] DATA, WITH CHECK
-- OPTION, ON COMMIT, OVERRIDING ... VALUE): the statements are read as without them.
CREATE TABLE orders (id int, customer_id int, order_value numeric);

CREATE MATERIALIZED VIEW order_totals AS
SELECT customer_id, sum(order_value) AS total FROM orders GROUP BY customer_id
WITH NO DATA;

CREATE VIEW big_orders AS SELECT id, order_value FROM orders WHERE order_value > 100
WITH CASCADED CHECK OPTION;

CREATE TEMP TABLE scratch ON COMMIT DROP AS SELECT id FROM orders;

INSERT INTO orders_copy OVERRIDING SYSTEM VALUE SELECT id, customer_id, order_value FROM orders;

-- a CTE named data is no WITH DATA clause
WITH data AS (SELECT id FROM orders) INSERT INTO ids SELECT id FROM data;
