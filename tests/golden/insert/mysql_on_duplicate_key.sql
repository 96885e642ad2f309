-- dialect: mysql
-- https://dev.mysql.com/doc/refman/8.0/en/insert-on-duplicate.html: VALUES(c) is the value the INSERT proposed for c
CREATE TABLE page_hits (page VARCHAR(200) PRIMARY KEY, hits INT, last_seen DATETIME);
CREATE TABLE raw_hits (url VARCHAR(200), n INT, seen_at DATETIME);
INSERT INTO page_hits (page, hits, last_seen)
SELECT url, SUM(n), MAX(seen_at) FROM raw_hits GROUP BY url
ON DUPLICATE KEY UPDATE hits = hits + VALUES(hits), last_seen = GREATEST(last_seen, VALUES(last_seen));
