{% snapshot orders_snapshot %}

{{
    config(
        target_schema='snapshots',
        unique_key='order_id',
        strategy='timestamp',
        updated_at='updated_at',
    )
}}

-- Order history: every status and value an order ever had (type 2 slowly changing dimension).
select order_id, customer_id, order_value, status, updated_at
from {{ source('app', 'orders') }}

{% endsnapshot %}
