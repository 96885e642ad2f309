"""Opening a store from a `--store` value: a directory, or a neo4j:// / bolt:// URI."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from lineage.errors import StoreError
from lineage.store import LineageStore

NEO4J_SCHEMES = ("neo4j://", "neo4j+s://", "neo4j+ssc://", "bolt://", "bolt+s://", "bolt+ssc://")


@contextmanager
def open_store(spec: str, create: bool = True, fresh: bool = False) -> Iterator[LineageStore]:
    """The store `spec` names; with `create=False` a missing embedded store is an error; with
    `fresh`, an embedded store's file is not read (it is being rebuilt, perhaps because damaged).

    A Neo4j URI takes its user and password from NEO4J_USER and NEO4J_PASSWORD.
    """
    store: LineageStore
    if spec.startswith(NEO4J_SCHEMES):
        from graphs.stores.neo4j.store import Neo4jStore

        store = Neo4jStore(spec, os.environ.get("NEO4J_USER"), os.environ.get("NEO4J_PASSWORD"))
    else:
        from graphs.stores.embedded import FILENAME, NetworkxStore

        directory = Path(spec)
        if not create and not (directory / FILENAME).exists():
            raise StoreError(f"no lineage store in '{spec}'", hint="run `lineage scan PATH` first, or pass --store")
        store = NetworkxStore(directory, fresh=fresh)
    try:
        yield store
    finally:
        store.close()
