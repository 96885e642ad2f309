"""Diff semantics, tested once on small revisions: renames, retypes, recomputed columns, severity, contracts."""

from __future__ import annotations

from pathlib import Path

import pytest

from graphs.stores.embedded import NetworkxStore
from lineage.catalog import Catalog, Consumer, Owner, TableEntry
from lineage.contracts import ContractLevel, Terms, evaluate, next_version, version_of, versioned_replacement
from lineage.diff import DiffReport, HeadStatus, analyse_diff, gate
from lineage.graph import build_graph
from lineage.model import ColumnEdge, FileFacts, Flow, Location, NodeKind, Subtype, TableFact, TableKind, Tier
from lineage.revision import Revision, relocate, shapes_of
from lineage.severity import ChangeSeverity, FailOn
from parsers.sql.schema import SchemaRegistry
from parsers.sql.extract import extract_sql

ORDERS = "create table app.orders (id int, amount numeric(12,2), status text);\n"
PAID = "create view mart.paid as select id, amount from app.orders where status = 'paid';\n"


def revision(files: dict[str, str], catalog: Catalog | None = None, ref: str = "base") -> Revision:
    registry = SchemaRegistry()
    facts = tuple(extract_sql(text, path, None, registry) for path, text in sorted(files.items()))
    return Revision(ref, ref[0] * 40, facts, catalog)


def analyse(tmp_path: Path, base: Revision, head: Revision) -> DiffReport:
    store = NetworkxStore(tmp_path)
    with store.transaction():
        for graph in build_graph(base.files, base.catalog):
            store.replace_file(graph)
    return analyse_diff(base, head, store)


def changes(report: DiffReport) -> list[tuple[str, str, str, str]]:
    return [(str(c.delta.kind), c.delta.subject, c.delta.new_name, str(c.severity)) for c in report.changes]


def test_alter_table_rename_column_is_a_rename_and_its_readers_are_not_recomputed(tmp_path: Path) -> None:
    base = revision({"a.sql": ORDERS, "b.sql": PAID})
    migrated = PAID.replace("select id, amount", "select id, amount_usd as amount")
    head = revision({"a.sql": ORDERS, "b.sql": migrated, "a_migration.sql": "alter table app.orders rename column amount to amount_usd;\n"}, ref="head")
    report = analyse(tmp_path, base, head)
    assert changes(report) == [("column_renamed", "app.orders.amount", "amount_usd", "breaking")]
    (change,) = report.changes
    assert change.delta.evidence == "ALTER TABLE ... RENAME COLUMN at a_migration.sql:1"
    assert [(b.file, b.line, b.head) for b in change.broken] == [("b.sql", 1, HeadStatus.UPDATED)]


def test_a_renamed_view_column_with_the_same_inputs_is_a_rename(tmp_path: Path) -> None:
    base = revision({"a.sql": ORDERS, "b.sql": PAID})
    head = revision({"a.sql": ORDERS, "b.sql": PAID.replace("select id, amount", "select id, amount as paid_amount")}, ref="head")
    assert changes(analyse(tmp_path, base, head)) == [("column_renamed", "mart.paid.amount", "paid_amount", "non-breaking")]


def test_an_ambiguous_match_is_a_removal_and_an_addition_not_a_guess(tmp_path: Path) -> None:
    base = revision({"a.sql": ORDERS, "b.sql": "create view v as select amount as x, amount as y from app.orders;\n"})
    head = revision({"a.sql": ORDERS, "b.sql": "create view v as select amount as p, amount as q from app.orders;\n"}, ref="head")
    kinds = [(k, s) for k, s, _, _ in changes(analyse(tmp_path, base, head))]
    assert kinds == [("column_added", "v.p"), ("column_added", "v.q"), ("column_removed", "v.x"), ("column_removed", "v.y")]


def test_removing_what_nothing_reads_is_non_breaking_and_what_is_read_is_breaking(tmp_path: Path) -> None:
    base = revision({"a.sql": ORDERS, "b.sql": PAID})
    reordered = "create table app.orders (id int, amount numeric(12,2), created date, region text);\n"
    head = revision({"a.sql": reordered, "b.sql": "create view mart.paid as select id from app.orders;\n"}, ref="head")
    report = analyse(tmp_path, base, head)
    assert changes(report) == [
        ("column_removed", "app.orders.status", "", "breaking"),  # mart.paid filters on it
        ("column_added", "app.orders.created", "", "non-breaking"),
        ("column_added", "app.orders.region", "", "non-breaking"),
        ("rows_changed", "mart.paid", "", "non-breaking"),  # nothing reads mart.paid
        ("column_removed", "mart.paid.amount", "", "non-breaking"),
    ]


