-- dialect: postgres
-- https://www.postgresql.org/docs/current/sql-altertable.html: RENAME [ COLUMN ] column_name TO new_column_name
CREATE TABLE raw.drivers (driver_id INT, vehicle_type VARCHAR(20), home_city TEXT);
ALTER TABLE raw.drivers RENAME COLUMN vehicle_type TO vehicle_class;
ALTER TABLE raw.drivers RENAME home_city TO city;
CREATE VIEW mart.drivers AS SELECT * FROM raw.drivers;
