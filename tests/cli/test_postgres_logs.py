"""Query logs from a real PostgreSQL (Debian's packages, scripts/postgres.sh): a workload run as two
users, then `lineage logs --from-postgres` (pg_stat_statements) and the csvlog, with exact observed facts."""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from typer.testing import CliRunner

from cli.main import app
from tests.conftest import ROOT

runner = CliRunner()
SETUP = [
    "CREATE EXTENSION pg_stat_statements",
    "CREATE SCHEMA app",
    "CREATE SCHEMA mart",
    "CREATE TABLE app.orders (order_id int, order_value numeric(12, 2), status text)",
    "CREATE TABLE mart.totals (status text, total numeric)",
    "INSERT INTO app.orders VALUES (1, 10.5, 'paid'), (2, 20, 'shipped'), (3, 7, 'paid')",
    "CREATE ROLE svc_tableau LOGIN PASSWORD 'tableau-pw'",
    "CREATE ROLE analyst LOGIN PASSWORD 'analyst-pw'",
    "GRANT USAGE ON SCHEMA app, mart TO svc_tableau, analyst",
    "GRANT SELECT ON app.orders TO svc_tableau, analyst",
    "GRANT INSERT ON mart.totals TO analyst",
]


@dataclass(frozen=True)
class Server:
    dsn: str  # the superuser's, with its password
    log: Path  # the csvlog


