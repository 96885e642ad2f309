-- dialect: snowflake
CREATE VIEW mart.users AS
SELECT e.payload:user.id::string AS user_id, e.payload['device'] AS device, e.payload:"user-agent"::string AS agent,
       GET_PATH(e.payload, 'geo.city') AS city, e.payload:items[0].sku AS first_sku, e.event_id
FROM raw.events e;
