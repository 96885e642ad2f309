"""One shared walk for many changes says what one impact analysis per change says, for every column and table of the sample warehouse."""

from __future__ import annotations

from pathlib import Path

from graphs.stores.embedded import NetworkxStore
from lineage.graph import build_graph
from lineage.impact import Change, analyse_impact
from lineage.model import NodeKind
from lineage.shared_reach import Reach, SharedReach
from parsers.scan import ScanOptions, scan
from tests.conftest import SAMPLE

IMPACTED = 150  # of the 211 columns and tables, those something downstream reads (the BI tools and notebooks read 6 that nothing else does)


def test_every_target_of_the_sample_warehouse_reaches_what_its_own_impact_reaches(tmp_path: Path) -> None:
    result = scan([SAMPLE], ScanOptions(catalog=SAMPLE / "lineage.yml"))
    store = NetworkxStore(tmp_path)
    with store.transaction():
        for graph in build_graph(result.files, result.catalog):
            store.replace_file(graph)
    targets = [n for n in store.find("*") if n.kind in (NodeKind.COLUMN, NodeKind.TABLE)]
    assert len(targets) == 211
    shared = SharedReach(store, [t.id for t in targets])
    shared.prepare([t.id for t in targets])
    differ = [t.id for t in targets if shared.reach(t.id) != Reach.summary(analyse_impact(store, [t], Change()))]
    assert differ == []
    assert sum(1 for t in targets if shared.reach(t.id).impacted) == IMPACTED
