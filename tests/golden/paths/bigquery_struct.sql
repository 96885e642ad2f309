-- dialect: bigquery
CREATE TABLE mart.users AS
SELECT e.payload.user.id AS user_id, e.geo.city, JSON_VALUE(e.attrs, '$.device.os') AS os, JSON_QUERY(attrs, '$.tags') AS tags
FROM raw.events AS e;
CREATE TABLE mart.unqualified AS SELECT payload.user.id AS user_id FROM raw.events;
