"""The stores every contract test runs against: the embedded one and a real Neo4j, each empty."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from graphs.stores.embedded import NetworkxStore
from graphs.stores.sqlite import SqliteStore
from lineage.store import LineageStore
from tests.contract.neo4j_server import Neo4jSettings

__all__ = ["Backend"]


@dataclass(frozen=True, slots=True)
class Backend:
    """One store's backing data: `open()` makes a new connection to it, `spec` names it for open_store."""

    kind: str
    spec: str
    open: Callable[[], LineageStore]
    env: dict[str, str] = field(repr=False)  # holds the password: never in test output
    reset: Callable[[], None]  # empties it again (property tests run many examples in one test)


def make_backend(kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> Backend:
    if kind == "networkx":
        directory = tmp_path / "store"
        return Backend(kind, f"json:{directory}", lambda: NetworkxStore(directory), {}, lambda: shutil.rmtree(directory, ignore_errors=True))
    if kind == "sqlite":
        directory = tmp_path / "store"
        return Backend(kind, str(directory), lambda: SqliteStore(directory), {}, lambda: shutil.rmtree(directory, ignore_errors=True))
    settings: Neo4jSettings = request.getfixturevalue("empty_neo4j")
    return Backend(kind, settings.uri, settings.open, {"NEO4J_USER": settings.user, "NEO4J_PASSWORD": settings.password}, settings.wipe)


@pytest.fixture(params=["networkx", "sqlite", "neo4j"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Backend:
    return make_backend(request.param, tmp_path, request)


@pytest.fixture
def store(backend: Backend) -> Iterator[LineageStore]:
    opened = backend.open()
    try:
        yield opened
    finally:
        opened.close()
