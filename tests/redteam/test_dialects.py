"""Repositories that mix dialects, through the real program: per-file dialects (header comment,
lineage.yml `dialects:`), the scan cache keyed on the dialect a file is read in, a statement in
another dialect named at its file:line, and nothing sqlglot logs on stderr, in scan, extract and diff.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from tests.redteam.harness import Run, run_lineage

BIGQUERY = "create table `acme-prod.mart.daily` as\nselect o.order_id, sum(o.amount) as revenue\nfrom `acme-prod.sales.orders` as o\ngroup by o.order_id;\n"
TSQL = "insert into [dw].[dbo].[Customers] ([Customer Id], [Full Name])\nselect c.[Id], c.[First] + ' ' + c.[Last] from [crm].[dbo].[People] as c;\n"
SNOWFLAKE = "create table mart.events as\nselect e.payload:customer.name::string as customer_name, e.id\nfrom raw.events as e;\n"
SPARK = "create table mart.clicks as select `c`.`id`, `c`.`url` from `raw`.`clicks` as `c`;\n"
PLAIN = "create table mart.plain as select p.a from app.p as p;\n"
SET_IT = "set the dialect for this file (-- lineage: dialect={0}, or dialects: in lineage.yml)"
GIT_ENV = {"GIT_AUTHOR_DATE": "2025-03-01T09:00:00+00:00", "GIT_COMMITTER_DATE": "2025-03-01T09:00:00+00:00", "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")


def _scan(name: str, cwd: Path, *args: str) -> Run:
    return run_lineage(name, "scan", "repo", "--store", "st", "--jobs", "1", *args, cwd=cwd)


def test_a_mixed_repository_scans_in_one_run_and_a_wrong_glob_says_which_dialect_reads_the_file(tmp_path: Path) -> None:
    _write(tmp_path / "repo", {"lineage.yml": 'dialects:\n  "bq/**": bigquery\n  "ms/*.sql": tsql\n', "bq/daily.sql": BIGQUERY, "ms/load.sql": TSQL, "sf/events.sql": "-- lineage: dialect=snowflake\n" + SNOWFLAKE})
    run = _scan("dialects: bigquery, tsql, snowflake in one scan", tmp_path, "--dialect", "postgres")
    assert (run.exit_code, run.lines()) == (0, ["Scanned 3 files, 3 statements; 8 edges written."])
    (tmp_path / "repo" / "lineage.yml").write_text('dialects:\n  "bq/**": tsql\n  "ms/*.sql": tsql\n', encoding="utf-8")
    again = _scan("dialects: a glob naming the wrong dialect", tmp_path, "--dialect", "postgres")
    assert (again.exit_code, again.lines()) == (1, [
        f"repo/bq/daily.sql:1: cannot parse statement as tsql; it parses as bigquery: {SET_IT.format('bigquery')}",
        "Scanned 3 files, 3 statements (2 file extractions reused from the cache); 1 failed (listed above); 5 edges written (2 unchanged files kept as stored).",
    ])


def test_statements_in_other_dialects_are_counted_errors_naming_the_dialect_and_the_rest_is_scanned(tmp_path: Path) -> None:
    _write(tmp_path / "repo", {"bq.sql": BIGQUERY, "ms.sql": TSQL, "sf.sql": SNOWFLAKE, "plain.sql": PLAIN, "typo.sql": "select from where (;\n"})
    run = _scan("dialects: three files in other dialects than --dialect", tmp_path, "--dialect", "postgres")
    assert (run.exit_code, run.lines()) == (1, [
        f"repo/bq.sql:1: cannot parse statement as postgres; it parses as bigquery: {SET_IT.format('bigquery')}",
        f"repo/ms.sql:1: cannot parse statement as postgres; it parses as tsql: {SET_IT.format('tsql')}",
        f"repo/sf.sql:1: cannot parse statement as postgres; it parses as snowflake: {SET_IT.format('snowflake')}",
        "repo/typo.sql:1: cannot parse statement: Expected table name but got 'where'",
        "Scanned 5 files, 5 statements; 4 failed (listed above); 1 edge written.",
    ])


def test_the_cache_parses_again_exactly_the_files_whose_dialect_changed(tmp_path: Path) -> None:
    """spark/clicks.sql follows its glob; spark/flagged.sql has a header, so no glob moves it; plain.sql
    follows --dialect. Each change re-parses only the file it moves (the reused count)."""
    files = {
        "lineage.yml": 'dialects:\n  "spark/*.sql": spark\n  "bq/**": bigquery\n',
        "spark/clicks.sql": SPARK,
        "spark/flagged.sql": "-- lineage: dialect=hive\n" + SPARK.replace("clicks", "views"),
        "bq/daily.sql": BIGQUERY,
        "plain.sql": PLAIN,
    }
    _write(tmp_path / "repo", files)
    first = _scan("dialects cache: first scan", tmp_path)
    assert (first.exit_code, first.lines()) == (0, ["Scanned 4 files, 4 statements; 8 edges written."])
    _write(tmp_path / "repo", {"lineage.yml": files["lineage.yml"].replace("spark\n", "databricks\n")})
    glob = _scan("dialects cache: a glob's dialect changed", tmp_path)
    # "4 unchanged": the four files' graphs are as stored (the catalog's own is rebuilt at every scan)
    assert (glob.exit_code, glob.lines()) == (0, ["Scanned 4 files, 4 statements (3 file extractions reused from the cache); 8 edges written (4 unchanged files kept as stored)."])
    option = _scan("dialects cache: --dialect changed", tmp_path, "--dialect", "duckdb")
    assert (option.exit_code, option.lines()) == (0, ["Scanned 4 files, 4 statements (3 file extractions reused from the cache); 8 edges written (4 unchanged files kept as stored)."])
    unchanged = _scan("dialects cache: nothing changed", tmp_path, "--dialect", "duckdb")
    assert (unchanged.exit_code, unchanged.lines()) == (0, ["Scanned 4 files, 4 statements (4 file extractions reused from the cache); 8 edges written (4 unchanged files kept as stored)."])


def test_an_unknown_dialect_is_one_line_in_the_catalog_and_in_a_header(tmp_path: Path) -> None:
    _write(tmp_path / "repo", {"lineage.yml": 'dialects:\n  "bq/**": bigquery\n  "sf/**": snowflak\n', "plain.sql": PLAIN})
    catalog = _scan("dialects: unknown dialect in lineage.yml", tmp_path)
    assert (catalog.exit_code, catalog.lines()) == (2, ["repo/lineage.yml:3: unknown dialect 'snowflak'; did you mean 'snowflake'?"])
    _write(tmp_path / "repo", {"lineage.yml": "", "sf.sql": "-- A Snowflake model.\n-- lineage: dialect=snowflak\n" + SNOWFLAKE})
    header = _scan("dialects: unknown dialect in a header", tmp_path)
    assert (header.exit_code, header.lines()) == (1, [
        "repo/sf.sql:2: unknown dialect 'snowflak' in the header comment, so the file is not parsed; did you mean 'snowflake'?",
        "Scanned 2 files, 1 statement; 1 failed (listed above); 1 edge written.",
    ])


def test_extract_reads_a_file_in_the_dialect_its_header_names(tmp_path: Path) -> None:
    (tmp_path / "ms.sql").write_text("-- lineage: dialect=tsql\n" + TSQL, encoding="utf-8")
    run = run_lineage("dialects: extract honours the header", "extract", "ms.sql", "--dialect", "postgres", cwd=tmp_path)
    assert (run.exit_code, run.stderr) == (0, "")
    assert [(e["source_table"], e["source_column"], e["target_table"], e["target_column"], e["subtype"], e["line"]) for e in json.loads(run.stdout)] == [
        ("crm.dbo.People", "Id", "dw.dbo.Customers", "Customer Id", "identity", 2),
        ("crm.dbo.People", "First", "dw.dbo.Customers", "Full Name", "transformation", 2),
        ("crm.dbo.People", "Last", "dw.dbo.Customers", "Full Name", "transformation", 2),
    ]


# sqlglot logs each of these while parsing: a JSON path it cannot read (kept as text: the column
# still feeds the output), and syntax it keeps as an opaque command (which costs the lineage).
WARNS = {
    "json.sql": "create table mart.j as select json_extract(v, '$.a[') as x from raw.t;\n",
    "command.sql": "create table mart.c as select o.a from `p.d.o` as o;\n",
}


def test_nothing_sqlglot_logs_reaches_stderr_in_scan_extract_or_diff(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    _write(repo, WARNS)
    unsupported = f"cannot parse statement as generic SQL (no dialect set); it parses as bigquery: {SET_IT.format('bigquery')}"
    scan = _scan("sqlglot logging: scan", tmp_path)
    assert (scan.exit_code, scan.lines()) == (1, [f"repo/command.sql:1: {unsupported}", "Scanned 2 files, 2 statements; 1 failed (listed above); 1 edge written."])
    _write(tmp_path / "many", {f"{n}{name}": text for name, text in WARNS.items() for n in (1, 2)})  # enough files to fork workers
    parallel = run_lineage("sqlglot logging: scan --jobs 2", "scan", "many", "--store", "st2", "--jobs", "2", cwd=tmp_path)
    assert (parallel.exit_code, parallel.lines()) == (1, [f"many/{n}command.sql:1: {unsupported}" for n in (1, 2)] + ["Scanned 4 files, 4 statements; 2 failed (listed above); 2 edges written."])
    for name in WARNS:
        extract = run_lineage(f"sqlglot logging: extract {name}", "extract", f"repo/{name}", cwd=tmp_path)
        assert (extract.exit_code, extract.lines()) == ((1, [f"repo/command.sql:1: {unsupported}"]) if name == "command.sql" else (0, []))
    _commit(repo)
    _write(repo, {"json.sql": WARNS["json.sql"].replace("as x", "as y")})
    _commit(repo)
    diff = run_lineage("sqlglot logging: diff", "diff", "--base", "main~1", "--format", "json", cwd=repo)
    assert (diff.exit_code, diff.lines()) == (1, [f"command.sql:1: {unsupported} (at base)", f"command.sql:1: {unsupported} (at head)"])


def test_diff_reads_each_revision_in_the_dialects_its_own_catalog_names(tmp_path: Path) -> None:
    """The base maps bq/ to BigQuery; the head drops the mapping: only the head fails to parse."""
    repo = tmp_path / "repo"
    _write(repo, {"lineage.yml": 'dialects:\n  "bq/**": bigquery\n', "bq/daily.sql": BIGQUERY})
    _commit(repo)
    _write(repo, {"lineage.yml": "", "bq/daily.sql": BIGQUERY.replace("sum(o.amount) as revenue", "sum(o.amount) as revenue_usd")})
    _commit(repo)
    run = run_lineage("dialects: diff with the mapping dropped at head", "diff", "--base", "main~1", "--format", "json", cwd=repo)
    assert (run.exit_code, run.lines()) == (1, [f"bq/daily.sql:1: cannot parse statement as generic SQL (no dialect set); it parses as bigquery: {SET_IT.format('bigquery')} (at head)"])
    _write(repo, {"lineage.yml": 'dialects:\n  "bq/**": bigquery\n'})
    _commit(repo)
    mapped = run_lineage("dialects: diff with the mapping at both revisions", "diff", "--base", "main~2", "--format", "json", cwd=repo)
    assert (mapped.exit_code, mapped.stderr) == (0, "")
    report = json.loads(mapped.stdout)
    assert [(c["table"], c["kind"], c.get("column"), c.get("new_name")) for c in report["changes"]] == [("acme-prod.mart.daily", "column_renamed", "revenue", "revenue_usd")]


def _commit(root: Path) -> None:
    env = {**os.environ, **GIT_ENV, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t"}
    init = [] if (root / ".git").exists() else [["init", "-q", "-b", "main"]]
    for args in [*init, ["add", "-A"], ["commit", "-q", "-m", "c"]]:
        subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)


def test_thousands_of_statements_no_dialect_reads_cost_a_bounded_retry_and_each_is_counted(tmp_path: Path) -> None:
    """Each failed statement may be parsed again in eleven dialects: a file-wide allowance (2,000,000
    characters, a try counted as at least 200) bounds that, so 20,000 failures cost about a second more."""
    _write(tmp_path / "repo", {"bad.sql": "select from where (;\n" * 20_000, "plain.sql": PLAIN})
    run = _scan("dialects: 20,000 statements no dialect parses", tmp_path, "--dialect", "postgres")
    assert run.exit_code == 1
    assert run.lines() == [*(f"repo/bad.sql:{n}: cannot parse statement: Expected table name but got 'where'" for n in range(1, 20_001)), "Scanned 2 files, 20,001 statements; 20,000 failed (listed above); 1 edge written."]


def test_a_script_for_another_warehouse_names_it_at_every_statement(tmp_path: Path) -> None:
    """The dialect that read the file's last failed statement is tried first: one try per statement."""
    _write(tmp_path / "repo", {"dump.sql": "create table mart.x as select o.a from `p.d.o` as o;\n" * 5_000})
    run = _scan("dialects: 5,000 BigQuery statements read as postgres", tmp_path, "--dialect", "postgres")
    assert run.exit_code == 1
    wrong = f"cannot parse statement as postgres; it parses as bigquery: {SET_IT.format('bigquery')}"
    assert run.lines() == [*(f"repo/dump.sql:{n}: {wrong}" for n in range(1, 5_001)), "Scanned 1 file, 5,000 statements; 5,000 failed (listed above); 0 edges written."]
