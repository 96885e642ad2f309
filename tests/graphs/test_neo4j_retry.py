"""A Neo4j connection lost mid-scan: retried with backoff a bounded number of times, then one line.

The connections really drop: a TCP proxy (`tests/tcp_proxy.py`) between the driver and the real
server resets the connection when the driver sends a chosen query, so that query never arrives.
"""

from __future__ import annotations

import re
import shutil
import time
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

import graphs.stores.neo4j.store
from cli.main import app
from graphs.stores.neo4j import cypher as neo4j_cypher
from graphs.stores.neo4j.retry import Retry
from graphs.stores.neo4j.store import Neo4jStore
from lineage.errors import ConfigError
from lineage.model import GraphFacts, Node, NodeKind
from tests.conftest import SAMPLE
from tests.contract.neo4j_server import Neo4jSettings
from tests.contract.test_store import everything
from tests.tcp_proxy import Cut, TcpProxy, proxy_to

runner = CliRunner()
# sent once nodes and claims are written and before edges are: a cut there leaves a half-written transaction
CLAIMS = neo4j_cypher.ADD_SOURCES[:60].encode()
SOURCES = neo4j_cypher.SOURCES.encode()
FAST = {"LINEAGE_NEO4J_RETRIES": "2", "LINEAGE_NEO4J_BACKOFF": "0.05"}


