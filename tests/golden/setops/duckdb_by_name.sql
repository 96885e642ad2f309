-- dialect: duckdb
-- DuckDB's UNION [ALL] BY NAME and INSERT INTO ... BY NAME match columns by name, not position
-- (DuckDB "Set Operations" and "INSERT Statement"); a name only a later branch has comes last.
CREATE TABLE capitals (city VARCHAR, country VARCHAR);
CREATE TABLE weather (city VARCHAR, degrees INTEGER, date DATE);

CREATE TABLE merged AS
SELECT city, country FROM capitals
UNION BY NAME
SELECT date, city, degrees FROM weather;

CREATE TABLE tbl (b INTEGER, a INTEGER);
INSERT INTO tbl BY NAME SELECT country AS a, city AS b FROM capitals;

-- a branch whose columns are unknown may give any name: its '*' feeds every output, and is said
CREATE TABLE with_unknown AS
SELECT city FROM capitals UNION ALL BY NAME SELECT * FROM unknown_cities;
