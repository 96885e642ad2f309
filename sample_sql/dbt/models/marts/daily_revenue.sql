{{
    config(
        materialized='incremental',
        unique_key=['order_date', 'country'],
    )
}}

-- Mart: daily gross order value and captured payments by country and region.
-- Incremental: a normal run only rebuilds days since the last load.

with orders as (
    select * from {{ ref('stg_orders') }}
    where status in ('paid', 'shipped', 'delivered')
      and order_date >= '{{ var("revenue_start_date") }}'
    {% if is_incremental() %}
      and order_date >= (select max(order_date) from {{ this }})
    {% endif %}
),

captured as (
    select order_id, sum(amount) as captured_amount
    from {{ ref('stg_payments') }}
    where payment_status = 'captured'
    group by order_id
)

select
    o.order_date,
    c.country,
    r.region,
    count(distinct o.order_id) as order_count,
    sum(o.order_value) as gross_order_value,
    sum(coalesce(p.captured_amount, 0)) as captured_amount
from orders as o
join {{ ref('stg_customers') }} as c on c.customer_id = o.customer_id
left join {{ ref('country_regions') }} as r on r.country = c.country
left join captured as p on p.order_id = o.order_id
group by o.order_date, c.country, r.region
