-- dialect: databricks
CREATE OR REPLACE TABLE main.gold.device_readings
USING DELTA
PARTITIONED BY (event_date)
AS SELECT `device_id`,
          CAST(event_ts AS DATE) AS event_date,
          explode(readings) AS reading
   FROM main.silver.telemetry
   WHERE device_id IS NOT NULL;
