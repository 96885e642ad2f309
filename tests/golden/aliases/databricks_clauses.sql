-- dialect: databricks
CREATE TABLE raw.k (id INT, amount INT, fee INT, status STRING);
-- WHERE does not see aliases: `amount` is raw.k's column, and raw.u's
CREATE VIEW mart.w2 AS SELECT id, fee AS amount FROM raw.k WHERE amount > 0;
CREATE VIEW mart.w4 AS SELECT id, fee AS amount FROM raw.u WHERE amount > 0;
-- GROUP BY, HAVING and QUALIFY see aliases; a source column of the same name wins
CREATE VIEW mart.g1 AS SELECT UPPER(status) AS state, SUM(amount) AS total FROM raw.k GROUP BY state HAVING total > 10;
CREATE VIEW mart.g2 AS SELECT MAX(amount) AS fee, status FROM raw.k GROUP BY fee, status;
CREATE VIEW mart.g3 AS SELECT COALESCE(region, country) AS region, country, COUNT(*) AS n FROM raw.u GROUP BY region, country;
CREATE VIEW mart.q1 AS SELECT id, ROW_NUMBER() OVER (PARTITION BY status ORDER BY amount) AS rn FROM raw.k QUALIFY rn = 1;
-- ORDER BY names the output column first
SELECT id, fee AS amount FROM raw.k ORDER BY amount;
