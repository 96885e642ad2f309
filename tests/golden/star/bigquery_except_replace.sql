-- dialect: bigquery
CREATE TABLE raw.orders (id INT64, status STRING, note STRING);
CREATE VIEW mart.o_except AS SELECT * EXCEPT (note) FROM raw.orders;
CREATE VIEW mart.o_replace AS SELECT * REPLACE (UPPER(status) AS status) FROM raw.orders;
CREATE VIEW mart.o_unknown AS SELECT * REPLACE (UPPER(status) AS status) FROM raw.unknown_orders;
