-- dialect: bigquery
DECLARE cutoff DATE DEFAULT (SELECT MAX(order_date) FROM shop.orders);
DECLARE batch_size INT64 DEFAULT 100;
BEGIN
  INSERT INTO mart.latest_orders (order_id, loaded_for)
  SELECT order_id, cutoff FROM shop.orders WHERE order_date = cutoff LIMIT 100;
  WHILE batch_size > 0 DO
    INSERT INTO mart.batches (batch_rows) SELECT SUM(quantity) FROM shop.order_items;
    SET batch_size = batch_size - 1;
  END WHILE;
EXCEPTION WHEN ERROR THEN
  INSERT INTO mart.errors (message, failed_for) SELECT @@error.message, cutoff;
END;
BEGIN TRANSACTION;
INSERT INTO mart.order_ids (order_id) SELECT order_id FROM shop.orders;
COMMIT TRANSACTION;
