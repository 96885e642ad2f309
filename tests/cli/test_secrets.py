"""Secrets never reach the terminal: the real `lineage` program, run along every failure path we know.

NEO4J_PASSWORD and GITHUB_TOKEN hold unique sentinels; each run is a separate process, so whatever
it writes (our lines, `--debug` tracebacks, the Neo4j driver's log lines, Python warnings) is
captured, and neither sentinel may appear in it. Checks are booleans so that a failing assert never
prints a secret itself.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from graphs.stores.neo4j import cypher as neo4j_cypher
from graphs.render.comment import MARKER
from tests.contract.neo4j_server import Neo4jSettings
from tests.github_stand_in import GitHub
from tests.tcp_proxy import Cut, proxy_to

LINEAGE = Path(sys.executable).parent / "lineage"
NEO4J_SECRET = f"neo4j-sentinel-{uuid.uuid4().hex}"
GITHUB_SECRET = f"ghp_sentinel{uuid.uuid4().hex}"
URI_SECRET = f"uri-sentinel-{uuid.uuid4().hex}"  # a password in a URI, not the one in NEO4J_PASSWORD
SQL = "create table app.orders (order_value int);\ncreate table mart.m as select order_value from app.orders;\n"


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQL file, a comment body and an embedded store scanned from the file: what the runs read."""
    directory = tmp_path_factory.mktemp("secrets")
    (directory / "a.sql").write_text(SQL, encoding="utf-8")
    (directory / "c.md").write_text(f"{MARKER}\nbody\n", encoding="utf-8")
    assert _lineage(directory, "scan", "a.sql", "--store", "embedded").returncode == 0
    return directory


@pytest.fixture(params=[False, True], ids=["plain", "debug"])
def debug(request: pytest.FixtureRequest) -> Iterator[bool]:
    yield bool(request.param)


def _lineage(cwd: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "GITHUB_", "LINEAGE_"))}
    environment |= {"NEO4J_PASSWORD": NEO4J_SECRET, "GITHUB_TOKEN": GITHUB_SECRET, "LINEAGE_NEO4J_BACKOFF": "0.01", **(env or {})}
    return subprocess.run([str(LINEAGE), *args], cwd=cwd, env=environment, capture_output=True, text=True, timeout=120, check=False)


def _fails_without_secrets(result: subprocess.CompletedProcess[str], debug: bool, *secrets: str) -> None:
    shown = result.stdout + result.stderr
    leaked = [i for i, secret in enumerate((NEO4J_SECRET, GITHUB_SECRET, URI_SECRET, *secrets)) if secret in shown]
    assert leaked == [], f"secret #{leaked} printed"  # indices only: the message must not hold a secret
    assert result.returncode == 1
    if debug:
        assert "Traceback (most recent call last):" in result.stderr
    else:
        assert len(result.stderr.splitlines()) == 1 and "Traceback" not in result.stderr


NEO4J_FAILURES = {
    "unreachable": ["scan", "a.sql", "--store", "bolt://127.0.0.1:9"],
    "password-in-uri": ["scan", "a.sql", "--store", f"bolt://neo4j:{NEO4J_SECRET}@127.0.0.1:9"],
    "another-password-in-uri": ["scan", "a.sql", "--store", f"bolt://neo4j:{URI_SECRET}@127.0.0.1:9"],
    "password-in-uri-query": ["scan", "a.sql", "--store", f"neo4j://127.0.0.1:9?password={NEO4J_SECRET}"],
    "malformed-uri": ["scan", "a.sql", "--store", f"bolt://neo4j:{NEO4J_SECRET}@[::1"],
    "push-unreachable": ["push", "--to", f"bolt://neo4j:{URI_SECRET}@127.0.0.1:9", "--store", "embedded"],
}


