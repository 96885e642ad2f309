"""bench/page.py's generated warehouse: the column count it reports is what the scan finds."""

from __future__ import annotations

from pathlib import Path

from bench.page import generate
from graphs.stores.open import open_store
from lineage.api import scan_into
from lineage.model import NodeKind


def test_the_generated_warehouse_has_the_columns_it_counts(tmp_path: Path) -> None:
    assert generate(tmp_path / "gen", layers=2, width=3, columns=4) == 28
    assert sorted(p.name for p in (tmp_path / "gen").iterdir()) == ["gen_l01_t00.sql", "gen_l01_t01.sql", "gen_l01_t02.sql", "gen_l02_t00.sql", "gen_l02_t01.sql", "gen_l02_t02.sql", "src.sql"]
    with open_store(str(tmp_path / "store")) as store:
        assert scan_into(store, [tmp_path / "gen"]).failures == 0
        columns = [n for n in store.find("gen.*.*") if n.kind is NodeKind.COLUMN]
    assert len(columns) == 28
