"""dbt packages, dbt's built-in macros and introspection: a fixture project with a package of our
own (tests/parsers/dbt_pkg_project, run by real dbt-core + dbt-duckdb for its manifest), stand-ins
for packages not installed, and what an unknown macro renders as."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from parsers.dbt.extract import DbtOptions, extract_dbt, read_dbt
from parsers.sql.schema import SchemaRegistry
from tests.conftest import ROOT
from tests.parsers.test_dbt import describe, from_files, write_project

PROJECT = Path(__file__).parent / "dbt_pkg_project"
SHOWN = "pkg"


@pytest.fixture(scope="module")
def manifest(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture's manifest, compiled by real dbt after `dbt seed` and `dbt run` (DBT_RUN=1), so
    that the package's introspection and run_query read real DuckDB tables."""
    out = tmp_path_factory.mktemp("dbt_pkg")
    env = {**os.environ, "DBT_RUN": "1"}
    done = subprocess.run(["bash", str(ROOT / "scripts" / "dbt-manifest.sh"), str(PROJECT), str(out)], capture_output=True, text=True, timeout=600, check=False, env=env)
    assert done.returncode == 0, done.stderr
    return Path(done.stdout.strip())


def test_package_macros_render_what_dbt_compiles(manifest: Path) -> None:
    from_manifest = read_dbt(PROJECT, SHOWN, DbtOptions(manifest=manifest))
    assert from_manifest.diagnostics == []  # the manifest was used, not the fallback
    rendered = read_dbt(PROJECT, SHOWN, DbtOptions(files_only=True))
    assert sorted(rendered.nodes) == sorted(from_manifest.nodes)
    for uid, node in rendered.nodes.items():
        assert (node.relation, node.code) == (from_manifest.nodes[uid].relation, from_manifest.nodes[uid].code), uid


def test_manifest_and_project_files_give_identical_lineage_with_packages(manifest: Path) -> None:
    facts = extract_dbt(PROJECT, SHOWN, SchemaRegistry(), DbtOptions(manifest=manifest))
    assert facts == extract_dbt(PROJECT, SHOWN, SchemaRegistry(), DbtOptions(files_only=True))


PACKAGE_EXPECTED = """\
== pkg/models/marts/all_money.sql (1 statements)
main.raw_orders.amount_cents  -> marts.all_money.amount_cents  direct  identity  @1
main.raw_refunds.amount_cents -> marts.all_money.amount_cents  direct  identity  @1
main.raw_orders.order_id      -> marts.all_money.order_id      direct  identity  @1
main.raw_refunds.order_id     -> marts.all_money.order_id      direct  identity  @1
main.raw_orders.region        -> marts.all_money.region        direct  identity  @1
main.raw_refunds.region       -> marts.all_money.region        direct  identity  @1
table marts.all_money table (source_name, order_id, region, amount_cents) @1
== pkg/models/marts/order_facts.sql (1 statements)
main.orders.amount   -> marts.order_facts.amount    direct  identity  @3
main.orders.order_id -> marts.order_facts.order_id  direct  identity  @3
main.orders.region   -> marts.order_facts.region    direct  identity  @3
table marts.order_facts table (order_id, region, amount) @1
== pkg/models/marts/region_pivot.sql (1 statements)
main.raw_orders.order_id     -> marts.region_pivot (table)    indirect  group_by     @4
main.raw_orders.order_id     -> marts.region_pivot.order_id   direct    identity     @4
main.raw_orders.amount_cents -> marts.region_pivot.region_eu  direct    aggregation  @4
main.raw_orders.region       -> marts.region_pivot.region_eu  indirect  conditional  @4
main.raw_orders.amount_cents -> marts.region_pivot.region_us  direct    aggregation  @4
main.raw_orders.region       -> marts.region_pivot.region_us  indirect  conditional  @4
table marts.region_pivot table (order_id, region_eu, region_us) @1
== pkg/models/orders.sql (1 statements)
main.raw_orders.amount_cents -> main.orders.amount        direct  transformation  @7
main.raw_orders.amount_cents -> main.orders.amount_cents  direct  identity        @7
main.raw_orders.amount_cents -> main.orders.half_cents    direct  transformation  @7
main.raw_orders.order_id     -> main.orders.order_id      direct  identity        @7
main.raw_orders.region       -> main.orders.region        direct  identity        @7
table main.orders table (order_id, region, amount_cents, amount, half_cents) @1
== pkg/seeds/raw_orders.csv (0 statements)
table main.raw_orders table (order_id, region, amount_cents) @1
== pkg/seeds/raw_refunds.csv (0 statements)
table main.raw_refunds table (order_id, region, amount_cents) @1
"""


