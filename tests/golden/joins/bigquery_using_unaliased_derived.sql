-- dialect: bigquery
SELECT user_id, sessions, purchases
FROM (SELECT user_id, COUNT(*) AS sessions FROM web.sessions GROUP BY user_id)
JOIN (SELECT user_id, COUNT(*) AS purchases FROM web.purchases GROUP BY user_id) USING (user_id);
