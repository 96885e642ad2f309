-- dialect: postgres
-- A VALUES list without a column list names its columns column1, column2, ... (Postgres's manual, "VALUES Lists"):
-- those names hold constants, never a column of some unknown table.
CREATE VIEW ref.status_labels AS
SELECT v.column1 AS code, v.column2 AS label, s.region
FROM (VALUES (1, 'open'), (2, 'closed')) AS v
JOIN ops.status_regions s ON s.code = v.column1;
-- a CTE whose body is a VALUES list, renamed by its column list
CREATE VIEW ref.priorities AS
WITH p (level, name) AS (VALUES (1, 'low'), (2, 'high'))
SELECT t.ticket_id, p.name FROM ops.tickets t JOIN p ON p.level = t.priority;