def test_package_macros_dispatch_introspect_and_query() -> None:
    """star over an upstream model's extracted columns (except honoured), a pivot over a seed's
    values (run_query), a union over information_schema (statement), dispatch's search order."""
    assert describe(from_files(PROJECT, SHOWN).files) == PACKAGE_EXPECTED
    orders = read_dbt(PROJECT, SHOWN, DbtOptions(files_only=True)).nodes["model.pkgshop.orders"].code or ""
    # the project's default__ wins over the package's duckdb__ (dispatch: pkgshop first); half has only duckdb__
    assert "(amount_cents / 100) as amount" in orders and "(amount_cents / 2) as half_cents" in orders


STANDIN_PROJECT = {
    "dbt_project.yml": "name: shop\nprofile: shop\nmodels:\n  shop:\n    +materialized: table\n",
    "profiles.yml": "shop:\n  target: dev\n  outputs:\n    dev:\n      type: snowflake\n      schema: analytics\n",
    "packages.yml": "packages:\n  - package: dbt-labs/dbt_utils\n    version: 1.3.0\n  - package: calogica/dbt_date\n    version: 0.10.0\n  - git: https://github.com/acme/dbt-house-rules.git\n",
    "models/sources.yml": (
        "version: 2\nsources:\n  - name: app\n    schema: app\n    tables:\n"
        "      - name: orders\n        columns: [{name: id}, {name: customer_id}, {name: amount}, {name: tax}, {name: status}, {name: created_at}]\n"
        "      - name: orders_archive\n        columns: [{name: id}, {name: amount}, {name: note}]\n"
        "      - name: events\n"
    ),
    "seeds/statuses.csv": "status,label\nopen,Open\npaid,Paid\nopen,Re-opened\n",
    "models/stg_orders.sql": "select {{ dbt_utils.star(source('app', 'orders'), except=['tax']) }}\nfrom {{ source('app', 'orders') }}\n",
    "models/order_totals.sql": (
        "select\n    customer_id,\n    {{ dbt_utils.safe_add(['amount', 'tax']) }} as gross,\n"
        "    {{ dbt_utils.generate_surrogate_key(['customer_id', 'status']) }} as key,\n"
        "    {{ dbt_date.date_part('year', 'created_at') }} as year\n"
        "from {{ source('app', 'orders') }}\n{{ dbt_utils.group_by(n=4) }}\n"
    ),
    "models/all_orders.sql": "{{ dbt_utils.union_relations(relations=[source('app', 'orders'), source('app', 'orders_archive')], include=['id', 'amount', 'note']) }}\n",
    "models/by_status.sql": (
        "select\n    customer_id,\n"
        "    {{ dbt_utils.pivot('status', dbt_utils.get_column_values(ref('statuses'), 'status'), then_value='amount') }}\n"
        "from {{ ref('stg_orders') }}\ngroup by 1\n"
    ),
    "models/by_unknown.sql": (
        "select\n    {{ dbt_utils.pivot('kind', dbt_utils.get_column_values(source('app', 'events'), 'kind')) }}\n"
        "from {{ source('app', 'events') }}\n"
    ),
    "models/spine.sql": "{{ dbt_utils.date_spine(datepart='day', start_date=\"cast('2020-01-01' as date)\", end_date='current_date') }}\n",
    "models/matched.sql": (
        "{% for relation in dbt_utils.get_relations_by_pattern('app', 'orders%') %}\n"
        "select '{{ dbt_utils.slugify(relation.identifier) }}' as origin, id from {{ relation }}\n"
        "{% if not loop.last %}union all{% endif %}\n{% endfor %}\n"
    ),
    "models/latest.sql": (
        "{% set found = run_query('select max(created_at) as latest from ' ~ source('app', 'orders')) %}\n"
        "select id from {{ source('app', 'orders') }}\n"
        "where created_at = '{{ found.columns[0].values()[0] }}' or '{{ found.rows[0].latest }}' is null\n"
    ),
    "models/events_star.sql": "select {{ dbt_utils.star(source('app', 'events')) }}, {{ house_rules.mask('id') }} as masked\nfrom {{ source('app', 'events') }} as e\n",
}

