"""Opening a store from a `--store` value: a directory, `json:DIR`, or a neo4j:// / bolt:// URI."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from lineage.errors import StoreError
from lineage.store import LineageStore

NEO4J_SCHEMES = ("neo4j://", "neo4j+s://", "neo4j+ssc://", "bolt://", "bolt+s://", "bolt+ssc://")
JSON_SCHEME = "json:"  # the JSON store, read whole into memory: kept for stores written before SQLite
NO_STORE = "run `lineage scan PATH` first, or pass --store"


@contextmanager
def open_store(spec: str, create: bool = True, fresh: bool = False, notify: Callable[[str], None] | None = None) -> Iterator[LineageStore]:
    """The store `spec` names; with `create=False` a missing embedded store is an error; with
    `fresh`, an embedded store's file is not read (it is being rebuilt, perhaps because damaged).

    A directory holds the SQLite store; one holding only a JSON store (`graph.json`) is converted
    on this first open, and `notify` is told so in one line. A Neo4j URI takes its user and
    password from NEO4J_USER and NEO4J_PASSWORD.
    """
    store: LineageStore
    if spec.startswith(NEO4J_SCHEMES):
        from graphs.stores.neo4j.store import Neo4jStore

        store = Neo4jStore(spec, os.environ.get("NEO4J_USER"), os.environ.get("NEO4J_PASSWORD"))
    elif spec.startswith(JSON_SCHEME):
        store = _json_store(Path(spec.removeprefix(JSON_SCHEME)), create, fresh)
    else:
        store = _sqlite_store(Path(spec), create, fresh, notify)
    try:
        yield store
    finally:
        store.close()


def _json_store(directory: Path, create: bool, fresh: bool) -> LineageStore:
    from graphs.stores.embedded import FILENAME, NetworkxStore

    if not create and not (directory / FILENAME).exists():
        raise StoreError(f"no lineage store in '{JSON_SCHEME}{directory}'", hint=NO_STORE)
    return NetworkxStore(directory, fresh=fresh)


def _sqlite_store(directory: Path, create: bool, fresh: bool, notify: Callable[[str], None] | None) -> LineageStore:
    from graphs.stores.sqlite import FILENAME, SqliteStore, convert_json

    if not (directory / FILENAME).exists():
        from graphs.stores.embedded import FILENAME as JSON_FILE  # only to convert: `lineage impact` never loads it

        if (directory / JSON_FILE).exists() and not fresh:
            count = convert_json(directory)
            if notify is not None:
                notify(f"converted the JSON store {directory / JSON_FILE} into {directory / FILENAME} ({count:,} sources); the JSON file is no longer read")
        elif not create:
            raise StoreError(f"no lineage store in '{directory}'", hint=NO_STORE)
    return SqliteStore(directory, fresh=fresh)
