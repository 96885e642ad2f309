SELECT o.order_id, c.email, p.amount, s.carrier, r.reason
FROM app.orders o
LEFT JOIN app.customers c ON c.customer_id = o.customer_id
RIGHT JOIN app.payments p ON p.order_id = o.order_id
FULL OUTER JOIN app.shipments s ON s.order_id = o.order_id
INNER JOIN app.returns r ON r.order_id = o.order_id AND r.status = 'open'
CROSS JOIN app.settings st;
