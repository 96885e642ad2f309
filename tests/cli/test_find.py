"""`lineage find`: tables, columns, dashboards and ML features by part of their name or a glob."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app

runner = CliRunner()
SQL = """\
create table app.orders (order_id int, order_value numeric(12, 2));
create view mart.order_totals as select order_id, order_value as order_value_usd from app.orders;
"""


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "orders.sql").write_text(SQL, encoding="utf-8")
    assert runner.invoke(app, ["scan", "orders.sql", "--store", "s"]).exit_code == 0
    return "s"


def find(store: str, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["find", *args, "--store", store])
    return result.exit_code, result.stdout, result.stderr


def test_a_word_finds_every_name_containing_it(store: str) -> None:
    code, out, err = find(store, "order_value", "--format", "json")
    assert (code, err) == (0, "")
    assert [(n["kind"], n["name"], n["attrs"].get("type")) for n in json.loads(out)] == [
        ("column", "app.orders.order_value", "DECIMAL(12, 2)"),
        ("column", "mart.order_totals.order_value_usd", None),
    ]


def test_a_glob_and_kinds_narrow_it(store: str) -> None:
    code, out, err = find(store, "mart.*", "--kind", "table")
    assert (code, err) == (0, "")
    assert [line.split() for line in out.splitlines() if "━" not in line] == [["kind", "┃", "name", "┃", "type", "or", "owner"], ["table", "│", "mart.order_totals", "│"]]


def test_nothing_found_is_said_and_a_cut_list_too(store: str) -> None:
    assert find(store, "revenue") == (0, "Nothing matches revenue.\n", "")
    code, out, err = find(store, "order", "--kind", "column", "--limit", "1", "--format", "json")
    assert (code, [n["name"] for n in json.loads(out)], err) == (0, ["app.orders.order_id"], "truncated: 1 of 4 names shown; raise --limit\n")


def test_an_unknown_kind_is_a_usage_error(store: str) -> None:
    assert find(store, "order", "--kind", "tabel") == (2, "", "unknown kind 'tabel'; use one of column, dashboard, ml_feature, owner, query, table, unparsed\n")
