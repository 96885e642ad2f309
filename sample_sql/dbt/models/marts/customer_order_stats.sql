{{ config(meta={'owner': 'fraud-ml'}) }}

-- Per-customer order statistics for the checkout fraud model: how unusual is this basket for
-- this customer? Read by sample_sql/spark/fraud_scoring_job.py.

select
    o.customer_id,
    count(*) as order_count,
    avg(o.order_value) as avg_order_value,
    stddev_samp(o.order_value) as stddev_order_value,
    avg(case when p.payment_method = 'card' then 1.0 else 0.0 end) as card_share
from {{ ref('stg_orders') }} as o
left join {{ ref('stg_payments') }} as p on p.order_id = o.order_id
where o.status <> 'cancelled'
group by o.customer_id
