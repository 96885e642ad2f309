SELECT customer_id FROM app.orders
INTERSECT
SELECT customer_id FROM app.payments
EXCEPT
SELECT customer_id FROM app.blocked_customers;
