-- dialect: postgres
-- A column list on a base table's alias renames its first columns in order (Postgres "Table and
-- Column Aliases"): r.x is t's first column p, whatever it is called in the query; q keeps its name.
CREATE TABLE t (p int, q int, z int);
CREATE TABLE u (k int, l int);

CREATE VIEW renamed AS SELECT x, q FROM t AS r(x);

CREATE VIEW renamed_star AS SELECT * FROM t AS r(x, y);

CREATE VIEW renamed_join AS
SELECT r.x, s.b, z FROM t r(x, y) JOIN u AS s(a, b) ON s.a = r.y WHERE r.x > 0;

-- the columns of `unknown` are not declared: which column `c` renames is not known, and said
CREATE VIEW renamed_unknown AS SELECT c, d FROM unknown AS v(c);