@pytest.fixture(scope="session")
def postgres(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One throwaway cluster per session; a cluster that cannot start fails the tests (never skips them)."""
    folder = tmp_path_factory.mktemp("postgres")
    folder.chmod(0o755)
    script = str(ROOT / "scripts" / "postgres.sh")
    started = subprocess.run(["bash", script, "start", str(folder)], capture_output=True, text=True, timeout=300)
    if started.returncode != 0:
        pytest.fail(f"PostgreSQL did not start: {started.stderr.strip()[-2000:]}")
    try:
        yield Server((folder / "dsn").read_text().strip(), folder / "log" / "postgresql.csv")
    finally:
        subprocess.run(["bash", script, "stop", str(folder)], capture_output=True, timeout=120)


def _as(dsn: str, user: str, password: str) -> str:
    return dsn.replace(dsn.split("//", 1)[1].split("@", 1)[0], f"{user}:{password}")


@pytest.fixture(scope="session")
def workload(postgres: Server) -> Server:
    with psycopg.connect(postgres.dsn, autocommit=True) as conn:
        for statement in SETUP:
            conn.execute(statement)  # type: ignore[arg-type]
        conn.execute("SELECT pg_stat_statements_reset()")
    with psycopg.connect(_as(postgres.dsn, "svc_tableau", "tableau-pw"), autocommit=True) as conn:
        for status in ("paid", "shipped", "paid", "cancelled", "paid"):
            conn.execute("SELECT order_id, order_value FROM app.orders WHERE status = %s", (status,)).fetchall()
    with psycopg.connect(_as(postgres.dsn, "analyst", "analyst-pw"), autocommit=True) as conn:
        for _ in range(3):
            conn.execute("SELECT status, sum(order_value) FROM app.orders GROUP BY status").fetchall()
        conn.execute("INSERT INTO mart.totals (status, total) SELECT status, sum(order_value) FROM app.orders WHERE order_id IN (1, 2, 3) GROUP BY status")
    # the csvlog as the workload left it (later tests' own queries are logged too); its logger writes
    # asynchronously, so wait for the workload's last statement to be in it
    deadline = time.monotonic() + 30
    while "INSERT INTO mart.totals" not in postgres.log.read_text(encoding="utf-8") and time.monotonic() < deadline:
        time.sleep(0.1)
    snapshot = postgres.log.parent.parent / "workload.csv"
    shutil.copy(postgres.log, snapshot)
    return Server(postgres.dsn, snapshot)


def _impact(store: Path, column: str) -> dict[str, object]:
    result = runner.invoke(app, ["impact", column, "--format", "json", "--store", str(store)])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _downstream(store: Path, column: str) -> list[tuple[str, str, str]]:
    result = runner.invoke(app, ["downstream", column, "--format", "json", "--max-depth", "1", "--store", str(store)])
    assert result.exit_code == 0, result.output
    return sorted((h["target"], h["kind"], h["subtype"]) for h in json.loads(result.stdout))


def test_pg_stat_statements_from_the_live_server(workload: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LINEAGE_PGDSN", workload.dsn)
    result = runner.invoke(app, ["logs", "--from-postgres", "", "--format", "postgres", "--store", str(tmp_path)])
    assert result.exit_code == 0, result.output
    password = workload.dsn.split(":", 2)[2].split("@", 1)[0]
    assert password not in result.output and password not in result.stderr
    port = workload.dsn.rsplit(":", 1)[1].split("/", 1)[0]
    assert result.stderr == (
        # the workload's three queries and the superuser's pg_stat_statements_reset(), which reads no column
        f"pg_stat_statements:lineage@127.0.0.1:{port}/postgres: 4 rows, 3 distinct queries (2 readers, 1 writing); "
        "skipped 1 row: 1 no column lineage (session commands, DELETE, ...).\n"
    )
    readers = _impact(tmp_path, "app.orders.order_value")["readers"]
    # pg_stat_statements keeps no times: first and last seen are unknown, never made up
    assert [(r["user"], r["executions"], r["columns"], r["first_seen"], r["last_seen"]) for r in readers] == [
        ("svc_tableau", 5, ["app.orders.order_value"], "", ""),
        ("analyst", 3, ["app.orders.order_value"], "", ""),
    ]
    assert _downstream(tmp_path, "app.orders.order_value") == [
        ("mart.totals.total", "direct", "aggregation"),
        # queries are numbered in their fingerprints' order: #1 the INSERT (its edge above), #2 and #3 the SELECTs
        (f"pg_stat_statements:lineage@127.0.0.1:{port}/postgres#2", "direct", "identity"),
        (f"pg_stat_statements:lineage@127.0.0.1:{port}/postgres#3", "direct", "identity"),
    ]


def test_the_csvlog(workload: Server, tmp_path: Path) -> None:
    result = runner.invoke(app, ["logs", str(workload.log), "--format", "postgres", "--store", str(tmp_path)])
    assert result.exit_code == 0, result.output
    summary = result.stderr.split(": ", 1)[1]
    # the setup's 11 statements and the reset are logged too: DDL, grants and INSERT ... VALUES have no column lineage
    assert summary == "21 rows, 3 distinct queries (2 readers, 1 writing); skipped 12 rows: 12 no column lineage (session commands, DELETE, ...).\n"
    readers = _impact(tmp_path, "app.orders.order_value")["readers"]
    assert [(r["user"], r["executions"], r["applications"]) for r in readers] == [("svc_tableau", 5, []), ("analyst", 3, [])]
    assert all(r["first_seen"] and r["first_seen"] <= r["last_seen"] for r in readers)
    assert _downstream(tmp_path, "app.orders.order_value") == [
        (f"{workload.log}#2", "direct", "identity"),
        (f"{workload.log}#3", "direct", "identity"),
        ("mart.totals.total", "direct", "aggregation"),
    ]


def test_a_wrong_password_is_one_line_without_it(workload: Server, tmp_path: Path) -> None:
    wrong = _as(workload.dsn, "lineage", "not-the-password-123")
    result = runner.invoke(app, ["logs", "--from-postgres", wrong, "--store", str(tmp_path)])
    assert result.exit_code == 2 or result.exit_code == 1, result.output
    assert "not-the-password-123" not in result.output + result.stderr
    assert result.stderr.startswith("pg_stat_statements:lineage@127.0.0.1:") and result.stderr.count("\n") == 1
