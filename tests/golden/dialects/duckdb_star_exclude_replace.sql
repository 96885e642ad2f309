-- dialect: duckdb
-- schema: {"staging.users": ["user_id", "email", "raw_json", "signup_at"]}
CREATE OR REPLACE TABLE mart.users AS
SELECT * EXCLUDE (raw_json) REPLACE (lower(email) AS email)
FROM staging.users;
