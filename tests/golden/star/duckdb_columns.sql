-- dialect: duckdb
CREATE TABLE raw.orders (id INT, status VARCHAR, ship_status VARCHAR, note VARCHAR);
CREATE VIEW mart.o_exclude AS SELECT * EXCLUDE (note) FROM raw.orders;
CREATE VIEW mart.o_regex AS SELECT COLUMNS('status$') FROM raw.orders;
CREATE VIEW mart.o_all AS SELECT COLUMNS(*) FROM raw.orders;
CREATE VIEW mart.o_replace AS SELECT * REPLACE (upper(status) AS status) FROM raw.orders;
CREATE VIEW mart.o_lambda AS SELECT COLUMNS(c -> c LIKE '%id') FROM raw.orders;
CREATE VIEW mart.o_unknown AS SELECT COLUMNS('^s') FROM raw.unknown_orders;
CREATE VIEW mart.o_open AS SELECT COLUMNS('.*_status') FROM raw.orders;
CREATE VIEW mart.o_backtracking AS SELECT COLUMNS('^(s+)+$') FROM raw.orders;
