"""Observed facts (lineage logs) through every store: the sample's query log beside its scanned code,
the readers impact names, re-ingesting a log replacing it, and hostile user names as values only."""

from __future__ import annotations

from pathlib import Path

from lineage.api import scan_into
from lineage.catalog import OwnerRule
from lineage.impact import Change, ChangeKind, analyse_impact
from lineage.model import GraphFacts
from lineage.observed import ObservedLog, ObservedQuery, ObservedReader, Observations, TableReader, known_columns, log_graph, observations
from lineage.store import LineageStore
from parsers.catalog import load_catalog
from parsers.logs.ingest import Known, ingest_paths
from tests.conftest import ROOT

LOG = ROOT / "sample_sql" / "query_logs" / "snowflake_query_history.csv"
SHOWN = "sample_sql/query_logs/snowflake_query_history.csv"


def _ingest(store: LineageStore, path: Path) -> None:
    rules = load_catalog(ROOT / "sample_sql" / "lineage.yml").observed_owners
    [log] = ingest_paths([path], "snowflake", Known(known_columns(store)))
    with store.transaction():
        store.replace_file(log_graph(log, rules))


def _impact(store: LineageStore) -> tuple[ObservedReader, ...]:
    report = analyse_impact(store, store.nodes(["column:app.orders.order_value"]), Change(ChangeKind.RENAME, "order_total_usd"))
    return report.readers


def test_the_sample_log_names_its_readers_of_order_value(store: LineageStore, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(ROOT)
    scan_into(store, [Path("sample_sql")])
    _ingest(store, Path(SHOWN))
    assert _impact(store) == (
        ObservedReader("SVC_TABLEAU", ("app.orders.order_value",), 1, 120, "2026-11-01T14:00:00Z", "2026-12-01T08:00:00Z", 1, ("REPORTER",), ("tableau-finance-extract",), "bi-team"),
        ObservedReader("ANA_LOPEZ", ("app.orders.order_value",), 1, 20, "2026-11-02T17:17:00Z", "2026-11-27T17:17:00Z", 1, ("ANALYST",), ("jupyter",), "revenue-analytics"),
    )
    report = analyse_impact(store, store.nodes(["column:app.orders.order_value"]), Change())
    runs = {(s.file, s.line): s.last_run for s in report.statements}
    assert runs[("sample_sql/airflow/sql/load_order_facts.sql", 7)] == "2026-11-30T10:00:00Z"  # the nightly task, as logged
    assert runs[("sample_sql/staging/stg_orders.sql", 7)] == ""  # no log saw it
    assert report.logs == (SHOWN,)
    owners = {o.owner.name: o.assets for o in report.owners}
    assert owners["revenue-analytics"] == ("ANA_LOPEZ (query log)", "dbt_mart.daily_revenue", "mart.daily_revenue", "powerbi:Finance", "powerbi:Finance/Largest Order USD", "powerbi:Finance/Revenue USD", "powerbi:Finance/Revenue overview/Revenue", "powerbi:Finance/Revenue per Order")
    assert "SVC_TABLEAU (query log)" in owners["bi-team"]


def test_the_store_keeps_what_the_scorecard_reads_of_a_log(store: LineageStore, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(ROOT)
    assert observations(store) is None  # no log ingested: freshness and observed readers unknown, not healthy
    scan_into(store, [Path("sample_sql")])
    _ingest(store, Path(SHOWN))
    found = observations(store)
    assert found is not None
    nov_1, day = 1793491200, 86400  # 2026-11-01T00:00:00Z
    late = {11: 6 * 3600 + 15 * 60, 23: 7 * 3600 + 30 * 60}
    assert found == Observations(
        SHOWN,
        writes=(
            ("mart.daily_revenue", tuple(nov_1 + 41400 + d * day + late.get(d, 0) for d in range(30))),  # 11:30Z, twice late
            ("reporting.order_facts", tuple(nov_1 + 36000 + d * day for d in range(30))),  # 10:00Z
        ),
        readers=(("app.orders", (TableReader("SVC_TABLEAU", 120, "2026-11-01T14:00:00Z", "2026-12-01T08:00:00Z"), TableReader("ANA_LOPEZ", 20, "2026-11-02T17:17:00Z", "2026-11-27T17:17:00Z"))),),
        window=(nov_1 + 36000, nov_1 + 30 * day + 8 * 3600),  # 2026-11-01T10:00:00Z to 2026-12-01T08:00:00Z
    )


def test_re_ingesting_a_log_replaces_what_it_said(store: LineageStore, tmp_path: Path) -> None:
    source = f"log:{tmp_path}/q.csv"
    first = ObservedLog(f"{tmp_path}/q.csv", "postgres", (ObservedQuery("SELECT a FROM t", "bob", 3, "", "", reads=(("t", "a"),)),), 3)
    second = ObservedLog(f"{tmp_path}/q.csv", "postgres", (ObservedQuery("SELECT b FROM t", "eve", 1, "", "", reads=(("t", "b"),)),), 1)
    for log in (first, second):
        with store.transaction():
            store.replace_file(log_graph(log))
    assert [r.user for r in _readers_of(store, "column:t.b")] == ["eve"]
    assert _readers_of(store, "column:t.a") == ()
    with store.transaction():
        store.replace_file(GraphFacts(source))
    assert store.sources() == [] and _readers_of(store, "column:t.b") == ()


def _readers_of(store: LineageStore, column: str) -> tuple[ObservedReader, ...]:
    return analyse_impact(store, store.nodes([column]), Change()).readers


def test_hostile_user_names_and_query_text_are_values(store: LineageStore) -> None:
    user = "x'}) DETACH DELETE n //\n`MATCH`"
    query = ObservedQuery("SELECT a FROM t WHERE b = '}) RETURN 1 //'", user, 2, "2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z", ("r`ole",), reads=(("t", "a"),))
    with store.transaction():
        store.replace_file(log_graph(ObservedLog("q.csv", "snowflake", (query,), 2), (OwnerRule("role:R`OLE", "x"),)))
    [reader] = _readers_of(store, "column:t.a")
    assert (reader.user, reader.executions, reader.owner, reader.roles) == (user, 2, "x", ("r`ole",))
