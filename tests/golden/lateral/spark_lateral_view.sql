-- dialect: spark
CREATE TABLE mart.exploded AS
SELECT e.id, item, p, v
FROM raw.events e
LATERAL VIEW explode(e.items) it AS item
LATERAL VIEW OUTER posexplode(e.arr) pe AS p, v;
CREATE TABLE mart.selected AS SELECT id, explode(tags) AS tag FROM raw.events;
CREATE TABLE mart.inlined AS SELECT e.id, s.a, s.b FROM raw.events e LATERAL VIEW inline(e.structs) s AS a, b;
