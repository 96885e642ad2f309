select
    order_id,
    {{ lineage_pkg.pivot('region', lineage_pkg.get_column_values(ref('raw_orders'), 'region'), 'amount_cents') }}
from {{ ref('raw_orders') }}
group by order_id
