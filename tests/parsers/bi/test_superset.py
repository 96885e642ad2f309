"""Superset: the YAML of a dashboard export read into charts and dashboards with exact column reads."""

from __future__ import annotations

from parsers.bi.common import Sql
from parsers.bi.superset import read_superset
from parsers.sql.schema import SchemaRegistry
from tests.conftest import ROOT, check_golden
from tests.parsers.bi.reads import notes, read_lines, sample_texts

GOLDEN = ROOT / "tests" / "golden" / "bi" / "superset.reads"
SQL = Sql(SchemaRegistry())


def test_sample_export_reads_are_golden(update_golden: bool) -> None:
    facts = read_superset([t for t in sample_texts("superset", (".yaml",)) if not t[0].endswith("metadata.yaml")], SQL)
    assert notes(facts) == []
    assert [f.statements for f in facts.files if f.path.endswith("customer_value.yaml")] == [1]  # the virtual dataset's SQL
    check_golden(GOLDEN, read_lines(facts.consumers), update_golden)


DATASET = """table_name: orders
schema: shop
sql: null
uuid: ds-1
metrics:
- metric_name: eur
  expression: SUM(amount * fx_rate)
columns:
- column_name: big
  expression: amount > 100
"""
CHART = """slice_name: Sales
params:
  metrics: [eur, {expressionType: SQL, sqlExpression: MAX(discount)}]
  groupby: [big]
  adhoc_filters: [{expressionType: SIMPLE, subject: status, operator: ==, comparator: paid}]
  granularity_sqla: created_at
owners: [ana@shop.example]
dataset_uuid: ds-1
"""


def test_metrics_calculated_columns_sql_expressions_filters_and_owners() -> None:
    facts = read_superset([("e/datasets/orders.yaml", DATASET), ("e/charts/sales.yaml", CHART), ("e/charts/lost.yaml", "slice_name: Lost\ndataset_uuid: nope\n")], SQL)
    reads = {c.id: sorted((e.source_table, e.source_column, str(e.flow)) for e in c.reads) for c in facts.consumers}
    assert reads == {
        "superset:Sales": [
            ("shop.orders", "amount", "direct"),
            ("shop.orders", "created_at", "indirect"),
            ("shop.orders", "discount", "direct"),
            ("shop.orders", "fx_rate", "direct"),
            ("shop.orders", "status", "indirect"),
        ],
        "superset:Lost": [],
    }
    assert [(c.id, c.owner) for c in facts.consumers] == [("superset:Sales", "ana@shop.example"), ("superset:Lost", "")]
    assert notes(facts) == ["e/charts/lost.yaml:1: chart 'Lost' names a dataset not in the export; its reads are not traced"]


def test_an_alias_bomb_in_an_export_is_one_line() -> None:
    bomb = "a: &a [x,x,x,x,x,x,x,x,x,x]\n" + "".join(f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join(["*" + chr(97 + i)] * 10) + "]\n" for i in range(9))
    facts = read_superset([("e/charts/bomb.yaml", bomb)], SQL)
    assert (facts.consumers, notes(facts)) == ((), ["e/charts/bomb.yaml:7: YAML expands past 10.0 MB through its aliases (an alias bomb?); not read"])
