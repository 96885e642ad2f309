{{ config(materialized='view') }}

-- Staging: customers minus internal smoke-test accounts. `select *` on purpose: new CRM columns
-- reach the marts without a staging change.

select *
from {{ source('app', 'customers') }}
where email not like '%@acme.example'
