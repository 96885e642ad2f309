"""Column-level lineage: what breaks, and whom to tell, when a column changes.

    from lineage import extract, scan_into, impact_of, Change, ChangeKind
    from graphs.stores.open import open_store

    with open_store(".lineage") as store:
        scan_into(store, [Path("sample_sql")])
        report = impact_of(store, ["orders.order_value"], Change(ChangeKind.RENAME, "order_total_usd"))
    print([d.node.name for d in report.dashboards])
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
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

# Every `import lineage.x` runs this file first, the CLI's start-up included: the names above load
# on first use (PEP 562), so that `import lineage.errors` does not also load the model and the API.
_HOMES = {
    "Change": "lineage.impact",
    "ChangeKind": "lineage.impact",
    "Hop": "lineage.api",
    "ImpactReport": "lineage.impact",
    "LineageError": "lineage.errors",
    "ScanSummary": "lineage.api",
    "extract": "lineage.api",
    "impact_of": "lineage.api",
    "paths_of": "lineage.api",
    "scan_into": "lineage.api",
}


def __getattr__(name: str) -> object:
    if name not in _HOMES:
        raise AttributeError(f"module 'lineage' has no attribute {name!r}")
    return getattr(import_module(_HOMES[name]), name)
