"""Names that come from inputs never lead a write outside the tool's output paths.

What the tool writes: the store directory (lineage.db, lock, the scan cache), the diagram file the
user names, and, for `lineage diff`, each revision's files in a temporary directory, named by the
commit's tree. Tree names come from git objects, which can be crafted (`git hash-object --literally`)
with entries git itself would never write: `..`, absolute paths, symlinks out of the repository.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from tests.cli.test_diff import Repo

runner = CliRunner()
SQL = "create table app.orders (id int, order_value int);\ncreate table mart.m as select order_value from app.orders;\n"


def _object(repo: Repo, kind: str, data: bytes) -> bytes:
    done = subprocess.run(["git", "hash-object", "-t", kind, "-w", "--literally", "--stdin"], cwd=repo.root, input=data, capture_output=True, check=True)
    return bytes.fromhex(done.stdout.decode().strip())


def _tree(repo: Repo, entries: list[tuple[bytes, bytes, bytes]]) -> bytes:
    """A tree object from (mode, name, object id) entries, exactly as given: no checks, no sorting."""
    return _object(repo, "tree", b"".join(mode + b" " + name + b"\0" + oid for mode, name, oid in entries))


def _commit(repo: Repo, tree: bytes) -> str:
    return repo.git("commit-tree", tree.hex(), "-p", "main", "-m", "crafted")


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Repo:
    repo = Repo(tmp_path / "shop")
    repo.write("sql/a.sql", SQL)
    repo.git("init", "-q", "-b", "main")
    repo.git("config", "user.name", "Lineage Tests")
    repo.git("config", "user.email", "tests@lineage.example")
    repo.commit("base")
    monkeypatch.chdir(repo.root)
    (tmp_path / "outside").mkdir()
    return repo


def _hostile(repo: Repo, name: bytes) -> str:
    """A commit whose tree holds sql/a.sql and a file at the path `name` (a/b: nested trees)."""
    blob = _object(repo, "blob", b"create table evil.x as select order_value from app.orders;\n")
    *dirs, leaf = name.split(b"/")
    entry = (b"100644", leaf, blob)
    for part in reversed(dirs):
        entry = (b"40000", part, _tree(repo, [entry]))
    sql = _tree(repo, [(b"100644", b"a.sql", _object(repo, "blob", SQL.encode()))])
    return _commit(repo, _tree(repo, sorted([(b"40000", b"sql", sql), entry], key=lambda e: e[1])))


@pytest.mark.parametrize("where", ["absolute", "parent", "nested-parent"])
def test_a_commit_naming_a_path_outside_the_repository_writes_nothing_there(repo: Repo, tmp_path: Path, where: str) -> None:
    outside = tmp_path / "outside" / "evil.sql"
    name = {"absolute": str(outside), "parent": "../outside/evil.sql", "nested-parent": "sql/../../outside/evil.sql"}[where]
    # an absolute name is one tree entry holding slashes; `..` ones are trees named `..`
    sha = _commit(repo, _tree(repo, [(b"100644", name.encode(), _object(repo, "blob", b"select 1;\n"))])) if where == "absolute" else _hostile(repo, name.encode())
    listed = repo.git("ls-tree", "-r", "--name-only", "--full-tree", sha)
    assert name in listed.splitlines()  # git hands the name over as it is
    result = runner.invoke(app, ["diff", "--base", "main", "--head", sha])
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == f"{name}: unsafe path in commit {sha[:12]}; a file name in that commit leads outside the repository\n"
    assert list((tmp_path / "outside").iterdir()) == [] and not (tmp_path / "evil.sql").exists()


def test_symlinks_in_a_commit_are_neither_followed_nor_written(repo: Repo, tmp_path: Path) -> None:
    secret = tmp_path / "outside" / "secret.sql"
    secret.write_text("create table leaked.t as select order_value from app.orders;\n", encoding="utf-8")
    link = _object(repo, "blob", str(secret).encode())
    folder = _object(repo, "blob", str(tmp_path / "outside").encode())
    inner = _tree(repo, [(b"100644", b"x.sql", _object(repo, "blob", b"create table nested.x as select order_value from app.orders;\n"))])
    sql = _tree(repo, [(b"100644", b"a.sql", _object(repo, "blob", SQL.encode())), (b"40000", b"d", inner), (b"120000", b"d", folder), (b"120000", b"s.sql", link)])
    sha = _commit(repo, _tree(repo, [(b"40000", b"sql", sql)]))
    result = runner.invoke(app, ["diff", "--base", "main", "--head", sha, "--format", "json"])
    assert result.exit_code == 0, result.output
    assert "leaked" not in result.stdout and "nested.x" in result.stdout  # the link's target is not read; the real file is
    assert sorted(p.name for p in (tmp_path / "outside").iterdir()) == ["secret.sql"]


HOSTILE_CATALOG = """\
owners:
  "../../team": {name: Team}
tables:
  "../../app.orders": {owner: "../../team", tier: core}
dashboards:
  "../../../outside/board": {owner: "../../team", columns: [mart.m.order_value]}
  "/tmp/board.mmd": {owner: "../../team", columns: [mart.m.order_value]}
"""
HOSTILE_DBT = {
    "dbt/dbt_project.yml": "name: shop\nprofile: shop\nmodels:\n  shop:\n    +schema: \"../../outside\"\n",
    "dbt/models/-rf .sql": "{{ config(alias='../../../outside/model') }}\nselect order_value from {{ source('../..', '../orders') }}\n",
    "dbt/models/_sources.yml": "version: 2\nsources:\n  - name: \"../..\"\n    tables:\n      - name: \"../orders\"\n",
}


def test_scanning_and_drawing_hostile_names_writes_only_the_store_and_the_named_outputs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    work = tmp_path / "a" / "b" / "work"
    for path, text in {"sql/a.sql": SQL, "sql/lineage.yml": HOSTILE_CATALOG, **{f"sql/{k}": v for k, v in HOSTILE_DBT.items()}}.items():
        (work / path).parent.mkdir(parents=True, exist_ok=True)
        (work / path).write_text(text, encoding="utf-8")
    monkeypatch.chdir(work)
    before = {p for p in tmp_path.rglob("*")}
    for args in (
        ["scan", "sql", "--store", "st"],
        ["impact", "app.orders.order_value", "--store", "st", "--diagram", "impact.mmd"],
        ["diagram", "mart.m.order_value", "-o", "m.dot", "--store", "st"],
        ["impact", "mart.m.order_value", "--store", "st", "--format", "markdown"],
    ):
        result = runner.invoke(app, args)
        assert result.exit_code == 0, (args, result.output)
    written = {p.relative_to(work).as_posix() for p in {p for p in tmp_path.rglob("*")} - before}
    assert written == {"st", "st/lineage.db", "st/lock", "st/scan-cache.json", "st/scan-cache.facts", "impact.mmd", "m.dot"}
    assert "../../../outside/board" in (work / "impact.mmd").read_text(encoding="utf-8")  # the names are there, as text