def test_a_ddl_type_change_is_a_retype(tmp_path: Path) -> None:
    base = revision({"a.sql": ORDERS, "b.sql": PAID})
    head = revision({"a.sql": ORDERS.replace("numeric(12,2)", "numeric(18,4)"), "b.sql": PAID}, ref="head")
    report = analyse(tmp_path, base, head)
    assert changes(report) == [
        ("column_retyped", "app.orders.amount", "", "breaking"),
        ("column_retyped", "mart.paid.amount", "", "non-breaking"),  # it passes amount through: its type follows; nothing reads it
    ]
    assert (report.changes[0].delta.old_type, report.changes[0].delta.new_type) == ("DECIMAL(12, 2)", "DECIMAL(18, 4)")


def test_a_cast_type_recorded_on_a_view_column_is_compared_like_a_ddl_type(tmp_path: Path) -> None:
    def view(type_: str) -> Revision:
        at = Location("v.sql", 1, 1)
        facts = FileFacts("v.sql", tables=(TableFact("mart.v", TableKind.VIEW, (("amount", type_),), at),))
        return Revision(type_, "0" * 40, (facts,))

    report = analyse(tmp_path, view("INT"), view("BIGINT"))
    assert changes(report) == [("column_retyped", "mart.v.amount", "", "non-breaking")]


def test_other_inputs_are_an_expression_change_and_other_filters_a_rows_change(tmp_path: Path) -> None:
    base = revision({"a.sql": ORDERS, "b.sql": PAID, "c.sql": "create table mart.total as select sum(amount) as total from mart.paid;\n"})
    head_sql = "create view mart.paid as select id, amount * 2 as amount from app.orders where id > 0;\n"
    head = revision({"a.sql": ORDERS, "b.sql": head_sql, "c.sql": "create table mart.total as select sum(amount) as total from mart.paid;\n"}, ref="head")
    report = analyse(tmp_path, base, head)
    assert changes(report) == [
        ("rows_changed", "mart.paid", "", "data-changing"),
        ("expression_changed", "mart.paid.amount", "", "data-changing"),
    ]
    assert [c.delta.evidence for c in report.changes] == [
        "now reads app.orders.id (indirect/filter); no longer reads app.orders.status",
        "app.orders.amount: direct/identity -> direct/transformation",
    ]


def test_a_table_with_the_same_columns_under_a_new_name_is_renamed(tmp_path: Path) -> None:
    base = revision({"a.sql": ORDERS, "b.sql": PAID})
    head = revision({"a.sql": ORDERS, "b.sql": PAID.replace("mart.paid", "mart.paid_orders")}, ref="head")
    report = analyse(tmp_path, base, head)
    assert changes(report) == [("table_renamed", "mart.paid", "mart.paid_orders", "non-breaking")]
    assert report.changes[0].delta.mapping == (("id", "id"), ("amount", "amount"))


CATALOG = Catalog(
    "lineage.yml",
    owners=(Owner("orders-team", github="acme/orders"), Owner("bi", email="bi@acme.example")),
    tables=(TableEntry("app.orders", "orders-team", Tier.CORE), TableEntry("mart.paid", "bi", Tier.MART)),
    consumers=(Consumer("revenue", NodeKind.DASHBOARD, "bi", columns=("mart.paid.amount",)),),
)


def test_a_breaking_change_to_a_core_table_without_a_replacement_violates_the_contract(tmp_path: Path) -> None:
    base = revision({"a.sql": ORDERS, "b.sql": PAID}, CATALOG)
    head = revision({"a.sql": ORDERS.replace("amount numeric", "total numeric"), "b.sql": PAID.replace("select id, amount", "select id, total as amount")}, CATALOG, "head")
    report = analyse(tmp_path, base, head)
    (change,) = report.changes
    assert (change.severity, change.contract.level, change.contract.terms.mapping) == (ChangeSeverity.BREAKING, ContractLevel.VIOLATION, (("amount", "total"),))
    assert change.impact is not None and [d.node.name for d in change.impact.dashboards] == ["revenue"]
    assert [o.owner.name for o in report.owners()] == ["bi"]
    assert (report.violations, gate(report, FailOn.BREAKING), gate(report, FailOn.NEVER)) == (1, True, False)


