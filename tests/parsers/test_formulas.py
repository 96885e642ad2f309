"""Canonical formulas (parsers/sql/formulas.py): what `lineage diff` compares beside the edges.

Exact texts: columns qualified by their tables, CTEs written out, clauses labelled by the CTE or
derived table they are in; and texts that differ only in formatting, comments, quoting, case or
aliases give the same formulas."""

from __future__ import annotations

from lineage.model import FileFacts
from parsers.records import from_record, to_record
from parsers.sql.extract import extract_sql
from parsers.sql.schema import SchemaRegistry

DDL = "create table app.orders (id int, customer_id int, amount numeric(12,2), status varchar, created_at date);\ncreate table app.customers (id int, country varchar, referrer_id int);\n"


def formulas(sql: str, dialect: str | None = None) -> list[tuple[str | None, str, str]]:
    registry = SchemaRegistry()
    extract_sql(DDL, "ddl.sql", dialect, registry)
    return [(f.column, f.clause, f.sql) for f in extract_sql(sql, "m.sql", dialect, registry).formulas]


def test_columns_are_qualified_by_their_tables_and_ctes_written_out() -> None:
    sql = """
    create table mart.revenue as
    with paid as (select o.customer_id, o.amount * 1.2 as gross from app.orders o where o.status = 'paid')
    select c.country, sum(p.gross) as revenue, cast(count(*) as bigint) as orders
    from paid p join app.customers c on c.id = p.customer_id
    group by c.country having sum(p.gross) > 0
    """
    assert formulas(sql) == [
        ("country", "", "app.customers.country"),
        ("revenue", "", "SUM((app.orders.amount * 1.2))"),
        ("orders", "", "COUNT(*)"),  # the top-level CAST is the column's type, compared as a retype
        (None, "from in paid", "FROM app.orders"),
        (None, "where in paid", "WHERE app.orders.status = 'paid'"),
        (None, "from", "FROM paid"),
        (None, "join", "JOIN app.customers ON app.customers.id = app.orders.customer_id"),
        (None, "group by", "GROUP BY app.customers.country"),
        (None, "having", "HAVING SUM((app.orders.amount * 1.2)) > 0"),
    ]


def test_formatting_comments_quoting_case_and_aliases_give_the_same_formulas() -> None:
    one = "create view v as select o.id, o.amount + 1 as a from app.orders o left join app.customers c on c.id = o.customer_id where o.status in ('x', 'y')"
    two = """-- the same, written otherwise
    CREATE VIEW v AS
    SELECT "orders".ID, ORDERS."amount"+1 AS a   /* plus one */
    FROM app.orders AS orders
    LEFT OUTER JOIN app.customers cust ON cust.id = orders.customer_id
    WHERE orders.status IN ('x','y')"""
    assert formulas(one, "postgres") == formulas(two, "postgres")
    assert formulas(one, "postgres")[0] == ("id", "", "app.orders.id")


def test_a_self_join_keeps_the_aliases_that_tell_its_sides_apart() -> None:
    sql = "create table t as select c.id, r.country as referrer_country from app.customers c left join app.customers r on r.id = c.referrer_id"
    assert formulas(sql) == [
        ("id", "", "c.id"),
        ("referrer_country", "", "r.country"),
        (None, "from", "FROM app.customers AS c"),
        (None, "join", "LEFT JOIN app.customers AS r ON r.id = c.referrer_id"),
    ]


def test_set_operations_subqueries_and_limits() -> None:
    sql = """
    insert into mart.big (id)
    select id from app.orders o where o.amount > (select avg(amount) from app.orders i where i.customer_id = o.customer_id)
    union all
    select id from app.customers order by 1 limit 10
    """
    # the correlated subquery reads app.orders too: its own side keeps its alias
    assert formulas(sql) == [
        ("id", "", "app.orders.id UNION ALL app.customers.id"),
        (None, "from", "FROM app.orders; FROM app.customers"),
        (None, "where", "WHERE app.orders.amount > (SELECT AVG(i.amount) FROM app.orders AS i WHERE i.customer_id = app.orders.customer_id)"),
        (None, "set operation", "UNION ALL"),
        (None, "order by", "ORDER BY 1"),
        (None, "limit", "LIMIT 10"),
    ]


def test_an_order_by_without_a_limit_decides_no_rows() -> None:
    assert formulas("create table t as select id from app.orders order by created_at") == [("id", "", "app.orders.id"), (None, "from", "FROM app.orders")]


def test_formulas_survive_the_scan_cache_record() -> None:
    facts = extract_sql("create table t as select amount * 2 as a from app.orders where status = 'x'", "m.sql")
    assert facts.formulas
    assert from_record(to_record(facts)).formulas == facts.formulas
    assert isinstance(from_record(to_record(FileFacts("e.sql"))), FileFacts)
