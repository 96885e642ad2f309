"""Catalog names matched against scanned tables: a shorter name finds a longer one and back (issue 18's index)."""

from __future__ import annotations

from lineage.catalog import Catalog, Consumer, TableEntry
from lineage.catalog_check import with_unmatched_in
from lineage.model import FileFacts, Location, NodeKind, TableFact, TableKind


def _table(name: str, *columns: str) -> FileFacts:
    at = Location(f"{name}.sql", 1)
    return FileFacts(f"{name}.sql", tables=(TableFact(name, TableKind.TABLE, tuple((c, None) for c in columns), at),))


def test_names_match_by_their_dotted_tails_in_either_direction() -> None:
    files = [_table("db.app.orders", "id", "amount"), _table("mart.revenue", "total"), _table("other_orders", "id")]
    catalog = Catalog(
        "lineage.yml",
        tables=tuple(TableEntry(p, at=Location("lineage.yml", n)) for n, p in enumerate(["orders", "app.orders", "wh.mart.revenue", "ders", "mart.*", "raw.*"], 1)),
        consumers=(
            Consumer("d1", NodeKind.DASHBOARD, columns=("orders.amount", "x.mart.revenue.total", "app.orders.amont", "ghost.id"), at=Location("lineage.yml", 9)),
        ),
    )
    found = with_unmatched_in(catalog, files)
    assert found is not None
    assert [(u.name, u.message, u.hint) for u in found.unmatched] == [
        ("ders", "table 'ders' matches no scanned table", ""),
        ("raw.*", "table glob 'raw.*' matches no scanned table", ""),
        ("app.orders.amont", "dashboard 'd1' reads 'app.orders.amont', a column no scanned SQL has", "did you mean 'db.app.orders.amount'?"),
        ("ghost.id", "dashboard 'd1' reads 'ghost.id', of a table no scanned SQL names", ""),
    ]