@pytest.mark.parametrize("args", NEO4J_FAILURES.values(), ids=NEO4J_FAILURES.keys())
def test_neo4j_failures_print_no_password(work: Path, debug: bool, args: list[str]) -> None:
    _fails_without_secrets(_lineage(work, *(["--debug"] if debug else []), *args), debug)


@pytest.mark.parametrize("command", [["scan", "a.sql"], ["impact", "orders.order_value"], ["upstream", "mart.m.order_value"], ["push", "--store", "embedded", "--to"]], ids=["scan", "impact", "upstream", "push"])
def test_a_wrong_neo4j_password_is_never_printed(work: Path, debug: bool, empty_neo4j: Neo4jSettings, command: list[str]) -> None:
    store = [empty_neo4j.uri] if command[-1] == "--to" else ["--store", empty_neo4j.uri]
    result = _lineage(work, *(["--debug"] if debug else []), *command, *store, env={"NEO4J_USER": empty_neo4j.user})
    _fails_without_secrets(result, debug, empty_neo4j.password)
    assert "authentication failed for user" in result.stderr


def test_a_connection_lost_for_good_prints_no_password(work: Path, debug: bool, empty_neo4j: Neo4jSettings) -> None:
    """With the right password (the server's own, which must not show either) and every load cut."""
    with proxy_to(empty_neo4j.uri) as proxy:
        proxy.cut(Cut(neo4j_cypher.ADD_SOURCES[:60].encode(), times=-1))
        env = {"NEO4J_USER": empty_neo4j.user, "NEO4J_PASSWORD": empty_neo4j.password, "LINEAGE_NEO4J_RETRIES": "1"}
        result = _lineage(work, *(["--debug"] if debug else []), "scan", "a.sql", "--store", f"bolt://127.0.0.1:{proxy.port}", env=env)
    _fails_without_secrets(result, debug, empty_neo4j.password)
    assert proxy.cuts == 2 and "lost the connection" in result.stderr


GITHUB_FAILURES: dict[str, tuple[int, dict[str, str], object] | None] = {
    "wrong-token": None,  # the stand-in knows another token: a real 401
    "403": (403, {}, {"message": "Resource not accessible by integration"}),
    "404": (404, {}, {"message": "Not Found"}),
    "422": (422, {}, {"message": "Validation Failed", "errors": [{"message": "body is too long"}]}),
    "429": (429, {"Retry-After": "60"}, {"message": "You have exceeded a secondary rate limit."}),
    "500-echoing-the-token": (500, {}, {"message": f"internal error for Authorization: Bearer {GITHUB_SECRET}"}),
    "502-not-an-object": (502, {}, "<html>Bad gateway</html>"),
    "a-comment-id-that-is-no-number": (200, {}, [{"id": "x", "body": MARKER}]),
    "302-to-another-origin": (302, {"Location": f"http://127.0.0.1:9/collect?token={GITHUB_SECRET}"}, {}),
}


@pytest.mark.parametrize("failure", GITHUB_FAILURES.values(), ids=GITHUB_FAILURES.keys())
def test_github_failures_print_no_token(work: Path, debug: bool, github: GitHub, failure: tuple[int, dict[str, str], object] | None) -> None:
    github.failure = failure  # type: ignore[assignment]
    result = _lineage(work, *(["--debug"] if debug else []), "comment", "--repo", "acme/shop", "--pr", "7", "--api-url", github.url, "--body-file", "c.md")
    _fails_without_secrets(result, debug)
    assert result.stderr.splitlines()[-1].startswith("GitHub API: ")
    assert {r.authorization for r in github.requests} == {f"Bearer {GITHUB_SECRET}"}  # it was sent, to the API only


def test_an_unreachable_github_prints_no_token(work: Path, debug: bool) -> None:
    result = _lineage(work, *(["--debug"] if debug else []), "comment", "--repo", "acme/shop", "--pr", "7", "--api-url", f"http://x:{GITHUB_SECRET}@127.0.0.1:9", "--body-file", "c.md")
    _fails_without_secrets(result, debug)
