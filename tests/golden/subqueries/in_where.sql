SELECT p.payment_id, p.amount
FROM app.payments p
WHERE p.order_id IN (SELECT o.order_id FROM app.orders o WHERE o.status = 'paid')
  AND EXISTS (SELECT 1 FROM app.customers c WHERE c.customer_id = p.customer_id AND c.country = 'DE');
