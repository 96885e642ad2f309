"""Impact semantics, tested once: table-level edges reach every column, distances, owners, statements."""

from __future__ import annotations

from pathlib import Path

import lineage
from graphs.stores.embedded import NetworkxStore
from lineage.catalog import Catalog, Consumer, Owner, TableEntry
from lineage.graph import Canonicaliser, build_graph
from lineage.impact import Change, ChangeKind, analyse_impact
from lineage.names import resolve_target
from lineage.model import NodeKind, Tier
from parsers.sql.schema import SchemaRegistry
from parsers.sql.extract import extract_sql

SCRIPT = """\
create table app.orders (id int, value int, status text);
create table mart.paid as select id, value from app.orders where status = 'paid';
create table mart.summary as select count(*) as n, max(id) as top_id from mart.paid;
create table mart.value_only as select value * 2 as doubled from mart.paid;
"""


def _store(tmp_path: Path, catalog: Catalog | None = None) -> NetworkxStore:
    facts = extract_sql(SCRIPT, "w.sql", None, SchemaRegistry())
    store = NetworkxStore(tmp_path)
    with store.transaction():
        for graph in build_graph([facts], catalog):
            store.replace_file(graph)
    return store


def _names(items: tuple[lineage.impact.Reached, ...]) -> list[tuple[str, int, str]]:
    return [(r.node.name, r.distance, r.via) for r in items]


def test_a_filter_column_reaches_every_column_of_the_target_table(tmp_path: Path) -> None:
    store = _store(tmp_path)
    report = analyse_impact(store, resolve_target(store, "app.orders.status"), Change(ChangeKind.DROP))
    assert _names(report.columns) == [
        ("mart.paid.*", 1, "table"),  # its rows: count(*) reads them
        ("mart.paid.id", 1, "table"),
        ("mart.paid.value", 1, "table"),
        ("mart.summary.n", 2, "direct/aggregation"),  # fewer paid rows, a smaller count
        ("mart.summary.top_id", 2, "direct/aggregation"),
        ("mart.value_only.doubled", 2, "direct/transformation"),
    ]
    assert _names(report.tables) == [("mart.paid", 1, "indirect/filter"), ("mart.summary", 2, "direct/aggregation"), ("mart.value_only", 2, "direct/transformation")]
    assert [(s.file, s.line, s.distance, s.breaks) for s in report.statements] == [("w.sql", 2, 1, True), ("w.sql", 3, 2, False), ("w.sql", 4, 2, False)]


def test_a_value_column_reaches_only_what_reads_it(tmp_path: Path) -> None:
    store = _store(tmp_path)
    report = analyse_impact(store, resolve_target(store, "orders.value"), Change(ChangeKind.RENAME, "amount"))
    assert _names(report.columns) == [("mart.paid.value", 1, "direct/identity"), ("mart.value_only.doubled", 2, "direct/transformation")]
    assert report.change.describe() == "rename to amount"


def test_a_table_target_means_all_its_columns(tmp_path: Path) -> None:
    store = _store(tmp_path)
    report = analyse_impact(store, resolve_target(store, "mart.paid"), Change())
    assert _names(report.columns) == [
        ("mart.summary.n", 1, "direct/aggregation"),  # count(*) reads the table as a whole
        ("mart.summary.top_id", 1, "direct/aggregation"),
        ("mart.value_only.doubled", 1, "direct/transformation"),
    ]


def test_max_depth_counts_feeds_hops_not_table_hops(tmp_path: Path) -> None:
    store = _store(tmp_path)
    report = analyse_impact(store, resolve_target(store, "app.orders.status"), Change(), max_depth=1)
    assert _names(report.columns) == [("mart.paid.*", 1, "table"), ("mart.paid.id", 1, "table"), ("mart.paid.value", 1, "table")]


def test_owners_consumers_and_inherited_ownership(tmp_path: Path) -> None:
    catalog = Catalog(
        "lineage.yml",
        owners=(Owner("core-team", email="core@x"), Owner("bi", github="acme/bi")),
        tables=(TableEntry("app.orders", "core-team", Tier.CORE), TableEntry("mart.*", "bi", Tier.MART)),
        consumers=(Consumer("exec", NodeKind.DASHBOARD, "bi", columns=("mart.value_only.doubled",)),),
    )
    store = _store(tmp_path, catalog)
    report = analyse_impact(store, resolve_target(store, "orders.value"), Change(ChangeKind.DROP))
    assert [(d.node.name, d.distance) for d in report.dashboards] == [("exec", 3)]
    assert [(o.owner.name, o.owner.attr("github"), o.assets) for o in report.owners] == [("bi", "acme/bi", ("exec", "mart.paid", "mart.value_only"))]
    assert [(t.node.name, t.node.attr("tier")) for t in report.tables] == [("mart.paid", "mart"), ("mart.value_only", "mart")]


def test_cycles_terminate(tmp_path: Path) -> None:
    facts = extract_sql("insert into t (a) select a + 1 from t; create view v1 as select b from v2; create view v2 as select b from v1;", "c.sql")
    store = NetworkxStore(tmp_path)
    for graph in build_graph([facts], None):
        store.replace_file(graph)
    assert _names(analyse_impact(store, resolve_target(store, "t.a"), Change()).columns) == []
    assert _names(analyse_impact(store, resolve_target(store, "v1.b"), Change()).columns) == [("v2.b", 1, "direct/identity")]


