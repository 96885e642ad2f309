"""dbt projects: the sample project through real dbt's manifest and through its files, Jinja in the
sandbox, exposures, owners, and the sample warehouse scanned with its dbt project inside."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from graphs.stores.embedded import NetworkxStore
from lineage.api import impact_of, scan_into
from lineage.catalog import Catalog, Consumer, Owner
from lineage.impact import Change, ChangeKind
from lineage.model import ColumnEdge, FileFacts, Flow, Location, NodeKind, Subtype
from parsers.dbt.catalogs import merge_catalogs
from parsers.dbt.extract import DbtFacts, DbtOptions, extract_dbt, read_dbt
from parsers.scan import ScanOptions, find_sources, scan
from parsers.sql.schema import SchemaRegistry
from tests.conftest import ROOT, SAMPLE
from tests.golden_edges import format_edges

PROJECT = SAMPLE / "dbt"
SHOWN = "sample_sql/dbt"


@pytest.fixture(scope="session")
def manifest(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """target/manifest.json of the sample project, written by real dbt-core with dbt-duckdb."""
    out = tmp_path_factory.mktemp("dbt")
    done = subprocess.run(["bash", str(ROOT / "scripts" / "dbt-manifest.sh"), str(PROJECT), str(out)], capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr
    return Path(done.stdout.strip())


def describe(files: tuple[FileFacts, ...]) -> str:
    out: list[str] = []
    for facts in files:
        out.append(f"== {facts.path} ({facts.statements} statements)\n")
        out.append(format_edges(facts.edges) if facts.edges else "")
        out += [f"table {t.name} {t.kind} ({', '.join(f'{c} {k}' if k else c for c, k in t.columns)}) @{t.at.line}\n" for t in facts.tables]
        out += [f"! {d.severity}: {d.message} @{d.at.line}\n" for d in facts.diagnostics]
    return "".join(out)


def describe_catalog(catalog: Catalog) -> str:
    out = [f"catalog {catalog.path}\n"]
    out += [f"owner {o.id} name={o.name!r} email={o.email!r}\n" for o in catalog.owners]
    out += [f"table {t.pattern} owner={t.owner} @{t.at} {t.description!r}\n" for t in catalog.tables]
    for consumer in catalog.consumers:
        out.append(f"{consumer.kind} {consumer.id} owner={consumer.owner} title={consumer.title!r} url={consumer.url!r} @{consumer.at}\n")
        out.append(format_edges(consumer.reads))
    return "".join(out)


def from_files(root: Path = PROJECT, shown: str = SHOWN) -> DbtFacts:
    return extract_dbt(root, shown, SchemaRegistry(), DbtOptions(files_only=True))


def test_the_manifest_comes_from_real_dbt(manifest: Path) -> None:
    metadata = json.loads(manifest.read_text(encoding="utf-8"))["metadata"]
    assert (metadata["dbt_version"], metadata["adapter_type"], metadata["project_name"]) == ("1.11.16", "duckdb", "acme_warehouse")


def test_manifest_and_project_files_give_identical_lineage(manifest: Path) -> None:
    from_manifest = read_dbt(PROJECT, SHOWN, DbtOptions(manifest=manifest))
    assert from_manifest.diagnostics == []  # the manifest was used, not the fallback
    facts = extract_dbt(PROJECT, SHOWN, SchemaRegistry(), DbtOptions(manifest=manifest))
    assert facts == from_files()


def test_the_sandbox_renders_what_dbt_compiles(manifest: Path) -> None:
    from_manifest = read_dbt(PROJECT, SHOWN, DbtOptions(manifest=manifest))
    rendered = read_dbt(PROJECT, SHOWN, DbtOptions(files_only=True))
    assert sorted(rendered.nodes) == sorted(from_manifest.nodes)
    for uid, node in rendered.nodes.items():
        theirs = from_manifest.nodes[uid]
        # dbt keeps a model's raw code without its last newline, and lists dependencies in its own order
        assert (node.relation, node.materialized, node.code, node.first_line, node.columns, node.owner) == (theirs.relation, theirs.materialized, theirs.code, theirs.first_line, theirs.columns, theirs.owner), uid
        assert (node.raw.rstrip("\n"), sorted(node.depends)) == (theirs.raw.rstrip("\n"), sorted(theirs.depends)), uid
    assert rendered.exposures == from_manifest.exposures


def test_sample_project_lineage() -> None:
    assert describe(from_files().files) == SAMPLE_DBT


def test_sample_project_catalog() -> None:
    assert describe_catalog(from_files().catalog) == SAMPLE_CATALOG


def test_a_manifest_older_than_the_project_is_not_used(manifest: Path, tmp_path: Path) -> None:
    project = tmp_path / "dbt"
    shutil.copytree(PROJECT, project)
    stale = tmp_path / "manifest.json"
    shutil.copy(manifest, stale)
    os.utime(stale, (1_000_000_000, 1_000_000_000))
    facts = extract_dbt(project, "dbt", SchemaRegistry(), DbtOptions(manifest=stale))
    notes = [str(d) for f in facts.files for d in f.diagnostics if f.path == "dbt/dbt_project.yml"]
    assert notes == [f"dbt/dbt_project.yml: {stale} is older than analyses/revenue_board_tiles.sql (run `dbt compile` to use it): read the project's files instead"]
    assert [f for f in facts.files if f.path != "dbt/dbt_project.yml"] == list(from_files(project, "dbt").files)


def test_a_manifest_without_compiled_sql_is_not_used(manifest: Path, tmp_path: Path) -> None:
    data = json.loads(manifest.read_text(encoding="utf-8"))
    for node in data["nodes"].values():
        node.pop("compiled_code", None)
    parsed = tmp_path / "manifest.json"
    parsed.write_text(json.dumps(data), encoding="utf-8")
    project = read_dbt(PROJECT, SHOWN, DbtOptions(manifest=parsed))
    assert [str(d) for d in project.diagnostics] == [f"sample_sql/dbt/dbt_project.yml: {parsed} has no compiled SQL (written by `dbt parse`?): read the project's files instead"]


def write_project(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


JINJA_PROJECT = {
    "dbt_project.yml": "name: shop\nprofile: shop\nvars:\n  min_id: 7\nmodels:\n  shop:\n    +materialized: table\n    marts:\n      +schema: marts\n",
    "profiles.yml": "shop:\n  target: prod\n  outputs:\n    prod:\n      type: postgres\n      schema: \"{{ env_var('DBT_SCHEMA', 'analytics') }}\"\n",
    "macros/money.sql": (
        "{% macro cents_to_dollars(col) %}({{ col }} / 100.0){% endmacro %}\n"
        "{% macro abs_value(x) %}{{ return(adapter.dispatch('abs_value')(x)) }}{% endmacro %}\n"
        "{% macro postgres__abs_value(x) %}abs({{ x }}){% endmacro %}\n"
    ),
    "models/sources.yml": "version: 2\nsources:\n  - name: raw\n    schema: raw_data\n    tables:\n      - name: events\n        identifier: EVENTS_V2\n        columns: [{name: id}, {name: amount_cents}, {name: kind}]\n",
    "models/base.sql": "{{ config(alias='base_events') }}\nselect id, amount_cents, kind from {{ source('raw', 'events') }}\nwhere id > {{ var('min_id') }}\n",
    "models/only_big.sql": "{{ config(materialized='ephemeral') }}\nselect id, amount_cents from {{ ref('base') }} where amount_cents > 100\n",
    "models/marts/facts.sql": (
        "{{ config(materialized='incremental') }}\n"
        "select\n"
        "    {{ cents_to_dollars('b.amount_cents') }} as amount,\n"
        "    {{ abs_value('b.amount_cents') }} as magnitude,\n"
        "    {{ dbt_utils.generate_surrogate_key(['b.id', 'b.amount_cents']) }} as key,\n"
        "    {{ dbt_utils.star(ref('base')) }} as starred,\n"
        "    {{ my_missing_macro('x') }} as missing,\n"
        "    '{{ target.name }}' as target_name,\n"
        "    {{ var('not_set') }} as unset\n"
        "from {{ ref('only_big') }} as b\n"
        "{% if is_incremental() %}where b.id > (select max(id) from {{ this }}){% endif %}\n"
        "{% if some_flag %}where 1 = 0{% endif %}\n"
    ),
    "models/escape.sql": "select 1 as x\n{{ cycler.__init__.__globals__.os.system('touch PWNED') }}\n",
    "models/mro.sql": "select 1 as x\n\n{{ ''.__class__.__mro__[1].__subclasses__() }}\n",
    "models/raises.sql": "select 1 as x\n{{ exceptions.raise_compiler_error('no revenue model without a currency') }}\n",
    "models/broken.sql": "select 1 as x\n{% if %}\n",
    "models/bad_ref.sql": "select x from {{ ref('nope') }}\n",
    "models/disabled.sql": "{{ config(enabled=false) }}\nselect 1 as x\n",
    "models/scored.py": "def model(dbt, session):\n    return dbt.ref('base')\n",
}

JINJA_EXPECTED = """\
== shop/models/bad_ref.sql (1 statements)
nope.x -> analytics.bad_ref.x  direct  identity  @1
table analytics.bad_ref table (x) @1
! error: ref('nope') names nothing in this project @1
== shop/models/base.sql (1 statements)
raw_data.events_v2.id           -> analytics.base_events (table)       indirect  filter    @2
raw_data.events_v2.amount_cents -> analytics.base_events.amount_cents  direct    identity  @2
raw_data.events_v2.id           -> analytics.base_events.id            direct    identity  @2
raw_data.events_v2.kind         -> analytics.base_events.kind          direct    identity  @2
table analytics.base_events table (id, amount_cents, kind) @2
== shop/models/broken.sql (1 statements)
! error: cannot render template: Expected an expression, got 'end of statement block' @2
== shop/models/escape.sql (1 statements)
! error: template tried to leave the sandbox (access to attribute '__init__' of 'type' object is unsafe); not rendered @2
== shop/models/marts/facts.sql (1 statements)
?.unresolved_my_missing_macro   -> analytics_marts.facts.missing       direct  identity        @2
?.kind                          -> analytics_marts.facts.starred       direct  identity        @2
analytics.only_big.amount_cents -> analytics_marts.facts.amount        direct  transformation  @12
analytics.only_big.amount_cents -> analytics_marts.facts.amount_cents  direct  identity        @12
analytics.only_big.id           -> analytics_marts.facts.id            direct  identity        @12
analytics.only_big.amount_cents -> analytics_marts.facts.key           direct  transformation  @12
analytics.only_big.id           -> analytics_marts.facts.key           direct  transformation  @12
analytics.only_big.amount_cents -> analytics_marts.facts.magnitude     direct  transformation  @12
table analytics_marts.facts table (amount, magnitude, key, id, amount_cents, starred, missing, target_name, unset) @2
! warning: 'kind' is a column of no table this query reads: recorded as unresolved (check its spelling, or the tables' DDL) @2
! warning: unknown macro 'my_missing_macro': rendered as unresolved_my_missing_macro @7
! warning: var('not_set') is not set in dbt_project.yml and has no default: rendered as a placeholder @9
! warning: unknown variable 'some_flag': rendered empty @12
== shop/models/mro.sql (1 statements)
! error: template tried to leave the sandbox (access to attribute '__class__' of 'str' object is unsafe); not rendered @3
== shop/models/only_big.sql (1 statements)
analytics.base_events.amount_cents -> analytics.only_big (table)       indirect  filter    @2
analytics.base_events.amount_cents -> analytics.only_big.amount_cents  direct    identity  @2
analytics.base_events.id           -> analytics.only_big.id            direct    identity  @2
table analytics.only_big view (id, amount_cents) @2
== shop/models/raises.sql (1 statements)
! error: cannot render template: CompilationError: no revenue model without a currency @2
== shop/models/scored.py (1 statements)
! warning: dbt Python model scored: its columns come from YAML only, its column lineage is not extracted @1
== shop/models/sources.yml (0 statements)
table raw_data.events_v2 source (id, amount_cents, kind) @6
"""


def test_jinja_is_rendered_in_the_sandbox_with_dbt_stubbed(tmp_path: Path) -> None:
    facts = from_files(write_project(tmp_path / "shop", JINJA_PROJECT), "shop")
    assert describe(facts.files) == JINJA_EXPECTED
    assert not (tmp_path / "shop" / "PWNED").exists() and not Path("PWNED").exists()


def test_a_project_macro_can_name_schemas(tmp_path: Path) -> None:
    files = {
        "dbt_project.yml": "name: p\nprofile: p\nmodels:\n  p:\n    +schema: marts\n",
        "profiles.yml": "p:\n  target: dev\n  outputs:\n    dev: {type: duckdb, schema: main}\n",
        "macros/schemas.sql": "{% macro generate_schema_name(custom_schema_name, node) -%}{{ custom_schema_name | trim if custom_schema_name else target.schema }}{%- endmacro %}\n",
        "models/m.sql": "select 1 as one\n",
        "seeds/s.csv": "a,b\n1,2\n",
    }
    facts = from_files(write_project(tmp_path / "p", files), "p")
    assert [(t.name, t.columns) for f in facts.files for t in f.tables] == [("marts.m", (("one", None),)), ("main.s", (("a", None), ("b", None)))]


def test_settings_under_a_models_own_name_apply_and_unreadable_files_are_reported(tmp_path: Path) -> None:
    files = {
        "dbt_project.yml": "name: p\nprofile: p\nmodels:\n  p:\n    +materialized: table\n    m:\n      +alias: renamed\n      +materialized: view\n",
        "profiles.yml": "p:\n  target: dev\n  outputs:\n    dev: {type: duckdb, schema: main}\n",
        "models/m.sql": "select 1 as one\n",
    }
    root = write_project(tmp_path / "p", files)
    (root / "models" / "latin1.sql").write_bytes("select 'caf\xe9' as x\n".encode("latin-1"))
    assert describe(from_files(root, "p").files) == (
        "== p/models/latin1.sql (0 statements)\n"
        "! error: not UTF-8 text (byte 11); re-save it as UTF-8 @0\n"
        "== p/models/m.sql (1 statements)\n"
        "table main.renamed view (one) @1\n"
    )


def test_without_profiles_yml_the_profile_names_the_schema(tmp_path: Path) -> None:
    facts = from_files(write_project(tmp_path / "p", {"dbt_project.yml": "name: p\nprofile: warehouse\n", "models/m.sql": "select 1 as one\n"}), "p")
    assert describe(facts.files) == (
        "== p/dbt_project.yml (0 statements)\n"
        "! warning: profile 'warehouse' not found (looked in p/profiles.yml); models without a custom schema go to schema 'warehouse' @0\n"
        "== p/models/m.sql (1 statements)\n"
        "table warehouse.m view (one) @1\n"
    )


def test_exposures_without_columns_are_table_level_and_say_so(tmp_path: Path) -> None:
    files = {
        "dbt_project.yml": "name: p\nprofile: p\n",
        "profiles.yml": "p:\n  target: dev\n  outputs:\n    dev: {type: duckdb, schema: main}\n",
        "models/m.sql": "select 1 as one, 2 as two\n",
        "models/python_only.py": "def model(dbt, session):\n    return None\n",
        "models/exposures.yml": (
            "version: 2\nexposures:\n"
            "  - name: board\n    type: application\n    owner: {email: apps@acme.example}\n    depends_on: [ref('m'), ref('python_only')]\n"
            "  - name: bad_sql\n    type: dashboard\n    owner: {name: BI}\n    depends_on: [ref('m')]\n    meta: {lineage: {sql: models/m.sql}}\n"
            "  - name: typo\n    type: ml\n    owner: {name: ML}\n    depends_on: [ref('mm')]\n    meta: {lineage: {columns: [m.one]}}\n"
        ),
    }
    facts = from_files(write_project(tmp_path / "p", files), "p")
    assert describe_catalog(facts.catalog) == (
        "catalog p/dbt_project.yml\n"
        "owner apps name='' email='apps@acme.example'\n"
        "owner bi name='BI' email=''\n"
        "owner ml name='ML' email=''\n"
        "dashboard bad_sql owner=bi title='bad_sql' url='' @p/models/exposures.yml:7\n"
        "(no edges)\n"
        "dashboard board owner=apps title='board' url='' @p/models/exposures.yml:3\n"
        "main.m.one         -> board (table)  direct  identity  @3\n"
        "main.m.two         -> board (table)  direct  identity  @3\n"
        "main.python_only.* -> board (table)  direct  identity  @3\n"
        "ml_feature typo owner=ml title='typo' url='' @p/models/exposures.yml:12\n"
        "main.m.one -> typo (table)  direct  identity  @12\n"
    )
    notes = [f"{d.severity}: {d}" for f in facts.files for d in f.diagnostics if f.path in ("p/models/exposures.yml", "p/dbt_project.yml")]
    assert notes == [
        "warning: p/models/exposures.yml:3: exposure 'board' names no columns (meta.lineage): table-level, every known column of main.m counted as read",
        "warning: p/models/exposures.yml:3: exposure 'board': columns of main.python_only are unknown, so only 'main.python_only.*' links it to main.python_only",
        "error: p/models/exposures.yml:7: meta.lineage.sql 'models/m.sql' of exposure 'bad_sql' is not an analysis of this project (analyses/*.sql)",
        "error: p/models/exposures.yml:12: exposure 'typo' depends on ref('mm'), which names nothing in this project",
    ]


def test_dbt_owners_merge_into_the_catalog_by_email() -> None:
    at = Location("lineage.yml", 3)
    base = Catalog("lineage.yml", (Owner("fraud-ml", "Fraud ML", "fraud-ml@acme.example"),), (), (Consumer("board", NodeKind.DASHBOARD, "fraud-ml", at=at),))
    read = ColumnEdge("m.t", "c", "x", None, Flow.DIRECT, Subtype.IDENTITY, Location("e.yml", 2))
    extra = Catalog(
        "dbt_project.yml",
        (Owner("fraud-ml-team", "Fraud ML team", "FRAUD-ML@acme.example"), Owner("finance", "Finance")),
        (),
        (Consumer("board", NodeKind.DASHBOARD, "finance", at=Location("e.yml", 2)), Consumer("model", NodeKind.ML_FEATURE, "fraud-ml-team", reads=(read,), at=Location("e.yml", 9))),
    )
    merged, notes = merge_catalogs(base, extra)
    assert [o.id for o in merged.owners] == ["fraud-ml", "finance"]
    assert [(c.id, c.owner, c.at) for c in merged.consumers] == [("board", "fraud-ml", at), ("model", "fraud-ml", Location("e.yml", 9))]
    assert [str(n) for n in notes] == ["e.yml:2: exposure 'board' is also declared in lineage.yml; that one is kept"]
    assert merge_catalogs(None, extra) == (extra, [])


def test_merging_a_dbt_catalog_keeps_the_contracts_and_lifecycle_keys() -> None:
    from lineage.catalog import DeclaredContract, TableEntry

    contract = DeclaredContract("app.orders", (), (("p95", 1800),), "#oncall", Location("lineage.yml", 9))
    entry = TableEntry("app.orders", "", None, "", "2027-01-01", Location("lineage.yml", 4), replaced_by="app.orders_v2", mapping=(("a", "b"),), renewed="2026-06-30")
    base = Catalog("lineage.yml", (), (entry,), contracts=(contract,))
    dbt = DeclaredContract("dbt_mart.x", escalation="#dbt")
    merged, _ = merge_catalogs(base, Catalog("dbt_project.yml", contracts=(dbt,)))
    assert (merged.tables, merged.contracts) == ((entry,), (contract, dbt))


def test_scanning_the_sample_reads_its_dbt_project_once() -> None:
    sources = find_sources([SAMPLE])
    assert sources.dbt == [PROJECT] or [p.resolve() for p in sources.dbt] == [PROJECT.resolve()]
    assert not [p for p in sources.sql + sources.python if PROJECT.resolve() in p.resolve().parents]


def test_scan_of_the_sample_warehouse(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = scan([Path("sample_sql")], ScanOptions())
    assert [(f.path, f.statements, len(f.edges)) for f in result.files] == SAMPLE_FILES
    assert [str(d) for d in result.diagnostics] == [
        "sample_sql/dbt/models/exposures.yml:35: exposure 'finance_month_end' names no columns (meta.lineage): table-level, every known column of dbt_mart.daily_revenue counted as read",
    ]
    assert result.catalog is not None and result.catalog.path == "sample_sql/lineage.yml"
    assert [(c.id, c.owner) for c in result.catalog.consumers] == [
        ("executive_revenue", "bi-team"),
        ("customer_support", "bi-team"),
        ("fraud.order_amount_zscore", "fraud-ml"),
        ("fraud.payment_method_mix", "fraud-ml"),
        ("churn.customer_lifetime_value", "growth-ml"),
        ("churn.customer_tenure", "growth-ml"),
        ("finance_month_end", "finance"),
        ("fraud_order_value_model", "fraud-ml"),
        ("revenue_board", "bi-team"),
        # owners from Feast's `owner=` (matched by email), else the catalog's consumer_owners rules
        ("feast:customer_profile", "growth-ml"),
        ("feast:customer_value", "growth-ml"),
        ("feast:order_value_stats", "fraud-ml"),
        ("feast:payment_mix", "fraud-ml"),
        ("feast:churn_model_v1", "growth-ml"),
        ("feast:checkout_fraud_v2", "fraud-ml"),
        ("looker:customer_tiers", "customer-insights"),
        ("looker:customer_tiers/customers_by_tier", "customer-insights"),
        ("looker:customer_tiers/tenure_spread", "customer-insights"),
        ("looker:revenue_overview", "bi-team"),
        ("looker:revenue_overview/revenue_by_country", "bi-team"),
        ("looker:revenue_overview/orders_per_day", "bi-team"),
        # a Metabase card no rule matches is its collection's; Power BI and notebooks by consumer_owners rules
        ("metabase:Finance/Weekly revenue", "collection:Finance"),
        ("metabase:Finance/Customer sign-ups", "collection:Finance"),
        ("metabase:Finance/Finance weekly", "collection:Finance"),
        ("notebook:sample_sql/notebooks/large_orders_review.ipynb", "customer-insights"),
        ("notebook:sample_sql/notebooks/signup_funnel.ipynb", "customer-insights"),
        ("powerbi:Finance/Largest Order USD", "revenue-analytics"),
        ("powerbi:Finance/Orders", "revenue-analytics"),
        ("powerbi:Finance/Paid Orders", "revenue-analytics"),
        ("powerbi:Finance/Revenue per Order", "revenue-analytics"),
        ("powerbi:Finance/Revenue USD", "revenue-analytics"),
        ("powerbi:Finance", "revenue-analytics"),
        ("powerbi:Finance/Revenue overview/Orders by country", "revenue-analytics"),
        ("powerbi:Finance/Revenue overview/Revenue", "revenue-analytics"),
        ("superset:Customers by value tier", "bi-team"),
        ("superset:Loyal customers", "bi-team"),
        ("superset:Orders by country", "bi-team"),
        ("superset:Revenue trend", "bi-team"),
        ("superset:Revenue and customers", "bi-team"),
        ("tableau:regional_revenue/Revenue by country", "bi-team"),
        ("tableau:regional_revenue/Orders per day", "bi-team"),
        ("tableau:regional_revenue/Revenue per order", "bi-team"),
        ("tableau:regional_revenue/Customer tenure", "bi-team"),
        ("tableau:regional_revenue/Regional KPIs", "bi-team"),
    ]


def test_order_value_impact_reaches_dbt_exposures_and_etl(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    store = NetworkxStore(tmp_path)
    scan_into(store, [Path("sample_sql")])
    report = impact_of(store, ["app.orders.order_value"], Change(ChangeKind.RENAME, "order_total_usd"))
    dbt_and_catalog = {"finance_month_end", "revenue_board", "executive_revenue", "fraud_order_value_model", "fraud.order_amount_zscore", "churn.customer_lifetime_value"}
    assert [(d.node.name, d.distance) for d in report.dashboards if d.node.name in dbt_and_catalog] == [("finance_month_end", 3), ("revenue_board", 3), ("executive_revenue", 5)]
    assert [(f.node.name, f.distance) for f in report.features if f.node.name in dbt_and_catalog] == [("fraud_order_value_model", 4), ("fraud.order_amount_zscore", 5), ("churn.customer_lifetime_value", 6)]
    # the BI consumers (tests/story.py has them all) are owned too
    assert {o.owner.name: tuple(a for a in o.assets if ":" not in a) for o in report.owners} == SAMPLE_OWNERS
    assert [(s.file, s.line) for s in report.statements if s.breaks] == [
        ("sample_sql/airflow/sql/load_order_facts.sql", 7),
        ("sample_sql/dbt/models/staging/stg_orders.sql", 13),
        ("sample_sql/dbt/snapshots/orders_snapshot.sql", 14),
        ("sample_sql/notebooks/large_orders_review.ipynb", 34),
        ("sample_sql/staging/stg_orders.sql", 7),
    ]


SAMPLE_DBT = """\
== sample_sql/dbt/analyses/revenue_board_tiles.sql (1 statements)
== sample_sql/dbt/models/_sources.yml (0 statements)
table app.customers source (customer_id bigint, email varchar(320), country char(2), signup_date date, segment varchar(32)) @20
table app.orders source (order_id bigint, customer_id bigint, order_value numeric(12,2), currency char(3), status varchar(16), created_at timestamp, updated_at timestamp) @10
table app.payments source (payment_id bigint, order_id bigint, amount numeric(12,2), method varchar(16), status varchar(16), paid_at timestamp) @28
table ml.order_fraud_scores source () @44
== sample_sql/dbt/models/exposures.yml (0 statements)
! warning: exposure 'finance_month_end' names no columns (meta.lineage): table-level, every known column of dbt_mart.daily_revenue counted as read @35
== sample_sql/dbt/models/marts/customer_order_stats.sql (1 statements)
dbt_staging.stg_orders.customer_id      -> dbt_mart.customer_order_stats (table)             indirect  group_by     @12
dbt_staging.stg_orders.order_id         -> dbt_mart.customer_order_stats (table)             indirect  join         @12
dbt_staging.stg_orders.status           -> dbt_mart.customer_order_stats (table)             indirect  filter       @12
dbt_staging.stg_orders.order_value      -> dbt_mart.customer_order_stats.avg_order_value     direct    aggregation  @12
dbt_staging.stg_orders.customer_id      -> dbt_mart.customer_order_stats.customer_id         direct    identity     @12
dbt_staging.stg_orders.*                -> dbt_mart.customer_order_stats.order_count         direct    aggregation  @12
dbt_staging.stg_orders.order_value      -> dbt_mart.customer_order_stats.stddev_order_value  direct    aggregation  @12
dbt_staging.stg_payments.order_id       -> dbt_mart.customer_order_stats (table)             indirect  join         @13
dbt_staging.stg_payments.payment_method -> dbt_mart.customer_order_stats.card_share          indirect  conditional  @13
dbt_staging.stg_payments.*              -> dbt_mart.customer_order_stats.order_count         direct    aggregation  @13
table dbt_mart.customer_order_stats table (customer_id bigint, order_count, avg_order_value double, stddev_order_value, card_share) @6
== sample_sql/dbt/models/marts/daily_revenue.sql (1 statements)
dbt_staging.stg_orders.customer_id      -> dbt_mart.daily_revenue (table)            indirect  join         @12
dbt_staging.stg_orders.order_date       -> dbt_mart.daily_revenue (table)            indirect  filter       @12
dbt_staging.stg_orders.order_date       -> dbt_mart.daily_revenue (table)            indirect  group_by     @12
dbt_staging.stg_orders.order_id         -> dbt_mart.daily_revenue (table)            indirect  join         @12
dbt_staging.stg_orders.status           -> dbt_mart.daily_revenue (table)            indirect  filter       @12
dbt_staging.stg_orders.order_value      -> dbt_mart.daily_revenue.gross_order_value  direct    aggregation  @12
dbt_staging.stg_orders.order_id         -> dbt_mart.daily_revenue.order_count        direct    aggregation  @12
dbt_staging.stg_orders.order_date       -> dbt_mart.daily_revenue.order_date         direct    identity     @12
dbt_staging.stg_payments.order_id       -> dbt_mart.daily_revenue (table)            indirect  group_by     @22
dbt_staging.stg_payments.order_id       -> dbt_mart.daily_revenue (table)            indirect  join         @22
dbt_staging.stg_payments.payment_status -> dbt_mart.daily_revenue (table)            indirect  filter       @22
dbt_staging.stg_payments.amount         -> dbt_mart.daily_revenue.captured_amount    direct    aggregation  @22
dbt_staging.stg_customers.country       -> dbt_mart.daily_revenue (table)            indirect  group_by     @35
dbt_staging.stg_customers.country       -> dbt_mart.daily_revenue (table)            indirect  join         @35
dbt_staging.stg_customers.customer_id   -> dbt_mart.daily_revenue (table)            indirect  join         @35
dbt_staging.stg_customers.country       -> dbt_mart.daily_revenue.country            direct    identity     @35
dbt_reference.country_regions.country   -> dbt_mart.daily_revenue (table)            indirect  join         @36
dbt_reference.country_regions.region    -> dbt_mart.daily_revenue (table)            indirect  group_by     @36
dbt_reference.country_regions.region    -> dbt_mart.daily_revenue.region             direct    identity     @36
table dbt_mart.daily_revenue table (order_date date, country char(2), region, order_count, gross_order_value numeric(16,2), captured_amount) @11
== sample_sql/dbt/models/staging/stg_customers.sql (1 statements)
app.customers.email       -> dbt_staging.stg_customers (table)      indirect  filter    @7
app.customers.country     -> dbt_staging.stg_customers.country      direct    identity  @7
app.customers.customer_id -> dbt_staging.stg_customers.customer_id  direct    identity  @7
app.customers.email       -> dbt_staging.stg_customers.email        direct    identity  @7
app.customers.segment     -> dbt_staging.stg_customers.segment      direct    identity  @7
app.customers.signup_date -> dbt_staging.stg_customers.signup_date  direct    identity  @7
table dbt_staging.stg_customers view (customer_id, email, country, signup_date, segment) @6
== sample_sql/dbt/models/staging/stg_orders.sql (1 statements)
app.orders.status      -> dbt_staging.stg_orders (table)        indirect  filter          @13
app.orders.created_at  -> dbt_staging.stg_orders.created_at     direct    identity        @13
app.orders.currency    -> dbt_staging.stg_orders.currency_code  direct    transformation  @13
app.orders.customer_id -> dbt_staging.stg_orders.customer_id    direct    identity        @13
app.orders.created_at  -> dbt_staging.stg_orders.order_date     direct    transformation  @13
app.orders.order_id    -> dbt_staging.stg_orders.order_id       direct    identity        @13
app.orders.order_value -> dbt_staging.stg_orders.order_value    direct    identity        @13
app.orders.status      -> dbt_staging.stg_orders.status         direct    transformation  @13
app.orders.updated_at  -> dbt_staging.stg_orders.updated_at     direct    identity        @13
table dbt_staging.stg_orders view (order_id bigint, customer_id, order_value numeric(12,2), currency_code char(3), status, order_date DATE, created_at, updated_at) @4
== sample_sql/dbt/models/staging/stg_payments.sql (1 statements)
app.payments.status     -> dbt_staging.stg_payments (table)         indirect  filter          @10
app.payments.amount     -> dbt_staging.stg_payments.amount          direct    identity        @10
app.payments.order_id   -> dbt_staging.stg_payments.order_id        direct    identity        @10
app.payments.paid_at    -> dbt_staging.stg_payments.paid_at         direct    identity        @10
app.payments.payment_id -> dbt_staging.stg_payments.payment_id      direct    identity        @10
app.payments.method     -> dbt_staging.stg_payments.payment_method  direct    transformation  @10
app.payments.status     -> dbt_staging.stg_payments.payment_status  direct    identity        @10
table dbt_staging.stg_payments view (payment_id, order_id, amount, payment_method, payment_status, paid_at) @3
== sample_sql/dbt/seeds/country_regions.csv (0 statements)
table dbt_reference.country_regions table (country varchar(2), region varchar(32)) @1
== sample_sql/dbt/snapshots/orders_snapshot.sql (1 statements)
app.orders.customer_id -> snapshots.orders_snapshot.customer_id  direct  identity  @14
app.orders.order_id    -> snapshots.orders_snapshot.order_id     direct  identity  @14
app.orders.order_value -> snapshots.orders_snapshot.order_value  direct  identity  @14
app.orders.status      -> snapshots.orders_snapshot.status       direct  identity  @14
app.orders.updated_at  -> snapshots.orders_snapshot.updated_at   direct  identity  @14
table snapshots.orders_snapshot table (order_id, customer_id, order_value, status, updated_at) @13
"""

SAMPLE_CATALOG = """\
catalog sample_sql/dbt/dbt_project.yml
owner bi-team name='BI team' email='bi@acme.example'
owner data-platform name='' email=''
owner finance name='Finance' email='finance@acme.example'
owner fraud-ml name='Fraud ML team' email='fraud-ml@acme.example'
owner orders-service name='' email=''
owner revenue-analytics name='Revenue Analytics' email='revenue-analytics@acme.example'
table dbt_mart.customer_order_stats owner=fraud-ml @sample_sql/dbt/models/marts/customer_order_stats.sql:1 'Per-customer order statistics for the checkout fraud model.'
table dbt_mart.daily_revenue owner=revenue-analytics @sample_sql/dbt/models/marts/daily_revenue.sql:1 'Daily gross order value and captured payments by country and region.'
table dbt_staging.stg_customers owner=data-platform @sample_sql/dbt/models/staging/stg_customers.sql:1 'Customers minus internal accounts.'
table dbt_staging.stg_orders owner=data-platform @sample_sql/dbt/models/staging/stg_orders.sql:1 'Cleaned orders, one row per order.'
table dbt_staging.stg_payments owner=data-platform @sample_sql/dbt/models/staging/stg_payments.sql:1 'Captured and refunded payments.'
table dbt_reference.country_regions owner=data-platform @sample_sql/dbt/seeds/country_regions.csv:1 'Sales region of each billing country.'
table snapshots.orders_snapshot owner=data-platform @sample_sql/dbt/snapshots/orders_snapshot.sql:1 ''
table app.customers owner=orders-service @sample_sql/dbt/models/_sources.yml:20 'Customer accounts and CRM segment.'
table app.orders owner=orders-service @sample_sql/dbt/models/_sources.yml:10 'Orders placed through checkout.'
table app.payments owner=orders-service @sample_sql/dbt/models/_sources.yml:28 'Payment attempts per order.'
table ml.order_fraud_scores owner=fraud-ml @sample_sql/dbt/models/_sources.yml:44 'Order-level fraud features, rebuilt nightly by fraud_scoring_job.py.'
dashboard finance_month_end owner=finance title='Finance month-end pack' url='' @sample_sql/dbt/models/exposures.yml:35
dbt_mart.daily_revenue.captured_amount   -> finance_month_end (table)  direct  identity  @35
dbt_mart.daily_revenue.country           -> finance_month_end (table)  direct  identity  @35
dbt_mart.daily_revenue.gross_order_value -> finance_month_end (table)  direct  identity  @35
dbt_mart.daily_revenue.order_count       -> finance_month_end (table)  direct  identity  @35
dbt_mart.daily_revenue.order_date        -> finance_month_end (table)  direct  identity  @35
dbt_mart.daily_revenue.region            -> finance_month_end (table)  direct  identity  @35
ml_feature fraud_order_value_model owner=fraud-ml title='Checkout fraud model, order value features' url='' @sample_sql/dbt/models/exposures.yml:20
ml.order_fraud_scores.card_share         -> fraud_order_value_model (table)  direct  identity  @20
ml.order_fraud_scores.order_value_zscore -> fraud_order_value_model (table)  direct  identity  @20
dashboard revenue_board owner=bi-team title='Revenue board (dbt)' url='https://bi.acme.example/d/revenue-board' @sample_sql/dbt/models/exposures.yml:6
dbt_mart.daily_revenue.order_date        -> revenue_board_tiles (table)            indirect  group_by        @7
dbt_mart.daily_revenue.region            -> revenue_board_tiles (table)            indirect  group_by        @7
dbt_mart.daily_revenue.gross_order_value -> revenue_board_tiles.gross_order_value  direct    aggregation     @7
dbt_mart.daily_revenue.order_count       -> revenue_board_tiles.orders             direct    aggregation     @7
dbt_mart.daily_revenue.region            -> revenue_board_tiles.region             direct    identity        @7
dbt_mart.daily_revenue.order_date        -> revenue_board_tiles.week_start         direct    transformation  @7
"""

SAMPLE_FILES = [
    ('sample_sql/airflow/nightly_orders_dag.py', 3, 6),
    ('sample_sql/airflow/sql/load_order_facts.sql', 2, 10),
    ('sample_sql/app/orders_service.sql', 5, 0),
    ('sample_sql/dashboards/customer_support.sql', 1, 0),
    ('sample_sql/dashboards/executive_revenue.sql', 1, 0),
    ('sample_sql/dbt/analyses/revenue_board_tiles.sql', 1, 0),
    ('sample_sql/dbt/models/_sources.yml', 0, 0),
    ('sample_sql/dbt/models/exposures.yml', 0, 0),
    ('sample_sql/dbt/models/marts/customer_order_stats.sql', 1, 10),
    ('sample_sql/dbt/models/marts/daily_revenue.sql', 1, 19),
    ('sample_sql/dbt/models/staging/stg_customers.sql', 1, 6),
    ('sample_sql/dbt/models/staging/stg_orders.sql', 1, 9),
    ('sample_sql/dbt/models/staging/stg_payments.sql', 1, 7),
    ('sample_sql/dbt/seeds/country_regions.csv', 0, 0),
    ('sample_sql/dbt/snapshots/orders_snapshot.sql', 1, 5),
    ('sample_sql/etl/nightly_orders.sql', 8, 37),
    # BI and feature-store files: their embedded queries count as statements, their reads are consumers'
    ('sample_sql/feast/customer_features.py', 2, 0),
    ('sample_sql/feast/entities.py', 0, 0),
    ('sample_sql/feast/fraud_features.py', 0, 0),
    ('sample_sql/looker/acme.model.lkml', 0, 0),
    ('sample_sql/looker/customer_segments.view.lkml', 1, 0),
    ('sample_sql/looker/customer_tiers.dashboard.lookml', 0, 0),
    ('sample_sql/looker/daily_revenue.view.lkml', 0, 0),
    ('sample_sql/looker/revenue_overview.dashboard.lookml', 0, 0),
    ('sample_sql/marts/customer_360.sql', 1, 25),
    ('sample_sql/marts/daily_revenue.sql', 1, 12),
    ('sample_sql/marts/unrelated_inventory.sql', 3, 17),
    ('sample_sql/metabase/collections/vQ3xT8mKp2LwR9sN4bYcA_finance/cards/Hk7dW2pQx9ZtL4mVb8NfE_weekly_revenue.yaml', 1, 0),
    ('sample_sql/metabase/collections/vQ3xT8mKp2LwR9sN4bYcA_finance/cards/Rt5yU8iOp1AsD3fGh6JkL_customer_signups.yaml', 1, 0),
    ('sample_sql/metabase/collections/vQ3xT8mKp2LwR9sN4bYcA_finance/dashboards/Zx2cV4bN6mQ8wE0rT1yUi_finance_weekly.yaml', 0, 0),
    ('sample_sql/metabase/collections/vQ3xT8mKp2LwR9sN4bYcA_finance/vQ3xT8mKp2LwR9sN4bYcA_finance.yaml', 0, 0),
    ('sample_sql/ml/fraud_features.sql', 1, 18),
    ('sample_sql/notebooks/large_orders_review.ipynb', 1, 0),
    ('sample_sql/notebooks/signup_funnel.ipynb', 1, 0),
    ('sample_sql/powerbi/Finance.Report/definition.pbir', 0, 0),
    ('sample_sql/powerbi/Finance.Report/definition/pages/revenue_overview/page.json', 0, 0),
    ('sample_sql/powerbi/Finance.Report/definition/pages/revenue_overview/visuals/orders_by_country/visual.json', 0, 0),
    ('sample_sql/powerbi/Finance.Report/definition/pages/revenue_overview/visuals/revenue_card/visual.json', 0, 0),
    ('sample_sql/powerbi/Finance.SemanticModel/definition/tables/Daily Revenue.tmdl', 0, 0),
    ('sample_sql/powerbi/Finance.SemanticModel/definition/tables/Order Lines.tmdl', 1, 0),
    ('sample_sql/spark/fraud_scoring_job.py', 2, 14),
    ('sample_sql/staging/stg_customers.sql', 1, 6),
    ('sample_sql/staging/stg_orders.sql', 1, 9),
    ('sample_sql/staging/stg_payments.sql', 1, 7),
    ('sample_sql/superset/dashboard_export/charts/Customers_by_value_tier_103.yaml', 0, 0),
    ('sample_sql/superset/dashboard_export/charts/Loyal_customers_104.yaml', 0, 0),
    ('sample_sql/superset/dashboard_export/charts/Orders_by_country_102.yaml', 0, 0),
    ('sample_sql/superset/dashboard_export/charts/Revenue_trend_101.yaml', 0, 0),
    ('sample_sql/superset/dashboard_export/dashboards/Revenue_and_customers_7.yaml', 0, 0),
    ('sample_sql/superset/dashboard_export/databases/warehouse.yaml', 0, 0),
    ('sample_sql/superset/dashboard_export/datasets/warehouse/customer_value.yaml', 1, 0),
    ('sample_sql/superset/dashboard_export/datasets/warehouse/daily_revenue.yaml', 0, 0),
    ('sample_sql/tableau/regional_revenue.twb', 1, 0),
]

SAMPLE_OWNERS = {
    'bi-team': ('executive_revenue', 'revenue_board'),
    'collection:Finance': (),
    'customer-insights': ('mart.customer_360',),
    'data-platform': ('dbt_staging.stg_orders', 'etl.tmp_orders_usd', 'intermediate.customer_orders', 'intermediate.orders_enriched', 'snapshots.orders_snapshot', 'staging.stg_orders'),
    'finance': ('finance_month_end',),
    'fraud-ml': ('dbt_mart.customer_order_stats', 'fraud.order_amount_zscore', 'fraud_order_value_model', 'mart.fraud_features', 'ml.order_fraud_scores'),
    'growth-ml': ('churn.customer_lifetime_value',),
    'revenue-analytics': ('dbt_mart.daily_revenue', 'mart.daily_revenue'),
}


def test_files_a_manifest_names_outside_the_project_are_not_read(manifest: Path, tmp_path: Path) -> None:
    """A manifest comes with the project: its original_file_path must not have us read the machine's files."""
    (tmp_path / "outside.csv").write_text("leaked_column\n1\n", encoding="utf-8")
    data = json.loads(manifest.read_text(encoding="utf-8"))
    seed = next(uid for uid, node in sorted(data["nodes"].items()) if node["resource_type"] == "seed")
    source = sorted(data["sources"])[0]
    data["nodes"][seed]["original_file_path"] = str(tmp_path / "outside.csv")
    data["sources"][source]["original_file_path"] = "../../outside.yml"
    hostile = tmp_path / "manifest.json"
    hostile.write_text(json.dumps(data), encoding="utf-8")
    project = read_dbt(PROJECT, SHOWN, DbtOptions(manifest=hostile))
    assert [str(d) for d in project.diagnostics] == [
        f"{hostile}: original_file_path '{tmp_path / 'outside.csv'}' of {seed} is outside the project; not read",
        f"{hostile}: original_file_path '../../outside.yml' of {source} is outside the project; not read",
    ]
    assert "leaked_column" not in [c for c, _ in project.nodes[seed].columns]
    assert project.nodes[source].first_line == 0


# The shape of Fivetran's packages (dbt_shopify's `shopify_union_data`): a project calls its own
# macros through its name, tests `var(..., none)` to choose a branch, asks the warehouse whether a
# declared source exists, and branches on `target.type` with no profiles.yml around (CI).
UNION_PROJECT = {
    "dbt_project.yml": "name: shop\nprofile: shop\n",
    "models/src.yml": "version: 2\nsources:\n  - name: shop\n    schema: raw\n    tables:\n      - name: orders\n        columns: [{name: id}, {name: total}]\n",
    "macros/union_data.sql": (
        "{% macro union_data(table_identifier) %}\n"
        "{%- if var('shop_union_schemas', none) -%}\n"
        "{%- for schema in var('shop_union_schemas') %}select * from {{ schema }}.{{ table_identifier }}{% endfor -%}\n"
        "{%- else -%}\n"
        "{%- set relation = adapter.get_relation(database=target.database, schema=source('shop', table_identifier).schema, identifier=var('shop_' ~ table_identifier ~ '_identifier', table_identifier)) -%}\n"
        "{%- if relation is not none -%}select * from {{ relation }}\n"
        "{%- else -%}{{ exceptions.warn('\\n\\nThe ' ~ table_identifier ~ ' table was not found.\\nAn empty model is built.\\n') }}select cast(null as text) as _dbt_source_relation limit 0\n"
        "{%- endif -%}{%- endif -%}\n"
        "{% endmacro %}\n"
        "{% macro limited_column() %}{{ return(none if target.type == 'snowflake' else 'total') }}{% endmacro %}\n"
    ),
    "models/stg_orders.sql": "select id, total, {{ shop.limited_column() or 'id' }} as picked from ({{ shop.union_data('orders') }}) as u\n",
    "models/stg_missing.sql": "{{ shop.union_data('refunds') }}\n",
}


def test_a_project_calls_its_own_macros_by_its_name_and_var_none_is_none(tmp_path: Path) -> None:
    root = write_project(tmp_path / "shop", UNION_PROJECT)
    facts = extract_dbt(root, "shop", SchemaRegistry(), DbtOptions(files_only=True, dialect="snowflake"))
    assert describe(facts.files) == (
        "== shop/dbt_project.yml (0 statements)\n"
        "! warning: profile 'shop' not found (looked in shop/profiles.yml); models without a custom schema go to schema 'shop' @0\n"
        "== shop/models/src.yml (0 statements)\n"
        "table raw.orders source (id, total) @6\n"
        "== shop/models/stg_missing.sql (1 statements)\n"
        "table shop.stg_missing view (_dbt_source_relation TEXT) @1\n"
        "! error: source('shop', 'refunds') names nothing in this project @1\n"
        "! warning: warning from the model: The refunds table was not found. An empty model is built. @1\n"
        "== shop/models/stg_orders.sql (1 statements)\n"
        "raw.orders.id    -> shop.stg_orders.id      direct  identity  @1\n"
        "raw.orders.id    -> shop.stg_orders.picked  direct  identity  @1\n"
        "raw.orders.total -> shop.stg_orders.total   direct  identity  @1\n"
        "table shop.stg_orders view (id, total, picked) @1\n"
    )


def test_a_model_with_an_unexpanded_star_keeps_its_columns_open(tmp_path: Path) -> None:
    """b is `select *` over a, whose own star is over a source of unknown columns: b's columns are not
    only a's one known column (a downstream `select *` would drop the rest unsaid), and the columns its
    YAML declares are not said to be missing: they may come through the star."""
    files = {
        "dbt_project.yml": "name: p\nprofile: p\n",
        "models/src.yml": "version: 2\nsources:\n  - name: raw\n    tables:\n      - name: events\n",
        "models/a.sql": "select *, 1 as one from {{ source('raw', 'events') }}\n",
        "models/b.sql": "select * from {{ ref('a') }}\n",
        "models/b.yml": "version: 2\nmodels:\n  - name: b\n    columns:\n      - name: id\n",
        "models/c.sql": "select id, one from {{ ref('b') }}\n",
    }
    facts = from_files(write_project(tmp_path / "p", files), "p")
    assert describe(facts.files) == (
        "== p/dbt_project.yml (0 statements)\n"
        "! warning: profile 'p' not found (looked in p/profiles.yml); models without a custom schema go to schema 'p' @0\n"
        "== p/models/a.sql (1 statements)\n"
        "raw.events.* -> p.a.*  direct  identity  @1\n"
        "table p.a view (one) @1\n"
        "! warning: cannot expand '*': columns of its table are unknown (add its DDL or --schema); recorded as an unresolved '*' edge @1\n"
        "== p/models/b.sql (1 statements)\n"
        "p.a.* -> p.b.*  direct  identity  @1\n"
        "table p.b view () @1\n"
        "! warning: cannot expand '*': columns of its table are unknown (add its DDL or --schema); recorded as an unresolved '*' edge @1\n"
        "== p/models/c.sql (1 statements)\n"
        "p.b.id  -> p.c.id   direct  identity  @1\n"
        "p.b.one -> p.c.one  direct  identity  @1\n"
        "table p.c view (id, one) @1\n"
        "== p/models/src.yml (0 statements)\n"
        "table raw.events source () @5\n"
    )


def test_a_project_from_before_dbt_1_0_names_its_folders_the_old_way(tmp_path: Path) -> None:
    # source-paths / data-paths (dbt-labs' mrr-playbook): its seeds were not found, so ref() named nothing
    project = write_project(tmp_path / "p", {
        "dbt_project.yml": "name: p\nprofile: warehouse\nsource-paths: [\"transform\"]\ndata-paths: [\"data\"]\n",
        "profiles.yml": "warehouse:\n  target: dev\n  outputs:\n    dev:\n      type: snowflake\n      schema: analytics\n",
        "data/plans.csv": "plan_id,price\n1,10\n",
        "transform/plan_prices.sql": "select plan_id, price, dateadd(month, 1, current_date) as renews_on from {{ ref('plans') }}\n",
    })
    assert describe(from_files(project, "p").files) == (
        "== p/data/plans.csv (0 statements)\n"
        "table analytics.plans table (plan_id, price) @1\n"
        "== p/transform/plan_prices.sql (1 statements)\n"
        "analytics.plans.plan_id -> analytics.plan_prices.plan_id  direct  identity  @1\n"
        "analytics.plans.price   -> analytics.plan_prices.price    direct  identity  @1\n"
        "table analytics.plan_prices view (plan_id, price, renews_on) @1\n"
    )


def test_dbt_filters_and_api_column_render(tmp_path: Path) -> None:
    # brooklyn-data/dbt_artifacts: a macro file using `| as_bool` could not be read at all, and
    # `api.Column.translate_type` was an unknown macro in every model calling it
    project = write_project(tmp_path / "p", {
        "dbt_project.yml": "name: p\nprofile: warehouse\n",
        "profiles.yml": "warehouse:\n  target: dev\n  outputs:\n    dev:\n      type: postgres\n      schema: analytics\n",
        "macros/flags.sql": "{% macro keep_cents() %}{{ return('True' | as_bool) }}{% endmacro %}\n",
        "models/events.sql": (
            "select cast(amount as {{ api.Column.translate_type('string') }}) as amount_text,\n"
            "{% if keep_cents() is sameas true %}amount_cents{% else %}0{% endif %} as cents, '{{ '3' | as_number + 1 }}' as n\n"
            "from raw.events\n"
        ),
    })
    assert describe(from_files(project, "p").files) == (
        "== p/models/events.sql (1 statements)\n"
        "raw.events.amount       -> analytics.events.amount_text  direct  transformation  @3\n"
        "raw.events.amount_cents -> analytics.events.cents        direct  identity        @3\n"
        "table analytics.events view (amount_text TEXT, cents, n) @1\n"
    )


def test_an_unset_var_is_zero_as_a_number_and_its_items_are_placeholders(tmp_path: Path) -> None:
    # Velir's dbt-ga4, scanned without the vars its users set: `range(var(...))` failed the render (10 models
    # lost) and `var('property_ids')[0]` rendered one character of the placeholder's mark
    project = write_project(tmp_path / "p", {
        "dbt_project.yml": "name: p\nprofile: warehouse\n",
        "profiles.yml": "warehouse:\n  target: dev\n  outputs:\n    dev:\n      type: bigquery\n      schema: analytics\n",
        "models/events.sql": (
            "{% set days = [] %}{% for i in range(var('static_days')) %}{% do days.append(i) %}{% endfor %}\n"
            "select event_name, {{ var('property_ids')[0] }} as property_id, {{ days | length }} as n from raw.events\n"
        ),
    })
    assert describe(from_files(project, "p").files) == (
        "== p/models/events.sql (1 statements)\n"
        "raw.events.event_name -> analytics.events.event_name  direct  identity  @2\n"
        "table analytics.events view (event_name, property_id, n) @2\n"
        "! warning: var('static_days') is not set in dbt_project.yml and has no default: rendered as a placeholder @1\n"
        "! warning: var('property_ids') is not set in dbt_project.yml and has no default: rendered as a placeholder @2\n"
    )
