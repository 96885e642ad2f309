-- dialect: duckdb
CREATE TABLE mart.big_days AS
SELECT day, revenue FROM raw.daily
QUALIFY sum(revenue) OVER (PARTITION BY month(day)) > 1000;
