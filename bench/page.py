"""The interactive page at scale: a generated warehouse of 2,000 columns drawn as one page by the real
CLI, then opened in headless Chromium: load time to the page's ready flag, and the time a click on a
column takes to trace it (to the next painted frame). Figures into bench/results/page.json.

    make bench-page        # or: python -m bench.page [--tables 100] [--columns 20] [--runs 5]

Also the Chromium driver the browser tests use (`chromium()`): Debian's `chromium` and
`chromium-driver`, which `make test` installs.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from selenium.webdriver.remote.webdriver import WebDriver

RESULTS = Path(__file__).parent / "results" / "page.json"
INSTALL = "bash scripts/install-debian.sh chromium:chromium chromedriver:chromium-driver (make test runs it)"
# time from a click to the frame that shows it: a rAF callback runs before the paint, a task queued
# from it after that paint
CLICK_TO_PAINT = """
const [ref, done] = arguments;
const el = document.getElementById('a_' + ref) || document.getElementById(ref);
const t0 = performance.now();
el.dispatchEvent(new MouseEvent('click', {bubbles: true, cancelable: true}));
requestAnimationFrame(() => setTimeout(() => done(performance.now() - t0)));
"""


def chromium(width: int = 1600, height: int = 1000) -> WebDriver:
    """Headless Debian Chromium through its chromedriver; a clear error (never a skip) when missing."""
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    browser, driver = shutil.which("chromium"), shutil.which("chromedriver")
    if browser is None or driver is None:
        missing = " and ".join(n for n, p in (("chromium", browser), ("chromedriver", driver)) if p is None)
        raise RuntimeError(f"{missing} not on PATH: install them with {INSTALL}")
    options = Options()
    options.binary_location = browser
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", f"--window-size={width},{height}"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(driver), options=options)


def generate(root: Path, layers: int, width: int, columns: int) -> int:
    """`gen.src` then `layers` layers of `width` tables; each table's column i sums column i of two
    tables of the layer before, so every column lies downstream of gen.src. Returns the column count."""
    root.mkdir(parents=True, exist_ok=True)
    cols = [f"c{i:02d}" for i in range(columns)]
    (root / "src.sql").write_text(f"create table gen.src ({', '.join(f'{c} int' for c in cols)});\n", encoding="utf-8")
    previous = ["gen.src"]
    for layer in range(1, layers + 1):
        current = []
        for t in range(width):
            name = f"gen.l{layer:02d}_t{t:02d}"
            a, b = previous[t % len(previous)], previous[(t + 1) % len(previous)]
            select = ", ".join(f"a.{c} + b.{c} as {c}" for c in cols)
            sql = f"create table {name} as\nselect {select}\nfrom {a} as a\njoin {b} as b on a.c00 = b.c00;\n"
            (root / f"{name.replace('.', '_')}.sql").write_text(sql, encoding="utf-8")
            current.append(name)
        previous = current
    return columns * (1 + layers * width)


def _lineage(*args: str) -> float:
    start = time.perf_counter()
    subprocess.run([str(Path(sys.executable).parent / "lineage"), *args], check=True, capture_output=True)
    return time.perf_counter() - start


def section(r: dict[str, object]) -> str:
    """The BENCHMARKS.md section, from bench/results/page.json."""
    load, click = r["load_to_ready_ms"], r["click_to_paint_ms"]
    traced = r["traced_ports"]
    assert isinstance(load, dict) and isinstance(click, dict) and isinstance(traced, dict)
    row = lambda what, f: f"| {what} | {f['median']} ms | {f['best']} ms | {', '.join(map(str, f['runs']))} |"  # noqa: E731
    return f"""## The interactive page at 2,000 columns

From `bench/results/page.json` (`{r['command']}`, {r['date']}, {r['nproc']} CPUs, load average {r['load_average_1m']} at the end:
the host was shared, so these are upper bounds). A generated warehouse of {r['columns']:,} columns in {r['tables']} tables
(`gen.src`, then layers of tables whose every column sums two tables' columns, joined on `c00`), scanned, then
`lineage diagram gen.src --downstream --max-nodes {int(r['columns']) + 200} -o page.html` (written in {r['write_page_s']} s, Graphviz's
layout included; {int(r['page_bytes']) / 1e6:.1f} MB, every column drawn: {r['ports_wired']:,} ports wired) opened {r['runs']} times in headless Chromium
{r['chromium']} (software rendering, no GPU). Load: from navigation to the flag the page's script sets when it
has wired every port. Click: from a click on a column to the next painted frame, with everything it
reaches highlighted and the rest faded: a column in the middle layer ({traced['middle']:,} ports lit) and `gen.src.c00`,
whose join reaches every table ({traced['source']:,} ports lit).

| | median | best | runs |
| --- | ---: | ---: | --- |
{row("load to ready", load)}
{row("click a middle column", click["middle"])}
{row("click gen.src.c00 (everything)", click["source"])}"""


def _figures(times: list[float]) -> dict[str, object]:
    return {"median": round(statistics.median(times)), "best": round(min(times)), "runs": [round(x) for x in times]}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--layers", type=int, default=11)
    parser.add_argument("--width", type=int, default=9)
    parser.add_argument("--columns", type=int, default=20)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-page-") as tmp:
        work = Path(tmp)
        total = generate(work / "gen", args.layers, args.width, args.columns)
        _lineage("scan", str(work / "gen"), "--store", str(work / "store"))
        page = work / "page.html"
        written = _lineage("diagram", "gen.src", "--downstream", "--max-nodes", str(total + 200), "-o", str(page), "--store", str(work / "store"))
        html = page.read_text(encoding="utf-8")
        driver = chromium()
        try:
            loads: list[float] = []
            clicks: dict[str, list[float]] = {"middle": [], "source": []}
            traced: dict[str, int] = {}
            # a column in the middle layer, and gen.src.c00: its join reaches every table, so every column
            refs = {"middle": f"c_gen_l{args.layers // 2 + 1:02d}_t00_c00", "source": "c_gen_src_c00"}
            for _ in range(args.runs):
                driver.get(page.as_uri())  # returns once the load event has fired: the page's script has run
                assert driver.execute_script("return document.documentElement.dataset.ready") == "1"
                loads.append(driver.execute_script("return window.lineagePage.readyAt"))
                drawn = driver.execute_script("return document.querySelectorAll('svg .pt').length")
                for which, ref in refs.items():
                    clicks[which].append(driver.execute_async_script(CLICK_TO_PAINT, ref))
                    traced[which] = driver.execute_script("return document.querySelectorAll('svg .pt.up, svg .pt.down').length")
            version = driver.capabilities.get("browserVersion", "")
        finally:
            driver.quit()
    result = {
        "command": "make bench-page (python -m bench.page" + "".join(f" {a}" for a in (argv if argv is not None else sys.argv[1:])) + ")",
        "date": time.strftime("%Y-%m-%d", time.gmtime()),
        "nproc": os.cpu_count(),
        "runs": args.runs,
        "columns": total,
        "tables": 1 + args.layers * args.width,
        "page_bytes": len(html.encode("utf-8")),
        "ports_wired": drawn,
        "traced_ports": traced,
        "write_page_s": round(written, 2),
        "load_to_ready_ms": _figures(loads),
        "click_to_paint_ms": {which: _figures(times) for which, times in clicks.items()},
        "chromium": version,
        "load_average_1m": round(os.getloadavg()[0], 2),  # the host was shared: figures under load run slower
    }
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))
    print(f"written to {RESULTS}")


if __name__ == "__main__":
    main()
