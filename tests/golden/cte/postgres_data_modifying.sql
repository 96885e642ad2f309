-- dialect: postgres
-- Data-modifying statements in WITH (Postgres's manual, 7.8.4): each body writes its table, and the CTE's rows
-- are what its RETURNING gives: an UPDATE's assigned columns their new values, an INSERT's its query's values.
CREATE TABLE products (product_id INT, price NUMERIC, category TEXT);
WITH t AS (
    UPDATE products SET price = price * 1.05 FROM price_rules r WHERE r.category = products.category
    RETURNING products.product_id, price
)
INSERT INTO price_history (product_id, new_price) SELECT product_id, price FROM t;
WITH ins AS (
    INSERT INTO audit.orders (order_id, amount) SELECT o.id, o.total FROM staging.orders o WHERE o.ok
    RETURNING order_id, amount AS logged_amount
)
INSERT INTO audit.order_counts (n, total) SELECT COUNT(order_id), SUM(logged_amount) FROM ins;
-- RETURNING * of an UPDATE would give each assigned column its old value: unresolved, and said
WITH upd AS (UPDATE products SET price = 0 WHERE category = 'free' RETURNING *)
INSERT INTO price_history SELECT * FROM upd;