def test_a_versioned_replacement_and_a_deprecation_make_an_agreed_migration(tmp_path: Path) -> None:
    deprecated = Catalog(CATALOG.path, CATALOG.owners, (TableEntry("app.orders", "orders-team", Tier.CORE, deprecated="2025-12-31"), *CATALOG.tables[1:]), CATALOG.consumers)
    v2 = ORDERS.replace("app.orders", "app.orders_v2").replace("amount numeric", "total numeric")
    base = revision({"a.sql": ORDERS, "b.sql": PAID}, CATALOG)
    head = revision({"a.sql": v2, "b.sql": PAID.replace("app.orders", "app.orders_v2").replace("select id, amount", "select id, total as amount")}, deprecated, "head")
    report = analyse(tmp_path, base, head)
    assert changes(report) == [("table_renamed", "app.orders", "app.orders_v2", "breaking")]
    contract = report.changes[0].contract
    assert (contract.level, contract.terms.replacement, contract.terms.deprecated) == (ContractLevel.MIGRATION, "app.orders_v2", "2025-12-31")
    assert contract.terms.mapping == (("id", "id"), ("amount", "total"), ("status", "status"))
    assert (gate(report, FailOn.BREAKING), gate(report, FailOn.DATA_CHANGING)) == (False, False)


@pytest.mark.parametrize(
    ("terms", "breaking", "level", "message"),
    [
        (Terms("app.orders", Tier.CORE, replacement="app.orders_v2"), True, ContractLevel.VIOLATION, "`app.orders_v2` replaces core table `app.orders`, but the catalog does not mark `app.orders` `deprecated: <date>`"),
        (Terms("app.orders", Tier.CORE, deprecated="2025-12-31"), True, ContractLevel.VIOLATION, "core table `app.orders` is deprecated (2025-12-31) but no versioned replacement such as `app.orders_v2` is defined"),
        (Terms("app.orders", Tier.CORE), False, ContractLevel.WARNING, "core table `app.orders` changes values: tell its consumers before merging"),
        (Terms("mart.paid", Tier.MART), True, ContractLevel.WARNING, "mart table `mart.paid` breaks: tell its consumers before merging"),
        (Terms("staging.x", Tier.VIEW), True, ContractLevel.INFO, "view-tier table `staging.x` changes"),
        (Terms("scratch.x", None), True, ContractLevel.NONE, ""),
    ],
)
def test_contract_levels(terms: Terms, breaking: bool, level: ContractLevel, message: str) -> None:
    contract = evaluate(terms, breaking, not breaking)
    assert (contract.level, contract.message) == (level, message)


def test_a_non_breaking_change_is_no_contract_concern() -> None:
    assert evaluate(Terms("app.orders", Tier.CORE), False, False).level is ContractLevel.NONE


def test_versions_of_table_names() -> None:
    assert (version_of("app.orders"), version_of("app.orders_v2"), next_version("app.orders_v2")) == (("app.orders", 1), ("app.orders", 2), "app.orders_v3")
    assert versioned_replacement("app.orders", ["app.orders_v2", "app.orders_v3", "app.order_v9", "app.orders_archive"]) == "app.orders_v3"
    assert versioned_replacement("app.orders_v2", ["app.orders_v2"]) == ""


@pytest.mark.parametrize("order", [1, -1])
def test_relocate_makes_paths_repository_relative_and_keeps_a_dashboard_query_once(order: int) -> None:
    at = Location("/tmp/x/sql/a.sql", 3, 1)
    read = ColumnEdge("t", "a", "dash", "a", Flow.DIRECT, Subtype.IDENTITY, Location("/tmp/x/sql/dash.sql", 1, 1))
    plain = FileFacts("/tmp/x/sql/dash.sql", edges=(read,), statements=1)  # a scan outside the working directory sees it twice
    consumer_entry = FileFacts("../../tmp/x/sql/dash.sql", statements=1)
    files = (FileFacts("/tmp/x/sql/a.sql", tables=(TableFact("t", TableKind.TABLE, (("a", None),), at),)), *(plain, consumer_entry)[::order])
    catalog = Catalog("/tmp/x/sql/lineage.yml", consumers=(Consumer("d", NodeKind.DASHBOARD, sql="../../tmp/x/sql/dash.sql"),))
    moved, moved_catalog = relocate(files, catalog, ["/tmp/x", "../../tmp/x"])
    assert moved == (
        FileFacts("sql/a.sql", tables=(TableFact("t", TableKind.TABLE, (("a", None),), Location("sql/a.sql", 3, 1)),)),
        FileFacts("sql/dash.sql", statements=1),
    )
    assert moved_catalog is not None and (moved_catalog.path, moved_catalog.consumers[0].sql) == ("sql/lineage.yml", "sql/dash.sql")


