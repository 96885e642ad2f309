-- dialect: snowflake
CREATE OR REPLACE PROCEDURE mart.refresh_revenue(run_date DATE)
RETURNS VARCHAR
LANGUAGE SQL
EXECUTE AS CALLER
AS
$$
DECLARE
  row_count INTEGER DEFAULT 0;
  res RESULTSET;
BEGIN
  INSERT INTO mart.daily_revenue (order_date, revenue)
  SELECT order_date, SUM(order_value) FROM raw.orders WHERE order_date = :run_date GROUP BY order_date;
  LET batch_note VARCHAR := 'loaded';
  IF (row_count = 0) THEN
    INSERT INTO mart.empty_days (day) SELECT :run_date;
  ELSE
    MERGE INTO mart.customers AS c USING raw.customers AS s ON c.id = s.id
      WHEN MATCHED THEN UPDATE SET c.email = s.email;
  END IF;
  SELECT COUNT(*) INTO :row_count FROM mart.daily_revenue;
  FOR rec IN res DO
    INSERT INTO mart.log (note) SELECT note FROM raw.notes;
  END FOR;
  RETURN 'done';
EXCEPTION
  WHEN OTHER THEN
    RETURN SQLERRM;
END;
$$;
CREATE OR REPLACE PROCEDURE mart.js_proc()
RETURNS VARCHAR
LANGUAGE JAVASCRIPT
AS
$$
  snowflake.execute({sqlText: "INSERT INTO mart.x SELECT * FROM raw.y"});
$$;
EXECUTE IMMEDIATE $$
BEGIN
  CREATE TEMPORARY TABLE stage_customers AS SELECT id, email FROM raw.customers;
  INSERT INTO mart.customer_emails (id, email) SELECT id, email FROM stage_customers;
END;
$$;
