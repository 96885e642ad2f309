-- dialect: postgres
-- https://www.postgresql.org/docs/current/sql-altertable.html: RENAME TO new_name (the table stays in its schema)
CREATE TABLE raw.drivers (driver_id INT, vehicle_type VARCHAR(20));
ALTER TABLE raw.drivers RENAME TO drivers_v2;
CREATE VIEW mart.drivers AS SELECT * FROM raw.drivers_v2;
