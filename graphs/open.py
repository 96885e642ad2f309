"""Opening a store from a `--store` value: a directory, or a neo4j:// / bolt:// URI."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from lineage.errors import StoreError
from lineage.store import LineageStore

NEO4J_SCHEMES = ("neo4j://", "neo4j+s://", "bolt://", "bolt+s://")


@contextmanager
def open_store(spec: str, create: bool = True) -> Iterator[LineageStore]:
    """The store `spec` names; with `create=False` a missing embedded store is an error."""
    if spec.startswith(NEO4J_SCHEMES):
        raise StoreError(f"Neo4j stores are not supported yet: '{spec}'", hint="use a directory for the embedded store")
    from graphs.networkx_store import FILENAME, NetworkxStore

    directory = Path(spec)
    if not create and not (directory / FILENAME).exists():
        raise StoreError(f"no lineage store in '{spec}'", hint="run `lineage scan PATH` first, or pass --store")
    store = NetworkxStore(directory)
    try:
        yield store
    finally:
        store.close()
