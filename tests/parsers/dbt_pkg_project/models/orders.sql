select
    order_id,
    region,
    amount_cents,
    {{ lineage_pkg.cents_to_units('amount_cents') }} as amount,
    {{ lineage_pkg.half('amount_cents') }} as half_cents
from {{ ref('raw_orders') }}
