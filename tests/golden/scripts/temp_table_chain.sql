CREATE TEMPORARY TABLE tmp_paid AS SELECT order_id, order_value FROM app.orders WHERE status = 'paid';
CREATE VIEW mart.paid_orders AS SELECT * FROM tmp_paid;
INSERT INTO mart.paid_totals (total) SELECT SUM(order_value) FROM tmp_paid;
