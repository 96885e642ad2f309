-- dialect: snowflake
-- https://docs.snowflake.com/en/sql-reference/sql/alter-session: changes no table
ALTER SESSION SET TIMEZONE = 'UTC';
