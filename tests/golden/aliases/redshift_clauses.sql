-- dialect: redshift
CREATE TABLE raw.k (id INT, amount INT, fee INT, status TEXT);
-- WHERE does not see aliases: `amount` is raw.k's column, and raw.u's
CREATE VIEW mart.w2 AS SELECT id, fee AS amount FROM raw.k WHERE amount > 0;
CREATE VIEW mart.w4 AS SELECT id, fee AS amount FROM raw.u WHERE amount > 0;
-- GROUP BY names an output column only as a whole item, and prefers the input column
CREATE VIEW mart.g1 AS SELECT UPPER(status) AS state, SUM(amount) AS total FROM raw.k GROUP BY state;
CREATE VIEW mart.g2 AS SELECT MAX(amount) AS fee, status FROM raw.k GROUP BY fee, status;
CREATE VIEW mart.g3 AS SELECT COALESCE(region, country) AS region, country, COUNT(*) AS n FROM raw.u GROUP BY region, country;
-- ORDER BY prefers the output column, but only as a whole item
SELECT id, fee AS amount FROM raw.k ORDER BY amount;
SELECT id, fee AS amount FROM raw.k ORDER BY amount + 0;
