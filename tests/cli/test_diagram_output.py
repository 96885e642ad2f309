"""Diagram details a new user noticed (issue 15): the `<unresolved>` box, consumer labels, the view legend."""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

from cli.main import app
from tests.conftest import ROOT

runner = CliRunner()
SQL = "create table orders (id int, amount int);\ncreate table daily as select id, amount + x as total from orders;\ncreate view recent as select id from orders;\n"
CATALOG = "owners:\n  bi: {name: BI team}\ndashboards:\n  d1: {title: d1, owner: bi, columns: [daily.total]}\n  d2: {title: Daily board, owner: bi, columns: [daily.total]}\n"


def _drawn(tmp_path: Path, target: str, suffix: str) -> str:
    (tmp_path / "w").mkdir(exist_ok=True)
    (tmp_path / "w" / "a.sql").write_text(SQL)
    (tmp_path / "w" / "lineage.yml").write_text(CATALOG)
    store = str(tmp_path / "store")
    assert runner.invoke(app, ["scan", str(tmp_path / "w"), "--store", store]).exit_code == 0
    out = tmp_path / f"d{suffix}"
    result = runner.invoke(app, ["diagram", target, "-o", str(out), "--store", store])
    assert result.exit_code == 0, result.output
    return out.read_text()


def test_unresolved_columns_are_drawn_in_their_own_style_in_mermaid(tmp_path: Path) -> None:
    drawn = _drawn(tmp_path, "daily.total", ".mmd")
    assert "  style t_unresolved fill:#e8e0f0,stroke:#9a9a9a,stroke-width:1px,stroke-dasharray:1 2" in drawn.splitlines()
    assert "solid border: table · lavender, dotted border: unresolved (the SQL names no table)" in drawn
    assert "  style t_orders fill:#ffffff,stroke:#9a9a9a,stroke-width:1px" in drawn.splitlines()  # a table stays a table


def test_unresolved_columns_are_drawn_in_their_own_style_in_dot(tmp_path: Path) -> None:
    drawn = _drawn(tmp_path, "daily.total", ".dot")
    box = re.search(r"  t_unresolved \[label=<<TABLE ([^>]*)><TR><TD PORT=\"h\" BGCOLOR=\"([^\"]*)\"", drawn)
    assert box is not None and box.groups() == ('BORDER="1" COLOR="#9a9a9a" CELLBORDER="0" CELLSPACING="0" CELLPADDING="4" STYLE="dotted"', "#e8e0f0")
    assert '<TD ALIGN="LEFT" BGCOLOR="#e8e0f0" BORDER="1" STYLE="dotted" COLOR="#9a9a9a">unresolved (the SQL names no table)</TD>' in drawn


def test_a_consumer_whose_title_is_its_name_is_labelled_once(tmp_path: Path) -> None:
    drawn = _drawn(tmp_path, "daily.total", ".mmd").splitlines()
    assert '  d_d1[/"d1<br/>dashboard · owner bi"/]' in drawn
    assert '  d_d2[/"d2<br/>Daily board<br/>dashboard · owner bi"/]' in drawn
    dot = _drawn(tmp_path, "daily.total", ".dot")
    assert 'label=<<B>d1</B><BR/><FONT POINT-SIZE="9" COLOR="#595959">dashboard · owner bi</FONT>>' in dot


def test_a_table_without_a_schema_is_drawn_by_its_name(tmp_path: Path) -> None:
    drawn = _drawn(tmp_path, "orders", ".mmd")
    assert [line for line in drawn.splitlines() if "subgraph" in line] == ['  subgraph t_orders["orders"]', '  subgraph t_daily["daily"]', '  subgraph t_recent["recent"]']
    assert "null" not in drawn and "None" not in drawn


def test_the_mermaid_caption_and_the_readme_say_the_same_of_views(tmp_path: Path) -> None:
    drawn = _drawn(tmp_path, "orders", ".mmd")
    assert "dotted border: view (rounded in SVG, PNG and PDF)" in drawn
    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    assert "a rounded one a view (dotted in Mermaid, which cannot round a group's corners: its caption says so)" in readme
