-- dialect: oracle
CREATE OR REPLACE PROCEDURE sales.load_targets (p_region IN VARCHAR2) IS
  v_max_date DATE;
BEGIN
  INSERT INTO sales.region_targets (region, target)
  SELECT region, SUM(amount) * 1.1 FROM sales.orders WHERE region = p_region GROUP BY region;
  SELECT MAX(order_date) INTO v_max_date FROM sales.orders;
  <<refresh>>
  FOR r IN (SELECT id FROM sales.regions) LOOP
    UPDATE sales.region_targets SET refreshed_at = v_max_date WHERE region = p_region;
  END LOOP refresh;
  EXECUTE IMMEDIATE 'INSERT INTO sales.audit (region) SELECT region FROM sales.regions';
EXCEPTION
  WHEN NO_DATA_FOUND THEN
    NULL;
END load_targets;
/
BEGIN
  INSERT INTO sales.order_copy (id) SELECT id FROM sales.orders;
  COMMIT;
END;
/
