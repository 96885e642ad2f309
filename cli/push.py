"""`lineage push`: copy what an embedded store knows into another store, e.g. a shared Neo4j."""

from __future__ import annotations

from pathlib import Path

from graphs.stores.embedded import FILENAME, NetworkxStore
from graphs.stores.open import NEO4J_SCHEMES, open_store
from lineage.errors import ConfigError, StoreError
from lineage.model import GraphFacts


def push(to: str, store: str) -> int:
    """Copy every source's facts from the embedded store `store` into `to`, in one transaction.

    Each copied source replaces what `to` held for it; sources only `to` knows are left alone, so
    several repositories can push into one shared graph. Returns the number of sources copied.
    """
    if store.startswith(NEO4J_SCHEMES):
        raise ConfigError(f"push copies from an embedded store directory, not from '{store}'", hint="pass --store DIR")
    if not to.startswith(NEO4J_SCHEMES) and Path(to).resolve() == Path(store).resolve():
        raise ConfigError(f"cannot push the store in '{store}' into itself", hint="pass --to bolt://HOST:PORT or another directory")
    facts = _embedded_facts(Path(store))
    with open_store(to) as target, target.transaction():
        for graph in facts:
            target.replace_file(graph)
    return len(facts)


def _embedded_facts(directory: Path) -> list[GraphFacts]:
    if not (directory / FILENAME).exists():
        raise StoreError(f"no lineage store in '{directory}'", hint="run `lineage scan PATH` first, or pass --store")
    embedded = NetworkxStore(directory)
    try:
        return [embedded.facts(source) for source in embedded.sources()]
    finally:
        embedded.close()
