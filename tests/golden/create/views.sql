-- dialect: postgres
CREATE OR REPLACE VIEW mart.v_orders (id, amount) AS SELECT order_id, order_value FROM app.orders;
CREATE MATERIALIZED VIEW mart.mv_orders AS SELECT id, amount FROM mart.v_orders;
