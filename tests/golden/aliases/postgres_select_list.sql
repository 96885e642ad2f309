-- dialect: postgres
CREATE TABLE raw.k (amount INT, fee INT, price INT);
-- a select item never names an alias defined after it
CREATE VIEW mart.v1 AS SELECT amount AS amount_raw, fee AS amount FROM raw.o;
-- nor, without lateral column aliases, one defined before it: `amount` is raw.o's column
CREATE VIEW mart.v2 AS SELECT fee AS amount, amount AS x FROM raw.o;
CREATE VIEW mart.v3 AS SELECT fee AS amount, amount AS x FROM raw.k;
-- swapped aliases: each name is raw.p's column
CREATE TABLE mart.m AS SELECT SUM(min_price) AS sum_price, MIN(sum_price) AS min_price FROM raw.p;
