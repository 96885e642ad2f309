-- dialect: tsql
CREATE TABLE raw.k (id INT, amount INT, fee INT, status VARCHAR(10));
-- WHERE and GROUP BY do not see aliases: each name is a column of raw.k or raw.u
CREATE VIEW mart.w2 AS SELECT id, fee AS amount FROM raw.k WHERE amount > 0;
CREATE VIEW mart.w4 AS SELECT id, fee AS amount FROM raw.u WHERE amount > 0;
CREATE VIEW mart.g2 AS SELECT MAX(amount) AS fee, status FROM raw.k GROUP BY fee, status;
CREATE VIEW mart.g3 AS SELECT COALESCE(region, country) AS region, country, COUNT(*) AS n FROM raw.u GROUP BY region, country;
-- ORDER BY names the output column, as a whole item only
SELECT id, fee AS amount FROM raw.k ORDER BY amount;
SELECT id, fee AS amount FROM raw.k ORDER BY amount + 0;
