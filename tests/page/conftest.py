"""The sample warehouse scanned once, its pages written by the real CLI, and one headless Chromium for them all."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bench.page import chromium
from cli.main import app
from tests.conftest import ROOT

runner = CliRunner()
ARTIFACTS = ROOT / "tests" / "artifacts"  # screenshots for CI to keep (gitignored)
DATA = re.compile(r'<script type="application/json" id="lineage-data">(.*?)</script>', re.S)


def cli(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def page_json(page: Path) -> dict:
    """The graph a page embeds, read back as the browser reads it."""
    found = DATA.search(page.read_text(encoding="utf-8"))
    assert found is not None
    return json.loads(found.group(1))


@pytest.fixture(scope="session")
def sample_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    store = tmp_path_factory.mktemp("page") / "store"
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(ROOT)  # provenance relative to the repository, as users see it
        cli("scan", "sample_sql", "--store", str(store))
        yield store


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    # chromium() raises when Chromium or its driver is missing: a failure in CI, never a skip
    driver = chromium()
    try:
        yield driver
    finally:
        driver.quit()


def screenshot(driver: object, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    driver.save_screenshot(str(path))  # type: ignore[attr-defined]
    print(f"screenshot: {path}")
    return path
