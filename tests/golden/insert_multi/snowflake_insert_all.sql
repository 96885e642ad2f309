-- dialect: snowflake
INSERT ALL
  INTO mart.small (id, amount) VALUES (id, amount)
  INTO mart.audit (id, seen) VALUES (id, loaded_at)
SELECT id, amount, loaded_at FROM raw.events;