def test_shapes_record_sources_and_table_level_inputs() -> None:
    shapes = shapes_of(revision({"a.sql": ORDERS, "b.sql": PAID}))
    paid = shapes.table("mart.paid")
    assert paid is not None and [c.name for c in paid.columns] == ["id", "amount"]
    assert paid.columns[1].sources == frozenset({("app.orders", "amount", Flow.DIRECT, Subtype.IDENTITY)})
    assert paid.rows == frozenset({("app.orders", "status", Flow.INDIRECT, Subtype.FILTER)})


def test_no_changes_is_an_empty_report(tmp_path: Path) -> None:
    base = revision({"a.sql": ORDERS, "b.sql": PAID})
    report = analyse(tmp_path, base, revision({"a.sql": ORDERS, "b.sql": PAID}, ref="head"))
    assert (report.changes, report.verdict, report.incomplete) == ((), None, False)


def _data_changes(report: DiffReport) -> list[tuple[str, str, str, str, str]]:
    return [(str(c.delta.kind), c.delta.subject, c.delta.clause, c.delta.before, c.delta.after) for c in report.changes]


READER = "create view report.r as select amount, count(*) as n from mart.paid group by amount;\n"


def test_a_cast_over_a_column_of_unknown_type_is_a_new_formula_with_its_cast(tmp_path: Path) -> None:
    """No DDL says what app.orders.amount is: the CAST is not a retype that can be told, but it is a change."""
    base = revision({"b.sql": PAID, "c.sql": READER})
    head = revision({"b.sql": PAID.replace("select id, amount", "select id, cast(amount as int) as amount"), "c.sql": READER}, ref="head")
    assert _data_changes(analyse(tmp_path, base, head)) == [("expression_changed", "mart.paid.amount", "", "app.orders.amount", "CAST(app.orders.amount AS INT)")]


def test_a_renamed_column_read_by_an_updated_view_leaves_its_formula_unchanged(tmp_path: Path) -> None:
    """The view now reads amount_usd where it read amount: the rename, not a new formula."""
    base = revision({"a.sql": ORDERS, "b.sql": PAID, "c.sql": READER})
    head = revision({"a.sql": ORDERS.replace("amount numeric", "amount_usd numeric"), "b.sql": PAID.replace("select id, amount", "select id, amount_usd as amount"), "c.sql": READER}, ref="head")
    assert [c[:2] for c in _data_changes(analyse(tmp_path, base, head))] == [("column_renamed", "app.orders.amount")]


def test_a_changed_filter_in_a_view_is_a_rows_change_with_both_clauses(tmp_path: Path) -> None:
    base = revision({"a.sql": ORDERS, "b.sql": PAID, "c.sql": READER})
    head = revision({"a.sql": ORDERS, "b.sql": PAID.replace("= 'paid'", "in ('paid', 'refunded')"), "c.sql": READER}, ref="head")
    report = analyse(tmp_path, base, head)
    assert _data_changes(report) == [("rows_changed", "mart.paid", "where", "WHERE app.orders.status = 'paid'", "WHERE app.orders.status IN ('paid', 'refunded')")]
    assert report.changes[0].severity is ChangeSeverity.DATA_CHANGING


def test_a_swap_with_gives_each_name_the_other_tables_columns(tmp_path: Path) -> None:
    # Snowflake's blue/green rebuild: before, the SWAP changed nothing the diff could see, so dropping
    # order_value from the live name passed as "no changes"
    tables = (
        "create table analytics.orders (order_id int, order_value numeric(12,2));\n"
        "create table analytics.orders_next as select id as order_id, amount_usd as order_total_usd from raw.orders;\n"
    )
    revenue = "create view analytics.revenue as select order_id, order_value from analytics.orders;\n"
    base = revision({"a.sql": tables, "b.sql": revenue})
    head = revision({"a.sql": tables, "b.sql": revenue, "c.sql": "alter table analytics.orders swap with orders_next;\n"}, ref="head")
    shapes = shapes_of(head)
    assert [[c.name for c in shapes.table(t).columns] for t in ("analytics.orders", "analytics.orders_next")] == [
        ["order_id", "order_total_usd"],
        ["order_id", "order_value"],
    ]
    report = analyse(tmp_path, base, head)
    assert [c for c in changes(report) if c[3] == "breaking"] == [("column_removed", "analytics.orders.order_value", "", "breaking")]
