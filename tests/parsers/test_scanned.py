"""A scanned file crosses from a worker process to the scan as its facts' JSON, and nothing is lost."""

from __future__ import annotations

import pickle

from lineage.api import extract
from lineage.digests import text_digest
from parsers.scanned import ScannedFile

SQL = """create table mart.revenue as
select o.customer_id, sum(o.order_value) as revenue
from app.orders o join app.customers c on c.id = o.customer_id
where c.country = 'NL'
group by o.customer_id;
"""


def test_a_pickled_scanned_file_carries_the_json_not_the_decoded_facts() -> None:
    facts = extract(SQL, "models/revenue.sql")
    scanned = ScannedFile.of(facts)
    received = pickle.loads(pickle.dumps(scanned))
    assert received._cell == []  # the worker's decoded facts stayed behind
    assert received.facts == facts  # and decode, in the parent, to the same facts
    assert received.summary() == scanned.summary()
    assert received.digest == text_digest(scanned.facts_json)
    assert (received.statements, received.edges, received.tables) == (1, 6, ("app.customers", "app.orders", "mart.revenue"))
    edges = {(e.source_table, e.source_column, e.target_column, str(e.flow), str(e.subtype)) for e in received.facts.edges}
    assert edges == {
        ("app.orders", "customer_id", "customer_id", "direct", "identity"),
        ("app.orders", "order_value", "revenue", "direct", "aggregation"),
        ("app.customers", "id", None, "indirect", "join"),
        ("app.orders", "customer_id", None, "indirect", "join"),
        ("app.orders", "customer_id", None, "indirect", "group_by"),
        ("app.customers", "country", None, "indirect", "filter"),
    }
