"""The interactive page in a real headless Chromium: written by the CLI for the order_value story, then
searched, clicked, folded and hovered as a user would; what it highlights is compared with what
`lineage upstream/downstream --format json` answers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.actions.wheel_input import ScrollOrigin
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement

from bench.page import chromium
from tests.conftest import ROOT
from tests.page.conftest import cli, page_json, screenshot
from tests.story import STORY_COLUMNS, STORY_DASHBOARDS, STORY_FEATURES


@pytest.fixture(scope="module")
def story_page(sample_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    page = tmp_path_factory.mktemp("story") / "story.html"
    cli("diagram", "orders.order_value", "--impact", "rename", "-o", str(page), "--store", str(sample_store))
    return page


@pytest.fixture(scope="module")
def revenue_page(sample_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The whole lineage of mart.daily_revenue.revenue_usd, both ways."""
    page = tmp_path_factory.mktemp("revenue") / "revenue.html"
    cli("diagram", "mart.daily_revenue.revenue_usd", "-o", str(page), "--store", str(sample_store))
    return page


@pytest.fixture(autouse=True)
def _in_repo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


def open_page(browser: WebDriver, page: Path) -> dict:
    browser.get(page.as_uri())
    assert browser.execute_script("return document.documentElement.dataset.ready") == "1"
    errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert errors == []
    return page_json(page)


def port(browser: WebDriver, data: dict, name: str) -> WebElement:
    """The element showing the node called `name` (a row, a table's header, a dashboard)."""
    refs = [ref for ref, node in data["nodes"].items() if node["name"] == name]
    assert len(refs) == 1, refs
    return browser.find_element(By.CSS_SELECTOR, f'[data-ref="{refs[0]}"]')


def lit(browser: WebDriver, data: dict, cls: str, tables: bool = True) -> set[str]:
    """Names of the nodes the page shows with `cls` (`up`, `down`, `sel`, `match`); `tables=False`:
    columns, dashboards and ML features only."""
    refs = browser.execute_script(f"return [...document.querySelectorAll('svg .pt.{cls}')].map(e => e.dataset.ref)")
    return {data["nodes"][r]["name"] for r in refs if tables or data["nodes"][r]["kind"] != "table"}


def lineage_of(store: Path, column: str, direction: str, data: dict) -> set[str]:
    """What `lineage upstream/downstream --format json` reaches, but tables: a table is reached (a join
    or a filter into it) only on the way to its columns, and the JSON lists no hop into a column from
    its own table."""
    hops = json.loads(cli(direction, column, "--format", "json", "--limit", "0", "--store", str(store)))
    tables = {n["name"] for n in data["nodes"].values() if n["kind"] == "table"}
    return {name for h in hops for name in (h["source"], h["target"])} - {column} - tables


def test_the_page_loads_nothing_from_the_network(browser: WebDriver, story_page: Path) -> None:
    open_page(browser, story_page)
    assert browser.execute_script("return performance.getEntriesByType('resource').map(r => r.name)") == []
    html = story_page.read_text(encoding="utf-8")
    assert "<script src" not in html and "<link" not in html


