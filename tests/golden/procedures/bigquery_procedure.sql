-- dialect: bigquery
CREATE OR REPLACE PROCEDURE mart.refresh_customer_value(run_date DATE)
BEGIN
  CREATE TEMP TABLE recent AS
  SELECT customer_id, order_value FROM shop.orders WHERE order_date = run_date;
  IF (SELECT COUNT(*) FROM recent) > 0 THEN
    INSERT INTO mart.customer_value (customer_id, total_value)
    SELECT customer_id, SUM(order_value) FROM recent GROUP BY customer_id;
  ELSEIF run_date IS NULL THEN
    RETURN;
  ELSE
    INSERT INTO mart.load_gaps (gap_date) SELECT MAX(order_date) FROM shop.orders;
  END IF;
  EXECUTE IMMEDIATE 'INSERT INTO mart.audit (customer_id) SELECT customer_id FROM shop.customers';
  EXECUTE IMMEDIATE FORMAT('DELETE FROM %s WHERE TRUE', 'mart.audit');
END;
