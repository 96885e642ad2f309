"""A diagram of a 200,000-column fan-out: bounded by --max-nodes whatever the graph.

Before, `diagram --impact` drew every table (200,001 boxes): a 35 MB `.mmd`, and an SVG that Graphviz
did not finish in 5 minutes. Now the farthest tables collapse into one counted node, so both files are
small and the run costs what the impact analysis of 200,000 columns costs.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.redteam.harness import run_lineage, run_python

FAN = 200_000
# the store is written through the store API: a scan of 200,000 generated statements takes minutes
BUILD = """
import sys
from pathlib import Path
from graphs.stores.sqlite import SqliteStore
from tests.fan_out import fan_out
store = SqliteStore(Path(sys.argv[1]))
with store.transaction():
    for facts in fan_out({fan}):
        store.replace_file(facts)
store.close()
"""
# 40 boxes: the changed table src, the dashboard and the ML feature, the two tables on the paths to
# them, the 34 nearest other tables and one summary of the other 199,965 (200,002 tables in all, with
# deep, 2 hops away); 37 column rows; 40 edges: 36 from src.x to drawn columns, 2 to the consumers,
# and 2 into the summary, from src.x (standing for 199,964 edges) and from fan_000001 (to deep.d)
WROTE = "37 tables, 37 columns, 2 dashboards and ML features, 1 summary node (for 199,965 tables), 40 edges."
COLLAPSED = (
    "199,965 tables 1–2 hops downstream drawn as one node, to stay within 40 boxes: "
    "fan_000035, fan_000036, fan_000037, fan_000038, fan_000039, fan_000040 and 199,959 more"
)


@pytest.fixture(scope="module")
def fan_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    store = tmp_path_factory.mktemp("fan") / "store"
    run = run_python("diagram: write a 200,000-column fan-out store", f"import sys; sys.argv[1:] = [{str(store)!r}]\n" + BUILD.format(fan=FAN), ROOT)
    assert run.exit_code == 0, run.stderr
    return store


@pytest.mark.parametrize(("suffix", "max_bytes"), [("mmd", 12_000), ("svg", 80_000)])
def test_an_impact_diagram_of_a_200000_column_fan_out_is_bounded(fan_store: Path, tmp_path: Path, suffix: str, max_bytes: int) -> None:
    out = tmp_path / f"out.{suffix}"
    run = run_lineage(f"diagram --impact of a 200,000-column fan-out -o .{suffix}", "diagram", "src.x", "--impact", "rename", "-o", str(out), "--store", str(fan_store), cwd=tmp_path, cpu_seconds=120)
    assert (run.exit_code, run.lines()) == (0, [f"Wrote {out}: {WROTE}"])
    drawn = out.read_text(encoding="utf-8")
    assert len(drawn.encode()) < max_bytes
    if suffix == "mmd":
        assert COLLAPSED in drawn
        assert drawn.count('  s_table_down("and 199,965 more tables<br/>1–2 hops downstream")') == 1
        assert [line for line in drawn.splitlines() if line.endswith("| s_table_down")] == ['  c_src_x -->|"199,964 edges"| s_table_down', '  c_fan_000001_c -->|"1 edge"| s_table_down']
    else:
        assert ">and 199,965 more tables</text>" in drawn
