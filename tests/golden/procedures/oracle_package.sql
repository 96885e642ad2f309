-- dialect: oracle
CREATE OR REPLACE PACKAGE BODY sales.loader AS
  g_batch NUMBER := 0;
  PROCEDURE load_orders IS
  BEGIN
    INSERT INTO sales.order_copy (id, amount) SELECT id, amount FROM sales.orders;
    g_batch := g_batch + 1;
  END load_orders;
  FUNCTION order_count RETURN NUMBER IS
    v_n NUMBER;
  BEGIN
    SELECT COUNT(*) INTO v_n FROM sales.orders;
    RETURN v_n;
  END order_count;
END loader;
/
