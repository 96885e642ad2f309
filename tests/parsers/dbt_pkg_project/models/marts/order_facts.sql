select
    {{ lineage_pkg.star(ref('orders'), except=['amount_cents', 'half_cents']) }}
from {{ ref('orders') }}
