-- dialect: snowflake
INSERT OVERWRITE ALL
  INTO mart.a (id) VALUES (id)
  INTO mart.b (amount) VALUES (amount)
SELECT id, amount FROM raw.events;
