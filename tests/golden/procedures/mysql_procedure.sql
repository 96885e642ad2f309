-- dialect: mysql
CREATE DEFINER=`etl`@`%` PROCEDURE shop.refresh_totals(IN p_day DATE)
BEGIN
  INSERT INTO shop.daily_totals (day, total)
  SELECT DATE(created_at), SUM(amount) FROM shop.payments WHERE DATE(created_at) = p_day GROUP BY DATE(created_at);
  IF p_day IS NULL THEN
    SELECT 'no day' AS message;
  END IF;
  inner_block: BEGIN
    DECLARE v_last DATETIME DEFAULT NULL;
    DECLARE EXIT HANDLER FOR SQLEXCEPTION, NOT FOUND
    BEGIN
      INSERT INTO shop.load_errors (day) SELECT MAX(created_at) FROM shop.payments;
    END;
    SELECT MAX(created_at) INTO v_last FROM shop.payments;
    REPEAT
      UPDATE shop.customers AS c SET c.last_paid = v_last;
    UNTIL v_last IS NOT NULL END REPEAT;
  END inner_block;
  SET @sql = 'TRUNCATE shop.tmp';
  PREPARE stmt FROM @sql;
  PREPARE stmt2 FROM 'INSERT INTO shop.audit (id) SELECT id FROM shop.customers';
END;
