"""Multi-table INSERT FIRST: each INTO depends on the earlier WHENs not holding. Copying every earlier
condition into each later INTO cost the square of the INTOs (3,000 WHENs ran past 10 minutes); now
the earlier WHENs are kept as the distinct columns they read and the deadline is checked per INTO,
so the statement past its budget is one counted line and the other files are still scanned.
"""

from __future__ import annotations

from pathlib import Path

from tests.redteam.harness import run_lineage

WHENS = 3_000


def test_an_insert_first_of_3000_whens_is_bounded_by_the_statement_budget(tmp_path: Path) -> None:
    sql = tmp_path / "sql"
    sql.mkdir()
    whens = "".join(f"  WHEN c{i} > {i} THEN INTO mart.t{i} (id) VALUES (id)\n" for i in range(WHENS))
    (sql / "first.sql").write_text(f"-- lineage: dialect=snowflake\nINSERT FIRST\n{whens}  ELSE INTO mart.rest (id) VALUES (id)\nSELECT * FROM raw.events;\n", encoding="utf-8")
    (sql / "other.sql").write_text("create table mart.o as select a from app.t;\n", encoding="utf-8")
    run = run_lineage("scan: INSERT FIRST of 3,000 WHENs, snowflake", "scan", "sql", "--store", "st", "--jobs", "1", "--statement-budget", "2", cwd=tmp_path, cpu_seconds=30)
    assert run.exit_code == 1
    assert run.lines() == [
        "sql/first.sql:2: statement skipped: extraction took more than 2 s (--statement-budget); its lineage is missing",
        "Scanned 2 files, 2 statements; 1 failed (listed above); 1 edge written.",
    ]
