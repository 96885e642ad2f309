-- dialect: snowflake
-- schema: {"mart.big": ["id", "amount"], "mart.rest": ["id", "amount", "area"]}
INSERT FIRST
  WHEN amount > 100 THEN INTO mart.big (id, amount) VALUES (id, amount)
  WHEN region = 'EU' THEN INTO mart.eu (id) VALUES (id)
  ELSE INTO mart.rest
SELECT id, amount * 2 AS amount, region FROM raw.events;
