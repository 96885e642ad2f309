-- schema: {"app.orders": ["order_id", "order_value"]}
WITH o AS (SELECT * FROM app.orders)
SELECT * FROM o;