STANDIN_EXPECTED = """\
== shop/models/all_orders.sql (1 statements)
app.orders.amount         -> analytics.all_orders.amount  direct  identity  @1
app.orders_archive.amount -> analytics.all_orders.amount  direct  identity  @1
app.orders.id             -> analytics.all_orders.id      direct  identity  @1
app.orders_archive.id     -> analytics.all_orders.id      direct  identity  @1
app.orders_archive.note   -> analytics.all_orders.note    direct  identity  @1
table analytics.all_orders table (_dbt_source_relation VARCHAR, id, amount, note) @1
== shop/models/by_status.sql (1 statements)
analytics.stg_orders.customer_id -> analytics.by_status (table)      indirect  group_by     @4
analytics.stg_orders.customer_id -> analytics.by_status.customer_id  direct    identity     @4
analytics.stg_orders.amount      -> analytics.by_status.open         direct    aggregation  @4
analytics.stg_orders.status      -> analytics.by_status.open         indirect  conditional  @4
analytics.stg_orders.amount      -> analytics.by_status.paid         direct    aggregation  @4
analytics.stg_orders.status      -> analytics.by_status.paid         indirect  conditional  @4
table analytics.by_status table (customer_id, open, paid) @1
== shop/models/by_unknown.sql (1 statements)
app.events.kind -> analytics.by_unknown.unresolved_get_column_values  indirect  conditional  @3
table analytics.by_unknown table (unresolved_get_column_values) @1
! warning: get_column_values(app.events, 'kind'): its values are data the scan does not have; the one value 'unresolved_get_column_values' stands for them @2
== shop/models/events_star.sql (1 statements)
app.events.*                           -> analytics.events_star.*       direct  identity  @2
app.events.unresolved_house_rules_mask -> analytics.events_star.masked  direct  identity  @2
table analytics.events_star table (masked) @1
! warning: columns of app.events are not known to the scan (no declared columns, DDL or upstream model) @1
! warning: unknown macro 'house_rules.mask': rendered as unresolved_house_rules_mask @1
! warning: cannot expand '*': columns of its table are unknown (add its DDL or --schema); recorded as an unresolved '*' edge @1
== shop/models/latest.sql (1 statements)
app.orders.created_at -> analytics.latest (table)  indirect  filter    @2
app.orders.id         -> analytics.latest.id       direct    identity  @2
table analytics.latest table (id) @2
! warning: run_query: the scan cannot answer `select max(created_at) as latest from app.orders` without a warehouse: rendered with the value 'unresolved_run_query' @1
== shop/models/matched.sql (1 statements)
app.orders.id         -> analytics.matched.id  direct  identity  @2
app.orders_archive.id -> analytics.matched.id  direct  identity  @4
table analytics.matched table (origin, id) @2
== shop/models/order_totals.sql (1 statements)
app.orders.amount      -> analytics.order_totals (table)      indirect  group_by        @7
app.orders.created_at  -> analytics.order_totals (table)      indirect  group_by        @7
app.orders.customer_id -> analytics.order_totals (table)      indirect  group_by        @7
app.orders.status      -> analytics.order_totals (table)      indirect  group_by        @7
app.orders.tax         -> analytics.order_totals (table)      indirect  group_by        @7
app.orders.customer_id -> analytics.order_totals.customer_id  direct    identity        @7
app.orders.amount      -> analytics.order_totals.gross        direct    transformation  @7
app.orders.tax         -> analytics.order_totals.gross        direct    transformation  @7
app.orders.customer_id -> analytics.order_totals.key          direct    transformation  @7
app.orders.status      -> analytics.order_totals.key          direct    transformation  @7
app.orders.created_at  -> analytics.order_totals.year         direct    transformation  @7
table analytics.order_totals table (customer_id, gross, key, year) @1
== shop/models/sources.yml (0 statements)
table app.orders source (id, customer_id, amount, tax, status, created_at) @6
table app.orders_archive source (id, amount, note) @8
table app.events source () @10
== shop/models/spine.sql (1 statements)
table analytics.spine table (date_day) @1
== shop/models/stg_orders.sql (1 statements)
app.orders.amount      -> analytics.stg_orders.amount       direct  identity  @2
app.orders.created_at  -> analytics.stg_orders.created_at   direct  identity  @2
app.orders.customer_id -> analytics.stg_orders.customer_id  direct  identity  @2
app.orders.id          -> analytics.stg_orders.id           direct  identity  @2
app.orders.status      -> analytics.stg_orders.status       direct  identity  @2
table analytics.stg_orders table (id, customer_id, amount, status, created_at) @1
== shop/packages.yml (0 statements)
! warning: packages not installed: dbt_date, dbt_house_rules, dbt_utils; the most used macros of dbt_date, dbt_utils are rendered by built-in stand-ins; run `dbt deps` to render their macros exactly @0
== shop/seeds/statuses.csv (0 statements)
table analytics.statuses table (status, label) @1
"""


