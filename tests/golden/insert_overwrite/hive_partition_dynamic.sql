-- dialect: hive
INSERT OVERWRITE TABLE mart.events_by_day PARTITION (ds) SELECT id, amount, event_date AS ds FROM raw.events;
