"""Power BI projects: TMDL and model.bim semantic models, PBIR and report.json reports, with exact column reads."""

from __future__ import annotations

import json
import time
from pathlib import Path

from parsers.bi.common import Sql
from parsers.bi.powerbi_report import read_powerbi
from parsers.bi.tmdl import parse_tmdl
from parsers.sql.schema import SchemaRegistry
from tests.conftest import ROOT, SAMPLE, check_golden
from tests.parsers.bi.reads import notes, read_lines

GOLDEN = ROOT / "tests" / "golden" / "bi" / "powerbi.reads"
SQL = Sql(SchemaRegistry())


def _sample() -> tuple[dict[str, list[tuple[str, str]]], dict[str, dict[str, str]]]:
    def shown(path: Path) -> str:
        return str(path.relative_to(ROOT))

    model, report = SAMPLE / "powerbi" / "Finance.SemanticModel", SAMPLE / "powerbi" / "Finance.Report"
    tables = [(shown(p), p.read_text(encoding="utf-8")) for p in sorted(model.glob("definition/tables/*.tmdl"))]
    paths = [report / "definition.pbir", *report.glob("definition/pages/*/page.json"), *report.glob("definition/pages/*/visuals/*/visual.json")]
    return {shown(model): tables}, {shown(report): {shown(p): p.read_text(encoding="utf-8") for p in sorted(paths)}}


def test_sample_project_reads_are_golden(update_golden: bool) -> None:
    models, reports = _sample()
    facts = read_powerbi(models, reports, SQL)
    assert notes(facts) == []
    assert [f.statements for f in facts.files if f.path.endswith("Order Lines.tmdl")] == [1]  # the native query
    check_golden(GOLDEN, read_lines(facts.consumers), update_golden)


def test_tmdl_objects_properties_and_multi_line_expressions() -> None:
    text = "table 'It''s'\n\tmeasure Total =\n\t\t\tSUM(\n\n\t\t\t  x[a])\n\t\tformatString: 0\n\tcolumn a\n\t\tisHidden\n\t\tsourceColumn: A\n\tpartition p = m\n\t\tsource = ```\n\t\t\tlet x = 1\n\t\t\tin x\n\t\t\t```\n"
    [table] = parse_tmdl(text).children
    assert (table.kind, table.name, [c.kind for c in table.children]) == ("table", "It's", ["measure", "column", "partition"])
    measure, column, partition = table.children
    assert (measure.expression, measure.properties, measure.line) == ("\t\t\tSUM(\n\n\t\t\t  x[a])", {"formatString": "0"}, 2)
    assert column.properties == {"sourceColumn": "A"}
    assert (partition.expression, partition.properties["source"].split()) == ("m", ["let", "x", "=", "1", "in", "x"])


BIM = {
    "name": "Shop",
    "compatibilityLevel": 1550,
    "model": {
        "tables": [
            {
                "name": "Orders",
                "columns": [
                    {"name": "Amount", "dataType": "decimal", "sourceColumn": "amount"},
                    {"name": "Rate", "dataType": "decimal", "sourceColumn": "rate"},
                    {"name": "Amount EUR", "type": "calculated", "dataType": "decimal", "expression": "Orders[Amount] * [Rate]"},
                    {"name": "Status", "dataType": "string", "sourceColumn": "status"},
                ],
                "measures": [
                    {"name": "EUR", "expression": ["SUMX(Orders,", "  Orders[Amount EUR]) // not 'Orders'[Status]"]},
                    {"name": "Paid share", "expression": "DIVIDE([EUR], CALCULATE([EUR], 'Orders'[Status] = \"paid [x]\"))"},
                    {"name": "Loop A", "expression": "[Loop B]"},
                    {"name": "Loop B", "expression": "[Loop A] + Orders[Nope]"},
                ],
                "partitions": [
                    {
                        "name": "Orders",
                        "mode": "import",
                        "source": {
                            "type": "m",
                            "expression": ["let", '    Source = Sql.Database("db.example", "shop", [Query="SELECT o.amount, r.rate, o.status#(lf)FROM shop.orders o JOIN shop.rates r ON r.day = o.day"])', "in", "    Source"],
                        },
                    }
                ],
            },
            {
                "name": "Customers",
                "columns": [{"name": "Tier", "dataType": "string", "sourceColumn": "tier"}],
                "measures": [{"name": "Tiers", "expression": "DISTINCTCOUNT(Customers[Tier])"}],
                "partitions": [{"name": "c", "source": {"type": "m", "expression": 'let S = Snowflake.Databases("x"), D = S{[Name="SHOP",Kind="Database"]}[Data], Sc = D{[Name="crm",Kind="Schema"]}[Data], T = Sc{[Name="customers",Kind="Table"]}[Data] in T'}}],
            },
            {
                "name": "Legacy",
                "columns": [{"name": "n", "sourceColumn": "n"}],
                "measures": [{"name": "Returns", "expression": "SUM(Legacy[n])"}],
                "partitions": [{"name": "l", "source": {"type": "query", "query": "SELECT COUNT(*) AS n FROM shop.returns WHERE reason = 'damaged'", "dataSource": "SqlServer db"}}],
            },
            {"name": "Manual", "columns": [{"name": "v", "sourceColumn": "v"}], "partitions": [{"name": "x", "source": {"type": "m", "expression": "#table({\"v\"}, {{1}})"}}]},
        ]
    },
}