def test_stand_ins_render_package_macros_when_packages_are_not_installed(tmp_path: Path) -> None:
    """dbt_utils and dbt_date not installed: their most used macros render the packages' SQL shape
    over what the project knows; a value the scan cannot know is an explicit marker, said once."""
    facts = from_files(write_project(tmp_path / "shop", STANDIN_PROJECT), "shop")
    assert describe(facts.files) == STANDIN_EXPECTED
    assert not [e for f in facts.files for e in f.edges if "null" in (e.source_table or "").split(".")]


BUILTIN_PROJECT = {
    "dbt_project.yml": "name: p\nprofile: p\nmodels:\n  p:\n    +materialized: table\n    marts:\n      +schema: marts\n",
    "profiles.yml": "p:\n  target: prod\n  outputs:\n    prod:\n      type: postgres\n      schema: analytics\n      database: warehouse\n",
    "macros/naming.sql": (
        "{% macro generate_schema_name(custom_schema_name, node) -%}{{ generate_schema_name_for_env(custom_schema_name, node) }}{%- endmacro %}\n"
        "{% macro generate_alias_name(custom_alias_name=none, node=none) -%}{{ node.name | replace('_v2', '') }}{%- endmacro %}\n"
        "{% macro type_string() %}text{% endmacro %}\n"
    ),
    "macros/m.sql": "{% macro broken_helper() %}{{ not_a_macro('x') }}{% endmacro %}\n",
    "models/sources.yml": "version: 2\nsources:\n  - name: app\n    tables:\n      - name: orders\n        columns: [{name: id}, {name: created_at}, {name: shipped_at}, {name: code}]\n",
    "models/marts/orders_v2.sql": (
        "select\n    id,\n    {{ dateadd('day', 7, 'created_at') }} as due_at,\n"
        "    {{ dbt.datediff('created_at', 'shipped_at', 'day') }} as days_to_ship,\n"
        "    {{ dbt.safe_cast('code', type_string()) }} as code,\n"
        "    {{ concat(['code', \"'-'\", 'id']) }} as label\n"
        "from {{ source('app', 'orders') }}\n"
    ),
    "models/plain.sql": "select id from {{ ref('orders_v2') }}\n",
    "models/nowhere.sql": "select 1 as one\nfrom {{ nowhere() }}\n",
    "models/helped.sql": "select\n    {{ broken_helper() }} as x,\n    {{ dbt_utils.not_stubbed('y') }} as y\nfrom {{ ref('plain') }}\n",
}

BUILTIN_EXPECTED = """\
== p/models/helped.sql (1 statements)
?.unresolved_not_a_macro           -> analytics.helped.x  direct  identity  @1
?.unresolved_dbt_utils_not_stubbed -> analytics.helped.y  direct  identity  @1
table analytics.helped table (x, y) @1
! warning: unknown macro 'not_a_macro': rendered as unresolved_not_a_macro @2
! warning: unknown macro 'dbt_utils.not_stubbed': rendered as unresolved_dbt_utils_not_stubbed @3
== p/models/marts/orders_v2.sql (1 statements)
app.orders.code       -> marts.orders.code          direct  transformation  @7
app.orders.created_at -> marts.orders.days_to_ship  direct  transformation  @7
app.orders.shipped_at -> marts.orders.days_to_ship  direct  transformation  @7
app.orders.created_at -> marts.orders.due_at        direct  transformation  @7
app.orders.id         -> marts.orders.id            direct  identity        @7
app.orders.code       -> marts.orders.label         direct  transformation  @7
app.orders.id         -> marts.orders.label         direct  transformation  @7
table marts.orders table (id, due_at, days_to_ship, code TEXT, label) @1
== p/models/nowhere.sql (1 statements)
table analytics.nowhere table (one) @1
! warning: unknown macro 'nowhere': rendered as unresolved_nowhere @2
== p/models/plain.sql (1 statements)
marts.orders.id -> analytics.plain.id  direct  identity  @1
table analytics.plain table (id) @1
== p/models/sources.yml (0 statements)
table app.orders source (id, created_at, shipped_at, code) @5
"""


