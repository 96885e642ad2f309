"""The benchmark's edge comparison: every approach against the union of the others (issue 7)."""

from __future__ import annotations

from bench.edges import Found, against_union, edge_key, known_columns

KNOWN = known_columns({"app.orders": ["id", "amount", "status"], "app.customers": ["id", "name"]})


def test_edge_keys_drop_qualifiers_and_case_and_name_a_missing_table() -> None:
    assert edge_key("App.Orders", '"Amount"', "mart.Revenue", "Total") == ("orders", "amount", "revenue", "total")
    assert edge_key(None, "amount", "q01", "total") == ("?", "amount", "q01", "total")


def test_missed_edges_are_filed_under_the_first_reason_that_applies() -> None:
    found = {
        "ours": Found(frozenset({("orders", "amount", "q1", "")}), frozenset({"q1"}), indirect=frozenset({("orders", "status", "q1", "band")})),
        "peer": Found(frozenset({("?", "name", "q1", "who"), ("orders", "id", "q1", "id")}), frozenset({"q1"})),
        "other": Found(
            frozenset({("orders", "amount", "q1", "_col_0"), ("orders", "status", "q1", "band"), ("customers", "name", "q1", "who"), ("orders", "id", "q1", "id")}),
            frozenset({"q1"}),
        ),
    }
    ours = against_union("ours", found, KNOWN)
    assert ours["missed_by_reason"] == {"indirect_in_ours": 1, "other_table": 0, "other_output": 1, "absent": 2}
    peer = against_union("peer", found, KNOWN)
    assert (peer["edges"], peer["not_comparable"], peer["union_of_others"]) == (2, {"no_table": 1, "star": 0, "not_in_schema": 0}, 5)
    assert peer["missed_by_reason"] == {"indirect_in_ours": 0, "other_table": 1, "other_output": 0, "absent": 3}


def test_a_subset_run_is_compared_on_its_statements_and_odd_sources_are_set_apart() -> None:
    found = {
        "whole": Found(frozenset({("orders", "id", "q1", "id"), ("orders", "id", "q2", "id")}), frozenset({"q1", "q2"})),
        "subset": Found(frozenset({("orders", "*", "q2", "n"), ("cte", "id", "q2", "id"), ("orders", "name", "q2", "x")}), frozenset({"q2"})),
    }
    subset = against_union("subset", found, KNOWN)
    assert (subset["union_of_others"], subset["missed"], subset["only_here"]) == (1, 1, 0)
    assert subset["not_comparable"] == {"no_table": 0, "star": 1, "not_in_schema": 2}
    whole = against_union("whole", found, KNOWN)
    assert (whole["union_of_others"], whole["missed"], whole["only_here"]) == (0, 0, 1)
