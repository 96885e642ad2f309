"""Shared fixtures: golden-file updating, the TPC corpora (tests/corpora), the sample warehouse, Neo4j and the GitHub stand-in."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# The Neo4j fixtures are registered once, here: a session fixture imported into two modules would
# be two fixtures, and the second would wait forever for the server lock the first one holds.
from tests.contract.neo4j_server import empty_neo4j, neo4j_settings, neo4j_store  # noqa: E402,F401
from tests.github_stand_in import GitHub, github_stand_in

# Property tests run a bounded number of examples in CI; `make fuzz` (HYPOTHESIS_PROFILE=fuzz) many more.
settings.register_profile("ci", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("fuzz", max_examples=5000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

ROOT = Path(__file__).resolve().parent.parent
CORPORA = ROOT / "tests" / "corpora"  # copied in (tests/corpora/NOTICE.md): a clone runs its tests anywhere
SAMPLE = ROOT / "sample_sql"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", help="Rewrite golden files from current output.")


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture
def github() -> Iterator[GitHub]:
    """The GitHub API stand-in, serving on loopback for one test."""
    with github_stand_in() as server:
        yield server


def check_golden(path: Path, actual: str, update: bool) -> None:
    """Compare with a golden file; `pytest --update-golden` rewrites it (read the diff!)."""
    if update or not path.exists():
        if not update:
            pytest.fail(f"missing golden file {path}; run pytest --update-golden and review it")
        path.write_text(actual, encoding="utf-8")
        return
    assert actual == path.read_text(encoding="utf-8"), f"output differs from {path}"
