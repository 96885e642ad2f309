"""The completeness line: one phrase per kind of gap, at most five places each, counts whole."""

from __future__ import annotations

from lineage.completeness import Completeness, Gap, GapKind, may_name
from lineage.model import Location


def test_a_complete_answer_says_so() -> None:
    assert Completeness().line() == "Complete."
    assert Completeness().to_record() == {"complete": True, "gaps": []}


def test_each_kind_is_one_phrase_listing_five_places_then_how_many_more() -> None:
    failed = tuple(Gap(GapKind.FAILED_STATEMENT, Location(f"m/{i}.sql", 3), "app.orders") for i in range(7))
    gaps = (
        *failed,
        Gap(GapKind.UNRESOLVED_COLUMN, Location("a.sql", 2), "status"),
        Gap(GapKind.UNEXPANDED_STAR, Location("b.sql", 4), "raw.events"),
        Gap(GapKind.TABLE_LEVEL_CONSUMER, Location("exposures.yml", 35), "board (columns of mart.x unknown)"),
        Gap(GapKind.TRUNCATED, None, "stopped at --max-depth 2 with more downstream"),
    )
    assert Completeness(gaps).line() == (
        "May be incomplete: 7 statements that did not parse may read app.orders "
        "(m/0.sql:3, m/1.sql:3, m/2.sql:3, m/3.sql:3, m/4.sql:3, ...and 2 more); "
        "1 column whose table the SQL does not name: status (a.sql:2); "
        "1 unexpanded * over raw.events (b.sql:4); "
        "consumer declared at table level: board (columns of mart.x unknown) (exposures.yml:35); "
        "stopped at --max-depth 2 with more downstream."
    )


def test_a_statement_that_may_read_anything_makes_the_phrase_say_it() -> None:
    gaps = (Gap(GapKind.FAILED_STATEMENT, Location("x.sql", 1), "app.orders"), Gap(GapKind.FAILED_STATEMENT, Location("y.sql"), ""))
    assert Completeness(gaps).line() == "May be incomplete: 2 statements that did not parse may read it (x.sql:1, y.sql)."


def test_a_table_is_named_by_the_words_of_its_last_part_whatever_the_schema() -> None:
    assert may_name({"select", "orders"}, "app.orders")
    assert may_name({"order", "items"}, 'app."order items"')
    assert not may_name({"select", "order"}, "app.orders")
