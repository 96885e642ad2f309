"""Diagrams: golden DOT and Mermaid for the order_value story and for hostile names, real renders, the CLI."""

from __future__ import annotations

import struct
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from cli.diagram import diagram, write_diagram
from cli.main import app as lineage_app
from graphs.render.dot import html, quoted, render_dot
from graphs.render.mermaid import render_mermaid, text
from graphs.stores.open import open_store
from graphs.stores.sqlite import SqliteStore
from lineage.api import impact_of, scan_into
from lineage.diagram import DiagramOptions, diagram_subgraph, impact_subgraph
from lineage.diagram_layout import arrange
from lineage.impact import Change, ChangeKind
from lineage.model import Direction, Edge, GraphFacts, Node, NodeKind, Relation
from tests.conftest import ROOT, check_golden
from tests.fan_out import column, fan_out, feeds

GOLDEN = ROOT / "tests" / "golden" / "diagrams"
# the warehouse SQL of the story, without the dbt project beside it, so these goldens change only with the story
STORY_DIRS = [Path("sample_sql") / d for d in ("app", "staging", "etl", "marts", "ml", "dashboards")]
RENAME = Change(ChangeKind.RENAME, new_name="order_total_usd")
runner = CliRunner()

# Quoted identifiers that break naive DOT, HTML or Mermaid output; `a-b` and `a_b` slug alike.
HOSTILE_SQL = """\
create table "we<ird>"."t&""q" ("a<b>&""c" int, "café" text, "x\\N{y}" int, "end" int, "a-b" int, "a_b" int);
create table mart."sum|mary;#" as
select "a<b>&""c" as "out`x'", "café" as "naïve é", "end" as "end", "a-b" + "a_b" as "total"
from "we<ird>"."t&""q" where "x\\N{y}" > 0;
"""
HOSTILE_CATALOG = """\
owners:
  "o<&>\\"":
    name: "Team <&> \\"quoted\\""
tables:
  "mart.*": {owner: "o<&>\\"", tier: mart}
dashboards:
  "dash <b>&\\"x\\"":
    title: "Revenue & <script>alert('x')</script>"
    owner: "o<&>\\""
    columns: ['mart.sum|mary;#.out`x''']
"""


def _app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def _main() -> None:
        """Test harness."""

    app.command("diagram")(diagram)
    return app


