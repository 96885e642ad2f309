-- dialect: snowflake
-- schema: {"raw.o": ["amount", "fee", "price"], "raw.p": ["min_price", "sum_price"]}
-- with the columns declared (--schema) nothing is left to assume
CREATE VIEW mart.v2 AS SELECT fee AS amount, amount AS x FROM raw.o;
CREATE VIEW mart.v5 AS SELECT price * 2 AS gross, gross + fee AS total FROM raw.o;
CREATE TABLE mart.m AS SELECT SUM(min_price) AS sum_price, MIN(sum_price) AS min_price FROM raw.p;
