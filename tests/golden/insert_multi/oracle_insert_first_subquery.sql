-- dialect: oracle
INSERT FIRST
  WHEN customer_id IN (SELECT customer_id FROM crm.vip) THEN INTO sales.vip_orders (order_id) VALUES (order_id)
  ELSE INTO sales.other_orders (order_id) VALUES (order_id)
SELECT order_id, customer_id FROM oe.orders;
