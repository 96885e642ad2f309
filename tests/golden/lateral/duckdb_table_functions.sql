-- dialect: duckdb
-- Table functions in FROM (DuckDB's reference: read_parquet, read_csv_auto, generate_series): their rows are made
-- by the function, from the columns its arguments read (none for constants); a function reading files is said.
CREATE TABLE raw.events AS SELECT event_id, payload FROM read_parquet('s3://bucket/events/*.parquet');
CREATE TABLE raw.customers AS SELECT * FROM read_csv_auto('customers.csv');
CREATE TABLE mart.subscription_days AS
SELECT s.subscription_id, d.day
FROM app.subscriptions AS s, generate_series(s.started_on, s.ended_on, INTERVAL 1 DAY) AS d(day);
CREATE TABLE mart.numbers AS SELECT n FROM generate_series(1, 10) AS t(n);
