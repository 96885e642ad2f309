-- dialect: spark
INSERT OVERWRITE TABLE mart.session_counts
SELECT user_id, count(*) OVER (PARTITION BY user_id) AS sessions, count(1) OVER () AS all_sessions
FROM raw.sessions;
