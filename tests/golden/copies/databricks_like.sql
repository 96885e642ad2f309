-- dialect: databricks
-- schema: {"raw.events": ["id", "amount"]}
CREATE TABLE IF NOT EXISTS mart.events_empty LIKE raw.events;
