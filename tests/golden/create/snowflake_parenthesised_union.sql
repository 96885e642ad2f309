-- dialect: snowflake
CREATE OR REPLACE TABLE analytics.contacts AS (
    SELECT email, first_name FROM crm.leads
    UNION ALL
    SELECT email, given_name FROM crm.customers
);

CREATE OR REPLACE VIEW analytics.contact_domains AS (
    WITH c AS (SELECT email FROM analytics.contacts)
    SELECT SPLIT_PART(email, '@', 2) AS domain FROM c
);
