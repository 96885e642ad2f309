-- dialect: postgres
-- schema: {"mart.order_facts": ["order_id", "amount"]}
INSERT INTO mart.order_facts (SELECT id, total FROM app.orders);

INSERT INTO mart.order_facts ((SELECT id, total FROM app.orders WHERE status = 'paid'));

INSERT INTO mart.order_facts (
    WITH refunds AS (SELECT order_id, -amount AS amount FROM app.refunds)
    SELECT order_id, amount FROM refunds
);

INSERT INTO mart.order_facts ((SELECT id, total FROM app.orders) UNION ALL (SELECT order_id, amount FROM app.adjustments));

INSERT INTO mart.order_facts (SELECT id, total FROM app.orders) ORDER BY created_at LIMIT 100;
