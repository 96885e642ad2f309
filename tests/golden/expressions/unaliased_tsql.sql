-- dialect: tsql
CREATE VIEW mart.order_totals AS
SELECT customer_id, SUM(order_value), COUNT(*) FROM app.orders GROUP BY customer_id;
CREATE VIEW mart.order_totals_named (customer_id, total, orders) AS
SELECT customer_id, SUM(order_value), COUNT(*) FROM app.orders GROUP BY customer_id;
SELECT customer_id, SUM(order_value) INTO #totals FROM app.orders GROUP BY customer_id;
INSERT INTO mart.totals (customer_id, total) SELECT customer_id, SUM(order_value) FROM app.orders GROUP BY customer_id;
SELECT TOP 10 customer_id, COUNT_BIG(*) FROM app.orders GROUP BY customer_id ORDER BY 2 DESC;