@pytest.fixture(scope="module")
def story(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The sample warehouse scanned from the repo root, so provenance paths are relative."""
    store = tmp_path_factory.mktemp("story")
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(ROOT)
        with open_store(str(store)) as opened:
            summary = scan_into(opened, STORY_DIRS, catalog=Path("sample_sql/lineage.yml"))
        assert summary.failures == 0
    yield store


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    root = tmp_path_factory.mktemp("hostile")
    (root / "hostile").mkdir()
    (root / "hostile" / "hostile.sql").write_text(HOSTILE_SQL, encoding="utf-8")
    (root / "hostile" / "lineage.yml").write_text(HOSTILE_CATALOG, encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(root)
        with open_store(str(root / "store")) as opened:
            assert scan_into(opened, [Path("hostile")]).failures == 0
    yield root / "store"


@pytest.fixture(autouse=True)
def _in_repo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


def _story_impact(store: Path, options: DiagramOptions = DiagramOptions()) -> tuple[str, str]:
    with open_store(str(store), create=False) as opened:
        drawn = arrange(impact_subgraph(impact_of(opened, ["orders.order_value"], RENAME), opened), options)
    return render_dot(drawn), render_mermaid(drawn)


def test_story_impact_diagram_matches_golden(story: Path, update_golden: bool) -> None:
    dot, mermaid = _story_impact(story)
    check_golden(GOLDEN / "story_impact.dot", dot, update_golden)
    check_golden(GOLDEN / "story_impact.mmd", mermaid, update_golden)


def test_story_impact_highlights_the_change_and_the_paths_to_consumers(story: Path) -> None:
    with open_store(str(story), create=False) as opened:
        drawn = arrange(impact_subgraph(impact_of(opened, ["orders.order_value"], RENAME), opened), DiagramOptions())
    assert drawn.title == "Impact of rename to order_total_usd on app.orders.order_value"
    changed = [(b.node.name, r.label) for b in drawn.boxes for r in b.rows if r.mark == "changed"]
    assert changed == [("app.orders", "order_value")]
    assert [b.node.name for b in drawn.boxes if b.node.kind != "table"] == [
        "executive_revenue",
        "fraud.order_amount_zscore",
        "churn.customer_lifetime_value",
    ]
    # every consumer is reached by an emphasised edge; side branches are impacted but not emphasised
    consumers = {b.ref for b in drawn.boxes if b.node.kind != "table"}
    assert consumers <= {link.target.box for link in drawn.links if link.emphasised}
    side = [link.target.row for link in drawn.links if link.impacted and not link.emphasised]
    assert "c_mart_daily_revenue_avg_order_value_usd" in side


def test_story_impact_is_the_same_without_a_store_except_for_the_changed_tables_details(story: Path) -> None:
    with open_store(str(story), create=False) as opened:
        report = impact_of(opened, ["orders.order_value"], RENAME)
        with_store = arrange(impact_subgraph(report, opened), DiagramOptions())
    bare = arrange(impact_subgraph(report), DiagramOptions())
    assert bare.links == with_store.links
    assert [b.ref for b in bare.boxes] == [b.ref for b in with_store.boxes]


def test_upstream_diagram_collapses_the_farthest_tables_and_says_so(story: Path, tmp_path: Path, update_golden: bool) -> None:
    out = tmp_path / "revenue.mmd"
    result = runner.invoke(_app(), ["diagram", "mart.daily_revenue", "--upstream", "--max-nodes", "20", "-o", str(out), "--store", str(story)])
    assert result.exit_code == 0, result.output
    assert result.stderr == f"Wrote {out}: 10 tables (5 drawn without columns), 19 columns, 0 dashboards and ML features, 35 edges.\n"
    mermaid = out.read_text(encoding="utf-8")
    farthest = "app.fx_rates, app.orders, app.payments, etl.tmp_orders_usd, staging.stg_orders"
    assert f"5 tables farthest from the target drawn without columns, to stay within 20 columns: {farthest}" in mermaid
    check_golden(GOLDEN / "revenue_upstream.mmd", mermaid, update_golden)
    dot_out = tmp_path / "revenue.dot"
    result = runner.invoke(_app(), ["diagram", "mart.daily_revenue", "--upstream", "--max-nodes", "20", "-o", str(dot_out), "--store", str(story)])
    assert result.exit_code == 0, result.output
    check_golden(GOLDEN / "revenue_upstream.dot", dot_out.read_text(encoding="utf-8"), update_golden)


def test_hostile_names_are_escaped_in_dot_and_mermaid(hostile: Path, tmp_path: Path, update_golden: bool) -> None:
    for suffix in ("dot", "mmd"):
        out = tmp_path / f"hostile.{suffix}"
        result = runner.invoke(_app(), ["diagram", 'we<ird>.t&"q', "--downstream", "-o", str(out), "--store", str(hostile)])
        assert result.exit_code == 0, result.output
        check_golden(GOLDEN / f"hostile.{suffix}", out.read_text(encoding="utf-8"), update_golden)


def test_hostile_names_survive_rendering_to_svg(hostile: Path, tmp_path: Path) -> None:
    out = tmp_path / "hostile.svg"
    result = runner.invoke(_app(), ["diagram", 'we<ird>.t&"q', "-o", str(out), "--store", str(hostile)])
    assert result.exit_code == 0, result.output
    shown = {(t.text or "").strip() for t in ET.parse(out).getroot().iter("{http://www.w3.org/2000/svg}text")}
    assert {'we<ird>.t&"q', 'a<b>&"c', "café", "x\\N{y}", "naïve é", "out`x'", 'dash <b>&"x"'} <= shown
    assert "Revenue & <script>alert('x')</script>" in shown


def test_escaping_helpers() -> None:
    assert html('a<b>&"c\'\\N') == "a&lt;b&gt;&amp;&quot;c&#39;\\\\N"
    assert html("tab\there") == "tab\\x09here"
    assert quoted('say "hi"\\N\n') == '"say \\"hi\\"\\\\N\\n"'
    assert text('a"b<c>&#;`|d') == "a#quot;b#lt;c#gt;#amp;#35;#59;#96;#124;d"
    assert text("tab\there") == "tab#9;here"


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_story_renders_as_png_svg_and_pdf(story: Path, tmp_path: Path) -> None:
    with open_store(str(story), create=False) as opened:
        report = impact_of(opened, ["orders.order_value"], RENAME)
        for suffix in ("png", "svg", "pdf"):
            write_diagram(report, tmp_path / f"story.{suffix}", DiagramOptions(), store=opened)
    png = (tmp_path / "story.png").read_bytes()
    width, height = _png_size(png)
    assert 1200 < width < 6000 and 300 < height < width  # left to right: wider than tall
    assert 20_000 < len(png) < 5_000_000
    root = ET.parse(tmp_path / "story.svg").getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    shown = {(t.text or "").strip() for t in root.iter("{http://www.w3.org/2000/svg}text")}
    assert {"executive_revenue", "fraud.order_amount_zscore", "churn.customer_lifetime_value", "order_value"} <= shown
    pdf = (tmp_path / "story.pdf").read_bytes()
    assert pdf.startswith(b"%PDF-") and len(pdf) > 5_000


def test_missing_dot_is_one_line_naming_the_install_step(story: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no `dot` on it
    out = tmp_path / "story.svg"
    result = runner.invoke(_app(), ["diagram", "orders.order_value", "-o", str(out), "--store", str(story)])
    assert result.exit_code == 2
    assert result.stderr == (
        f"cannot render {out}: Graphviz's `dot` program is not installed; "
        "run `make install` (it calls scripts/install-graphviz.sh), or write .dot or .mmd instead\n"
    )
    assert not out.exists()
    # DOT and Mermaid need no Graphviz
    for suffix in ("dot", "mmd"):
        ok = runner.invoke(_app(), ["diagram", "orders.order_value", "-o", str(tmp_path / f"s.{suffix}"), "--store", str(story)])
        assert ok.exit_code == 0, ok.output


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["orders.order_value", "-o", "x.jpg"], 2, "x.jpg: unknown diagram format ('.jpg'); name the file .svg, .png, .pdf, .dot, .mmd or .html"),
        (["orders.order_value", "--impact", "drop", "--upstream", "-o", "x.dot"], 2, "--impact draws what a change reaches downstream; drop --upstream"),
        (["orders.order_valu", "-o", "x.dot"], 1, "unknown table or column 'orders.order_valu'; did you mean 'app.orders.order_value'?"),
    ],
)
def test_bad_diagram_requests_are_one_line(story: Path, args: list[str], code: int, message: str) -> None:
    result = runner.invoke(_app(), ["diagram", *args, "--store", str(story)])
    assert result.exit_code == code
    assert result.stderr == message + "\n"


def test_unwritable_output_is_one_line(story: Path, tmp_path: Path) -> None:
    out = tmp_path / "missing" / "x.mmd"
    result = runner.invoke(_app(), ["diagram", "orders.order_value", "-o", str(out), "--store", str(story)])
    assert result.exit_code == 1
    assert result.stderr == f"{out}: cannot write: No such file or directory\n"


def test_output_is_deterministic(story: Path) -> None:
    assert _story_impact(story) == _story_impact(story)


def _store(path: Path, facts: Iterable[GraphFacts]) -> Path:
    store = SqliteStore(path)
    with store.transaction():
        for each in facts:
            store.replace_file(each)
    store.close()
    return path


@pytest.fixture(scope="module")
def fan50(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _store(tmp_path_factory.mktemp("fan50") / "store", fan_out(50))


def test_a_fan_out_past_the_budget_collapses_the_farthest_tables_into_one_counted_node(fan50: Path, tmp_path: Path, update_golden: bool) -> None:
    for suffix in ("dot", "mmd"):
        out = tmp_path / f"fan.{suffix}"
        result = runner.invoke(_app(), ["diagram", "src.x", "--impact", "rename", "--max-nodes", "10", "-o", str(out), "--store", str(fan50)])
        assert result.exit_code == 0, result.output
        # 10 boxes: the target, both consumers, the two tables on their paths, the 4 nearest others, the summary
        assert result.stderr == f"Wrote {out}: 7 tables, 7 columns, 2 dashboards and ML features, 1 summary node (for 45 tables), 10 edges.\n"
        drawn = out.read_text(encoding="utf-8")
        assert "45 tables 1–2 hops downstream drawn as one node, to stay within 10 boxes: fan_05, fan_06, fan_07, fan_08, fan_09, fan_10 and 39 more" in drawn
        check_golden(GOLDEN / f"fan_out_impact.{suffix}", drawn, update_golden)


def test_impact_diagram_counts_what_the_impact_table_counts(fan50: Path, tmp_path: Path) -> None:
    out = tmp_path / "fan.mmd"
    result = runner.invoke(lineage_app, ["impact", "src.x", "--rename", "y", "--limit", "5", "--diagram", str(out), "--store", str(fan50)])
    assert result.exit_code == 0, result.output
    counts = "51 columns, 51 tables, 1 dashboard, 1 ML feature affected"
    assert result.stdout.splitlines()[1] == counts + "."
    caption = out.read_text(encoding="utf-8").split("<br/>")
    assert caption[1:3] == [counts, "15 tables 1–2 hops downstream drawn as one node, to stay within 40 boxes: fan_35, fan_36, fan_37, fan_38, fan_39, fan_40 and 9 more"]


def _arranged(store: Path, target: str, max_nodes: int, max_boxes: int | None = None) -> tuple[list[tuple[str, int, str]], tuple[str, ...], list[str]]:
    """Summaries, notes and boxes drawn; at most `max_boxes` (default `max_nodes`) boxes and `max_nodes` rows."""
    with open_store(str(store), create=False) as opened:
        drawn = arrange(diagram_subgraph(opened, target, set(Direction), None, None), DiagramOptions(max_nodes))
    assert len(drawn.boxes) + len(drawn.summaries) <= (max_boxes or max_nodes) and sum(len(b.rows) for b in drawn.boxes) <= max_nodes
    return [(s.noun, s.count, s.reach) for s in drawn.summaries], drawn.notes, [b.node.name for b in drawn.boxes]


def test_consumers_are_kept_before_tables_and_summarised_per_kind_when_they_alone_exceed_the_budget(tmp_path: Path) -> None:
    boards = [Node(f"dashboard:board_{i:02d}", NodeKind.DASHBOARD, f"board_{i:02d}") for i in range(12)]
    features = [Node(f"ml_feature:feat_{i}", NodeKind.ML_FEATURE, f"feat_{i}") for i in range(3)]
    ends = [*boards, *features]
    edges = tuple(feeds("column:src.x", n.id, "a.sql", i) for i, n in enumerate(ends, 1)) + (feeds("column:src.x", "column:t.c", "a.sql", 99),)
    store = _store(tmp_path / "store", [GraphFacts("a.sql", (column("src", "x"), column("t", "c"), *ends), edges)])
    summaries, notes, boxes = _arranged(store, "src.x", 6)
    assert boxes == ["src", "board_00", "board_01"]
    assert summaries == [("dashboard", 10, "1 hop downstream"), ("ML feature", 3, "1 hop downstream"), ("table", 1, "1 hop downstream")]
    assert notes == (
        "10 dashboards 1 hop downstream drawn as one node, to stay within 6 boxes: board_02, board_03, board_04, board_05, board_06, board_07 and 4 more",
        "3 ML features 1 hop downstream drawn as one node, to stay within 6 boxes: feat_0, feat_1, feat_2",
        "1 table 1 hop downstream drawn as one node, to stay within 6 boxes: t",
    )
    # a summary of each kind, and the target, are drawn even past a budget too small for them
    summaries, notes, boxes = _arranged(store, "src.x", 2, max_boxes=4)
    assert (boxes, [s[:2] for s in summaries]) == (["src"], [("dashboard", 12), ("ML feature", 3), ("table", 1)])
    assert notes[-1] == "Still 4 boxes around the target: narrow the diagram with --depth, --upstream or --downstream"


def test_both_directions_get_their_own_summary_and_a_wide_target_loses_its_rows_last(tmp_path: Path) -> None:
    middle = [column("wide", f"c{i:02d}") for i in range(30)]
    ups = [feeds(f"column:up_{i}.c", middle[0].id, "a.sql", i) for i in range(6)]
    downs = [feeds(middle[i].id, f"column:down_{i}.c", "a.sql", 10 + i) for i in range(6)]
    nodes = (Node("table:wide", NodeKind.TABLE, "wide"), *middle, *(column(f"up_{i}", "c") for i in range(6)), *(column(f"down_{i}", "c") for i in range(6)))
    has = [Edge("table:wide", c.id, Relation.HAS_COLUMN, file="a.sql") for c in middle]
    store = _store(tmp_path / "store", [GraphFacts("a.sql", nodes, (*ups, *downs, *has))])
    summaries, notes, boxes = _arranged(store, "wide", 5)
    assert boxes == ["up_0", "up_1", "wide"]
    assert summaries == [("table", 4, "1 hop upstream"), ("table", 6, "1 hop downstream")]
    assert notes == (
        "3 tables farthest from the target drawn without columns, to stay within 5 columns: up_0, up_1, wide",
        "4 tables 1 hop upstream drawn as one node, to stay within 5 boxes: up_2, up_3, up_4, up_5",
        "6 tables 1 hop downstream drawn as one node, to stay within 5 boxes: down_0, down_1, down_2, down_3, down_4, down_5",
    )
