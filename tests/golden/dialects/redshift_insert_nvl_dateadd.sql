-- dialect: redshift
INSERT INTO mart.subscription_renewals (account_id, plan_code, renews_on)
SELECT a.account_id,
       NVL(p.plan_code, 'free'),
       DATEADD(month, p.term_months, a.started_on)
FROM crm.accounts a
LEFT JOIN billing.plans p ON p.plan_id = a.plan_id
WHERE a.is_active;
