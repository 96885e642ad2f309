-- dialect: duckdb
CREATE TABLE mart.city_pop AS
SELECT country, "2000", "2010" FROM raw.cities PIVOT (sum(population) FOR year IN (2000, 2010));
