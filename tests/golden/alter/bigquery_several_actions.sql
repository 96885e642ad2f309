-- dialect: bigquery
-- https://cloud.google.com/bigquery/docs/reference/standard-sql/data-definition-language#alter_table_rename_column_statement: several RENAME COLUMN actions, comma-separated, applied in order
CREATE TABLE raw.drivers (driver_id INT64, vehicle_type STRING, City STRING);
ALTER TABLE raw.drivers RENAME COLUMN vehicle_type TO vehicle_class, RENAME COLUMN City TO home_city;
CREATE VIEW mart.drivers AS SELECT * FROM raw.drivers;
