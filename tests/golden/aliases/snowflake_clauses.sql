-- dialect: snowflake
CREATE TABLE raw.k (id INT, amount INT, fee INT, status TEXT);
-- WHERE, GROUP BY, HAVING and QUALIFY see aliases; a source column of the same name wins
CREATE VIEW mart.w1 AS SELECT id, amount - fee AS net FROM raw.k WHERE net > 0;
CREATE VIEW mart.w2 AS SELECT id, fee AS amount FROM raw.k WHERE amount > 0;
CREATE VIEW mart.w3 AS SELECT id, amount - fee AS net FROM raw.u WHERE net > 0;
CREATE VIEW mart.g1 AS SELECT UPPER(status) AS state, SUM(amount) AS total FROM raw.k GROUP BY state HAVING total > 10;
CREATE VIEW mart.g2 AS SELECT MAX(amount) AS fee, status FROM raw.k GROUP BY fee, status;
CREATE VIEW mart.g3 AS SELECT COALESCE(region, country) AS region, country, COUNT(*) AS n FROM raw.u GROUP BY region, country;
CREATE VIEW mart.q1 AS SELECT id, ROW_NUMBER() OVER (PARTITION BY status ORDER BY amount) AS rn FROM raw.k QUALIFY rn = 1;
-- ORDER BY names the output column first
SELECT id, fee AS amount FROM raw.k ORDER BY amount;
-- UPDATE assignments read the row as it was: `c = a` is t's old a, never the new one
UPDATE app.t SET a = b, c = a;
