-- dialect: spark
-- Spark names a VALUES list's columns col1, col2, ... (Spark SQL reference, "VALUES clause" / inline table)
CREATE VIEW ref.codes AS SELECT col1 AS code, c.name FROM VALUES (1, 'a'), (2, 'b') AS v JOIN raw.codes c ON c.id = v.col1;
