-- dialect: postgres
CREATE OR REPLACE FUNCTION mart.refresh_orders(p_since date) RETURNS void
LANGUAGE plpgsql AS $body$
DECLARE
  v_total numeric := 0;
  v_label text;
BEGIN
  INSERT INTO mart.recent_orders (order_id, amount)
  SELECT order_id, amount FROM app.orders WHERE created_at >= p_since;
  SELECT SUM(amount) INTO v_total FROM app.orders;
  IF v_total > 1000 THEN
    UPDATE mart.order_stats SET big_total = v_total, updated_from = (SELECT MAX(created_at) FROM app.orders);
  ELSIF v_total IS NULL THEN
    RAISE NOTICE 'no orders';
  END IF;
  FOR v_label IN SELECT label FROM app.labels LOOP
    PERFORM pg_notify('labels', v_label);
  END LOOP;
  EXECUTE 'INSERT INTO mart.order_archive (order_id) SELECT order_id FROM app.orders';
  EXECUTE format('TRUNCATE %I', 'mart.tmp');
  RETURN;
END;
$body$;
DO $$
BEGIN
  INSERT INTO mart.customer_names (customer_id, full_name)
  SELECT id, first_name || ' ' || last_name FROM app.customers;
  INSERT INTO mart.customer_count (n) SELECT COUNT(id) FROM app.customers;
END
$$;
BEGIN;
INSERT INTO mart.order_ids (order_id) SELECT order_id FROM app.orders;
END;
