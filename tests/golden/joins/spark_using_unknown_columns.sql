-- dialect: spark
SELECT id, a.name, b.score
FROM lake.people a
FULL OUTER JOIN lake.scores b USING (id);
