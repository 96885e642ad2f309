"""Hostile procedural SQL: quoted bodies nested 10,000 deep, a T-SQL procedure of 5,000 statements
without one `;`, and 50,000 blocks never closed are split in bounded time and memory; every statement
they hold is lineage or a counted diagnostic at its own line, and the sibling file still scans."""

from __future__ import annotations

from pathlib import Path

from tests.redteam.harness import Run, run_lineage

SIBLING = "create table mart.kept as select k from app.kept;\n"


def _scan(tmp_path: Path, name: str, text: str, dialect: str) -> Run:
    (tmp_path / "sql").mkdir()
    (tmp_path / "sql" / "hostile.sql").write_text(text, encoding="utf-8")
    (tmp_path / "sql" / "sibling.sql").write_text(SIBLING, encoding="utf-8")
    return run_lineage(name, "scan", "sql", "--store", "st", "--jobs", "1", "--dialect", dialect, cwd=tmp_path)


def test_quoted_bodies_nested_10000_deep_are_one_warning(tmp_path: Path) -> None:
    """`DO $a0$ DO $a1$ ... $a1$ $a0$`: each level is tokenised again, so depth is capped (old code:
    the DO was an opaque command, its INSERT silently lost)."""
    levels = range(10_000)
    text = "-- nested\n" + "".join(f"DO $a{i}$ " for i in levels) + "INSERT INTO t (x) SELECT y FROM s" + "".join(f" $a{i}$" for i in reversed(levels)) + ";\n"
    run = _scan(tmp_path, "scan: DO bodies nested 10,000 deep", text, "postgres")
    assert run.exit_code == 0
    assert run.lines() == [
        "sql/hostile.sql:2: SQL quoted more than 8 levels deep not analysed: its lineage is missing",
        "Scanned 2 files, 1 statement; 1 warning; 1 edge written.",
    ]


def test_a_tsql_procedure_of_5000_statements_without_semicolons_yields_each(tmp_path: Path) -> None:
    """Old code: one statement from CREATE to GO, one parse error, no lineage at all."""
    inserts = "".join(f"INSERT INTO mart.t{i} (x) SELECT y FROM app.s{i}\n" for i in range(5_000))
    run = _scan(tmp_path, "scan: T-SQL procedure, 5,000 statements without ';'", f"CREATE PROCEDURE dbo.p AS\nBEGIN\n{inserts}END\nGO\n", "tsql")
    assert (run.exit_code, run.lines()) == (0, ["Scanned 2 files, 5,001 statements; 5,001 edges written."])


def test_50000_blocks_never_closed_keep_the_statement_inside(tmp_path: Path) -> None:
    """Old code: BigQuery's tokenizer took the INSERT after BEGIN as BEGIN's argument, silently."""
    run = _scan(tmp_path, "scan: 50,000 BEGIN never closed", "BEGIN\n" * 50_000 + "INSERT INTO mart.t (x) SELECT y FROM app.s;\n", "bigquery")
    assert (run.exit_code, run.lines()) == (0, ["Scanned 2 files, 2 statements; 2 edges written."])
