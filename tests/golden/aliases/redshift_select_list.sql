-- dialect: redshift
CREATE TABLE raw.k (amount INT, fee INT, price INT);
-- a select item never names an alias defined after it
CREATE VIEW mart.v1 AS SELECT amount AS amount_raw, fee AS amount FROM raw.o;
-- a later item may: raw.o's columns are unknown, so `amount` may be its column (which wins) or the alias
CREATE VIEW mart.v2 AS SELECT fee AS amount, amount AS x FROM raw.o;
-- raw.k has `amount`: its column wins over the alias
CREATE VIEW mart.v3 AS SELECT fee AS amount, amount AS x FROM raw.k;
-- raw.k has no `gross`: the alias
CREATE VIEW mart.v4 AS SELECT price * 2 AS gross, gross + fee AS total FROM raw.k;
-- swapped aliases: the first item's `min_price` is raw.p's column, never the alias after it
CREATE TABLE mart.m AS SELECT SUM(min_price) AS sum_price, MIN(sum_price) AS min_price FROM raw.p;
CREATE VIEW mart.v5 AS SELECT price * 2 AS gross, gross + fee AS total FROM raw.o;
