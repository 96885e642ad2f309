-- dialect: postgres
CREATE TABLE mart.users AS
SELECT e.id, e.payload->>'country' AS country, e.payload #>> '{user,id}' AS user_id,
       e.payload->'geo'->>'city' AS city, jsonb_extract_path_text(e.payload, 'a', 'b') AS ab
FROM raw.events e;
