-- The revenue board's tiles (exposure revenue_board): weekly gross order value by region.
select
    date_trunc('week', r.order_date) as week_start,
    r.region,
    sum(r.gross_order_value) as gross_order_value,
    sum(r.order_count) as orders
from {{ ref('daily_revenue') }} as r
group by 1, 2
