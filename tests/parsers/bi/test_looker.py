"""Looker: LookML views, explores and dashboards read with lkml into consumers with exact column reads."""

from __future__ import annotations

import time
from parsers.bi.looker import MAX_REFERENCE_DEPTH, read_looker
from parsers.sql.schema import SchemaRegistry
from tests.conftest import ROOT, check_golden
from tests.parsers.bi.reads import notes, read_lines, sample_texts

GOLDEN = ROOT / "tests" / "golden" / "bi" / "looker.reads"


def test_sample_looker_project_reads_are_golden(update_golden: bool) -> None:
    facts = read_looker(sample_texts("looker", (".lkml", ".lookml")), SchemaRegistry())
    assert notes(facts) == []
    check_golden(GOLDEN, read_lines(facts.consumers), update_golden)


VIEW = """
view: orders {
  sql_table_name: shop.orders ;;
  dimension: id { primary_key: yes sql: ${TABLE}.id ;; }
  dimension: status {}
  dimension: amount { sql: ${TABLE}."order_value" ;; }
  dimension: amount_eur { sql: ${amount} * ${customers.fx_rate} ;; }
  dimension_group: created { type: time timeframes: [date, month] sql: ${TABLE}.created_at ;; }
  measure: count { type: count }
  measure: revenue_eur { type: sum sql: ${amount_eur} ;; }
}
view: customers {
  sql_table_name: shop.customers ;;
  dimension: id { sql: ${TABLE}.id ;; }
  dimension: fx_rate { sql: ${TABLE}.fx_rate ;; }
}
explore: orders {
  join: buyer { from: customers sql_on: ${orders.id} = ${buyer.id} ;; relationship: many_to_one }
}
"""

BOARD = """- dashboard: sales
  title: Sales
  elements:
  - name: eur
    explore: orders
    fields: [orders.created_month, orders.revenue_eur, buyer.fx_rate]
    filters: {orders.status: paid}
  - name: counts
    explore: orders
    fields: [orders.count]
    sorts: [orders.count desc]
  - name: bad
    explore: orders
    fields: [orders.nope]
"""


def test_fields_follow_table_references_dimension_groups_joins_and_filters() -> None:
    facts = read_looker([("p/orders.view.lkml", VIEW), ("p/sales.dashboard.lookml", BOARD)], SchemaRegistry())
    reads = {c.id: sorted((e.source_table, e.source_column, str(e.subtype)) for e in c.reads) for c in facts.consumers}
    assert reads == {
        "looker:sales/eur": [
            ("shop.customers", "fx_rate", "identity"),
            ("shop.customers", "id", "join"),
            ("shop.orders", "created_at", "identity"),
            ("shop.orders", "id", "join"),
            ("shop.orders", "order_value", "identity"),
            ("shop.orders", "status", "filter"),
        ],
        "looker:sales/counts": [],
        "looker:sales/bad": [],
        "looker:sales": [
            ("shop.customers", "fx_rate", "identity"),
            ("shop.customers", "id", "join"),
            ("shop.orders", "created_at", "identity"),
            ("shop.orders", "id", "join"),
            ("shop.orders", "order_value", "identity"),
            ("shop.orders", "status", "filter"),
        ],
    }
    assert notes(facts) == ["p/sales.dashboard.lookml:12: tile 'bad' uses field 'orders.nope' that no view defines; it is not traced"]


def _chain(count: int, loop: bool) -> str:
    """A view whose field i reads column c{i} and field i+1 (the last field reads f0 when `loop`)."""
    ends = {count - 1: "f0" if loop else None}
    fields = "".join(f"  dimension: f{i} {{ sql: ${{TABLE}}.c{i}{' + ${' + str(ends.get(i, f'f{i + 1}')) + '}' if ends.get(i, 1) else ''} ;; }}\n" for i in range(count))
    return "view: v {\n  sql_table_name: t ;;\n" + fields + "}\n"


BOARD_V = "- dashboard: d\n  elements:\n  - name: e\n    explore: v\n    fields: [v.f0]\n"


def test_a_cycle_of_field_references_is_reported_once_and_read_once() -> None:
    facts = read_looker([("cycle.view.lkml", _chain(3, loop=True)), ("d.dashboard.lookml", BOARD_V)], SchemaRegistry())
    assert notes(facts) == ["cycle.view.lkml:3: field references form a cycle (v.f0 -> v.f1 -> v.f2 -> v.f0); the fields in it read nothing through it"]
    tile = next(c for c in facts.consumers if c.id == "looker:d/e")
    assert sorted(e.source_column for e in tile.reads) == ["c0", "c1", "c2"]


def test_a_reference_chain_deeper_than_the_bound_stops_there_in_bounded_time() -> None:
    started = time.perf_counter()
    facts = read_looker([("chain.view.lkml", _chain(5000, loop=True)), ("d.dashboard.lookml", BOARD_V)], SchemaRegistry())
    assert time.perf_counter() - started < 10
    assert notes(facts) == [f"chain.view.lkml:{MAX_REFERENCE_DEPTH + 3}: field 'v.f{MAX_REFERENCE_DEPTH}' is more than {MAX_REFERENCE_DEPTH} ${{field}} references deep; what it reads is not followed further"]
    tile = next(c for c in facts.consumers if c.id == "looker:d/e")
    assert sorted(int(e.source_column[1:]) for e in tile.reads) == list(range(MAX_REFERENCE_DEPTH))


def test_invalid_or_absurdly_nested_lookml_is_one_line_and_the_rest_is_read() -> None:
    deep = "view: x {" + "a: {" * 100_000 + "}" * 100_001
    facts = read_looker([("bad.view.lkml", "view: x {\n  dimension: {\n"), ("deep.view.lkml", deep), ("p/orders.view.lkml", VIEW), ("p/sales.dashboard.lookml", BOARD)], SchemaRegistry())
    assert notes(facts) == [
        "bad.view.lkml:3: not valid LookML (Unable to find a matching expression for '<stream end>' on line 3); this file is not read",
        "deep.view.lkml:1: not valid LookML (maximum recursion depth exceeded); this file is not read",
        "p/sales.dashboard.lookml:12: tile 'bad' uses field 'orders.nope' that no view defines; it is not traced",
    ]
    assert len(facts.consumers) == 4


def test_a_dashboard_alias_bomb_is_refused_in_one_line() -> None:
    bomb = "a: &a [x,x,x,x,x,x,x,x,x,x]\n" + "".join(f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join(["*" + chr(97 + i)] * 10) + "]\n" for i in range(9))
    started = time.perf_counter()
    facts = read_looker([("b.dashboard.lookml", bomb)], SchemaRegistry())
    assert time.perf_counter() - started < 5
    assert (facts.consumers, notes(facts)) == ((), ["b.dashboard.lookml:7: YAML expands past 10.0 MB through its aliases (an alias bomb?); not read"])
