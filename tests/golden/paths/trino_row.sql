-- dialect: trino
CREATE TABLE mart.users AS
SELECT e.id, e.addr.city AS city, json_extract_scalar(e.payload, '$.user.id') AS user_id
FROM raw.events e;
