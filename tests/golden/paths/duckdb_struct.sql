-- dialect: duckdb
CREATE TABLE mart.users AS
SELECT e.id, e.info.city AS city, e.info['zip'] AS zip, e.payload->>'$.user' AS usr
FROM raw.events e;
