"""A dbt model's read at line N is reported at line N: through the template (a multi-line Jinja
block above it moves nothing), from the project's files and from real dbt's manifest alike."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from tests.conftest import ROOT

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
    for name, text in FILES.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path / "shop"


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
    done = subprocess.run(["bash", str(ROOT / "scripts" / "dbt-manifest.sh"), str(project)], capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr
    assert Path(done.stdout.strip()) == project / "target" / "manifest.json"
    assert _statements() == EXPECTED
