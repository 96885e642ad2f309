-- dialect: oracle
INSERT ALL
  WHEN order_total < 1000 THEN INTO sales.small_orders (order_id, total) VALUES (order_id, order_total)
  WHEN order_total >= 1000 THEN INTO sales.large_orders (order_id, total) VALUES (order_id, order_total)
SELECT order_id, order_total FROM oe.orders;
