"""ETL code: golden lineage per call site and templating form (tests/golden/etl/<case>.py ->
<case>.expected), placeholders, and the Airflow DAG and Spark job of the sample warehouse."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from lineage.model import FileFacts, Severity
from parsers.etl.calls import read_etl
from parsers.etl.extract import extract_etl
from parsers.sql.schema import SchemaRegistry
from parsers.templating.placeholders import bind_placeholders, placeholder
from tests.conftest import SAMPLE, check_golden
from tests.golden_edges import format_edges

GOLDEN = Path(__file__).resolve().parent.parent / "golden" / "etl"
CASES = sorted(GOLDEN.glob("*.py"))


def describe(files: list[FileFacts]) -> str:
    """Every file's edges, tables and diagnostics, in the golden format."""
    out: list[str] = []
    for facts in files:
        out.append(f"== {facts.path} ({facts.statements} statements)\n")
        out.append(format_edges(facts.edges))
        out += [f"table {t.name} {t.kind} ({', '.join(c for c, _ in t.columns)}) @{t.at.line}\n" for t in facts.tables]
        out += [f"! {d.severity}: {d.message} @{d.at.line}\n" for d in facts.diagnostics]
    return "".join(out) or "(no call sites)\n"


def etl_of(path: Path, base: Path) -> list[FileFacts]:
    etl = read_etl(path, lambda p: os.path.relpath(p, base), path.read_text(encoding="utf-8"))
    return extract_etl(etl, SchemaRegistry()) if etl is not None else []


def test_there_is_a_golden_case_per_call_site_and_templating_form() -> None:
    assert [c.stem for c in CASES] == [
        "airflow_operators",
        "airflow_sql_files",
        "cursor_execute",
        "dataframe_writes",
        "fstrings_and_concatenation",
        "jinja_templates",
        "no_sql",
        "pandas_read_sql",
        "spark_sql",
        "spark_temp_views",
        "sqlalchemy_text",
    ]


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_golden_etl(case: Path, update_golden: bool) -> None:
    check_golden(case.with_suffix(".expected"), describe(etl_of(case, GOLDEN)), update_golden)


def test_sql_files_an_operator_runs_are_named_so_the_scan_skips_them() -> None:
    case = GOLDEN / "airflow_sql_files.py"
    etl = read_etl(case, str, case.read_text(encoding="utf-8"))
    assert etl is not None
    assert etl.sql_files == ((GOLDEN / "sql" / "load_facts.sql").resolve(), (GOLDEN / "templates" / "rollup.sql").resolve())


def test_python_that_does_not_parse_is_a_warning_not_a_failure(tmp_path: Path) -> None:
    path = tmp_path / "py2_job.py"
    path.write_text('print "hi"\ncursor.execute("SELECT a FROM t")\n', encoding="utf-8")
    etl = read_etl(path, lambda p: p.name, path.read_text(encoding="utf-8"))
    assert etl is not None and etl.sites == ()
    assert [(str(d), d.severity) for d in etl.diagnostics] == [
        ("py2_job.py:1: cannot parse Python (Missing parentheses in call to 'print'. Did you mean print(...)?): SQL in this file was not read", Severity.WARNING),
    ]


def test_files_without_sql_call_sites_are_not_etl(tmp_path: Path) -> None:
    path = tmp_path / "util.py"
    path.write_text("def add(a, b):\n    return a + b\n", encoding="utf-8")
    assert read_etl(path, str, path.read_text(encoding="utf-8")) is None


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        (f"SELECT a FROM t WHERE d = {placeholder('ds')}", "SELECT a FROM t WHERE d = :ds"),
        (f"SELECT a FROM t WHERE d = '{placeholder('ds')}'", "SELECT a FROM t WHERE d = '{ds}'"),
        (f"INSERT INTO {placeholder('target')} SELECT a FROM t", 'INSERT INTO "{target}" SELECT a FROM t'),
        (f"SELECT a FROM {placeholder('schema')}.orders", 'SELECT a FROM "{schema}".orders'),
        (f"SELECT a FROM sales_{placeholder('region')} JOIN x ON 1 = 1", 'SELECT a FROM "sales_{region}" JOIN x ON 1 = 1'),
        ("SELECT " + placeholder('cfg["n"]') + " AS n", "SELECT :cfg_n AS n"),
        ("SELECT 1", "SELECT 1"),
    ],
)
def test_placeholders_bind_as_parameters_text_or_names(sql: str, expected: str) -> None:
    assert bind_placeholders(sql, None) == expected


def test_placeholder_names_are_quoted_as_the_dialect_quotes() -> None:
    assert bind_placeholders(f"INSERT INTO {placeholder('t')} SELECT 1", "spark") == "INSERT INTO `{t}` SELECT 1"


def test_sample_dag_and_spark_job() -> None:
    files = etl_of(SAMPLE / "airflow" / "nightly_orders_dag.py", SAMPLE) + etl_of(SAMPLE / "spark" / "fraud_scoring_job.py", SAMPLE)
    assert [(f.path, f.statements) for f in files] == [
        ("airflow/nightly_orders_dag.py", 3),
        ("airflow/sql/load_order_facts.sql", 2),
        ("spark/fraud_scoring_job.py", 2),
    ]
    assert describe(files) == SAMPLE_ETL


