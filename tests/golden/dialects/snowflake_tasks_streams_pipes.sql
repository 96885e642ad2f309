-- dialect: snowflake
-- Snowflake's continuous pipelines (CREATE STREAM / TASK / PIPE in Snowflake's SQL reference): a task runs its
-- statement on a schedule, a pipe its COPY as files arrive, and a stream's rows are its table's changed rows.
CREATE TABLE raw.orders (id NUMBER, amount NUMBER, status VARCHAR);
CREATE OR REPLACE STREAM raw.orders_stream ON TABLE raw.orders APPEND_ONLY = TRUE;
CREATE OR REPLACE TASK etl.load_orders
  WAREHOUSE = transform_wh
  SCHEDULE = '5 MINUTE'
  WHEN SYSTEM$STREAM_HAS_DATA('raw.orders_stream')
AS
  INSERT INTO mart.orders (order_id, amount)
  SELECT id, amount FROM raw.orders_stream WHERE METADATA$ACTION = 'INSERT' AND status <> 'test';
CREATE PIPE raw.orders_pipe AUTO_INGEST = TRUE AS COPY INTO raw.orders FROM @raw.orders_stage FILE_FORMAT = (TYPE = 'JSON');
CREATE TASK etl.after_load AFTER etl.load_orders AS CALL etl.refresh_marts();
