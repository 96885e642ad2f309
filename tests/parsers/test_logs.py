"""Query logs: fingerprints, each warehouse's documented columns, and bad rows counted per reason."""

from __future__ import annotations

import csv
import json
from datetime import datetime, timezone
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from cli.main import app

from lineage.model import Flow, Subtype
from lineage.observed import ObservedEdge, ObservedQuery
from parsers.logs.fingerprint import fingerprint
from parsers.logs.ingest import Known, ingest_paths
from tests.conftest import ROOT

ORDERS = {"app.orders": [("order_id", None), ("order_value", None), ("currency", None), ("status", None), ("created_at", None)]}


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ("select * from t where id in (1, 2, 3) -- why", "select * from t where id IN (?)"),
        ("SELECT a::int, 'it''s', $$x$$ FROM \"T 1\" /* c */ WHERE x = -1.5e3", 'SELECT a::int, ?, ? FROM "T 1" WHERE x = -?'),
        ("insert into t values (1, 'a'), (2, 'b');", "insert into t VALUES (?, ?)"),
        ("select t1.a, x2 from t1 where d >= DATE '2026-01-01' - INTERVAL '3 days'", "select t1.a, x2 from t1 where d >= ? - ?"),
        ("SELECT  a\n\tFROM t WHERE b = $1 AND c = E'x\\'y'", "SELECT a FROM t WHERE b = ? AND c = ?"),
    ],
)
def test_fingerprints(sql: str, expected: str) -> None:
    assert fingerprint(sql) == expected


def _one(tmp_path: Path, name: str, text: str | bytes, fmt: str) -> tuple[tuple[ObservedQuery, ...], tuple[tuple[str, int], ...], int]:
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    [log] = ingest_paths([path], fmt, Known(dict(ORDERS)))
    return log.queries, log.skipped, log.rows


def test_bigquery_jobs_as_json_lines(tmp_path: Path) -> None:
    rows = [
        {"job_id": "j1", "creation_time": "2026-11-02 10:00:00.000 UTC", "start_time": "2026-11-02 10:00:01.000 UTC", "user_email": "looker@acme.iam.gserviceaccount.com",
         "query": "SELECT order_id, order_value FROM app.orders WHERE status = 'paid'", "state": "DONE", "error_result": None, "reservation_id": "prod"},
        {"job_id": "j2", "creation_time": "2026-11-03 10:00:00.000 UTC", "start_time": "2026-11-03 10:00:01.000 UTC", "user_email": "looker@acme.iam.gserviceaccount.com",
         "query": "SELECT order_id, order_value FROM app.orders WHERE status = 'shipped'", "state": "DONE", "error_result": None, "reservation_id": "prod"},
        {"job_id": "j3", "start_time": "2026-11-03 10:00:01.000 UTC", "user_email": "a@acme.com", "query": "SELECT 1", "state": "DONE", "error_result": {"reason": "invalidQuery"}},
    ]
    queries, skipped, count = _one(tmp_path, "jobs.jsonl", "\n".join(json.dumps(r) for r in rows) + '\n{"job_id": "j4", "qu', "bigquery")
    assert queries == (
        ObservedQuery("SELECT order_id, order_value FROM app.orders WHERE status = ?", "looker@acme.iam.gserviceaccount.com", 2, "2026-11-02T10:00:01Z", "2026-11-03T10:00:01Z",
                      warehouses=("prod",), reads=(("app.orders", "order_id"), ("app.orders", "order_value"), ("app.orders", "status"))),
    )
    assert (skipped, count) == ((("did not succeed", 1), ("truncated or malformed JSON", 1)), 4)


def test_redshift_writes_become_observed_edges(tmp_path: Path) -> None:
    text = (
        "user_id,query_id,query_label,database_name,query_type,status,start_time,end_time,query_text\n"
        "104,1,etl,dev,INSERT,success,2026-11-05 01:00:00,2026-11-05 01:00:02,\"INSERT INTO mart.totals (currency, total) SELECT currency, SUM(order_value) FROM app.orders GROUP BY currency\"\n"
        "104,2,etl,dev,INSERT,failed,2026-11-05 01:00:00,2026-11-05 01:00:02,\"INSERT INTO mart.totals SELECT 1\"\n"
    )
    queries, skipped, _ = _one(tmp_path, "sys_query_history.csv", text, "redshift")
    assert [q.edges for q in queries] == [(
        ObservedEdge("app.orders", "currency", "mart.totals", None, Flow.INDIRECT, Subtype.GROUP_BY),
        ObservedEdge("app.orders", "currency", "mart.totals", "currency", Flow.DIRECT, Subtype.IDENTITY),
        ObservedEdge("app.orders", "order_value", "mart.totals", "total", Flow.DIRECT, Subtype.AGGREGATION),
    )]
    assert [(q.user, q.executions, q.applications, q.reader) for q in queries] == [("104", 1, ("etl",), False)]
    assert skipped == (("did not succeed", 1),)


