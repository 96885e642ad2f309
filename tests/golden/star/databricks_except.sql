-- dialect: databricks
CREATE TABLE raw.orders (id INT, status STRING, note STRING);
CREATE VIEW mart.o_except AS SELECT * EXCEPT (note) FROM raw.orders;
CREATE VIEW mart.o_qualified AS SELECT o.* EXCEPT (o.status) FROM raw.orders o;
CREATE VIEW mart.o_unknown AS SELECT * EXCEPT (note) FROM raw.unknown_orders;
