"""schemas/lineage.schema.json, published for editors, accepts the catalogs we ship and rejects a bad one."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from lineage.errors import ConfigError
from parsers.catalog import load_catalog
from tests.conftest import ROOT

SCHEMA = json.loads((ROOT / "schemas" / "lineage.schema.json").read_text(encoding="utf-8"))
CATALOGS = sorted(p.relative_to(ROOT) for p in ROOT.glob("**/lineage.yml") if ".venv" not in p.parts and ".lineage" not in p.parts)


def _errors(document: object) -> list[str]:
    validator = jsonschema.Draft202012Validator(SCHEMA)
    return sorted(f"{'/'.join(str(p) for p in e.absolute_path)}: {e.message}" for e in validator.iter_errors(document))


def test_the_schema_is_a_valid_json_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


@pytest.mark.parametrize("path", CATALOGS, ids=str)
def test_every_catalog_in_the_repository_validates(path: Path) -> None:
    assert _errors(yaml.safe_load((ROOT / path).read_text(encoding="utf-8"))) == []
    load_catalog(ROOT / path)  # and the tool reads it


def test_the_sample_catalog_is_among_them() -> None:
    assert Path("sample_sql/lineage.yml") in CATALOGS


BAD = """\
owners:
  bi: {name: BI, phone: "555"}
tables:
  app.orders: {owner: bi, tier: gold}
dashboards:
  exec: {owner: bi}
ml_features:
  f: {columns: [revenue]}
extras: {}
"""


def test_a_bad_catalog_fails_validation_where_the_tool_also_refuses_it(tmp_path: Path) -> None:
    assert _errors(yaml.safe_load(BAD)) == [
        ": Additional properties are not allowed ('extras' was unexpected)",
        "dashboards/exec: {'owner': 'bi'} is not valid under any of the given schemas",
        "ml_features/f/columns/0: 'revenue' does not match '^[^.]+(\\\\.[^.]+)+$'",
        "owners/bi: Additional properties are not allowed ('phone' was unexpected)",
        "tables/app.orders/tier: 'gold' is not one of ['core', 'mart', 'view']",
    ]
    (tmp_path / "lineage.yml").write_text(BAD)
    with pytest.raises(ConfigError, match="unknown key 'extras' in the catalog"):
        load_catalog(tmp_path / "lineage.yml")


def test_the_readme_points_editors_to_the_schema() -> None:
    assert "# yaml-language-server: $schema=" in (ROOT / "README.md").read_text(encoding="utf-8")
    assert "schemas/lineage.schema.json" in (ROOT / "README.md").read_text(encoding="utf-8")
