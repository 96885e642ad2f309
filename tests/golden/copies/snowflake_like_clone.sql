-- dialect: snowflake
-- schema: {"raw.events": ["id", "amount"]}
CREATE TABLE mart.events_shape LIKE raw.events;
CREATE OR REPLACE TABLE mart.events_backup CLONE raw.events AT (OFFSET => -3600);
CREATE TABLE mart.other_backup CLONE raw.unknown_table;
INSERT INTO mart.events_copy SELECT * FROM mart.events_backup;
