"""Costly SQL: a statement of 100,000 columns extracts in linear time, so does a MERGE whose WHEN
condition compares 10,000 columns, a statement past its time budget is one counted error and the
scan goes on (in plain SQL files, dbt models and Airflow DAGs alike), and a dbt model sqlglot cannot
parse is one line that shows the model's position, not the SQL we made of it.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.redteam.harness import run_lineage

COLUMNS = 100_000
# The old code's alias lookup was quadratic: 20,000 columns took 26 s of CPU, 100,000 never ended.
# Linear, 100,000 take about 5 s to extract and 8 s to scan on a shared 2-CPU host.
CPU_SECONDS = 30
NO_BUDGET = ("--statement-budget", "0")  # bounded by the CPU limit alone: a busy host's wall clock must not skip it
SKIPPED = "statement skipped: extraction took more than 1e-06 s (--statement-budget); its lineage is missing"


def _wide_select(folder: Path) -> Path:
    folder.mkdir(exist_ok=True)
    wide = folder / "wide.sql"
    wide.write_text(f"select {', '.join(f'c{i}' for i in range(COLUMNS))} from unknown_table;\n", encoding="utf-8")
    (folder / "other.sql").write_text("create table mart.o as select a from app.t;\n", encoding="utf-8")
    return wide


def test_a_100000_column_select_over_an_unknown_table_extracts_every_column(tmp_path: Path) -> None:
    _wide_select(tmp_path / "sql")
    run = run_lineage("extract: SELECT of 100,000 columns, unknown table", "extract", "sql/wide.sql", *NO_BUDGET, cwd=tmp_path, cpu_seconds=CPU_SECONDS)
    assert (run.exit_code, run.stderr) == (0, "")
    edges = json.loads(run.stdout)
    assert len(edges) == COLUMNS
    assert {(e["source_table"], e["source_column"], e["target_column"]) for e in edges} == {("unknown_table", f"c{i}", f"c{i}") for i in range(COLUMNS)}


def test_a_100000_column_select_over_an_unknown_table_scans_beside_other_files(tmp_path: Path) -> None:
    _wide_select(tmp_path / "sql")
    run = run_lineage("scan: SELECT of 100,000 columns, unknown table", "scan", "sql", "--store", "st", "--jobs", "1", *NO_BUDGET, cwd=tmp_path, cpu_seconds=CPU_SECONDS)
    assert run.exit_code == 0
    assert run.lines() == ["Scanned 2 files, 2 statements; 100,001 edges written."]


def test_a_statement_past_its_budget_is_one_counted_error_and_the_file_goes_on(tmp_path: Path) -> None:
    """With a budget no statement can meet, each query is skipped at its first check (right after its
    parse), the DDL between them still declares its table, and the other file still scans."""
    (tmp_path / "sql").mkdir()
    (tmp_path / "sql" / "a.sql").write_text("select a from app.t;\ncreate table app.u (x int, y int);\ninsert into mart.v select * from app.u;\n", encoding="utf-8")
    (tmp_path / "sql" / "b.sql").write_text("select q from app.r;\n", encoding="utf-8")
    run = run_lineage("scan: statement budget of 1 microsecond", "scan", "sql", "--store", "st", "--statement-budget", "0.000001", cwd=tmp_path)
    assert run.exit_code == 1
    assert run.lines() == [
        f"sql/a.sql:1: {SKIPPED}",
        f"sql/a.sql:3: {SKIPPED}",
        f"sql/b.sql:1: {SKIPPED}",
        "Scanned 2 files, 4 statements; 3 failed (listed above); 0 edges written.",
    ]
    # a skip depends on the machine, not on the file: the cache does not keep it
    again = run_lineage("scan: again with the default budget", "scan", "sql", "--store", "st", cwd=tmp_path)
    assert (again.exit_code, again.lines()) == (0, ["Scanned 2 files, 4 statements; 4 edges written."])


def test_extract_takes_the_budget_too(tmp_path: Path) -> None:
    (tmp_path / "q.sql").write_text("create table app.u (x int);\nselect x from app.u;\n", encoding="utf-8")
    run = run_lineage("extract: statement budget of 1 microsecond", "extract", "q.sql", "--statement-budget", "0.000001", cwd=tmp_path)
    assert (run.exit_code, run.lines(), json.loads(run.stdout)) == (1, [f"q.sql:2: {SKIPPED}"], [])


def test_a_dbt_model_sqlglot_cannot_parse_is_one_line_without_the_sql_we_made_of_it(tmp_path: Path) -> None:
    """sqlglot used to log the rewritten model (`CREATE VIEW shop.broken AS ... '{since}' ((`) and keep
    it as an opaque command, silently without lineage."""
    project = tmp_path / "shop"
    (project / "models").mkdir(parents=True)
    (project / "dbt_project.yml").write_text('name: shop\nversion: "1.0"\nprofile: shop\nvars:\n  since: "2024-01-01"\n', encoding="utf-8")
    (project / "profiles.yml").write_text("shop:\n  target: dev\n  outputs:\n    dev:\n      type: postgres\n      schema: shop\n", encoding="utf-8")
    (project / "models" / "orders.sql").write_text("select id, amount from raw.orders\n", encoding="utf-8")
    (project / "models" / "broken.sql").write_text(
        "select\n  o.id,\n  o.amount\nfrom {{ ref('orders') }} o\nwhere o.created > '{{ var(\"since\") }}' ((\n", encoding="utf-8"
    )
    run = run_lineage("scan: dbt model sqlglot keeps as a command", "scan", "shop", "--store", "st", cwd=tmp_path)
    assert run.exit_code == 1
    assert run.lines() == [
        "shop/models/broken.sql:1: cannot parse statement: the SQL parser does not support its syntax; its lineage is missing",
        "Scanned 2 files, 2 statements; 1 failed (listed above); 2 edges written.",
    ]


MERGE_COLUMNS = 10_000
# The old rewrite copied the WHEN condition into each assigned column: 10,000 columns ran out of
# 2 GiB after 29 s of CPU (2,000 columns: 30 s, then a MemoryError). Now 3 s to extract.
MERGE_CPU_SECONDS = 20


def _change_detection_merge(columns: int) -> str:
    """The common upsert that updates a row only when some column changed."""
    names = [f"c{i}" for i in range(columns)]
    changed = " OR ".join(f"t.{c} <> s.{c}" for c in names)
    assigned = ", ".join(f"{c} = s.{c}" for c in names)
    return f"MERGE INTO mart.wide AS t USING stage.wide AS s ON t.id = s.id\nWHEN MATCHED AND ({changed}) THEN UPDATE SET {assigned};\n"


def _edges(stdout: str) -> set[tuple[object, ...]]:
    return {(e["source_table"], e["source_column"], e["target_column"], e["kind"], e["subtype"]) for e in json.loads(stdout)}


_JOIN = {("mart.wide", "id", None, "indirect", "join"), ("stage.wide", "id", None, "indirect", "join")}


def test_a_10000_column_change_detection_merge_records_its_condition_once_as_a_filter(tmp_path: Path) -> None:
    """Per assigned column the condition would make 10,000 x 20,000 conditional edges: past
    MAX_CONDITION_EDGES it is one filter of the target, which impact follows to all its columns."""
    (tmp_path / "merge.sql").write_text(_change_detection_merge(MERGE_COLUMNS), encoding="utf-8")
    run = run_lineage("extract: change-detection MERGE of 10,000 columns", "extract", "merge.sql", *NO_BUDGET, cwd=tmp_path, cpu_seconds=MERGE_CPU_SECONDS)
    assert (run.exit_code, run.stderr) == (0, "")
    columns = [f"c{i}" for i in range(MERGE_COLUMNS)]
    assigned = {("stage.wide", c, c, "direct", "identity") for c in columns}
    condition = {(table, c, None, "indirect", "filter") for table in ("mart.wide", "stage.wide") for c in columns}
    assert len(json.loads(run.stdout)) == 30_002
    assert _edges(run.stdout) == assigned | condition | _JOIN


def test_a_narrow_change_detection_merge_keeps_its_condition_on_each_assigned_column(tmp_path: Path) -> None:
    (tmp_path / "merge.sql").write_text(_change_detection_merge(50), encoding="utf-8")
    run = run_lineage("extract: change-detection MERGE of 50 columns", "extract", "merge.sql", cwd=tmp_path)
    assert (run.exit_code, run.stderr) == (0, "")
    columns = [f"c{i}" for i in range(50)]
    assigned = {("stage.wide", c, c, "direct", "identity") for c in columns}
    condition = {(table, c, target, "indirect", "conditional") for table in ("mart.wide", "stage.wide") for c in columns for target in columns}
    assert len(json.loads(run.stdout)) == 5_052
    assert _edges(run.stdout) == assigned | condition | _JOIN


def test_a_10000_column_merge_past_its_budget_is_skipped_before_it_is_rewritten(tmp_path: Path) -> None:
    """The budget is checked while the MERGE is rewritten into a query, not only after."""
    (tmp_path / "sql").mkdir()
    (tmp_path / "sql" / "merge.sql").write_text(_change_detection_merge(MERGE_COLUMNS), encoding="utf-8")
    (tmp_path / "sql" / "other.sql").write_text("create table mart.o (a int);\n", encoding="utf-8")  # DDL: nothing to skip
    run = run_lineage("scan: change-detection MERGE of 10,000 columns, 1 microsecond budget", "scan", "sql", "--store", "st", "--jobs", "1", "--statement-budget", "0.000001", cwd=tmp_path, cpu_seconds=MERGE_CPU_SECONDS)
    assert run.exit_code == 1
    assert run.lines() == [f"sql/merge.sql:1: {SKIPPED}", "Scanned 2 files, 2 statements; 1 failed (listed above); 0 edges written."]


def _dbt_project(folder: Path) -> None:
    (folder / "models").mkdir(parents=True)
    (folder / "dbt_project.yml").write_text('name: shop\nversion: "1.0"\nprofile: shop\n', encoding="utf-8")
    (folder / "profiles.yml").write_text("shop:\n  target: dev\n  outputs:\n    dev:\n      type: postgres\n      schema: shop\n", encoding="utf-8")


def test_a_dbt_model_past_its_budget_is_one_counted_error_at_the_model(tmp_path: Path) -> None:
    """dbt models used to take the default 30 s whatever --statement-budget said."""
    _dbt_project(tmp_path / "shop")
    (tmp_path / "shop" / "models" / "orders.sql").write_text("-- one row per order\nselect id, amount\nfrom raw.orders\n", encoding="utf-8")
    (tmp_path / "sql").mkdir()
    (tmp_path / "sql" / "raw.sql").write_text("create table raw.orders (id int, amount int);\n", encoding="utf-8")
    run = run_lineage("scan: dbt model, statement budget of 1 microsecond", "scan", "shop", "sql", "--store", "st", "--statement-budget", "0.000001", cwd=tmp_path)
    assert run.exit_code == 1
    assert run.lines() == [f"shop/models/orders.sql:2: {SKIPPED}", "Scanned 2 files, 2 statements; 1 failed (listed above); 0 edges written."]


def test_an_airflow_statement_past_its_budget_is_one_counted_error_at_the_dag_line(tmp_path: Path) -> None:
    """ETL call sites used to take the default 30 s whatever --statement-budget said; the DDL beside
    the skipped INSERT still declares its table."""
    (tmp_path / "dags").mkdir()
    (tmp_path / "dags" / "daily.py").write_text(
        "from airflow import DAG\n"
        "from airflow.providers.common.sql.operators.sql import SQLExecuteQueryOperator\n"
        "\n"
        'with DAG("daily") as dag:\n'
        '    create = SQLExecuteQueryOperator(task_id="create", sql="create table mart.daily (id int, amount int)")\n'
        "    load = SQLExecuteQueryOperator(\n"
        '        task_id="load",\n'
        '        sql="""\n'
        "            insert into mart.daily\n"
        "            select id, amount from raw.orders\n"
        '        """,\n'
        "    )\n",
        encoding="utf-8",
    )
    run = run_lineage("scan: Airflow DAG, statement budget of 1 microsecond", "scan", "dags", "--store", "st", "--statement-budget", "0.000001", cwd=tmp_path)
    assert run.exit_code == 1
    assert run.lines() == [f"dags/daily.py:9: {SKIPPED}", "Scanned 1 file, 2 statements; 1 failed (listed above); 0 edges written."]
