"""The page as a file: the SVG's ids are our refs, the embedded JSON cannot end its script early, and
`lineage view` writes the page and hands its file:// address to the browser."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from graphs.render.page import inline_svg, script_json
from tests.conftest import ROOT
from tests.page.conftest import DATA, cli, page_json

LINEAGE = Path(sys.executable).parent / "lineage"


@pytest.fixture(scope="module")
def story_page(sample_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    page = tmp_path_factory.mktemp("file") / "story.html"
    cli("diagram", "orders.order_value", "--impact", "rename", "-o", str(page), "--store", str(sample_store))
    return page


def test_every_port_and_link_of_the_data_has_its_element_in_the_svg(story_page: Path) -> None:
    html = story_page.read_text(encoding="utf-8")
    svg = html[html.index("<svg") : html.index("</svg>") + len("</svg>")]
    ids = {el.get("id") for el in ET.fromstring(svg).iter() if el.get("id")}
    data = page_json(story_page)
    rows = {ref for box in data["boxes"].values() for ref in box["rows"]}
    tables = {ref for ref, box in data["boxes"].items() if box["table"]}
    # a cell's group is named after its anchor ("a_" + the cell's ID); nodes and edges by their own id
    assert {f"a_{r}" for r in rows} <= ids
    assert {f"a_{t}__h" for t in tables} <= ids
    assert set(data["boxes"]) <= ids
    assert {link["id"] for link in data["links"]} <= ids
    assert len(rows) == 24 and len(data["boxes"]) == 43 and len(data["links"]) == 58
    assert data["nodes"]["c_app_orders_order_value"]["id"] == "column:app.orders.order_value"


def test_the_data_is_json_a_script_element_cannot_be_closed_by() -> None:
    hostile = {"name": "</script><script>alert(1)</script><!-- \u2028 & >"}
    text = script_json(hostile)
    assert not any(c in text for c in "<>&\u2028")
    assert json.loads(text) == hostile
    page = f'<script type="application/json" id="lineage-data">{text}</script>'
    found = DATA.search(page)
    assert found is not None and json.loads(found.group(1)) == hostile


def test_the_svg_is_inlined_without_its_xml_prologue_and_comments() -> None:
    svg = '<?xml version="1.0"?>\n<!DOCTYPE svg PUBLIC "x" "y">\n<!-- a&#45;&gt;b -->\n<svg width="1"><!-- t_a -->\n<g id="t_a"/></svg>\n'
    assert inline_svg(svg) == '<svg width="1"><g id="t_a"/></svg>\n'


def test_view_writes_the_page_and_opens_its_file_url(sample_store: Path, tmp_path: Path) -> None:
    opened = tmp_path / "opened.txt"
    browser = tmp_path / "browser.sh"  # a real program run by webbrowser, as BROWSER tells it
    browser.write_text(f'#!/bin/sh\nprintf "%s" "$1" > {opened}\n', encoding="utf-8")
    browser.chmod(0o755)
    env = {**os.environ, "BROWSER": str(browser), "TMPDIR": str(tmp_path)}
    result = subprocess.run([str(LINEAGE), "view", "mart.daily_revenue.revenue_usd", "--store", str(sample_store)], cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    page = Path(result.stdout.strip())
    assert page.parent == tmp_path and page.name.startswith("lineage-") and page.suffix == ".html"
    assert result.stderr == f"Wrote {page}: 10 tables, 39 columns, 14 dashboards and ML features, 58 edges.\n"
    assert opened.read_text(encoding="utf-8") == page.as_uri()
    assert page_json(page)["title"] == "Lineage of mart.daily_revenue.revenue_usd: upstream and downstream"


def test_view_of_an_unknown_target_leaves_no_page_behind(sample_store: Path, tmp_path: Path) -> None:
    env = {**os.environ, "BROWSER": "false", "TMPDIR": str(tmp_path)}
    result = subprocess.run([str(LINEAGE), "view", "no.such.column", "--store", str(sample_store)], cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    assert result.returncode != 0 and result.stdout == ""
    assert len(result.stderr.splitlines()) == 1 and "no.such.column" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_impact_diagram_writes_the_page_too(sample_store: Path, tmp_path: Path) -> None:
    page = tmp_path / "impact.html"
    cli("impact", "orders.order_value", "--rename", "order_total_usd", "--diagram", str(page), "--format", "json", "--store", str(sample_store))
    data = page_json(page)
    assert data["title"] == "Impact of rename to order_total_usd on app.orders.order_value"
    assert {n["name"] for n in data["nodes"].values() if n["mark"] == "changed"} == {"app.orders.order_value"}
    # what the page draws is the whole impact: 23 columns, all impacted
    assert sum(1 for n in data["nodes"].values() if n["kind"] == "column" and n["mark"] == "impacted") == 23


def test_a_name_like_a_template_placeholder_stays_text(tmp_path: Path) -> None:
    (tmp_path / "w").mkdir()
    (tmp_path / "w" / "t.sql").write_text('create table s.a ("{{js}}" int);\ncreate table s.b as select "{{js}}" as x from s.a;\n', encoding="utf-8")
    cli("scan", str(tmp_path / "w"), "--store", str(tmp_path / "store"))
    cli("diagram", "s.b.x", "-o", str(tmp_path / "p.html"), "--store", str(tmp_path / "store"))
    html = (tmp_path / "p.html").read_text(encoding="utf-8")
    script = (ROOT / "graphs" / "render" / "page_assets" / "lineage.js").read_text(encoding="utf-8")
    assert html.count(script) == 1
    assert "s.a.{{js}}" in {n["name"] for n in page_json(tmp_path / "p.html")["nodes"].values()}


def test_a_dashboard_url_is_no_link_on_the_page(story_page: Path) -> None:
    html = story_page.read_text(encoding="utf-8")
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert "https://bi.acme.example/d/exec-revenue" not in svg  # a click traces; the hover card shows the address
    assert page_json(story_page)["nodes"]["d_executive_revenue"]["url"] == "https://bi.acme.example/d/exec-revenue"
