-- dialect: postgres
-- https://www.postgresql.org/docs/current/sql-altertable.html: ADD [ COLUMN ], DROP [ COLUMN ], ALTER [ COLUMN ] ... [ SET DATA ] TYPE
CREATE TABLE raw.trips (trip_id INT, fare NUMERIC(8,2), legacy_code TEXT);
ALTER TABLE raw.trips ADD COLUMN tip NUMERIC(8,2), DROP COLUMN legacy_code;
ALTER TABLE raw.trips ALTER COLUMN fare TYPE NUMERIC(10,2);
CREATE VIEW mart.trips AS SELECT * FROM raw.trips;
