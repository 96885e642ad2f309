-- Dashboard: Customer support lookup (BI team; https://bi.acme.example/d/support-lookup).
--
-- What a support agent sees about recent sign-ups: contact, country, CRM segment, tenure and
-- order activity. It reads only profile and activity columns of mart.customer_360, never the
-- money columns, so a change to order values does not affect it.

SELECT
    c.customer_id,
    c.email,
    c.country,
    c.crm_segment,
    c.signup_date,
    c.tenure_days,
    c.order_count,
    c.last_order_date
FROM mart.customer_360 AS c
WHERE c.signup_date >= CURRENT_DATE - INTERVAL '90 days'
ORDER BY c.signup_date DESC, c.customer_id;