def test_pg_stat_statements_export_counts_calls(tmp_path: Path) -> None:
    text = "rolname,datname,queryid,calls,query\nanalyst,shop,42,17,SELECT order_value FROM app.orders WHERE order_id = $1\nanalyst,shop,43,3,\"SELECT order_value FROM app.orders WHERE order_id IN ($1, $2)\"\n"
    queries, skipped, _ = _one(tmp_path, "pgss.csv", text, "postgres")
    assert [(q.fingerprint, q.user, q.executions, q.warehouses, q.reads) for q in queries] == [
        ("SELECT order_value FROM app.orders WHERE order_id = ?", "analyst", 17, ("shop",), (("app.orders", "order_id"), ("app.orders", "order_value"))),
        ("SELECT order_value FROM app.orders WHERE order_id IN (?)", "analyst", 3, ("shop",), (("app.orders", "order_id"), ("app.orders", "order_value"))),
    ]
    assert skipped == ()


def test_bad_rows_are_counted_per_reason_and_never_stop_the_ingest(tmp_path: Path) -> None:
    good = "1,SELECT order_value FROM app.orders,U,R,SUCCESS,2026-11-01 00:00:00 +0000\n"
    lines = [
        b"QUERY_ID,QUERY_TEXT,USER_NAME,ROLE_NAME,EXECUTION_STATUS,START_TIME\n",
        good.encode(),
        b"2,SELECT order_value FROM app.orders WHERE x = '\xff\xfe',U,R,SUCCESS,2026-11-01 00:00:00 +0000\n",  # not UTF-8
        b"3,SELECT FROM WHERE ((,U,R,SUCCESS,2026-11-01 00:00:00 +0000\n",  # does not parse
        b'4,"SELECT ' + b"a, " * 3_500_000 + b'b FROM t",U,R,SUCCESS,2026-11-01 00:00:00 +0000\n',  # 10 MB of query text
        b"5,SELECT order_value FROM app.orders,U,R,SUCCESS,yesterday\n",
        b"6,SELECT order_value FROM app.orders,U\n",  # cut short: no role, status nor time
        b"7,,U,R,SUCCESS,2026-11-01 00:00:00 +0000\n",
        good.encode(),
    ]
    queries, skipped, count = _one(tmp_path, "history.csv", b"".join(lines), "snowflake")
    assert [(q.user, q.executions) for q in queries] == [("U", 2)]
    assert count == 8
    assert skipped == (
        ("could not be parsed", 1),
        ("no query text", 1),
        ("not UTF-8", 1),
        ("query text over 1,000,000 characters", 1),
        ("truncated row", 1),
        ("unreadable time", 1),
    )


def test_snowflake_access_history_is_used_where_present(tmp_path: Path) -> None:
    accessed = json.dumps([{"objectDomain": "Table", "objectName": "ANALYTICS.APP.ORDERS", "columns": [{"columnName": "ORDER_VALUE"}]}])
    modified = json.dumps([{"objectDomain": "Table", "objectName": "ANALYTICS.MART.TOTALS", "columns": [
        {"columnName": "TOTAL", "directSources": [{"objectName": "ANALYTICS.APP.ORDERS", "columnName": "ORDER_VALUE"}]}]}])
    header = "QUERY_ID,QUERY_TEXT,USER_NAME,EXECUTION_STATUS,START_TIME,BASE_OBJECTS_ACCESSED,OBJECTS_MODIFIED\n"
    # the text names a column the access history does not: the history wins, no parse needed
    rows = f'1,"CALL refresh_totals()",SVC,SUCCESS,2026-11-01 00:00:00 +0000,"{accessed.replace(chr(34), chr(34) * 2)}","{modified.replace(chr(34), chr(34) * 2)}"\n'
    rows += f'2,"SELECT * FROM secret_view",BOB,SUCCESS,2026-11-01 00:00:00 +0000,"{accessed.replace(chr(34), chr(34) * 2)}",\n'
    queries, skipped, _ = _one(tmp_path, "ah.csv", header + rows, "snowflake")
    assert [(q.user, q.reads, q.edges) for q in queries] == [
        ("SVC", (), (ObservedEdge("app.orders", "order_value", "analytics.mart.totals", "total", Flow.DIRECT, Subtype.TRANSFORMATION),)),
        ("BOB", (("app.orders", "order_value"),), ()),
    ]
    assert skipped == ()


