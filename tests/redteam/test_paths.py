"""Files named by the code under scan stay inside the scanned repository.

A pull request brings its own Airflow DAGs, dbt project and catalog, and `lineage diff` runs on it in
CI, where its report goes to the job summary and the PR comment. A template folder, an include or
import, `sql='x.sql'`, a dbt path or a dashboard's `sql:` that leads outside the scanned folders (by an
absolute path, `..` or a symlink) must never have the program read, and print, a file of the machine:
`/proc/self/environ` holds the CI job's tokens. Each such name is one diagnostic; the rest is scanned.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from tests.cli.test_diff import GIT_ENV
from tests.redteam.harness import Run, run_lineage

SENTINEL = "rt-paths-sentinel-5f1c0e"  # a token in the child's environment: it must surface nowhere
SECRET = {"RT_PATHS_TOKEN": SENTINEL}
OUTSIDE = "outside-secret-col"  # a column name only a file outside the scanned folder holds
GOOD = "create table mart.kept as select a.x from app.a as a;\n"
# the file's whole text becomes a table's name: what `downstream`, diagrams and the diff report print
LEAK = '''{{% set e %}}{{% include '{name}' %}}{{% endset %}}create table app."{{{{ e | replace('\\x00', '_') }}}}" as select b.c from app.b as b'''


def _dag(searchpath: str, sql: str) -> str:
    return (
        "from airflow import DAG\n"
        "from airflow.providers.postgres.operators.postgres import PostgresOperator\n"
        "\n"
        f"with DAG('leak', template_searchpath=[{searchpath!r}]) as dag:\n"
        f"    PostgresOperator(task_id='t', sql={sql!r})\n"
    )


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")


def _clean(run: Run, *store: Path) -> None:
    """Neither the environment's token nor the outside file's text anywhere in what the run printed or stored."""
    shown = run.stdout + run.stderr + "".join(p.read_text(encoding="utf-8", errors="replace") for p in store if p.is_file())
    assert SENTINEL not in shown and OUTSIDE not in shown and "root:x:0:0" not in shown


def test_a_dag_searching_proc_self_or_etc_reads_neither(tmp_path: Path) -> None:
    _write(tmp_path / "repo", {
        "dags/env.py": _dag("/proc/self", LEAK.format(name="environ")),
        "dags/pw.py": _dag("/etc", LEAK.format(name="passwd")),
        "sql/good.sql": GOOD,
    })
    run = run_lineage("proc-self environ and etc passwd (scan)", "scan", "repo", "--store", "s", cwd=tmp_path, env=SECRET)
    read = run_lineage("proc-self environ (downstream)", "downstream", "app.b.c", "--store", "s", cwd=tmp_path, env=SECRET)
    _clean(run, tmp_path / "s" / "lineage.db")
    _clean(read)
    assert (read.exit_code, read.lines()) == (1, ["unknown table or column 'app.b.c'"])  # no statement read it
    assert run.exit_code == 1, run.stderr
    assert run.lines() == [
        "repo/dags/env.py:4: template_searchpath '/proc/self' is outside the scanned folder; not searched",
        "repo/dags/env.py:5: cannot render template: 'environ' not found in repo/dags",
        "repo/dags/pw.py:4: template_searchpath '/etc' is outside the scanned folder; not searched",
        "repo/dags/pw.py:5: cannot render template: 'passwd' not found in repo/dags",
        "Scanned 3 files, 3 statements; 4 failed (listed above); 1 edge written.",
    ]


def _repo(root: Path) -> None:
    env = {**os.environ, **GIT_ENV, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t"}
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "c"]):
        subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)


def test_a_pull_request_adding_the_dag_leaks_nothing_into_the_diff_report(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    _write(repo, {"sql/good.sql": GOOD})
    _repo(repo)
    _write(repo, {"dags/env.py": _dag("/proc/self", LEAK.format(name="environ")), "sql/more.sql": "create table mart.more as select a.x from app.a as a;\n"})
    _repo(repo)
    run = run_lineage("proc-self environ (diff)", "diff", "--base", "main~1", "--format", "markdown", cwd=repo, env=SECRET)
    _clean(run)
    assert run.exit_code == 1, run.stderr
    assert run.lines() == [
        "dags/env.py:4: template_searchpath '/proc/self' is outside the scanned folder; not searched (at head)",
        "dags/env.py:5: cannot render template: 'environ' not found in dags (at head)",
    ]
    assert "mart.more" in run.stdout  # the rest of the change is still reported


def test_links_out_of_the_tree_are_not_followed(tmp_path: Path) -> None:
    _write(tmp_path / "outside", {"secret.sql": f"create table out.leak as select 1 as {OUTSIDE};\n", "seed.csv": f"{OUTSIDE}\n1\n"})
    repo = tmp_path / "repo"
    _write(repo, {
        "dags/by_name.py": _dag("sql", "sql/link.sql"),
        "dags/by_include.py": _dag("sql", "{% include 'link.sql' %}"),
        "dags/by_folder.py": _dag("linked", "select 1"),
        "sql/good.sql": GOOD,
        "dbt/dbt_project.yml": "name: shop\nprofile: shop\n",
        "dbt/profiles.yml": "shop:\n  target: dev\n  outputs:\n    dev: {type: duckdb, schema: main}\n",
        "dbt/models/kept.sql": "select 1 as x\n",
    })
    for link, target in (("dags/sql/link.sql", "../../../outside/secret.sql"), ("dags/linked", "../../outside"), ("dbt/models/link.sql", "../../../outside/secret.sql"), ("dbt/seeds/link.csv", "../../../outside/seed.csv")):
        (repo / link).parent.mkdir(exist_ok=True)
        os.symlink(target, repo / link)
    run = run_lineage("links out of the tree (include, sql=, searchpath, plain and dbt files)", "scan", "repo", "--store", "s", cwd=tmp_path)
    _clean(run, tmp_path / "s" / "lineage.db")
    assert run.exit_code == 1, run.stderr
    assert run.lines() == [
        "repo/dags/by_folder.py:4: template_searchpath 'linked' is outside the scanned folder; not searched",
        "repo/dags/by_include.py:5: template 'link.sql' is a link to a file outside the scanned folder; not read",
        "repo/dags/by_name.py:5: SQL file 'sql/link.sql' is a link to a file outside the scanned folder; not read",
        "repo/dags/sql/link.sql: a link to a file outside the scanned folder; not read",
        "repo/dbt/models/link.sql: a link to a file outside the project; not read",
        "repo/dbt/seeds/link.csv: a link to a file outside the project; not read",
        "Scanned 8 files, 4 statements; 6 failed (listed above); 1 edge written.",
    ]


DBT_PROJECT = """name: shop
profile: shop
model-paths: ["models", "../outside"]
macro-paths:
  - macros
  - ../outside
