-- dialect: tsql
INSERT INTO mart.days (cost_type, d0, d1)
SELECT cost_type, [0], [1]
FROM (SELECT cost_type, days_to_manufacture, standard_cost FROM prod.product) AS src
PIVOT (AVG(standard_cost) FOR days_to_manufacture IN ([0], [1])) AS pvt;