def test_the_sample_log(tmp_path: Path) -> None:
    [log] = ingest_paths([ROOT / "sample_sql" / "query_logs" / "snowflake_query_history.csv"], "snowflake", Known(dict(ORDERS)))
    assert (log.rows, log.skipped) == (203, (("could not be parsed", 1), ("did not succeed", 1), ("no column lineage (session commands, DELETE, ...)", 1)))
    assert log.window == ("2026-11-01T10:00:00Z", "2026-12-01T08:00:00Z")
    assert [(q.user, q.executions, q.first_seen, q.last_seen, q.reader) for q in log.queries] == [
        ("SVC_ETL", 30, "2026-11-01T11:30:00Z", "2026-11-30T11:30:00Z", False),
        ("SVC_AIRFLOW", 30, "2026-11-01T10:00:00Z", "2026-11-30T10:00:00Z", False),
        ("SVC_TABLEAU", 120, "2026-11-01T14:00:00Z", "2026-12-01T08:00:00Z", True),
        ("ANA_LOPEZ", 20, "2026-11-02T17:17:00Z", "2026-11-27T17:17:00Z", True),
    ]
    # what freshness is measured by: each run of a query that writes (UTC seconds); readers keep none
    etl = log.queries[0].runs
    day, nov_1_1130 = 86400, 1793532600  # 2026-11-01T11:30:00Z
    late = {11: 6 * 3600 + 15 * 60, 23: 7 * 3600 + 30 * 60}
    assert etl == tuple(nov_1_1130 + d * day + late.get(d, 0) for d in range(30))
    assert [len(q.runs) for q in log.queries] == [30, 30, 0, 0]


def test_parquet_gives_what_csv_gives(tmp_path: Path) -> None:
    sample = ROOT / "sample_sql" / "query_logs" / "snowflake_query_history.csv"
    with open(sample, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    columns = {name: [r[name] for r in rows] for name in rows[0]}
    # as Snowflake's COPY INTO ... FILE_FORMAT = (TYPE = PARQUET) writes it: START_TIME a timestamp, not text
    columns["START_TIME"] = [datetime.strptime(t, "%Y-%m-%d %H:%M:%S.%f %z").astimezone(timezone.utc) for t in columns["START_TIME"]]
    pq.write_table(pa.table(columns), tmp_path / "history.parquet")
    [from_csv] = ingest_paths([sample], "snowflake", Known(dict(ORDERS)))
    [from_parquet] = ingest_paths([tmp_path / "history.parquet"], "snowflake", Known(dict(ORDERS)))
    assert (from_parquet.queries, from_parquet.skipped, from_parquet.rows) == (from_csv.queries, from_csv.skipped, from_csv.rows)


def test_a_file_without_the_layouts_columns_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "jobs.csv").write_text("job_id,query\n1,SELECT 1\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["logs", str(tmp_path / "jobs.csv"), "--format", "snowflake", "--store", str(tmp_path / "s")])
    assert result.exit_code == 2
    assert result.stderr == f"{tmp_path}/jobs.csv: not a snowflake log: no column for query text (QUERY_TEXT) or user (USER_NAME); check --format\n"


def test_a_query_cut_at_the_warehouses_limit_is_counted_as_cut(tmp_path: Path) -> None:
    # SYS_QUERY_HISTORY keeps the first 4,000 characters of query_text: a longer query that no longer parses was cut, not wrong
    long = "SELECT " + ", ".join(f"order_value AS v{i}" for i in range(400)) + " FROM app.orders"
    text = f"user_id,status,start_time,query_text\n7,success,2026-11-05 01:00:00,\"{long[:4000]}\"\n7,success,2026-11-05 01:00:00,\"SELECT (\"\n"
    queries, skipped, _ = _one(tmp_path, "sys_query_history.csv", text, "redshift")
    assert (queries, skipped) == ((), (("could not be parsed", 1), ("query text cut by the warehouse", 1)))
