-- dialect: bigquery
CREATE OR REPLACE TABLE reporting.daily_sessions AS (
  WITH s AS (SELECT session_id, DATE(started_at) AS day FROM raw.sessions)
  SELECT day, COUNT(session_id) AS sessions FROM s GROUP BY day
);
