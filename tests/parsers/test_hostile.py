"""Inputs far beyond what people write by hand still extract (or fail one statement, clearly)."""

from __future__ import annotations

from parsers.sql.extract import extract_sql


def test_a_ten_thousand_way_union_extracts() -> None:
    sql = "create table u as " + " union all ".join(f"select a{i % 7} as x from t{i % 13}" for i in range(10_000))
    # no statement budget: this asserts what is extracted, not how fast (a busy machine must not fail it;
    # the budget's own behaviour is tested in tests/redteam, the speed in bench/)
    facts = extract_sql(sql, "union.sql", budget=None)
    assert facts.diagnostics == ()
    # branch i reads a{i % 7} from t{i % 13}: 91 distinct (table, column) pairs, all into u.x
    assert {(e.source_table, e.source_column) for e in facts.edges} == {(f"t{i % 13}", f"a{i % 7}") for i in range(91)}
    assert {(e.target_table, e.target_column) for e in facts.edges} == {("u", "x")}


def test_four_hundred_nested_subqueries_extract() -> None:
    sql = "select x from " + "(select x from " * 400 + "t" + ") s" * 400
    facts = extract_sql(sql, "deep.sql")
    assert [(e.source_table, e.source_column, e.target_column) for e in facts.edges] == [("t", "x", "x")]


def test_beyond_any_stack_one_statement_fails_and_the_next_extracts() -> None:
    sql = "select " + "(" * 200_000 + "a" + ")" * 200_000 + " from t; select b from t2"
    facts = extract_sql(sql, "absurd.sql")
    assert [str(d) for d in facts.diagnostics] == ["absurd.sql:1: statement is nested too deeply to analyse; split it into CTEs or views"]
    assert [(e.source_table, e.source_column) for e in facts.edges] == [("t2", "b")]


def test_a_file_that_stops_at_a_declaring_word_extracts_in_every_dialect() -> None:
    """`LET`, `FOR` or a declaration cut off at the end of the text names no variable: the splitter
    once read the token after it and raised IndexError, losing the whole file."""
    for dialect in (None, "snowflake", "bigquery", "postgres", "tsql", "mysql", "oracle", "duckdb"):
        for text in ("LET", "LET\n", "select a from t;\nLET"):
            facts = extract_sql(text, "cut.sql", dialect)
            assert facts.failures == 0, (dialect, text)
            assert [(e.source_table, e.source_column) for e in facts.edges] == ([("t", "a")] if "select" in text else []), (dialect, text)