SAMPLE_ETL = """\
== airflow/nightly_orders_dag.py (3 statements)
reporting.order_facts.*                      -> reporting.etl_audit.row_count                     direct    aggregation  @29
reporting.customer_order_value.snapshot_date -> reporting.customer_order_value (table)            indirect  filter       @53
reporting.order_facts.customer_id            -> reporting.customer_order_value (table)            indirect  group_by     @55
reporting.order_facts.customer_id            -> reporting.customer_order_value.customer_id        direct    identity     @55
reporting.order_facts.*                      -> reporting.customer_order_value.order_count        direct    aggregation  @55
reporting.order_facts.order_value            -> reporting.customer_order_value.total_order_value  direct    aggregation  @55
== airflow/sql/load_order_facts.sql (2 statements)
reporting.order_facts.updated_at -> reporting.order_facts (table)      indirect  filter          @4
app.orders.status                -> reporting.order_facts (table)      indirect  filter          @7
app.orders.updated_at            -> reporting.order_facts (table)      indirect  filter          @7
app.orders.currency              -> reporting.order_facts.currency     direct    identity        @7
app.orders.customer_id           -> reporting.order_facts.customer_id  direct    identity        @7
app.orders.created_at            -> reporting.order_facts.order_date   direct    transformation  @7
app.orders.order_id              -> reporting.order_facts.order_id     direct    identity        @7
app.orders.order_value           -> reporting.order_facts.order_value  direct    identity        @7
app.orders.status                -> reporting.order_facts.status       direct    identity        @7
app.orders.updated_at            -> reporting.order_facts.updated_at   direct    identity        @7
== spark/fraud_scoring_job.py (2 statements)
reporting.order_facts.order_date                 -> recent_orders (table)                     indirect  filter          @25
reporting.order_facts.customer_id                -> recent_orders.customer_id                 direct    identity        @25
reporting.order_facts.order_date                 -> recent_orders.order_date                  direct    identity        @25
reporting.order_facts.order_id                   -> recent_orders.order_id                    direct    identity        @25
reporting.order_facts.order_value                -> recent_orders.order_value                 direct    identity        @25
dbt_mart.customer_order_stats.customer_id        -> ml.order_fraud_scores (table)             indirect  join            @32
recent_orders.customer_id                        -> ml.order_fraud_scores (table)             indirect  join            @32
dbt_mart.customer_order_stats.card_share         -> ml.order_fraud_scores.card_share          direct    identity        @32
recent_orders.customer_id                        -> ml.order_fraud_scores.customer_id         direct    identity        @32
recent_orders.order_id                           -> ml.order_fraud_scores.order_id            direct    identity        @32
recent_orders.order_value                        -> ml.order_fraud_scores.order_value         direct    identity        @32
dbt_mart.customer_order_stats.avg_order_value    -> ml.order_fraud_scores.order_value_zscore  direct    transformation  @32
dbt_mart.customer_order_stats.stddev_order_value -> ml.order_fraud_scores.order_value_zscore  direct    transformation  @32
recent_orders.order_value                        -> ml.order_fraud_scores.order_value_zscore  direct    transformation  @32
table recent_orders view (order_id, customer_id, order_date, order_value) @25
table ml.order_fraud_scores table (order_id, customer_id, order_value, order_value_zscore, card_share) @32
"""


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("{{ 10 ** 100000 }}", "t.sql:2: template stopped: a number of more than 4,096 bits"),
        ("{{ ''|attr('__class__') }}", "t.sql:2: template tried to leave the sandbox (access to attribute '__class__' of 'str' object is unsafe); not rendered"),
        ("{{ lipsum.__globals__['os'].system('true') }}", "t.sql:2: template tried to leave the sandbox (access to attribute '__globals__' of 'function' object is unsafe); not rendered"),
        ("{% include '../../etc/passwd' %}", "t.sql:2: template '../../etc/passwd' names a parent folder ('..'), which Jinja's loader refuses; not read"),
        ("{% include '/etc/passwd' %}", "t.sql:2: cannot render template: '/etc/passwd' not found in tests/golden/etl"),
        ("{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}", "t.sql:2: cannot render template: it recurses without end (a macro calling itself?)"),
    ],
)
def test_templates_that_escape_or_exhaust_the_sandbox_are_one_line(template: str, message: str) -> None:
    from lineage.model import Location
    from parsers.sources.paths import Root
    from parsers.templating.sandbox import ContainedLoader, PlaceholderUndefined, Sandbox, render

    loader = ContainedLoader([GOLDEN], Root.of([GOLDEN], "the scanned folder"), lambda p: os.path.relpath(p, GOLDEN.parent.parent.parent))
    rendered = render(Sandbox(PlaceholderUndefined, loader), template, {}, Location("t.sql", 2))
    assert rendered.text is None
    assert [str(d) for d in rendered.diagnostics] == [message]


def test_sql_file_names_cannot_leave_the_search_path(tmp_path: Path) -> None:
    """As Airflow's Jinja loader reads them: `..` is refused and a leading `/` names a file on the search path."""
    (tmp_path / "secret.sql").write_text("create table leaked.t as select a from s;\n", encoding="utf-8")
    (tmp_path / "dags" / "tmp").mkdir(parents=True)
    (tmp_path / "dags" / "tmp" / "ok.sql").write_text("create table kept.t as select a from s;\n", encoding="utf-8")
    dag = tmp_path / "dags" / "dag.py"
    dag.write_text(
        "from airflow.providers.common.sql.operators.sql import SQLExecuteQueryOperator\n"
        "up = SQLExecuteQueryOperator(task_id='up', sql='../secret.sql')\n"
        f"absolute = SQLExecuteQueryOperator(task_id='absolute', sql='{tmp_path}/secret.sql')\n"
        "rooted = SQLExecuteQueryOperator(task_id='rooted', sql='/tmp/ok.sql')\n",
        encoding="utf-8",
    )
    described = describe(etl_of(dag, tmp_path))
    assert "leaked" not in described and "kept.t" in described
    assert f"! error: SQL file '../secret.sql' names a parent folder ('..'), which Jinja's loader refuses; not read @2\n! error: SQL file '{tmp_path}/secret.sql' not found in dags @3\n" in described
