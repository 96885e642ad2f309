-- dialect: postgres
SELECT customer_id, o.orders, p.paid
FROM (SELECT customer_id, COUNT(id) AS orders FROM app.orders GROUP BY customer_id) AS o
JOIN (SELECT customer_id, SUM(amount) AS paid FROM app.payments GROUP BY customer_id) AS p USING (customer_id);

WITH c AS (SELECT id, region FROM app.customers)
SELECT id, c.region, s.score
FROM c
JOIN app.scores AS s USING (id);
