-- dialect: snowflake
CREATE TABLE mart.event_items AS
SELECT e.event_id, f.index AS pos, f.value:sku::string AS sku, f.value:price.amount::number AS amount
FROM raw.events e, LATERAL FLATTEN(input => e.payload:items) f;
CREATE VIEW mart.event_tags AS
SELECT t.key, t.path, t.value FROM raw.events e, TABLE(FLATTEN(input => e.tags)) t;
CREATE VIEW mart.bare_flatten AS SELECT value AS tag FROM raw.events, LATERAL FLATTEN(input => tags);
