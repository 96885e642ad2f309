-- dialect: mysql
INSERT INTO `reporting`.`customer_ltv` (`customer_id`, `lifetime_value`, `first_order`)
SELECT o.`customer_id`, SUM(IFNULL(o.`total`, 0)), MIN(o.CreatedAt)
FROM `shop`.`orders` AS o
WHERE o.`status` IN ('paid', 'shipped')
GROUP BY o.`customer_id`;
