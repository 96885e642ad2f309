-- dialect: databricks
CREATE OR REPLACE PROCEDURE main.sales.refresh_orders(IN p_day DATE)
LANGUAGE SQL
SQL SECURITY INVOKER
AS BEGIN
  INSERT INTO main.sales.daily_orders (order_day, order_count)
  SELECT order_date, COUNT(order_id) FROM main.raw.orders WHERE order_date = p_day GROUP BY order_date;
  check_latest: BEGIN
    DECLARE v_max DATE DEFAULT (SELECT MAX(order_date) FROM main.raw.orders);
    IF v_max IS NULL THEN
      SIGNAL SQLSTATE '45000';
    ELSE
      INSERT INTO main.sales.latest_day (last_day) SELECT v_max;
    END IF;
    WHILE v_max > p_day DO
      SET v_max = v_max - INTERVAL 1 DAY;
    END WHILE;
  END check_latest;
END;
