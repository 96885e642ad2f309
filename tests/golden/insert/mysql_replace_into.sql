-- dialect: mysql
-- MySQL's REPLACE (MySQL reference, "REPLACE Statement") inserts like INSERT, deleting the rows the
-- new ones collide with first: the same lineage as INSERT ... SELECT.
CREATE TABLE staging_prices (sku VARCHAR(20), price DECIMAL(10, 2));
CREATE TABLE prices (sku VARCHAR(20), price DECIMAL(10, 2), updated_at DATETIME);

REPLACE INTO prices (sku, price, updated_at) SELECT sku, price * 1.2, NOW() FROM staging_prices;

REPLACE INTO prices SELECT sku, price, NOW() FROM staging_prices WHERE price > 0;

REPLACE INTO prices VALUES ('a-1', 9.99, NOW());
