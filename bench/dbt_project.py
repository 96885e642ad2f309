"""A generated dbt project of N models, written as a dbt user writes them (no manifest).

Deterministic for a given N: staging views over four sources, then layers of intermediate
(every tenth ephemeral) and mart models, each reading one or two models of the layers before it
through `ref()`, with `config()`, a project macro, `var()`, a multi-line `{% set %}` and a `for`
loop; properties YAML with owners, and a semantic model and metric for every 50th mart.

    python -m bench.dbt_project OUT_DIR [--models 1000]
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

SOURCES = 4
STAGING_SHARE = 20  # one model in 20 is a staging view over a source
COLUMNS = ("v1", "v2", "v3", "v4")

PROJECT = """\
name: bench
version: "1.0"
profile: bench
vars:
  min_id: 0
models:
  bench:
    staging:
      +materialized: view
    marts:
      +materialized: table
      +schema: marts
"""
PROFILES = "bench:\n  target: dev\n  outputs:\n    dev:\n      type: postgres\n      schema: analytics\n"
MACRO = "{% macro cents_to_dollars(column, scale=2) -%}\n    round({{ column }} / 100.0, {{ scale }})\n{%- endmacro %}\n"

STAGING = """\
{{{{ config(materialized='view') }}}}

select
    s.id,
    s.k,
    {{{{ cents_to_dollars('s.amount_cents') }}}} as v1,
    s.v2,
    s.v3,
    s.v4
from {{{{ source('app', 'raw_{source}') }}}} as s
where s.id > {{{{ var('min_id') }}}}
"""

MODEL = """\
{{{{ config(materialized='{materialized}') }}}}
{{%- set measures = [
    'v2',
    'v3',
] -%}}

with left_side as (
    select * from {{{{ ref('{left}') }}}}
),

right_side as (
    select id, v1 as right_v1, v4
    from {{{{ ref('{right}') }}}}
)

select
    l.id,
    l.k,
    l.v1 + r.right_v1 as v1,
    {{%- for m in measures %}}
    sum(l.{{{{ m }}}}) as {{{{ m }}}},
    {{%- endfor %}}
    max(r.v4) as v4
from left_side as l
join right_side as r on r.id = l.id
group by l.id, l.k, l.v1 + r.right_v1
"""


def _name(index: int, staging: int) -> str:
    return f"stg_{index}" if index < staging else f"int_{index}" if index % 3 else f"mart_{index}"


def write(models: int, root: Path) -> Path:
    """The project under `root`, returned; the same files for the same `models`."""
    rng = random.Random(models)
    staging = max(1, models // STAGING_SHARE)
    files = {"dbt_project.yml": PROJECT, "profiles.yml": PROFILES, "macros/cents.sql": MACRO}
    files["models/staging/_sources.yml"] = "sources:\n  - name: app\n    schema: raw\n    tables:\n" + "".join(
        f"      - name: raw_{s}\n        columns: [{{name: id}}, {{name: k}}, {{name: amount_cents}}, {{name: v2}}, {{name: v3}}, {{name: v4}}]\n" for s in range(SOURCES)
    )
    semantic: list[str] = []
    for index in range(models):
        name = _name(index, staging)
        if index < staging:
            files[f"models/staging/{name}.sql"] = STAGING.format(source=index % SOURCES)
            continue
        left, right = (_name(rng.randrange(max(0, index - 200), index), staging) for _ in range(2))
        materialized = "ephemeral" if index % 10 == 0 else "table" if name.startswith("mart") else "view"
        folder = "marts" if name.startswith("mart") else "intermediate"
        files[f"models/{folder}/{name}.sql"] = MODEL.format(materialized=materialized, left=left, right=right)
        if name.startswith("mart") and index % 50 == 0 and materialized != "ephemeral":
            semantic.append(_semantic(name))
    files["models/marts/_semantic.yml"] = "groups:\n  - name: finance\n    owner: {name: Finance, email: finance@acme.example}\n" + "semantic_models:\n" + "".join(s for s, _ in semantic) + "metrics:\n" + "".join(m for _, m in semantic)
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def _semantic(model: str) -> tuple[str, str]:
    entry = (
        f"  - name: {model}\n    model: ref('{model}')\n    config: {{group: finance}}\n"
        "    entities: [{name: id, type: primary}]\n"
        f"    measures: [{{name: {model}_v1, agg: sum, expr: v1}}]\n"
    )
    return entry, f"  - name: {model}_total\n    type: simple\n    type_params: {{measure: {model}_v1}}\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--models", type=int, default=1000)
    args = parser.parse_args()
    print(write(args.models, args.out))


if __name__ == "__main__":
    main()
