-- dialect: bigquery
-- schema: {"raw.events": ["id", "amount"]}
CREATE TABLE mart.events_copy COPY raw.events;
CREATE TABLE mart.events_clone CLONE raw.events;
SELECT id FROM mart.events_clone;
-- sqlglot does not parse a clone's time travel: a counted error, never a silent drop
CREATE TABLE mart.events_then CLONE raw.events FOR SYSTEM_TIME AS OF TIMESTAMP_SUB(CURRENT_TIMESTAMP(), INTERVAL 1 HOUR);
