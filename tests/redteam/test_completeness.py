"""Answers next to SQL that did not parse: never silent, never a narrower guess, always bounded.

A statement the parser cannot read is kept in the store with the words of its text; every answer
that touches a table it may name says it may be incomplete. Too many words, or none, means it may
read anything; thousands of such statements are one line that counts them.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.redteam.harness import run_lineage

BASE = "create table app.orders (id int, order_value int);\ncreate table mart.rev as select sum(order_value) as revenue from app.orders;\n"
WORDS = 100_000
FAILED = 20_000


def _scan(tmp_path: Path, name: str, files: dict[str, str]) -> None:
    (tmp_path / "sql").mkdir()
    for file, text in {"base.sql": BASE, **files}.items():
        (tmp_path / "sql" / file).write_text(text, encoding="utf-8")
    scan = run_lineage(f"scan: {name}", "scan", "sql", "--store", "st", "--jobs", "1", cwd=tmp_path)
    assert scan.exit_code == 1, scan.stderr
    assert scan.lines()[-1].startswith("Scanned 2 files"), scan.stderr


def test_a_failed_statement_of_100000_distinct_words_may_read_anything(tmp_path: Path) -> None:
    idents = ", ".join(f"c{i}x" for i in range(WORDS))
    _scan(tmp_path, "a failed statement of 100,000 distinct words", {"huge.sql": f"select {idents} from nowhere where (;\n"})
    run = run_lineage("impact beside a failed statement of 100,000 words", "impact", "mart.rev.revenue", "--store", "st", "--format", "json", cwd=tmp_path)
    assert (run.exit_code, run.stderr) == (0, "")
    assert json.loads(run.stdout)["completeness"] == {"complete": False, "gaps": [{"kind": "failed_statement", "file": "sql/huge.sql", "line": 1, "detail": ""}]}


def test_20000_failed_statements_are_one_line_that_counts_them(tmp_path: Path) -> None:
    _scan(tmp_path, "20,000 failed statements over app.orders", {"bad.sql": "select order_value from app.orders where (;\n" * FAILED})
    run = run_lineage("impact beside 20,000 failed statements", "impact", "app.orders.order_value", "--store", "st", "--fail-on", "incomplete", cwd=tmp_path)
    assert run.exit_code == 3, run.stderr
    assert run.stdout.splitlines()[2] == (
        "May be incomplete: 20,000 statements that did not parse may read app.orders "
        "(sql/bad.sql:1, sql/bad.sql:2, sql/bad.sql:3, sql/bad.sql:4, sql/bad.sql:5, ...and 19,995 more)."
    )


def test_a_quoted_name_in_another_case_is_still_named(tmp_path: Path) -> None:
    _scan(tmp_path, "a failed statement naming \"APP\".\"ORDERS\"", {"q.sql": 'insert into mart.rev select "ORDER_VALUE" from "APP"."ORDERS" where (;\n'})
    run = run_lineage("impact beside a quoted upper-case name", "impact", "app.orders.order_value", "--store", "st", cwd=tmp_path)
    assert run.exit_code == 0, run.stderr
    assert run.stdout.splitlines()[2] == "May be incomplete: 1 statement that did not parse may read app.orders, mart.rev (sql/q.sql:1)."
