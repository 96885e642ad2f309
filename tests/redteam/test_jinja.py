"""Templates that spin or allocate without end: each is one `template stopped` line at its model's
line, inside the harness's CPU and memory limits, and the models beside it are still scanned."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.redteam.harness import run_lineage

STEPS = "template stopped: more than 250,000 loop steps and calls (a runaway loop?)"
SIZE = "template stopped: a value of more than 1,000,000 characters or items"
RECURSES = "cannot render template: it recurses without end (a macro calling itself?)"

# (name, the model's text after its first line `select 1 as x`, line of the diagnostic, message)
ATTACKS = [
    ("nested range loops, 2 levels", "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}", 2, STEPS),
    ("nested range loops, 3 levels", "{% for i in range(100000) %}\n{% for j in range(100000) %}\n{% for k in range(100000) %}{% endfor %}\n{% endfor %}{% endfor %}", 4, STEPS),
    ("power tower % 7", "{{ (((10 ** 1000) ** 1000) ** 1000) % 7 }}", 2, "template stopped: a number of more than 4,096 bits"),
    ("'x'.ljust(3e8)", "{{ 'x'.ljust(3e8) }}", 2, SIZE),
    ("'x'.ljust(300000000)", "{{ 'x'.ljust(300000000) }}", 2, SIZE),
    ("%0*d with a 900000000 width", '{{ "%0*d" % (900000000, 1) }}', 2, SIZE),
    ("namespace doubling with ~", "{% set ns = namespace(x='ab') %}\n{% for i in range(100) %}\n{% set ns.x = ns.x ~ ns.x %}\n{% endfor %}{{ ns.x }}", 4, SIZE),
    ("namespace doubling with +", "{% set ns = namespace(x='ab') %}\n{% for i in range(100) %}\n{% set ns.x = ns.x + ns.x %}\n{% endfor %}{{ ns.x }}", 4, SIZE),
    ("list doubling with +", "{% set ns = namespace(x=[1]) %}{% for i in range(100) %}\n{% set ns.x = ns.x + ns.x %}{% endfor %}{{ ns.x }}", 3, SIZE),
    ("list doubling with extend", "{% set xs = [1] %}{% for i in range(100) %}\n{% do xs.extend(xs) %}{% endfor %}{{ xs }}", 3, SIZE),
    ("nested list doubling, printed", "{% set ns = namespace(x=[1]) %}{% for i in range(60) %}{% set ns.x = [ns.x, ns.x] %}{% endfor %}\n{{ ns.x }}", 3, SIZE),
    ("nested fors over a huge string", "{% set s = 'x' * 1000000 %}{% for c in s %}{% for d in s %}{% endfor %}{% endfor %}", 2, STEPS),
    ("recursive macro", "{% macro f(n) %}{{ f(n) }}{% endmacro %}\n{{ f(1) }}", 2, RECURSES),
    ("parentheses nested 50,000 deep", "{{ " + "(" * 50_000 + "1" + ")" * 50_000 + " }}", 2, "cannot render template: expressions or blocks nested too deeply"),
    ("str.format with a 900000000 width", "{{ '{:>900000000}'.format(1) }}", 2, SIZE),
    ("|center(300000000)", "{{ 'x' | center(300000000) }}", 2, SIZE),
    ("a big literal block in nested loops", "{% for i in range(1000) %}{% for j in range(900) %}" + "x" * 1000 + "{% endfor %}{% endfor %}", 2, "template stopped: more than 50,000,000 characters and items built in all"),
]


def dbt_project(root: Path, hostile: str) -> Path:
    files = {
        "dbt_project.yml": "name: shop\nprofile: shop\n",
        "profiles.yml": "shop:\n  target: dev\n  outputs:\n    dev: {type: postgres, schema: main}\n",
        "models/good.sql": "select id, amount from raw.orders\n",
        "models/hostile.sql": f"select 1 as x\n{hostile}\n",
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


@pytest.mark.parametrize(("name", "hostile", "line", "message"), ATTACKS, ids=[a[0] for a in ATTACKS])
def test_a_runaway_dbt_model_is_one_line_and_its_sibling_is_scanned(tmp_path: Path, name: str, hostile: str, line: int, message: str) -> None:
    run = run_lineage(name, "scan", ".", "--store", "store", "--no-cache", cwd=dbt_project(tmp_path, hostile))
    assert (run.exit_code, run.lines()) == (1, [f"models/hostile.sql:{line}: {message}", "Scanned 2 files, 2 statements; 1 failed (listed above); 2 edges written."])


def test_a_runaway_airflow_template_is_one_line_and_the_next_task_is_scanned(tmp_path: Path) -> None:
    (tmp_path / "dag.py").write_text(
        "from airflow.providers.common.sql.operators.sql import SQLExecuteQueryOperator\n"
        "spin = SQLExecuteQueryOperator(task_id='spin', sql='SELECT 1 {% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}')\n"
        "grow = SQLExecuteQueryOperator(task_id='grow', sql='SELECT {{ \"%0*d\" % (900000000, 1) }}')\n"
        "ok = SQLExecuteQueryOperator(task_id='ok', sql='INSERT INTO mart.x (a) SELECT a FROM app.orders')\n",
        encoding="utf-8",
    )
    run = run_lineage("airflow: nested range loops and %0*d", "scan", "dag.py", "--store", "store", "--no-cache", cwd=tmp_path)
    assert (run.exit_code, run.lines()) == (1, [f"dag.py:2: {STEPS}", f"dag.py:3: {SIZE}", "Scanned 1 file, 3 statements; 2 failed (listed above); 1 edge written."])
