"""Column-level lineage: what breaks, and whom to tell, when a column changes.

    from lineage import extract, scan_into, impact_of, Change, ChangeKind
    from graphs.open import open_store

    with open_store(".lineage") as store:
        scan_into(store, [Path("sample_sql")])
        report = impact_of(store, ["orders.order_value"], Change(ChangeKind.RENAME, "order_total_usd"))
    print([d.node.name for d in report.dashboards])
"""

from lineage.api import Hop, ScanSummary, extract, impact_of, paths_of, scan_into
from lineage.errors import LineageError
from lineage.impact import Change, ChangeKind, ImpactReport

__all__ = [
    "Change",
    "ChangeKind",
    "Hop",
    "ImpactReport",
    "LineageError",
    "ScanSummary",
    "extract",
    "impact_of",
    "paths_of",
    "scan_into",
]
