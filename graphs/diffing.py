"""`lineage diff`'s comparison of two revisions, each revision's graph in a throwaway in-memory store."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

from graphs.stores.embedded import NetworkxStore
from lineage.catalog_check import with_unmatched_in
from lineage.diff import DiffReport, HeadGraph, analyse_diff, head_graph
from lineage.graph import build_graph
from lineage.revision import Revision
from lineage.store import LineageStore


def diff_revisions(base: Revision, head: Revision, observe: Callable[[LineageStore], None] | None = None) -> DiffReport:
    """Load the base graph and the head graph into throwaway stores, compare. `observe` adds facts to the
    base store before the comparison (`diff --logs`: the query logs' readers)."""
    with tempfile.TemporaryDirectory(prefix="lineage-diff-") as tmp:
        # both stores answer from memory once written: the report's details are made after the directory is gone
        for side in ("base", "head"):
            (Path(tmp) / side).mkdir()
        stores = NetworkxStore(Path(tmp) / "base"), NetworkxStore(Path(tmp) / "head")
        # the base catalog's names that match nothing: every answer below then says it may be incomplete
        graphs = build_graph(base.files, with_unmatched_in(base.catalog, base.files)), head_graph(head)
        for store, facts in zip(stores, graphs):
            with store.transaction():
                for graph in facts:
                    store.replace_file(graph)
        if observe is not None:
            observe(stores[0])
        return analyse_diff(base, head, stores[0], HeadGraph(stores[1], tuple(graphs[1])))