def test_clicking_a_column_highlights_exactly_its_lineage(browser: WebDriver, sample_store: Path, revenue_page: Path) -> None:
    data = open_page(browser, revenue_page)
    port(browser, data, "mart.daily_revenue.revenue_usd").click()
    assert lit(browser, data, "sel") == {"mart.daily_revenue.revenue_usd"}
    upstream, downstream = lit(browser, data, "up", tables=False), lit(browser, data, "down", tables=False)
    assert upstream == lineage_of(sample_store, "mart.daily_revenue.revenue_usd", "upstream", data)
    assert downstream == lineage_of(sample_store, "mart.daily_revenue.revenue_usd", "downstream", data)
    assert len(upstream) == 38 and len(downstream) == 14
    # the tables on the way: those its upstream columns belong to, and its own (a join, a filter and
    # a GROUP BY into mart.daily_revenue feed every column of it)
    assert lit(browser, data, "up") - upstream == {
        "mart.daily_revenue",
        "intermediate.orders_enriched",
        "etl.tmp_orders_usd",
        "staging.stg_orders",
        "staging.stg_customers",
        "staging.stg_payments",
        "app.orders",
        "app.customers",
        "app.payments",
        "app.fx_rates",
    }
    shown = browser.find_element(By.ID, "selected").text
    assert shown == "mart.daily_revenue.revenue_usd: 48 upstream, 14 downstream"
    screenshot(browser, "page-trace-revenue_usd.png")
    # a click on the background clears it
    view = browser.find_element(By.ID, "view")  # offsets count from its centre: click near its top left corner
    ActionChains(browser).move_to_element_with_offset(view, 5 - view.size["width"] // 2, 5 - view.size["height"] // 2).click().perform()
    assert lit(browser, data, "up") | lit(browser, data, "down") | lit(browser, data, "sel") == set()


def test_the_changed_column_traces_to_every_column_dashboard_and_feature_of_the_story(browser: WebDriver, sample_store: Path, story_page: Path) -> None:
    data = open_page(browser, story_page)
    port(browser, data, "app.orders.order_value").click()
    downstream = lit(browser, data, "down", tables=False)
    assert downstream == lineage_of(sample_store, "app.orders.order_value", "downstream", data)
    assert downstream == STORY_COLUMNS | {name for name, _, _ in STORY_DASHBOARDS + STORY_FEATURES}
    assert lit(browser, data, "up") == {"app.orders"}  # its own table, which nothing feeds: a source
    screenshot(browser, "page-story.png")


def test_search_marks_the_names_containing_the_text(browser: WebDriver, story_page: Path) -> None:
    data = open_page(browser, story_page)
    browser.find_element(By.ID, "search").send_keys("LIFETIME")
    assert lit(browser, data, "match") == {
        "intermediate.customer_orders.lifetime_value_usd",
        "mart.customer_360.lifetime_value_usd",
        "churn.customer_lifetime_value",
    }
    assert browser.find_element(By.ID, "found").text == "3 found (Enter: next)"


def test_a_tables_header_folds_it_and_its_links_move_to_the_header(browser: WebDriver, story_page: Path) -> None:
    data = open_page(browser, story_page)
    rows = [r for r, n in data["nodes"].items() if n["box"] == "t_mart_customer_360" and n["kind"] == "column"]
    assert len(rows) == 5
    ends = "return arguments[0].map(i => document.getElementById('l__' + i).querySelector('path').getAttribute('d'))"
    into = [i for i, link in enumerate(data["links"]) if link["to"] in rows]
    out = [i for i, link in enumerate(data["links"]) if link["from"] in rows]
    assert (len(into), len(out)) == (5, 8)
    starts = browser.execute_script(ends, out)
    before = browser.execute_script(ends, into)
    mids = "return arguments[0].map(r => { const b = document.getElementById('a_' + r).getBBox(); return b.y + b.height / 2 })"
    row_mid = dict(zip(rows, browser.execute_script(mids, rows), strict=True))
    port(browser, data, "mart.customer_360").click()
    assert [browser.find_element(By.CSS_SELECTOR, f'[data-ref="{r}"]').is_displayed() for r in rows] == [False] * 5
    assert browser.execute_script("return [...window.lineagePage.folded]") == ["t_mart_customer_360"]
    # every link into a hidden row now ends as far lower or higher as its row was from the header's middle
    header_mid = browser.execute_script("const b = document.getElementById('a_t_mart_customer_360__h').getBBox(); return b.y + b.height / 2")
    after = browser.execute_script(ends, into)
    end_y = lambda d: float(d.rsplit(",", 1)[1])  # noqa: E731
    moved = [end_y(a) - end_y(b) for a, b in zip(after, before, strict=True)]
    assert moved == pytest.approx([header_mid - row_mid[data["links"][i]["to"]] for i in into])
    start_y = lambda d: float(d[1:].split("C")[0].split(",")[1])  # noqa: E731
    moved = [start_y(a) - start_y(b) for a, b in zip(browser.execute_script(ends, out), starts, strict=True)]
    assert moved == pytest.approx([header_mid - row_mid[data["links"][i]["from"]] for i in out])
    screenshot(browser, "page-folded.png")
    port(browser, data, "mart.customer_360").click()
    assert all(browser.find_element(By.CSS_SELECTOR, f'[data-ref="{r}"]').is_displayed() for r in rows)
    assert browser.execute_script(ends, into) == before


def test_hovering_a_column_shows_its_provenance_and_owner(browser: WebDriver, story_page: Path) -> None:
    data = open_page(browser, story_page)
    ActionChains(browser).move_to_element(port(browser, data, "mart.daily_revenue.revenue_usd")).perform()
    tip = browser.find_element(By.ID, "tip")
    assert tip.is_displayed()
    assert tip.text == "\n".join(
        [
            "mart.daily_revenue.revenue_usd",
            "owner: revenue-analytics",
            "table defined at sample_sql/marts/daily_revenue.sql:8",
            "written at:",
            " sample_sql/marts/daily_revenue.sql:8",
            "read at:",
            " sample_sql/dashboards/executive_revenue.sql:7",
            " sample_sql/looker/revenue_overview.dashboard.lookml:5",
            " sample_sql/metabase/collections/vQ3xT8mKp2LwR9sN4bYcA_finance/cards/Hk7dW2pQx9ZtL4mVb8NfE_weekly_revenue.yaml:1",
            " sample_sql/powerbi/Finance.Report/definition/pages/revenue_overview/visuals/revenue_card/visual.json:1",
            " sample_sql/powerbi/Finance.SemanticModel/definition/tables/Daily Revenue.tmdl:5",
            " sample_sql/powerbi/Finance.SemanticModel/definition/tables/Daily Revenue.tmdl:14",
            " sample_sql/superset/dashboard_export/charts/Revenue_trend_101.yaml:1",
            " sample_sql/tableau/regional_revenue.twb:37",
            " sample_sql/tableau/regional_revenue.twb:74",
        ]
    )
    screenshot(browser, "page-hover.png")


def test_a_hostile_column_name_stays_text(browser: WebDriver, tmp_path: Path) -> None:
    hostile = '</script><script>window.pwned=1</script><!--'
    sql = tmp_path / "w"
    sql.mkdir()
    (sql / "t.sql").write_text(f'create table s.a ("{hostile}" int);\ncreate table s.b as select "{hostile}" as x from s.a;\n', encoding="utf-8")
    cli("scan", str(sql), "--store", str(tmp_path / "store"))
    page = tmp_path / "hostile.html"
    cli("diagram", "s.b.x", "-o", str(page), "--store", str(tmp_path / "store"))
    assert "</script><script>window.pwned" not in page.read_text(encoding="utf-8")
    data = open_page(browser, page)
    assert browser.execute_script("return window.pwned === undefined")
    assert f"s.a.{hostile}" in {n["name"] for n in data["nodes"].values()}
    browser.find_element(By.ID, "search").send_keys("pwned")
    assert lit(browser, data, "match") == {f"s.a.{hostile}"}
    port(browser, data, "s.b.x").click()
    assert lit(browser, data, "up") == {f"s.a.{hostile}", "s.a", "s.b"}


def test_a_page_past_its_budget_traces_through_its_summary_nodes(browser: WebDriver, sample_store: Path, tmp_path: Path) -> None:
    page = tmp_path / "small.html"
    cli("diagram", "orders.order_value", "--impact", "rename", "--max-nodes", "14", "-o", str(page), "--store", str(sample_store))
    data = open_page(browser, page)
    port(browser, data, "and 15 more tables").click()
    assert lit(browser, data, "up") == {"app.orders.order_value", "app.orders"}
    assert lit(browser, data, "down") == {
        "executive_revenue",
        "finance_month_end",
        "looker:revenue_overview",
        "powerbi:Finance/Largest Order USD",
        "revenue_board",
        "feast:checkout_fraud_v2",
        "feast:order_value_stats",
        "fraud.order_amount_zscore",
        "fraud_order_value_model",
        "and 15 more dashboards",
        "and 2 more ML features",
    }
    # the edge into the summary says how many edges it stands for, and where they are written
    into = next(i for i, link in enumerate(data["links"]) if link["to"] == "s_table_down")
    # a point on the edge's stroke (its box's centre may lie off a curve), in the view's pixels
    on_stroke = (
        "const p = document.querySelector('#l__' + arguments[0] + ' path'), q = p.getPointAtLength(p.getTotalLength() / 2);"
        "const s = q.matrixTransform(p.getScreenCTM()), v = document.getElementById('view').getBoundingClientRect();"
        "return [s.x - v.left - v.width / 2, s.y - v.top - v.height / 2]"
    )
    x, y = browser.execute_script(on_stroke, into)
    ActionChains(browser).move_to_element_with_offset(browser.find_element(By.ID, "view"), round(x), round(y)).perform()
    assert browser.find_element(By.ID, "tip").text.splitlines()[:3] == ["app.orders.order_value → and 15 more tables", "direct: identity", "stands for 4 edges"]


def test_the_wheel_zooms_a_drag_pans_and_fit_shows_it_all(browser: WebDriver, story_page: Path) -> None:
    open_page(browser, story_page)
    box = "return document.querySelector('#view > svg').getAttribute('viewBox').split(' ').map(Number)"
    whole = browser.execute_script(box)
    view = browser.find_element(By.ID, "view")
    ActionChains(browser).scroll_from_origin(ScrollOrigin.from_element(view), 0, -100).perform()  # wheel up: zoom in
    zoomed = browser.execute_script(box)
    assert zoomed[2] == pytest.approx(whole[2] / 1.15) and zoomed[3] == pytest.approx(whole[3] / 1.15)
    corner = (5 - view.size["width"] // 2, 5 - view.size["height"] // 2)  # empty paper: a drag there pans
    ActionChains(browser).move_to_element_with_offset(view, *corner).click_and_hold().move_by_offset(100, 40).release().perform()
    panned = browser.execute_script(box)
    assert panned[0] < zoomed[0] and panned[1] < zoomed[1] and panned[2:] == zoomed[2:]
    browser.find_element(By.ID, "fit").click()
    assert browser.execute_script(box) == whole


def test_without_chromium_the_browser_tests_fail_saying_how_to_install_it(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(RuntimeError, match=r"^chromium and chromedriver not on PATH: install them with bash scripts/install-debian.sh chromium:chromium chromedriver:chromium-driver \(make test runs it\)$"):
        chromium()