def test_partial_names_are_made_canonical_across_files() -> None:
    canon = Canonicaliser(["orders", "app.orders", "x.t", "y.t", "t"])
    assert [canon(n) for n in ["orders", "app.orders", "t", "x.t"]] == ["app.orders", "app.orders", "t", "x.t"]


def test_public_api_is_sorted_and_importable() -> None:
    assert lineage.__all__ == sorted(lineage.__all__)
    assert all(hasattr(lineage, name) for name in lineage.__all__)


def test_the_report_is_the_same_from_the_walks_rows_on_every_embedded_store(tmp_path: Path) -> None:
    from graphs.stores.sqlite import SqliteStore
    from lineage.impact import Walked, start_nodes
    from lineage.model import Direction
    from lineage.store import FLOW_RELATIONS

    json_store = _store(tmp_path / "json")
    sqlite_store = SqliteStore(tmp_path / "sqlite")
    with sqlite_store.transaction():
        for graph in build_graph([extract_sql(SCRIPT, "w.sql", None, SchemaRegistry())], None):
            sqlite_store.replace_file(graph)
    reports = [analyse_impact(s, resolve_target(s, "app.orders.status"), Change(ChangeKind.DROP)) for s in (json_store, sqlite_store)]
    assert reports[0] == reports[1]
    # the edges, made when read, are the walk's; cut by `limited` to those between entries shown
    targets = resolve_target(sqlite_store, "app.orders.status")
    walked = sqlite_store.walk(start_nodes(sqlite_store, targets), Direction.DOWNSTREAM, None, FLOW_RELATIONS)
    assert isinstance(reports[1].edges, Walked) and list(reports[1].edges) == walked and len(walked) == 7
    shown = reports[1].limited(2)
    kept = {t.id for t in shown.targets} | {r.node.id for r in (*shown.columns, *shown.tables)}
    assert list(shown.edges) == [e for e in walked if e.source in kept and e.target in kept] and len(shown.edges) == 3
    sqlite_store.close()


def test_temp_tables_and_table_variables_belong_to_their_file(tmp_path: Path) -> None:
    one = "SELECT a.x INTO #stage FROM a;\nINSERT INTO r1 (x) SELECT x FROM #stage;\n"
    two = "SELECT b.y AS x INTO #stage FROM b;\nDECLARE @rows TABLE (x INT);\nINSERT INTO @rows SELECT x FROM #stage;\nINSERT INTO r2 (x) SELECT x FROM @rows;\n"
    shared = "SELECT a.x INTO ##shared FROM a;\n"  # a global temp table is one table for every session
    reads = "INSERT INTO r3 (x) SELECT x FROM ##shared;\nDECLARE @rows TABLE (x INT);\nINSERT INTO @rows SELECT x FROM c;\n"
    store = NetworkxStore(tmp_path)
    files = [extract_sql(sql, path, "tsql", SchemaRegistry()) for sql, path in ((one, "one.sql"), (two, "two.sql"), (shared, "shared.sql"), (reads, "reads.sql"))]
    with store.transaction():
        for graph in build_graph(files, None):
            store.replace_file(graph)
    report = analyse_impact(store, resolve_target(store, "a.x"), Change(ChangeKind.DROP))
    assert _names(report.columns) == [
        ("##shared.x", 1, "direct/identity"),
        ("#stage (one.sql).x", 1, "direct/identity"),
        ("r1.x", 2, "direct/identity"),
        ("r3.x", 2, "direct/identity"),
    ]
    report = analyse_impact(store, resolve_target(store, "b.y"), Change(ChangeKind.DROP))
    assert _names(report.columns) == [
        ("#stage (two.sql).x", 1, "direct/identity"),
        ("@rows (two.sql).x", 2, "direct/identity"),
        ("r2.x", 3, "direct/identity"),
    ]


def test_a_temporary_table_is_its_files_and_never_the_permanent_one_of_its_name(tmp_path: Path) -> None:
    created = "CREATE TEMP TABLE stage AS SELECT a.x FROM a;\nINSERT INTO r1 (x) SELECT x FROM stage;\n"
    permanent = "INSERT INTO stage (x) SELECT b.y FROM b;\nINSERT INTO r2 (x) SELECT x FROM stage;\n"
    files = [extract_sql(sql, path, "postgres", SchemaRegistry()) for sql, path in ((created, "load.sql"), (permanent, "other.sql"))]
    assert [f.temporary for f in files] == [("stage",), ()]
    store = NetworkxStore(tmp_path)
    with store.transaction():
        for graph in build_graph(files, None):
            store.replace_file(graph)
    assert _names(analyse_impact(store, resolve_target(store, "a.x"), Change(ChangeKind.DROP)).columns) == [
        ("stage (load.sql).x", 1, "direct/identity"),
        ("r1.x", 2, "direct/identity"),
    ]
    assert _names(analyse_impact(store, resolve_target(store, "b.y"), Change(ChangeKind.DROP)).columns) == [
        ("stage.x", 1, "direct/identity"),
        ("r2.x", 2, "direct/identity"),
    ]
