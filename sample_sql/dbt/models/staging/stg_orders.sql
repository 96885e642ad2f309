-- Staging: cleaned orders, the dbt port of sample_sql/staging/stg_orders.sql.
-- A thin view over the replicated app.orders; drops the QA team's test orders.

select
    o.order_id,
    o.customer_id,
    o.order_value,
    {{ normalise_code('o.currency') }} as currency_code,
    lower(o.status) as status,
    cast(o.created_at as date) as order_date,
    o.created_at,
    o.updated_at
from {{ source('app', 'orders') }} as o
where o.status <> 'test'
