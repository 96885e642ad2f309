-- Staging: payment attempts that moved money, with warehouse-wide column names.

select
    p.payment_id,
    p.order_id,
    p.amount,
    lower(p.method) as payment_method,
    p.status as payment_status,
    p.paid_at
from {{ source('app', 'payments') }} as p
where p.status in ('captured', 'refunded')
