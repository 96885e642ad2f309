-- dialect: bigquery
-- https://cloud.google.com/bigquery/docs/reference/standard-sql/data-definition-language: ALTER TABLE RENAME COLUMN, ADD COLUMN IF NOT EXISTS, DROP COLUMN IF EXISTS, ALTER COLUMN SET DATA TYPE, RENAME TO
CREATE TABLE raw.drivers (driver_id INT64, vehicle_type STRING, legacy STRING);
ALTER TABLE raw.drivers RENAME COLUMN vehicle_type TO vehicle_class;
ALTER TABLE raw.drivers ADD COLUMN IF NOT EXISTS rating NUMERIC;
ALTER TABLE raw.drivers DROP COLUMN IF EXISTS legacy;
ALTER TABLE raw.drivers ALTER COLUMN rating SET DATA TYPE BIGNUMERIC;
ALTER TABLE raw.drivers RENAME TO drivers_v2;
CREATE VIEW mart.drivers AS SELECT * FROM raw.drivers_v2;