LEGACY_REPORT = {
    "sections": [
        {
            "name": "ReportSection",
            "displayName": "Overview",
            "visualContainers": [
                {
                    "config": json.dumps(
                        {
                            "name": "v1",
                            "singleVisual": {
                                "visualType": "card",
                                "prototypeQuery": {"Version": 2, "From": [{"Name": "o", "Entity": "Orders", "Type": 0}], "Select": [{"Measure": {"Expression": {"SourceRef": {"Source": "o"}}, "Property": "Paid share"}, "Name": "Orders.Paid share"}]},
                            },
                        }
                    ),
                    "filters": json.dumps([{"name": "f", "expression": {"Column": {"Expression": {"SourceRef": {"Entity": "Customers"}}, "Property": "Tier"}}}]),
                }
            ],
        }
    ]
}


def test_a_model_bim_with_native_sql_navigation_a_query_partition_calculated_columns_and_a_legacy_report() -> None:
    bim = json.dumps(BIM, indent=2)
    pbir = json.dumps({"version": "1.0", "datasetReference": {"byPath": {"path": "../Shop.SemanticModel"}}})
    reports = {"p/Shop.Report": {"p/Shop.Report/definition.pbir": pbir, "p/Shop.Report/report.json": json.dumps(LEGACY_REPORT, indent=1)}}
    facts = read_powerbi({"p/Shop.SemanticModel": [("p/Shop.SemanticModel/model.bim", bim)]}, reports, SQL)
    reads = {c.id: sorted((e.source_table, e.source_column, str(e.flow)) for e in c.reads) for c in facts.consumers}
    joined = [("shop.orders", "day", "direct"), ("shop.rates", "day", "direct")]  # the query's join: read by all it outputs
    eur = sorted([("shop.orders", "amount", "direct"), ("shop.rates", "rate", "direct"), *joined])
    assert reads == {
        "powerbi:Shop/EUR": eur,
        "powerbi:Shop/Paid share": sorted([*eur, ("shop.orders", "status", "direct")]),
        "powerbi:Shop/Loop A": [],
        "powerbi:Shop/Loop B": [],
        "powerbi:Shop/Returns": [("shop.returns", "*", "direct"), ("shop.returns", "reason", "direct")],
        "powerbi:Shop/Tiers": [("crm.customers", "tier", "direct")],
        "powerbi:Shop": sorted([*reads["powerbi:Shop/Paid share"], ("crm.customers", "tier", "indirect")]),
        "powerbi:Shop/Overview/v1": sorted([*reads["powerbi:Shop/Paid share"], ("crm.customers", "tier", "indirect")]),
    }
    assert notes(facts) == [
        "p/Shop.SemanticModel/model.bim:48: DAX references form a cycle or a chain deeper than 100 at [Loop A]; it reads nothing through it",
        "p/Shop.SemanticModel/model.bim:48: Orders[Nope] is no column or measure of the model; it is not traced",
        "p/Shop.SemanticModel/model.bim:131: partition of table 'Manual' is neither native SQL nor a navigation to a warehouse table; its columns are not traced",
    ]


def test_hostile_tmdl_dax_and_json_cost_time_linear_in_their_size() -> None:
    long_line = "column " + "a " * 500_000  # no `=`, no end: a backtracking regex would be quadratic here
    dax = "x" * 1_000_000 + "[" + " /*" * 100_000 + ' "' * 10
    tmdl = f"table T\n\t{long_line}\n\tmeasure M = {dax}\n\tcolumn c\n\t\tsourceColumn: c\n"
    started = time.perf_counter()
    facts = read_powerbi({"m/T.SemanticModel": [("m/T.SemanticModel/definition/tables/T.tmdl", tmdl)]}, {}, SQL)
    bim = '{"model": {"tables": [' + ",".join(f'{{"name": "t{i}", "columns": [{{"name": "c", "sourceColumn": "c"}}]}}' for i in range(20_000)) + "]}}"
    read_powerbi({"b/B.SemanticModel": [("b/B.SemanticModel/model.bim", bim)]}, {}, SQL)
    assert time.perf_counter() - started < 5
    assert [c.id for c in facts.consumers] == ["powerbi:T/M"]
