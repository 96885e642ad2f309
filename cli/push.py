"""`lineage push`: copy what an embedded store knows into another store, e.g. a shared Neo4j."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol, cast

from graphs.stores.open import JSON_SCHEME, NEO4J_SCHEMES, open_store
from lineage.errors import ConfigError
from lineage.model import GraphFacts


class _Embedded(Protocol):
    """What both embedded stores offer beyond the store interface: a source's facts as written."""

    def sources(self) -> list[str]: ...

    def facts(self, source: str) -> GraphFacts: ...


def push(to: str, store: str) -> int:
    """Copy every source's facts from the embedded store `store` into `to`, in one transaction.

    Each copied source replaces what `to` held for it; sources only `to` knows are left alone, so
    several repositories can push into one shared graph. Returns the number of sources copied.
    """
    if store.startswith(NEO4J_SCHEMES):
        raise ConfigError(f"push copies from an embedded store directory, not from '{store}'", hint="pass --store DIR")
    if not to.startswith(NEO4J_SCHEMES) and Path(to.removeprefix(JSON_SCHEME)).resolve() == Path(store.removeprefix(JSON_SCHEME)).resolve():
        raise ConfigError(f"cannot push the store in '{store}' into itself", hint="pass --to bolt://HOST:PORT or another directory")
    facts = _embedded_facts(store)
    with open_store(to) as target, target.transaction():
        for graph in facts:
            target.replace_file(graph)
    return len(facts)


def _embedded_facts(store: str) -> list[GraphFacts]:
    with open_store(store, create=False) as opened:
        embedded = cast(_Embedded, opened)
        return [embedded.facts(source) for source in embedded.sources()]
