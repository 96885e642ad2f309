"""`lineage stats` (blast-radius leaderboard, dead columns, cycles) and `lineage export`, on a small scanned warehouse."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pytest
from typer.testing import CliRunner

from cli.main import app

runner = CliRunner()
SQL = """\
create table raw.orders (id int, amount int, status text, note text);
create table stg.orders as select id, amount, status from raw.orders;
create table mart.revenue as select status, sum(amount) as revenue from stg.orders group by status;
create table mart.big as select id, amount from stg.orders where amount > 100;
create view v1 as select a from v2;
create view v2 as select a from v1;
"""
CATALOG = "ml_features:\n  rev.forecast:\n    columns: [mart.revenue.revenue]\n"


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.chdir(tmp_path)
    Path("sql").mkdir()
    Path("sql/warehouse.sql").write_text(SQL, encoding="utf-8")
    Path("sql/lineage.yml").write_text(CATALOG, encoding="utf-8")
    assert runner.invoke(app, ["scan", "sql", "--store", "st"]).exit_code == 0
    return "st"


def _run(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def test_stats_ranks_columns_by_downstream_reach_and_lists_dead_columns_and_cycles(store: str) -> None:
    # raw.orders.amount reaches stg.orders.amount, mart.revenue.revenue, the feature, and both columns
    # of mart.big (its filter reads every row of it); raw.orders.note is never written, so not dead
    assert _run("stats", "--store", store, "--top", "6").splitlines() == [
        "Downstream reach (columns, dashboards, ML features), top 6 of 13 columns:",
        "        5  raw.orders.amount",
        "        4  raw.orders.status",
        "        4  stg.orders.amount",
        "        3  stg.orders.status",
        "        2  raw.orders.id",
        "        1  mart.revenue.revenue",
        "Dead columns (written, never read): 3",
        "  mart.big.amount",
        "  mart.big.id",
        "  mart.revenue.status",
        "Cycles: 1",
        "  v1.a -> v2.a",
    ]


def test_stats_as_json_lists_every_column_with_top_0(store: str) -> None:
    record = json.loads(_run("stats", "--store", store, "--top", "0", "--format", "json"))
    assert record["columns"] == 13
    assert [(r["column"], r["downstream"]) for r in record["leaderboard"]] == [
        ("raw.orders.amount", 5), ("raw.orders.status", 4), ("stg.orders.amount", 4), ("stg.orders.status", 3), ("raw.orders.id", 2),
        ("mart.revenue.revenue", 1), ("stg.orders.id", 1), ("v1.a", 1), ("v2.a", 1),
        ("mart.big.amount", 0), ("mart.big.id", 0), ("mart.revenue.status", 0), ("raw.orders.note", 0),
    ]  # fmt: skip
    assert record["dead_columns"] == ["mart.big.amount", "mart.big.id", "mart.revenue.status"]
    assert record["cycles"] == [["v1.a", "v2.a"]]


def _edges(graph: nx.MultiDiGraph) -> list[tuple[str, str, str, int]]:
    return sorted((a, b, data["relation"], int(data["line"])) for a, b, data in graph.edges(data=True))


NEIGHBOURHOOD = [
    ("column:v1.a", "column:v2.a", "feeds", 6),
    ("column:v2.a", "column:v1.a", "feeds", 5),
    ("table:v1", "column:v1.a", "has_column", 0),
    ("table:v2", "column:v2.a", "has_column", 0),
]


@pytest.mark.parametrize("fmt", ["graphml", "gexf", "node-link"])
def test_export_writes_the_whole_graph_or_a_neighbourhood_that_networkx_reads_back(store: str, fmt: str) -> None:
    result = runner.invoke(app, ["export", "--format", fmt, "-o", "all.out", "--store", store])
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", f"Wrote all.out: 20 nodes, 26 edges ({fmt}).\n")
    read = {"graphml": nx.read_graphml, "gexf": nx.read_gexf}.get(fmt) or (lambda p: nx.node_link_graph(json.loads(Path(p).read_text()), edges="edges"))
    whole = read("all.out")
    assert (whole.number_of_nodes(), whole.number_of_edges()) == (20, 26)
    assert ("column:raw.orders.amount", "column:stg.orders.amount", "feeds", 2) in _edges(whole)
    assert whole.nodes["ml_feature:rev.forecast"]["kind"] == "ml_feature"
    assert runner.invoke(app, ["export", "v1.a", "--format", fmt, "-o", "v1.out", "--store", store]).exit_code == 0
    near = read("v1.out")
    assert sorted(near.nodes) == ["column:v1.a", "column:v2.a", "table:v1", "table:v2"]
    assert _edges(near) == NEIGHBOURHOOD


def test_export_to_stdout_and_an_unknown_target(store: str) -> None:
    # the table v2: its column downstream, and round the cycle; nothing is upstream of the table itself
    data = json.loads(_run("export", "v2", "--format", "node-link", "--store", store))
    assert [(e["source"], e["target"]) for e in data["edges"]] == [("column:v1.a", "column:v2.a"), ("column:v2.a", "column:v1.a"), ("table:v2", "column:v2.a")]
    result = runner.invoke(app, ["export", "nope", "--store", store])
    assert (result.exit_code, result.stdout, result.stderr) == (1, "", "unknown table or column 'nope'; did you mean 'raw.orders.note'?\n")
