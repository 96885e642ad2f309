-- dialect: postgres
CREATE VIEW mart.paid_orders AS (SELECT id, total FROM app.orders WHERE status = 'paid');

CREATE TABLE mart.all_amounts AS ((SELECT id, total AS amount FROM app.orders) UNION ALL (SELECT id, amount FROM app.adjustments));
