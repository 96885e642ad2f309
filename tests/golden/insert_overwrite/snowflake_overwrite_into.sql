-- dialect: snowflake
INSERT OVERWRITE INTO mart.daily (id, amount) SELECT id, SUM(amount) FROM raw.events GROUP BY id;
