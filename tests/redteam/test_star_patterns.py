"""Column patterns of a star (Snowflake's `* ILIKE`, DuckDB's `COLUMNS('re')`) over a hostile schema:
a pattern that would make a backtracking matcher exponential on a long column name must end in
bounded time, with the columns it can match and a counted warning for the pattern it does not run.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.redteam.harness import run_lineage

LONG = "a" * 5000  # a legal quoted column name; `(a+)+$` or `%a%a...%b` backtrack exponentially on it


def test_hostile_star_patterns_end_bounded_with_a_counted_warning(tmp_path: Path) -> None:
    sql = tmp_path / "sql"
    sql.mkdir()
    (sql / "wide.sql").write_text(
        f'create table raw.wide (id int, "{LONG}" varchar);\n'
        f"create view mart.liked as select * ilike '{'%a' * 40}%b' from raw.wide;\n",
        encoding="utf-8",
    )
    (sql / "cols.sql").write_text(
        f'create table raw.wide (id int, "{LONG}" varchar);\n'
        "create view mart.picked as select columns('^(a+)+$') from raw.wide;\n",
        encoding="utf-8",
    )
    liked = run_lineage("scan: * ILIKE with 40 wildcards over a 5000-character column", "scan", "sql/wide.sql", "--store", "st", "--dialect", "snowflake", cwd=tmp_path)
    assert liked.exit_code == 0
    assert liked.lines() == ["Scanned 1 file, 2 statements; 0 edges written."]
    picked = run_lineage("extract: COLUMNS('^(a+)+$') over a 5000-character column", "extract", "sql/cols.sql", "--dialect", "duckdb", cwd=tmp_path)
    assert picked.exit_code == 0
    assert picked.lines() == [
        "sql/cols.sql:2: cannot apply 'COLUMNS('^(a+)+$')': its lambda or backtracking pattern is not evaluated; its '*' edge stands for every column"
    ]
    assert [(e["source_column"], e["target_column"]) for e in json.loads(picked.stdout)] == [("*", "*")]
