-- dialect: snowflake
CREATE TABLE raw.orders (id INT, status VARCHAR, amount NUMBER, note VARCHAR);
CREATE VIEW mart.o_exclude AS SELECT * EXCLUDE (note) FROM raw.orders;
CREATE VIEW mart.o_replace AS SELECT * REPLACE (amount * 100 AS amount) FROM raw.orders;
CREATE VIEW mart.o_rename AS SELECT * RENAME (status AS order_status) FROM raw.orders;
CREATE VIEW mart.o_both AS SELECT o.* EXCLUDE note RENAME (status AS s) FROM raw.orders o;
CREATE VIEW mart.o_ilike AS SELECT * ILIKE '%O%' FROM raw.orders;
CREATE VIEW mart.o_unknown AS SELECT * EXCLUDE (note) FROM raw.unknown_orders;
