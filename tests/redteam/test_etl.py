"""Hostile ETL Python: SQL built from 100,000-term concatenations, 300,000-name f-strings and deep
expressions is read in bounded stack and linear time, or the file is one diagnostic; the sibling
DAG in the same scan still yields its edges."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from tests.redteam.harness import Run, run_lineage

SIBLING = "cursor.execute('create table mart.kept as select k from app.kept')\n"
OPERATOR = "from airflow.providers.postgres.operators.postgres import PostgresOperator\n\n"
WIDE = "create table mart.wide as select x from app.src where y = '"
# what the hostile DAGs' SQL reads, once it is read: x into mart.wide, y filtering its rows
WIDE_EDGES = [("app.src.x", "mart.wide.x", "direct", "identity", 3), ("app.src.y", "mart.wide", "indirect", "filter", 3)]


def _scan(tmp_path: Path, name: str, dag: str, cpu_seconds: int = 60) -> Run:
    (tmp_path / "dags").mkdir()
    (tmp_path / "dags" / "dag.py").write_text(dag)
    (tmp_path / "dags" / "sibling.py").write_text(SIBLING)
    return run_lineage(name, "scan", "dags", "--store", "store", "--jobs", "1", cwd=tmp_path, cpu_seconds=cpu_seconds)


def _hops(tmp_path: Path, source: str) -> list[tuple[str, str, str, str, int]]:
    result = CliRunner().invoke(app, ["downstream", source, "--format", "json", "--store", str(tmp_path / "store")])
    assert result.exit_code == 0, result.output
    return [(h["source"], h["target"], h["kind"], h["subtype"], h["line"]) for h in json.loads(result.stdout)]


def _sibling_kept(tmp_path: Path) -> None:
    assert _hops(tmp_path, "app.kept") == [("app.kept.k", "mart.kept.k", "direct", "identity", 1)]


def _concatenation(terms: int) -> str:
    """`'a' + ' ' + 'a' + ...`: a left-deep tree `terms` deep, inside a SQL string literal."""
    return f'"{WIDE}" + ' + " + ".join(["'a'", "' '"] * (terms // 2)) + " + \"'\""


@pytest.mark.parametrize(
    ("name", "dag"),
    [
        ("etl: 100k concatenation as an operator's sql", OPERATOR + f"load = PostgresOperator(task_id='load', sql={_concatenation(100_000)})\n"),
        ("etl: 100k concatenation assigned, then executed", f"\n\nsql = {_concatenation(100_000)}\ncursor.execute(sql)\n"),
    ],
)
def test_a_100k_term_concatenation_is_folded_without_recursion(tmp_path: Path, name: str, dag: str) -> None:
    run = _scan(tmp_path, name, dag)
    assert (run.exit_code, run.lines()) == (0, ["Scanned 2 files, 2 statements; 3 edges written."])
    assert _hops(tmp_path, "app.src") == WIDE_EDGES
    _sibling_kept(tmp_path)


def test_300k_module_names_in_f_strings_are_looked_up_in_linear_time(tmp_path: Path) -> None:
    # a hundred f-strings, since one of 300,000 fields is itself quadratic for CPython 3.11 (below)
    names = " + ".join(["f'" + "{A}{B}" * 1_500 + "'"] * 100)
    dag = f'A = "a"\nB = " "\ncursor.execute("{WIDE}" + {names} + "\'")\n'
    # the old lookup walked the module for each name: 20 s of CPU was not enough
    run = _scan(tmp_path, "etl: 300k module names in f-strings", dag, cpu_seconds=20)
    assert (run.exit_code, run.lines()) == (0, ["Scanned 2 files, 2 statements; 3 edges written."])
    assert _hops(tmp_path, "app.src") == WIDE_EDGES
    _sibling_kept(tmp_path)


def test_one_f_string_of_300k_fields_is_one_diagnostic_and_the_rest_is_read(tmp_path: Path) -> None:
    names = "{A}{B}" * 150_000
    dag = f'A = "a"\nB = " "\ncursor.execute(f"select {names} from app.lost")\ncursor.execute("{WIDE}\'")\n'
    run = _scan(tmp_path, "etl: f-string of 300k fields", dag, cpu_seconds=20)
    assert (run.exit_code, run.lines()) == (0, [
        "dags/dag.py:3: f-string of 300,000 fields: past 10,000, Python parses it too slowly to read; its SQL is not extracted",
        "Scanned 2 files, 2 statements; 1 warning; 3 edges written.",
    ])
    assert _hops(tmp_path, "app.src") == [(s, t, k, st, 4) for s, t, k, st, _ in WIDE_EDGES]
    _sibling_kept(tmp_path)


def test_a_100k_deep_interpolated_attribute_becomes_a_placeholder(tmp_path: Path) -> None:
    chain = "cfg" + ".a" * 100_000
    run = _scan(tmp_path, "etl: f-string of a 100k-deep attribute", f'\n\ncursor.execute(f"{WIDE}\' || {{{chain}}}")\n')
    assert (run.exit_code, run.lines()) == (0, ["Scanned 2 files, 2 statements; 3 edges written."])
    assert _hops(tmp_path, "app.src") == WIDE_EDGES
    _sibling_kept(tmp_path)


def test_a_50k_call_method_chain_is_walked_once(tmp_path: Path) -> None:
    chain = "spark.table('app.src')" + ".alias('s')" * 50_000  # 100,000 deep: a call and an attribute a link
    run = _scan(tmp_path, "etl: 50k-call method chain", f"df = {chain}\ndf.write.saveAsTable('mart.copy')\ncursor.execute(" + f'"{WIDE}\'")\n')
    assert (run.exit_code, run.lines()) == (0, [
        "dags/dag.py:2: 'df' is written into 'mart.copy' but is not the result of SQL this tool reads (DataFrame API calls or Python values): the lineage into 'mart.copy' is missing",
        "Scanned 2 files, 2 statements; 1 warning; 3 edges written.",
    ])
    assert _hops(tmp_path, "app.src") == WIDE_EDGES
    _sibling_kept(tmp_path)


@pytest.mark.parametrize(
    ("name", "expression"),
    [
        ("etl: 10k nested parentheses", "(" * 10_000 + "'select 1'" + ")" * 10_000),
        ("etl: 10k nested calls", "str(" * 10_000 + "'select 1'" + ")" * 10_000),
        ("etl: 10k-deep nested list literal", "'select 1', " + "[" * 10_000 + "]" * 10_000),
        ("etl: 10k-deep nested dict literal", "'select 1', " + "{'k': " * 10_000 + "1" + "}" * 10_000),
    ],
)
def test_bracket_nesting_past_pythons_limit_is_one_diagnostic(tmp_path: Path, name: str, expression: str) -> None:
    run = _scan(tmp_path, name, f"\n\ncursor.execute({expression})\n")
    assert (run.exit_code, run.lines()) == (0, [
        "dags/dag.py:3: cannot parse Python (too many nested parentheses): SQL in this file was not read",
        "Scanned 2 files, 1 statement; 1 warning; 1 edge written.",
    ])
    _sibling_kept(tmp_path)


@pytest.mark.parametrize(
    ("name", "expression"),
    [
        ("etl: 10k-deep unary chain", "'select ' + str(" + "-" * 10_000 + "1)"),
        ("etl: 10k-deep conditional chain", "'select 1' if a else " * 10_000 + "'select 2'"),
        ("etl: 300k concatenation (past ast construction)", " + ".join(["'a'"] * 300_000)),
    ],
)
def test_nesting_past_pythons_parser_is_one_diagnostic_at_its_line(tmp_path: Path, name: str, expression: str) -> None:
    run = _scan(tmp_path, name, f"import os\n\nsql = {expression}\ncursor.execute(sql)\n")
    assert (run.exit_code, run.lines()) == (0, [
        "dags/dag.py:3: cannot parse Python (nested too deeply for its parser): SQL in this file was not read",
        "Scanned 2 files, 1 statement; 1 warning; 1 edge written.",
    ])
    _sibling_kept(tmp_path)
