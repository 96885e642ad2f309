"""`lineage push`: copy what an embedded store knows into another store, e.g. a shared Neo4j."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Protocol, cast

import typer

from cli import output
from cli.common import StoreOpt, errors, store_spec
from lineage.errors import ConfigError

if TYPE_CHECKING:  # the stores load when the command runs: `lineage --help` needs none of them
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
    from graphs.stores.open import JSON_SCHEME, NEO4J_SCHEMES, open_store

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
    from graphs.stores.open import open_store

    with open_store(store, create=False) as opened:
        embedded = cast(_Embedded, opened)
        return [embedded.facts(source) for source in embedded.sources()]


def push_command(
    ctx: typer.Context,
    to: Annotated[str, typer.Option("--to", help="The store to copy into: a neo4j:// or bolt:// URI (user and password from NEO4J_USER / NEO4J_PASSWORD), or a directory.", show_default=False)],
    store: StoreOpt = None,
) -> None:
    """Copy the embedded store's graph into another store.

    The other store is typically the team's Neo4j. Each copied source file replaces what it held for
    that file; its other sources stay.

    Example: lineage push --to bolt://localhost:7687
    """
    with errors(ctx):
        count = push(to, store_spec(store))
    output.error(f"Pushed {count:,} sources to {_without_credentials(to)}.")


def _without_credentials(uri: str) -> str:
    """`bolt://user:secret@host` -> `bolt://host`: a password never reaches the terminal or a log."""
    scheme, sep, rest = uri.partition("://")
    return f"{scheme}{sep}{rest.rpartition('@')[2]}" if sep else uri
