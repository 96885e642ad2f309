"""Jupyter notebooks read with nbformat: SQL cells and the ETL reader's calls, the notebook a consumer of what they read."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_notebook

from parsers.bi.common import Sql
from parsers.bi.notebooks import read_notebook
from parsers.sources.paths import Root
from parsers.sql.schema import SchemaRegistry
from tests.conftest import ROOT, SAMPLE, check_golden
from tests.parsers.bi.reads import notes, read_lines

GOLDEN = ROOT / "tests" / "golden" / "bi" / "notebooks.reads"


def _read(path: Path, text: str):  # type: ignore[no-untyped-def]
    return read_notebook(path, text, Sql(SchemaRegistry()), Root.of([path.parent], "the scanned folder"))


def test_sample_notebooks_reads_are_golden(update_golden: bool, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(ROOT)
    consumers = []
    for path in sorted((SAMPLE / "notebooks").glob("*.ipynb")):
        facts = _read(path.relative_to(ROOT), path.read_text(encoding="utf-8"))
        assert notes(facts) == []
        assert [(f.path, f.statements, f.edges) for f in facts.files] == [(str(path.relative_to(ROOT)), 1, ())]
        consumers += facts.consumers
    check_golden(GOLDEN, read_lines(consumers), update_golden)


def test_writes_stay_lineage_reads_become_the_notebooks_and_lines_are_the_files(tmp_path: Path) -> None:
    cells = [
        new_code_cell("%%sql\nINSERT INTO mart.big_orders\nSELECT o.id, o.amount FROM shop.orders AS o WHERE o.amount > 100"),
        new_code_cell("from pyspark.sql import SparkSession\nspark = SparkSession.builder.getOrCreate()\nfor day in days:\n    %time x = 1\n    spark.sql(f\"SELECT discount FROM shop.orders WHERE day = '{day}'\").show()"),
        new_code_cell("%%bash\necho SELECT nothing FROM here"),
        new_code_cell("%sql SELECT c.tier FROM shop.customers AS c\n%sql sqlite://"),
    ]
    text = nbformat.writes(new_notebook(cells=cells))
    facts = _read(tmp_path / "nb.ipynb", text)
    lines = text.splitlines()
    [notebook] = facts.files
    assert [(e.source_column, e.target_table, e.target_column, lines[e.at.line - 1].strip()[:20]) for e in notebook.edges if e.target_column] == [
        ("amount", "mart.big_orders", "amount", '"INSERT INTO mart.bi'),
        ("id", "mart.big_orders", "id", '"INSERT INTO mart.bi'),
    ]
    [consumer] = facts.consumers
    assert consumer.id == f"notebook:{tmp_path / 'nb.ipynb'}"
    assert sorted({(e.source_table, e.source_column, lines[e.at.line - 1].strip()[:20]) for e in consumer.reads}) == [
        ("shop.customers", "tier", '"%sql SELECT c.tier '),
        ("shop.orders", "day", '"    spark.sql(f\\"SE'),
        ("shop.orders", "discount", '"    spark.sql(f\\"SE'),
    ]
    assert notes(facts) == [f"{tmp_path}/nb.ipynb:11: columns of 'mart.big_orders' are unknown: mapped by output name (add its DDL or --schema)"]


def test_a_file_that_is_not_a_notebook_is_one_line_and_an_invalid_one_a_warning(tmp_path: Path) -> None:
    assert notes(_read(tmp_path / "a.ipynb", "{\n  \"cells\": [\n")) == [f"{tmp_path}/a.ipynb:3: not a notebook nbformat can read (Notebook does not appear to be JSON: '{{\\n  \"cells\": [\\n'); not read"]
    assert notes(_read(tmp_path / "b.ipynb", "[1, 2]")) == [f"{tmp_path}/b.ipynb:1: not a notebook nbformat can read ('list' object has no attribute 'get'); not read"]
    odd = json.dumps({"cells": [{"cell_type": "code", "source": "import pandas as pd\npd.read_sql('SELECT a FROM t', c)", "metadata": {}}], "metadata": {}, "nbformat": 4, "nbformat_minor": 5})
    facts = _read(tmp_path / "c.ipynb", odd)
    assert notes(facts) == [f"{tmp_path}/c.ipynb:1: notebook does not follow the nbformat schema; read as far as it goes"]
    assert [(e.source_table, e.source_column) for c in facts.consumers for e in c.reads] == [("t", "a")]