def test_dbt_builtins_with_project_overrides_and_unknown_macros(tmp_path: Path) -> None:
    """generate_schema_name_for_env in target 'prod' (custom schema as written), the project's
    generate_alias_name and type_string over dbt's, dateadd/datediff as dbt-postgres renders them
    (no column named 'day'); an unknown macro, in a model or in a macro it calls, is a warning at
    the calling line and renders as unresolved_<macro>, never NULL (no table named null)."""
    facts = from_files(write_project(tmp_path / "p", BUILTIN_PROJECT), "p")
    assert describe(facts.files) == BUILTIN_EXPECTED


def test_installed_packages_under_packages_install_path_replace_the_stand_ins(tmp_path: Path) -> None:
    """`packages-install-path: vendor`: the installed dbt_utils (named by its dbt_project.yml) is
    what `dbt_utils.*` calls, not the stand-in; dependencies.yml names only installed packages, so
    nothing is said about `dbt deps`. A package's `_private` macros are reachable across its files
    (`dbt_utils._is_relation`), the namespace's own internals are not."""
    root = write_project(tmp_path / "p", {
        "dbt_project.yml": "name: p\nprofile: p\npackages-install-path: vendor\n",
        "profiles.yml": "p:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      schema: main\n",
        "dependencies.yml": "packages:\n  - package: dbt-labs/dbt_utils\n    version: 1.3.0\n",
        "vendor/dbt-utils-1.3.0/dbt_project.yml": "name: dbt_utils\nversion: '1.3.0'\nconfig-version: 2\n",
        "vendor/dbt-utils-1.3.0/macros/group_by.sql": (
            "{% macro group_by(n) %}{{ return(adapter.dispatch('group_by', 'dbt_utils')(n)) }}{% endmacro %}\n"
            "{% macro default__group_by(n) %}group by {{ dbt_utils._positions(n) }}{% endmacro %}\n"
        ),
        "vendor/dbt-utils-1.3.0/macros/internal.sql": "{% macro _positions(n) %}{% for i in range(n) %}{{ i + 1 }}{{ ', ' if not loop.last }}{% endfor %}{% endmacro %}\n",
        "models/peek.sql": "select 1 as x {{ dbt_utils._members }}\n",
        "models/m.sql": "select a, b, count(*) as n from {{ ref('s') }}\n{{ dbt_utils.group_by(2) }}\n",
        "seeds/s.csv": "a,b\n1,2\n",
    })
    project = read_dbt(root, "p", DbtOptions(files_only=True))
    assert project.nodes["model.p.m"].code == "select a, b, count(*) as n from main.s\ngroup by 1, 2"
    assert project.diagnostics == []
    assert [str(d) for d in project.nodes["model.p.peek"].diagnostics] == ["p/models/peek.sql:1: template tried to leave the sandbox (access to attribute '_members' of '_Namespace' object is unsafe); not rendered"]


def test_the_dbt_date_stand_in_makes_a_time_spine_read_from_no_table(tmp_path: Path) -> None:
    """MetricFlow's time spine (dbt-labs/jaffle-shop's metricflow_time_spine.sql) over dbt_date's
    get_base_dates, package not installed: dates the warehouse generates, no column of any table,
    and no unresolved CTE or unknown macro."""
    files = {
        "dbt_project.yml": "name: shop\nprofile: shop\n",
        "profiles.yml": "shop:\n  target: dev\n  outputs:\n    dev: {type: duckdb, schema: main}\n",
        "packages.yml": "packages:\n  - package: calogica/dbt_date\n    version: 0.10.0\n",
        "models/time_spine.sql": (
            "with days as (\n    {{ dbt_date.get_base_dates(n_dateparts=365*10, datepart=\"day\") }}\n),\n"
            "cast_to_date as (select cast(date_day as date) as date_day from days)\nselect * from cast_to_date\n"
        ),
    }
    facts = from_files(write_project(tmp_path / "shop", files), "shop")
    assert describe(facts.files) == (
        "== shop/models/time_spine.sql (1 statements)\n"
        "table main.time_spine view (date_day) @1\n"
        "== shop/packages.yml (0 statements)\n"
        "! warning: packages not installed: dbt_date; the most used macros of dbt_date are rendered by built-in stand-ins; run `dbt deps` to render their macros exactly @0\n"
    )
