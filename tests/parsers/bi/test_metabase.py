"""Metabase: a serialization export read into questions, models and dashboards with exact column reads and owners."""

from __future__ import annotations

from parsers.bi.common import Sql
from parsers.bi.metabase import read_metabase
from parsers.sql.schema import SchemaRegistry
from tests.conftest import ROOT, check_golden
from tests.parsers.bi.reads import notes, read_lines, sample_texts

GOLDEN = ROOT / "tests" / "golden" / "bi" / "metabase.reads"
SQL = Sql(SchemaRegistry())


def test_sample_export_reads_are_golden(update_golden: bool) -> None:
    facts = read_metabase(sample_texts("metabase", (".yaml",)), SQL)
    assert notes(facts) == []
    assert [(o.id, o.name) for o in facts.owners] == [("collection:Finance", "Finance (Metabase collection)")]
    assert [(r.pattern, r.owner) for r in facts.rules] == [
        ("metabase:Finance/Weekly revenue", "collection:Finance"),
        ("metabase:Finance/Customer sign-ups", "collection:Finance"),
        ("metabase:Finance/Finance weekly", "collection:Finance"),
    ]
    check_golden(GOLDEN, read_lines(facts.consumers), update_golden)


def _meta(model: str, eid: str) -> str:
    return f"serdes/meta:\n- id: {eid}\n  label: x\n  model: {model}\n"


PERSONAL = "name: Ana's Personal Collection\nentity_id: col1\npersonal_owner_id: ana@shop.example\n" + _meta("Collection", "col1")
MODEL = """name: Paid orders [model]
entity_id: card1
collection_id: col1
type: model
dataset_query:
  database: Shop
  type: native
  native:
    query: SELECT o.id, o.amount FROM shop.orders AS o WHERE o.status = 'paid'
""" + _meta("Card", "card1")
QUESTION = """name: Big paid orders
entity_id: card2
collection_id: col1
dataset_query:
  database: Shop
  type: native
  native:
    query: "SELECT p.id FROM {{#1-paid-orders}} AS p WHERE p.amount > {{threshold}} [[AND p.id <> {{skip}}]]"
    template-tags:
      "#1-paid-orders": {type: card, card-id: card1, name: "#1-paid-orders"}
      threshold: {type: number, name: threshold}
""" + _meta("Card", "card2")
GUI = "name: Orders by day\nentity_id: card3\ncollection_id: col1\ndataset_query:\n  database: Shop\n  type: query\n  query: {source-table: [Shop, shop, orders]}\n" + _meta("Card", "card3")
BOARD = "name: Sales\nentity_id: d1\ncollection_id: col1\ndashcards:\n- {card_id: card2, row: 0}\n- {card_id: gone, row: 1}\n" + _meta("Dashboard", "d1")
MBQL5 = "name: Stages\nentity_id: card4\ndataset_query:\n  lib/type: mbql/query\n  database: Shop\n  stages:\n  - {lib/type: mbql.stage/native, native: SELECT discount FROM shop.orders}\n" + _meta("Card", "card4")


def test_models_referenced_cards_variables_optional_clauses_personal_owners_and_what_is_not_traced() -> None:
    files = [("e/collections/col1/col1.yaml", PERSONAL), ("e/collections/col1/cards/m.yaml", MODEL), ("e/collections/col1/cards/q.yaml", QUESTION)]
    files += [("e/collections/col1/cards/g.yaml", GUI), ("e/collections/col1/dashboards/d.yaml", BOARD), ("e/collections/cards/s.yaml", MBQL5)]
    facts = read_metabase(files, SQL)
    reads = {c.id: sorted({(e.source_table, e.source_column) for e in c.reads}) for c in facts.consumers}
    paid = [("shop.orders", "amount"), ("shop.orders", "id"), ("shop.orders", "status")]
    assert reads == {
        "metabase:Ana's Personal Collection/Paid orders [model]": paid,
        "metabase:Ana's Personal Collection/Big paid orders": paid,
        "metabase:Ana's Personal Collection/Orders by day": [],
        "metabase:root/Stages": [("shop.orders", "discount")],
        "metabase:Ana's Personal Collection/Sales": paid,
    }
    assert {c.id: c.owner for c in facts.consumers}["metabase:Ana's Personal Collection/Sales"] == "ana@shop.example"
    assert [(o.id, o.email) for o in facts.owners] == [("ana@shop.example", "ana@shop.example")]
    assert facts.rules == ()  # a personal collection's cards have their owner: no fallback
    assert notes(facts) == [
        "e/collections/col1/cards/g.yaml:1: question 'Orders by day' is built in the query builder (MBQL), not SQL; its reads are not traced",
        "e/collections/col1/dashboards/d.yaml:1: dashboard 'Sales' shows card gone, which is not in the export; it is not traced",
    ]


def test_a_card_naming_itself_stops_and_a_broken_file_is_one_line() -> None:
    loop = "name: Loop\nentity_id: c9\ndataset_query:\n  native:\n    query: SELECT x FROM {{#9-loop}}\n    template-tags: {'#9-loop': {type: card, card-id: c9}}\n" + _meta("Card", "c9")
    facts = read_metabase([("e/collections/cards/loop.yaml", loop), ("e/collections/cards/bad.yaml", "name: [unclosed\n")], SQL)
    assert [c.id for c in facts.consumers] == ["metabase:root/Loop"]
    assert notes(facts) == [
        "e/collections/cards/bad.yaml:2: invalid YAML: expected ',' or ']', but got '<stream end>'",
        "e/collections/cards/loop.yaml:1: card 'Loop' names itself through {{#9-loop}}, or a chain deeper than 20; that part is not traced",
    ]


def test_unclosed_tags_and_optional_clauses_cost_time_linear_in_their_size() -> None:
    import json
    import time

    query = "SELECT a FROM t\n-- " + "{{ " * 200_000 + "[[ " * 200_000  # in a comment: the SQL parse is cheap, quadratic tag regexes would not be
    card = f"name: Big\nentity_id: b1\ndataset_query:\n  native:\n    query: {json.dumps(query)}\n" + _meta("Card", "b1")
    started = time.perf_counter()
    facts = read_metabase([("e/collections/cards/big.yaml", card)], SQL)
    assert time.perf_counter() - started < 5
    assert [c.id for c in facts.consumers] == ["metabase:root/Big"]
    assert [sorted((e.source_table, e.source_column) for e in c.reads) for c in facts.consumers] == [[("t", "a")]]
    assert notes(facts) == []
