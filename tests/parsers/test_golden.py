"""Golden lineage per construct and per dialect: tests/golden/<construct>/<case>.sql -> .edges."""

from __future__ import annotations

from pathlib import Path

import pytest

from parsers.sql.extract import extract_sql
from tests.conftest import check_golden
from tests.golden_edges import format_edges, golden_cases, read_header

GOLDEN = Path(__file__).resolve().parent.parent / "golden"
CASES = golden_cases(GOLDEN)


def test_there_are_golden_cases() -> None:
    assert len(CASES) >= 40


@pytest.mark.parametrize("case", CASES, ids=[f"{c.parent.name}/{c.stem}" for c in CASES])
def test_golden_edges(case: Path, update_golden: bool) -> None:
    sql = case.read_text(encoding="utf-8")
    dialect, schema = read_header(sql)
    facts = extract_sql(sql, case.name, dialect, schema)
    text = format_edges(facts.edges) + "".join(f"! {d.severity}: {d.message} @{d.at.line}\n" for d in facts.diagnostics)
    check_golden(case.with_suffix(".edges"), text, update_golden)
