-- dialect: postgres
-- Postgres "Data-Modifying Statements in WITH": the rows a DELETE ... RETURNING gives are the deleted
-- rows of its table, so the archive table is fed by the table's columns, its WHERE filtering them.
CREATE TABLE products (id int, name text, category_id int, date date);
CREATE TABLE products_log (id int, name text, category_id int, date date);
CREATE TABLE categories (id int, retired boolean);

WITH moved_rows AS (
    DELETE FROM products
    WHERE date >= '2010-10-01' AND date < '2010-11-01'
    RETURNING *
)
INSERT INTO products_log SELECT * FROM moved_rows;

WITH gone AS (
    DELETE FROM products p USING categories c
    WHERE p.category_id = c.id AND c.retired
    RETURNING p.id, upper(p.name) AS name
)
INSERT INTO products_log (id, name) SELECT id, name FROM gone;
