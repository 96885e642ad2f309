selec order_id;
INSERT INTO t VALUES (1, 2);
SELECT a FROM t;
