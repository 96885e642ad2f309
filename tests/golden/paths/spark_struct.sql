-- dialect: databricks
CREATE TABLE mart.users AS
SELECT e.info.address.city AS city, info.zip, get_json_object(e.js, '$.a.b') AS ab, e.js:device.os AS os, e.id
FROM raw.events e;
