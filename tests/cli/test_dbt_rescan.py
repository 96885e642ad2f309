"""An unchanged dbt project is re-scanned from the scan cache, neither rendered nor parsed; any
change to what its facts depend on (a model, a macro, the profile, the rest of the scan's schema)
renders and extracts it again, and the store then holds what a fresh scan writes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from tests.cli.dbt_helpers import write_project

runner = CliRunner()
FILES = {
    "shop/dbt_project.yml": "name: shop\nprofile: shop\n",
    "shop/macros/amount.sql": "{% macro amount(alias) -%}\n    {{ alias }}.amount\n{%- endmacro %}\n",
    "shop/models/paid.sql": "select o.id, {{ amount('o') }} as amount\nfrom raw.orders as o\n",
    "shop/models/total.sql": "select sum(p.amount) as total\nfrom {{ ref('paid') }} as p\n",
    "shop/models/semantic.yml": (
        "semantic_models:\n  - name: total\n    model: ref('total')\n    config: {meta: {owner: finance}}\n"
        "    entities: [{name: total, type: primary}]\n    measures: [{name: total_sum, agg: sum, expr: total}]\n"
    ),
    "profiles/profiles.yml": "shop:\n  target: dev\n  outputs:\n    dev: {type: duckdb, schema: main}\n",
}


@pytest.fixture(autouse=True)
def _project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write_project(tmp_path, FILES)



def _scan(*paths: str, store: str = "s") -> str:
    result = runner.invoke(app, ["scan", *paths, "--store", store, "--profiles-dir", "profiles"])
    assert result.exit_code == 0, result.stderr
    return result.stderr.strip()


def _reached(column: str, store: str = "s") -> list[str]:
    report = json.loads(runner.invoke(app, ["impact", column, "--format", "json", "--store", store]).stdout)
    return [c["name"] for c in report["columns"]] + [d["name"] for d in report["dashboards"]]


def test_an_unchanged_project_is_taken_from_the_cache() -> None:
    assert _scan("shop") == "Scanned 2 files, 2 statements; 4 edges written."
    assert _scan("shop") == "Scanned 2 files, 2 statements (2 file extractions reused from the cache); 4 edges written (3 unchanged files kept as stored)."
    assert _reached("raw.orders.amount") == ["main.paid.amount", "main.total.total", "semantic_model.total"]


def test_a_changed_macro_renders_the_project_again(tmp_path: Path) -> None:
    _scan("shop")
    write_project(tmp_path, {"shop/macros/amount.sql": FILES["shop/macros/amount.sql"].replace(".amount", ".amount_usd")})
    assert _scan("shop") == "Scanned 2 files, 2 statements; 4 edges written (2 unchanged files kept as stored)."
    assert _reached("raw.orders.amount_usd") == ["main.paid.amount", "main.total.total", "semantic_model.total"]


def test_a_changed_profile_outside_the_project_renders_it_again(tmp_path: Path) -> None:
    _scan("shop")
    write_project(tmp_path, {"profiles/profiles.yml": FILES["profiles/profiles.yml"].replace("schema: main", "schema: prod")})
    assert _scan("shop") == "Scanned 2 files, 2 statements; 4 edges written."
    assert _reached("raw.orders.amount") == ["prod.paid.amount", "prod.total.total", "semantic_model.total"]


def test_a_changed_schema_from_the_rest_of_the_scan_extracts_it_again(tmp_path: Path) -> None:
    """`select *` from a table that plain SQL declares: its columns are part of the project's key."""
    write_project(tmp_path, {"shop/models/paid.sql": "select * from raw.orders\n", "ddl/orders.sql": "create table raw.orders (id int, amount int);\n"})
    _scan("shop", "ddl")
    write_project(tmp_path, {"ddl/orders.sql": "create table raw.orders (id int, amount int, fee int);\n"})
    # the first pass (no schema but --schema's) is the cached one; the second, with the DDL's, is new
    assert _scan("shop", "ddl") == "Scanned 3 files, 3 statements (2 file extractions reused from the cache); 5 edges written (2 unchanged files kept as stored)."
    assert _reached("raw.orders.fee") == ["main.paid.fee"]
    _scan("shop", "ddl", store="fresh")
    assert _reached("raw.orders.fee", "fresh") == ["main.paid.fee"]


def test_a_store_inside_the_project_is_not_part_of_it() -> None:
    assert _scan("shop", store="shop/s") == "Scanned 2 files, 2 statements; 4 edges written."
    assert _scan("shop", store="shop/s") == "Scanned 2 files, 2 statements (2 file extractions reused from the cache); 4 edges written (3 unchanged files kept as stored)."