@pytest.fixture
def warehouse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the sample warehouse, scanned from its parent so that every scan names files alike."""
    shutil.copytree(SAMPLE, tmp_path / "sample_sql")
    monkeypatch.chdir(tmp_path)
    # every file is sent to the server as it is replaced: a cut then falls between files
    monkeypatch.setattr(graphs.stores.neo4j.store, "FLUSH_AT", 1)
    return tmp_path / "sample_sql"


@pytest.fixture
def proxy(empty_neo4j: Neo4jSettings) -> Iterator[TcpProxy]:
    with proxy_to(empty_neo4j.uri) as running:
        yield running


def _scan(settings: Neo4jSettings, store: str, **env: str) -> Result:
    environment = {"NEO4J_USER": settings.user, "NEO4J_PASSWORD": settings.password, **FAST, **env}
    return runner.invoke(app, ["scan", "sample_sql", "--store", store, "--jobs", "1", "--no-cache"], env=environment)


def _change(warehouse: Path) -> None:
    """Edit one model, delete another and add a third, so that the second scan rewrites the graph."""
    revenue = warehouse / "marts" / "daily_revenue.sql"
    revenue.write_text(revenue.read_text(encoding="utf-8").replace("order_value", "order_total_usd"), encoding="utf-8")
    (warehouse / "marts" / "unrelated_inventory.sql").unlink()
    (warehouse / "marts" / "late.sql").write_text("create table mart.late as select order_id, status from app.orders;\n", encoding="utf-8")


def _dump(settings: Neo4jSettings) -> object:
    with closing(settings.open()) as store:
        return everything(store)


def test_a_connection_cut_once_mid_load_is_retried_and_the_graph_equals_a_clean_load(empty_neo4j: Neo4jSettings, warehouse: Path, proxy: TcpProxy) -> None:
    assert _scan(empty_neo4j, empty_neo4j.uri).exit_code == 0
    before = _dump(empty_neo4j)
    _change(warehouse)
    proxy.cut(Cut(CLAIMS, skip=1))  # one file is in the transaction when the next one's claims are cut
    retried = _scan(empty_neo4j, f"bolt://127.0.0.1:{proxy.port}")
    assert (retried.exit_code, proxy.cuts) == (0, 1), retried.output
    after = _dump(empty_neo4j)
    empty_neo4j.wipe()
    clean = _scan(empty_neo4j, empty_neo4j.uri)
    assert after == _dump(empty_neo4j) != before
    # nothing said about the retry, it worked: the exposure warning and the summary, as in a clean scan
    # (the edit deletes the model the catalog's inventory tables came from: three names match nothing now)
    *warnings, summary = retried.stderr.splitlines()
    assert warnings == clean.stderr.splitlines()[:-1] and len(warnings) == 4
    assert summary.startswith("Scanned 53 files, 46 statements; 4 warnings; 3 catalog names match nothing scanned (listed above); ")


@pytest.mark.parametrize(
    ("rule", "cuts", "refused"),
    [(Cut(CLAIMS, times=-1), 3, 0), (Cut(CLAIMS, then_down=True), 1, 2)],
    ids=["every-load-cut", "server-gone"],
)
def test_a_connection_that_keeps_dropping_is_one_line_and_the_previous_graph_stays(
    empty_neo4j: Neo4jSettings, warehouse: Path, proxy: TcpProxy, rule: Cut, cuts: int, refused: int
) -> None:
    assert _scan(empty_neo4j, empty_neo4j.uri).exit_code == 0
    before = _dump(empty_neo4j)
    _change(warehouse)
    proxy.cut(rule)
    started = time.monotonic()
    failed = _scan(empty_neo4j, f"bolt://127.0.0.1:{proxy.port}")
    took = time.monotonic() - started
    assert failed.exit_code == 1 and failed.stdout == ""
    pattern = rf"Neo4j at bolt://127\.0\.0\.1:{proxy.port}: lost the connection \([^\n]+\); gave up after 2 retries \(LINEAGE_NEO4J_RETRIES sets how many\); nothing was written; is the server running\?\n"
    assert re.fullmatch(pattern, failed.stderr), failed.stderr
    leaked = empty_neo4j.password in failed.output  # a bool: a failing assert must not print the password
    assert not leaked
    assert (proxy.cuts, proxy.refused >= refused) == (cuts, True)
    assert _dump(empty_neo4j) == before
    assert took < 10


def test_no_retries_fails_at_the_first_cut(empty_neo4j: Neo4jSettings, warehouse: Path, proxy: TcpProxy) -> None:
    proxy.cut(Cut(CLAIMS, times=-1))
    failed = _scan(empty_neo4j, f"bolt://127.0.0.1:{proxy.port}", LINEAGE_NEO4J_RETRIES="0")
    assert failed.exit_code == 1 and proxy.cuts == 1
    assert re.fullmatch(rf"Neo4j at bolt://127\.0\.0\.1:{proxy.port}: lost the connection \([^\n]+\); is the server running\?\n", failed.stderr), failed.stderr
    assert _dump(empty_neo4j) == ([], [], [])


def test_a_read_cut_once_is_retried(empty_neo4j: Neo4jSettings, proxy: TcpProxy) -> None:
    with closing(empty_neo4j.open()) as direct:
        direct.replace_file(GraphFacts("a.sql", (Node("column:t.a", NodeKind.COLUMN, "t.a"),)))
    with closing(Neo4jStore(f"bolt://127.0.0.1:{proxy.port}", empty_neo4j.user, empty_neo4j.password, retry=Retry(1, 0.01))) as store:
        proxy.cut(Cut(SOURCES))
        assert store.sources() == ["a.sql"]
        assert proxy.cuts == 1


def test_retry_settings_come_from_the_environment() -> None:
    assert Retry.from_env({}) == Retry(3, 0.5)
    assert Retry.from_env({"LINEAGE_NEO4J_RETRIES": "5", "LINEAGE_NEO4J_BACKOFF": "0.25"}) == Retry(5, 0.25)
    assert [Retry().delay(n) for n in range(6)] == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0]
    for name, value in [("LINEAGE_NEO4J_RETRIES", "two"), ("LINEAGE_NEO4J_RETRIES", "-1"), ("LINEAGE_NEO4J_RETRIES", "1.5"), ("LINEAGE_NEO4J_BACKOFF", "nan"), ("LINEAGE_NEO4J_BACKOFF", "1e9")]:
        with pytest.raises(ConfigError) as raised:
            Retry.from_env({name: value})
        what = "a whole number" if name.endswith("RETRIES") else "a number of seconds"
        assert str(raised.value) == f"{name} must be {what} from 0 to 1000, not '{value}'"


def test_bad_retry_settings_are_a_usage_error(empty_neo4j: Neo4jSettings, warehouse: Path) -> None:
    result = _scan(empty_neo4j, empty_neo4j.uri, LINEAGE_NEO4J_BACKOFF="soon")
    assert (result.exit_code, result.stderr) == (2, "LINEAGE_NEO4J_BACKOFF must be a number of seconds from 0 to 1000, not 'soon'\n")
