-- dialect: databricks
INSERT OVERWRITE TABLE mart.daily PARTITION (ds = '2024-01-01') SELECT id, amount FROM raw.events WHERE ds = '2024-01-01';
INSERT OVERWRITE mart.daily_copy SELECT id, amount FROM raw.events;
