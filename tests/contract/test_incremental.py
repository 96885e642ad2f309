"""Incremental scans: after any edit, a re-scan leaves each store exactly as a fresh scan would,
having rebuilt and rewritten only the sources whose graph changed."""

from __future__ import annotations

from pathlib import Path

import pytest

from graphs.stores.embedded import NetworkxStore
from lineage.api import ScanSummary, scan_into
from lineage.store import LineageStore
from tests.contract.test_store import everything

ORDERS = "create table app.orders (id int, order_value numeric, status text);\n"
REVENUE = "create table mart.rev as select sum(order_value) as revenue from orders where status = 'paid';\n"
DAILY = "create view mart.daily as select revenue from mart.rev;\n"
CATALOG = """\
owners:
  shop: {name: Shop team}
  bi: {name: BI team}
tables:
  app.orders: {owner: shop, tier: core}
dashboards:
  revenue:
    owner: bi
    columns: [mart.daily.revenue]
"""


def _write(root: Path, files: dict[str, str | None]) -> None:
    for name, text in files.items():
        path = root / "sql" / name
        if text is None:
            path.unlink()
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")


def _rescan(store: LineageStore, root: Path) -> ScanSummary:
    summary = scan_into(store, [Path("sql")], cache=root / "cache" / "scan-cache.json")
    # the catalog's own warnings (a name that matches nothing scanned) are counted in `unmatched`
    assert [d for d in summary.diagnostics if d.at.file != "sql/lineage.yml"] == []
    return summary


def _as_fresh(store: LineageStore, root: Path, step: int) -> None:
    """The store holds what a fresh scan, without cache, writes into a new embedded store."""
    fresh = NetworkxStore(root / f"fresh-{step}")
    scan_into(fresh, [Path("sql")])
    assert everything(store) == everything(fresh)
    assert store.fingerprints() == fresh.fingerprints()


def test_a_rescan_rewrites_only_what_changed_and_equals_a_fresh_scan(store: LineageStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    _write(tmp_path, {"orders.sql": ORDERS, "rev.sql": REVENUE, "daily.sql": DAILY, "lineage.yml": CATALOG})
    steps: list[tuple[dict[str, str | None], int, int]] = [
        ({}, 0, 0),  # the first scan writes all 3 files and the catalog
        ({}, 4, 0),  # nothing changed
        ({"rev.sql": REVENUE.replace("from orders", ", count(*) as n from orders")}, 3, 0),
        # a second `orders` table makes rev.sql's `orders` ambiguous: its graph changes though its
        # text does not; the catalog's changes too (it names every table)
        ({"other.sql": "create table other.orders (id int);\n"}, 2, 0),
        # a deleted file leaves the graph (its table stays: the catalog names it); the catalog's graph
        # changes too: the dashboard's column now matches nothing scanned, which it records
        ({"daily.sql": None}, 3, 1),
        ({"lineage.yml": CATALOG.replace("tier: core", "tier: mart")}, 3, 0),
    ]
    for step, (edits, unchanged, removed) in enumerate(steps):
        _write(tmp_path, edits)
        summary = _rescan(store, tmp_path)
        assert (summary.unchanged, summary.removed_sources) == (unchanged, removed), f"step {step}"
        # once daily.sql is gone, the dashboard's mart.daily.revenue matches nothing: said, not dropped
        assert summary.unmatched == (1 if step >= 4 else 0), f"step {step}"
        _as_fresh(store, tmp_path, step)


def test_fingerprints_are_kept_per_source(store: LineageStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    _write(tmp_path, {"orders.sql": ORDERS, "rev.sql": REVENUE})
    _rescan(store, tmp_path)
    marks = store.fingerprints()
    assert sorted(marks) == ["sql/orders.sql", "sql/rev.sql"]
    assert all(len(mark) == 64 for mark in marks.values())  # sha256, hex
    assert marks["sql/orders.sql"] != marks["sql/rev.sql"]
