-- dialect: postgres
CREATE VIEW mart.order_counts AS
SELECT count(*) AS orders, count(DISTINCT customer_id) AS customers, count(1) AS also_orders
FROM app.orders;
CREATE VIEW mart.repeat_customers AS
SELECT o.customer_id, count(o.*) AS orders, count(p.*) AS payments
FROM app.orders AS o
LEFT JOIN app.payments AS p ON p.order_id = o.order_id
GROUP BY o.customer_id
HAVING count(*) > 1;
CREATE VIEW mart.customers_with_orders AS
SELECT c.customer_id
FROM app.customers AS c
WHERE EXISTS (SELECT 1 FROM app.orders AS o WHERE o.customer_id = c.customer_id);
CREATE VIEW mart.event_count AS
WITH events AS (
  SELECT order_id FROM app.orders
  UNION ALL
  SELECT order_id FROM app.refunds
)
SELECT count(*) AS events FROM events;
