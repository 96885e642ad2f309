"""A `git clone` of the repository into an empty folder holds every file the tests and benchmarks read.

Nothing may come from outside it (the workplace's shared corpora beside the checkout, an ignored data file):
the clone is compared with the working tree's inputs, and the TPC corpora with their manifest.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import CORPORA, ROOT

INPUTS = ("tests", "sample_sql", "schemas", "bench", "scripts", "examples", "docs")  # what tests and benchmarks read
_NOT_INPUT = re.compile(r"(^|/)(__pycache__|\.lineage|\.hypothesis|target|logs)(/|$)|\.pyc$|^bench/results/.*\.tmp$|^bench/results/quick\.json$|^tests/artifacts/")


@pytest.fixture(scope="module")
def clone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.fail("the fresh-clone test needs git and a git checkout")
    target = tmp_path_factory.mktemp("fresh") / "repo"
    # shallow and local: about a second, and only what is committed
    subprocess.run(["git", "clone", "--quiet", "--depth", "1", ROOT.as_uri(), str(target)], check=True, capture_output=True)
    return target


def _inputs(root: Path) -> set[str]:
    found = {p.relative_to(root).as_posix() for top in INPUTS if (root / top).is_dir() for p in (root / top).rglob("*") if p.is_file()}
    return {f for f in found if not _NOT_INPUT.search(f)}


def test_the_clone_holds_every_input_file_of_the_working_tree(clone: Path) -> None:
    # a file here but not in the clone is untracked or ignored: commit it, or read it from somewhere the clone has
    assert sorted(_inputs(ROOT) - _inputs(clone)) == []


def test_the_clone_holds_every_corpus_file_its_manifest_names(clone: Path) -> None:
    manifest = json.loads((CORPORA / "manifest.json").read_text(encoding="utf-8"))
    named = {f"tests/corpora/{name}/{q['file']}" for name, corpus in manifest["corpora"].items() for q in corpus["queries"]}
    assert len(named) > 100
    assert sorted(f for f in named if not (clone / f).is_file()) == []
    for name in manifest["corpora"]:
        for extra in ("schema.json", "ddl.sql"):
            assert (clone / "tests" / "corpora" / name / extra).is_file(), f"tests/corpora/{name}/{extra}"
    assert (clone / "tests" / "corpora" / "NOTICE.md").is_file()


def test_no_test_or_benchmark_reads_outside_the_repository() -> None:
    sources = [p for top in ("tests", "bench", "scripts") for p in (ROOT / top).rglob("*") if p.suffix in (".py", ".sh") and p.name != Path(__file__).name]
    assert sorted(str(p.relative_to(ROOT)) for p in sources if re.search(r"\.\./shared|/work/shared", p.read_text(encoding="utf-8"))) == []
