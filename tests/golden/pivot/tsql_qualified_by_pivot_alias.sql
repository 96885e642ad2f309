-- dialect: tsql
SELECT pvt.cost_type, pvt.[0] AS d0 FROM (SELECT cost_type, days, cost FROM prod.p) AS src PIVOT (AVG(cost) FOR days IN ([0], [1])) AS pvt;
