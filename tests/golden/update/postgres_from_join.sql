-- dialect: postgres
UPDATE app.accounts AS a
SET tier = p.tier
FROM app.subscriptions s
JOIN app.plans p ON p.id = s.plan_id
WHERE a.id = s.account_id;
