-- schema: {"app.orders": ["order_id", "order_value"], "app.order_notes": ["order_id", "note"]}
SELECT order_value, note FROM app.orders NATURAL JOIN app.order_notes;
