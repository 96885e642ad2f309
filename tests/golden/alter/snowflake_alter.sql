-- dialect: snowflake
-- https://docs.snowflake.com/en/sql-reference/sql/alter-table: RENAME COLUMN, ADD [ COLUMN ] (several), DROP [ COLUMN ] (several), ALTER COLUMN SET DATA TYPE, RENAME TO
CREATE TABLE raw.drivers (driver_id INT, vehicle_type VARCHAR, a INT, b INT);
ALTER TABLE raw.drivers RENAME COLUMN vehicle_type TO vehicle_class;
ALTER TABLE raw.drivers ADD COLUMN rating NUMBER(3,2), joined_at TIMESTAMP_NTZ;
ALTER TABLE raw.drivers DROP COLUMN a, b;
ALTER TABLE raw.drivers ALTER COLUMN rating SET DATA TYPE NUMBER(4,2);
ALTER TABLE raw.drivers RENAME TO raw.drivers_v2;
CREATE VIEW mart.drivers AS SELECT * FROM raw.drivers_v2;