seed-paths: ["seeds", "{outside}"]
packages-install-path: ../outside
target-path: ../outside
"""


def test_dotdot_and_absolute_paths_in_every_field_are_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    _write(outside, {"m.sql": f"select 1 as {OUTSIDE}\n", "macros.sql": "{% macro m() %}1{% endmacro %}\n", "seed.csv": f"{OUTSIDE}\n1\n", "x.sql": f"create table out.x as select 1 as {OUTSIDE};\n"})
    _write(tmp_path / "repo", {
        "dbt/dbt_project.yml": DBT_PROJECT.format(outside=outside),
        "dbt/profiles.yml": "shop:\n  target: dev\n  outputs:\n    dev: {type: duckdb, schema: main}\n",
        "dbt/models/kept.sql": "select 1 as x\n",
        "dbt/models/by_include.sql": "select 1 as y {% include '../outside/m.sql' %}\n",
        "dbt/models/by_import.sql": "{% import '../../outside/macros.sql' as m %}select 1 as z\n",
        "dags/by_searchpath.py": _dag("../../outside", "x.sql"),
        "dags/by_name.py": _dag("sql", "../../outside/x.sql"),
        "dags/by_include.py": _dag("sql", "{% include '../../outside/x.sql' %}"),
        "dags/by_import.py": _dag("sql", "{% import '../outside/macros.sql' as m %}select 1"),
        "sql/good.sql": GOOD,
    })
    run = run_lineage("dot-dot and absolute paths in every field", "scan", "repo", "--store", "s", cwd=tmp_path)
    _clean(run, tmp_path / "s" / "lineage.db")
    assert run.exit_code == 1, run.stderr
    assert run.lines()[:-1] == [
        "repo/dags/by_import.py:5: template '../outside/macros.sql' names a parent folder ('..'), which Jinja's loader refuses; not read",
        "repo/dags/by_include.py:5: template '../../outside/x.sql' names a parent folder ('..'), which Jinja's loader refuses; not read",
        "repo/dags/by_name.py:5: SQL file '../../outside/x.sql' names a parent folder ('..'), which Jinja's loader refuses; not read",
        "repo/dags/by_searchpath.py:4: template_searchpath '../../outside' is outside the scanned folder; not searched",
        "repo/dags/by_searchpath.py:5: SQL file 'x.sql' not found in repo/dags",
        "repo/dbt/dbt_project.yml:3: model-paths entry '../outside' is outside the project; not read",
        "repo/dbt/dbt_project.yml:4: macro-paths entry '../outside' is outside the project; not read",
        f"repo/dbt/dbt_project.yml:7: seed-paths entry '{outside}' is outside the project; not read",
        "repo/dbt/dbt_project.yml:8: packages-install-path '../outside' is outside the project; not read",
        "repo/dbt/dbt_project.yml:9: target-path '../outside' is outside the project; not read",
        "repo/dbt/models/by_import.sql:1: template '../../outside/macros.sql' names a parent folder ('..'), which Jinja's loader refuses; not read",
        "repo/dbt/models/by_include.sql:1: template '../outside/m.sql' names a parent folder ('..'), which Jinja's loader refuses; not read",
    ]
    # the count of unchanged files after it is off by one whenever a dbt project's own file has a
    # diagnostic (it is also the project's catalog): a separate fault, not asserted here
    assert run.lines()[-1].startswith("Scanned 9 files, 6 statements; 12 failed (listed above); 1 edge written")
    graph = (tmp_path / "s" / "lineage.db").read_text(encoding="utf-8", errors="replace")
    assert "mart.kept" in graph and "main.kept" in graph  # the SQL file and the project's good model


def test_a_dashboard_query_outside_the_catalogs_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "outside.sql").write_text(f"select 1 as {OUTSIDE};\n", encoding="utf-8")
    _write(tmp_path / "repo", {"lineage.yml": "dashboards:\n  board:\n    sql: ../outside.sql\n", "sql/good.sql": GOOD})
    os.symlink("../outside.sql", tmp_path / "repo" / "linked.sql")
    run = run_lineage("dashboard sql: with ..", "scan", "repo", "--store", "s", cwd=tmp_path)
    assert (run.exit_code, run.lines()) == (2, ["repo/lineage.yml:3: SQL file '../outside.sql' of dashboard 'board' is outside the catalog's folder"])
    (tmp_path / "repo" / "lineage.yml").write_text("dashboards:\n  board:\n    sql: linked.sql\n", encoding="utf-8")
    run = run_lineage("dashboard sql: a link out", "scan", "repo", "--store", "s", cwd=tmp_path)
    assert (run.exit_code, run.lines()) == (2, ["repo/lineage.yml:3: SQL file 'linked.sql' of dashboard 'board' is outside the catalog's folder"])
    (tmp_path / "outside.yml").write_text(f"{OUTSIDE}: {{}}\n", encoding="utf-8")
    (tmp_path / "repo" / "lineage.yml").unlink()
    os.symlink("../outside.yml", tmp_path / "repo" / "lineage.yml")
    run = run_lineage("catalog that is a link out", "scan", "repo", "--store", "s", cwd=tmp_path)
    assert (run.exit_code, run.lines()) == (2, ["repo/lineage.yml: a link to a file outside the scanned folder; not read"])
    _clean(run)
