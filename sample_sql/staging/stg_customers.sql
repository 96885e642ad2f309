-- Staging: customers.
--
-- Owned by the Data Platform team. A pass-through of app.customers (all columns, as replicated)
-- minus the internal accounts the company uses for smoke tests. `SELECT *` is deliberate: new
-- CRM columns should reach the marts without a staging change. The lineage tool expands the star
-- from the DDL in app/orders_service.sql.

CREATE VIEW staging.stg_customers AS
SELECT *
FROM app.customers
WHERE email NOT LIKE '%@acme.example';
