"""dbt profiles found where dbt finds them: --profiles-dir, $DBT_PROFILES_DIR, the project's folder,
~/.dbt; the target from --target or the profile; the dialect from the target's type; env_var() defaults."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from tests.cli.dbt_helpers import write_project

runner = CliRunner()
PROJECT = {"shop/dbt_project.yml": "name: shop\nprofile: shop\n", "shop/models/m.sql": "select o.id from raw.orders as o\n"}


def _profile(schema: str, target: str = "dev", kind: str = "duckdb") -> str:
    return f"shop:\n  target: {target}\n  outputs:\n    {target}: {{type: {kind}, schema: {schema}}}\n    other: {{type: postgres, schema: other_schema}}\n"



def _scan(*options: str, env: dict[str, str] | None = None) -> list[str]:
    """The scan's stderr lines, then the columns `raw.orders.id` reaches."""
    scanned = runner.invoke(app, ["scan", "shop", "--store", "s", *options], env={"HOME": "home", "DBT_PROFILES_DIR": "", **(env or {})})
    impact = runner.invoke(app, ["impact", "raw.orders.id", "--format", "json", "--store", "s"])
    reached = [c["name"] for c in json.loads(impact.stdout)["columns"]] if impact.exit_code == 0 else impact.stderr.splitlines()
    return [*scanned.stderr.splitlines(), *reached]


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write_project(tmp_path, PROJECT)


def test_profiles_dir_option_wins(tmp_path: Path) -> None:
    write_project(tmp_path, {"elsewhere/profiles.yml": _profile("from_option"), "shop/profiles.yml": _profile("from_project"), "env/profiles.yml": _profile("from_env")})
    assert _scan("--profiles-dir", "elsewhere", env={"DBT_PROFILES_DIR": "env"}) == ["Scanned 1 file, 1 statement; 1 edge written.", "from_option.m.id"]


def test_dbt_profiles_dir_wins_over_the_project_folder(tmp_path: Path) -> None:
    write_project(tmp_path, {"shop/profiles.yml": _profile("from_project"), "env/profiles.yml": _profile("from_env")})
    assert _scan(env={"DBT_PROFILES_DIR": "env"}) == ["Scanned 1 file, 1 statement; 1 edge written.", "from_env.m.id"]


def test_the_project_folder_wins_over_home(tmp_path: Path) -> None:
    write_project(tmp_path, {"shop/profiles.yml": _profile("from_project"), "home/.dbt/profiles.yml": _profile("from_home")})
    assert _scan() == ["Scanned 1 file, 1 statement; 1 edge written.", "from_project.m.id"]


def test_home_dbt_is_read_last(tmp_path: Path) -> None:
    write_project(tmp_path, {"home/.dbt/profiles.yml": _profile("from_home")})
    assert _scan() == ["Scanned 1 file, 1 statement; 1 edge written.", "from_home.m.id"]


def test_a_missing_profile_is_one_line_naming_where_it_looked() -> None:
    assert _scan() == [
        "shop/dbt_project.yml: profile 'shop' not found (looked in shop/profiles.yml, ~/.dbt/profiles.yml); models without a custom schema go to schema 'shop'",
        "Scanned 2 files, 1 statement; 1 warning; 1 edge written.",
        "shop.m.id",
    ]
    assert _scan("--profiles-dir", "nowhere")[0] == "shop/dbt_project.yml: profile 'shop' not found (looked in nowhere/profiles.yml); models without a custom schema go to schema 'shop'"


def test_target_option_wins_over_the_profiles_target(tmp_path: Path) -> None:
    write_project(tmp_path, {"shop/profiles.yml": _profile("prod_schema", "prod")})
    assert _scan()[-1] == "prod_schema.m.id"
    assert _scan("--target", "other")[-1] == "other_schema.m.id"
    assert _scan("--target", "nope")[0] == "shop/dbt_project.yml: no target 'nope' in profile 'shop' of shop/profiles.yml; models without a custom schema go to schema 'shop'"


def test_the_targets_type_names_the_dialect_unless_the_option_does(tmp_path: Path) -> None:
    write_project(tmp_path, {"shop/profiles.yml": _profile("sf", kind="snowflake"), "shop/models/m.sql": "select o.id, o.payload:customer.name::string as name from raw.orders as o\n"})
    assert _scan() == ["Scanned 1 file, 1 statement; 2 edges written.", "sf.m.id"]
    told = _scan("--dialect", "tsql")
    assert told[0] == "shop/models/m.sql:1: cannot parse statement as tsql; it parses as snowflake: set the dialect for this file (-- lineage: dialect=snowflake, or dialects: in lineage.yml)"


def test_env_var_defaults_render_and_the_environment_is_never_read(tmp_path: Path) -> None:
    profile = "shop:\n  target: \"{{ env_var('DBT_TARGET', 'ci') }}\"\n  outputs:\n    ci:\n      type: duckdb\n      schema: \"{{ env_var('DBT_SCHEMA', 'analytics') }}\"\n"
    write_project(tmp_path, {"shop/profiles.yml": profile})
    assert _scan(env={"DBT_SCHEMA": "secret_schema"}) == ["Scanned 1 file, 1 statement; 1 edge written.", "analytics.m.id"]


def test_an_env_var_without_default_names_the_schema_after_itself(tmp_path: Path) -> None:
    write_project(tmp_path, {"shop/profiles.yml": "shop:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      schema: \"{{ env_var('DBT_SCHEMA') }}\"\n"})
    assert _scan() == [
        "shop/profiles.yml:1: env_var('DBT_SCHEMA') has no default: rendered as a placeholder",
        "Scanned 2 files, 1 statement; 1 warning; 1 edge written.",
        "dbt_schema.m.id",
    ]
