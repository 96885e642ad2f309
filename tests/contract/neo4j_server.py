"""The real Neo4j the store tests run against: settings, the availability check and fixtures.

Settings come from NEO4J_URI/NEO4J_USER/NEO4J_PASSWORD, else from `.neo4j/env` as written by
`bash scripts/neo4j.sh start`. A server that does not answer skips the Neo4j tests, or fails them
when LINEAGE_REQUIRE_NEO4J=1 (as `scripts/run-tests.sh` sets): in CI a missing server must fail.
Import the fixtures into a test module or conftest to use them outside tests/contract.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import neo4j
import pytest
from neo4j.exceptions import DriverError, Neo4jError

from graphs.stores.neo4j.store import Neo4jStore

ENV_FILE = Path(__file__).resolve().parents[2] / ".neo4j" / "env"
HOW_TO_START = "start it with `bash scripts/neo4j.sh start` (needs Java 17)"
LOCK_WAIT_S = 900.0


@dataclass(frozen=True, slots=True)
class Neo4jSettings:
    uri: str
    user: str
    password: str

    def __repr__(self) -> str:  # keeps the password out of pytest's failure output
        return f"Neo4jSettings(uri={self.uri!r}, user={self.user!r})"

    def open(self) -> Neo4jStore:
        return Neo4jStore(self.uri, self.user, self.password)

    def wipe(self) -> None:
        """Delete every node and relationship, so that a test starts from an empty database.

        In batches, each its own transaction (so in an auto-commit `session.run`): a test graph of
        100,000 rows deleted at once needs more than the test server's transaction memory.
        """
        with neo4j.GraphDatabase.driver(self.uri, auth=(self.user, self.password)) as driver, driver.session() as session:
            session.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 5000 ROWS").consume()

    def count(self) -> int:
        with neo4j.GraphDatabase.driver(self.uri, auth=(self.user, self.password)) as driver:
            return int(driver.execute_query("MATCH (n) RETURN count(n) AS n").records[0]["n"])


def read_settings() -> Neo4jSettings | None:
    values = {key: os.environ[key] for key in ("NEO4J_URI", "NEO4J_USER", "NEO4J_PASSWORD") if os.environ.get(key)}
    if "NEO4J_URI" not in values and ENV_FILE.exists():
        for line in ENV_FILE.read_text(encoding="utf-8").splitlines():
            key, sep, value = line.partition("=")
            if sep and key.strip() in ("NEO4J_URI", "NEO4J_USER", "NEO4J_PASSWORD"):
                values[key.strip()] = value.strip()
    if "NEO4J_URI" not in values or "NEO4J_PASSWORD" not in values:
        return None
    return Neo4jSettings(values["NEO4J_URI"], values.get("NEO4J_USER", "neo4j"), values["NEO4J_PASSWORD"])


def unavailable(settings: Neo4jSettings | None) -> str | None:
    """Why the server cannot be used, in one line; None when it answers."""
    if settings is None:
        return f"Neo4j not configured (no NEO4J_URI and no {ENV_FILE.name} file): {HOW_TO_START}"
    try:
        with neo4j.GraphDatabase.driver(settings.uri, auth=(settings.user, settings.password), connection_timeout=5.0) as driver:
            driver.verify_connectivity()
    except (Neo4jError, DriverError, OSError) as err:
        return f"Neo4j not running at {settings.uri} ({type(err).__name__}): {HOW_TO_START}"
    return None


def lock_path(uri: str) -> Path:
    """One lock file per server: `scripts/run-tests.sh` takes the same one before stopping it."""
    return Path(tempfile.gettempdir()) / f"lineage-neo4j-tests-{hashlib.sha1(uri.encode()).hexdigest()[:12]}.lock"


def take_server(uri: str) -> IO[str] | None:
    """Hold the server for this test session: tests empty the database, so two runs must not overlap."""
    handle = open(lock_path(uri), "a+", encoding="utf-8")
    deadline = time.monotonic() + LOCK_WAIT_S
    while True:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            return handle
        except BlockingIOError:
            if time.monotonic() > deadline:
                handle.close()
                return None
            time.sleep(0.5)


def _unusable(why: str) -> None:
    if os.environ.get("LINEAGE_REQUIRE_NEO4J") == "1":
        pytest.fail(f"LINEAGE_REQUIRE_NEO4J=1 but {why}", pytrace=False)
    pytest.skip(why)


@pytest.fixture(scope="session")
def neo4j_settings() -> Iterator[Neo4jSettings]:
    settings = read_settings()
    why = unavailable(settings)
    if why is not None or settings is None:
        _unusable(why or HOW_TO_START)
    assert settings is not None
    held = take_server(settings.uri)
    if held is None:
        _unusable(f"another test run has held the Neo4j at {settings.uri} for {LOCK_WAIT_S:.0f} s (lock {lock_path(settings.uri)})")
    try:
        yield settings
    finally:
        if held is not None:
            held.close()  # releases the lock


@pytest.fixture
def empty_neo4j(neo4j_settings: Neo4jSettings) -> Iterator[Neo4jSettings]:
    """The server, emptied before the test (whatever an earlier run left) and after it."""
    neo4j_settings.wipe()
    yield neo4j_settings
    neo4j_settings.wipe()


@pytest.fixture
def neo4j_store(empty_neo4j: Neo4jSettings) -> Iterator[Neo4jStore]:
    store = empty_neo4j.open()
    try:
        yield store
    finally:
        store.close()
