-- dialect: postgres
-- Ordered-set aggregates (Postgres "Aggregate Functions"): percentile_cont(0.5) WITHIN GROUP (ORDER
-- BY x) aggregates x, and no column else; string_agg(s, ',' ORDER BY c) / WITHIN GROUP (ORDER BY c)
-- aggregates s in c's order.
CREATE TABLE orders (id int, customer_id int, order_value numeric, status text);

CREATE TABLE customer_stats AS
SELECT customer_id,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY order_value) AS median_value,
       mode() WITHIN GROUP (ORDER BY status) AS usual_status,
       string_agg(status, ',' ORDER BY id) AS statuses
FROM orders
GROUP BY customer_id;
