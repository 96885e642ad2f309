"""A dbt model's read at line N is reported at line N: through the template (a multi-line Jinja
block above it moves nothing), from the project's files and from real dbt's manifest alike."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from tests.cli.dbt_helpers import real_manifest, write_project

runner = CliRunner()
MODEL = """\
{{ config(materialized='table') }}
{%- set methods = [
    'card',
    'coupon',
] -%}

with orders as (
    select * from {{ source('app', 'orders') }}
),

payments as (
    select order_id, amount
    from {{ source('app', 'payments') }}
)

select o.order_id, p.amount
from orders as o
join payments as p on p.order_id = o.order_id
"""
FILES = {
    "shop/dbt_project.yml": "name: shop\nprofile: shop\n",
    "shop/profiles.yml": "shop:\n  target: dev\n  outputs:\n    dev: {type: duckdb, schema: main, path: \"{{ env_var('DBT_DUCKDB_PATH', 'target/shop.duckdb') }}\"}\n",
    "shop/models/m.sql": MODEL,
    "shop/models/src.yml": "sources:\n  - name: app\n    schema: app\n    tables:\n      - name: orders\n        columns: [{name: order_id}]\n      - name: payments\n        columns: [{name: order_id}, {name: amount}]\n",
}
# (column changed, statement file:line, what it writes), for both sources
EXPECTED = [
    ("app.orders.order_id", [("shop/models/m.sql", 8, ["main.m", "main.m.order_id"])]),
    ("app.payments.amount", [("shop/models/m.sql", 13, ["main.m.amount"])]),
]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return write_project(tmp_path, FILES) / "shop"


def _statements(*scan: str) -> list[tuple[str, list[tuple[str, int, list[str]]]]]:
    scanned = runner.invoke(app, ["scan", *scan, "shop", "--store", "s"])
    assert scanned.exit_code == 0, scanned.stderr
    found = []
    for column, _ in EXPECTED:
        report = json.loads(runner.invoke(app, ["impact", column, "--format", "json", "--store", "s"]).stdout)
        found.append((column, [(s["file"], s["line"], s["writes"]) for s in report["statements"]]))
    return found


def test_a_read_is_reported_at_its_line_from_the_files(project: Path) -> None:
    assert _statements() == EXPECTED


def test_a_read_is_reported_at_its_line_from_the_manifest(project: Path) -> None:
    assert real_manifest(project) == project / "target" / "manifest.json"
    assert _statements() == EXPECTED
