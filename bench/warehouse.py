"""A deterministic synthetic warehouse for scale benchmarks: sources -> staging -> intermediate -> marts.

`python -m bench.warehouse N OUTDIR [--seed S]` writes N models (one .sql file each) plus the source
DDL and a `lineage.yml` with dashboards, so a scan exercises every layer the way a real dbt-sized
repository does: joins, CTEs, aggregations, window functions, CASE, and `SELECT *` in staging views.
The same N and seed always give byte-identical files.
"""

from __future__ import annotations

import argparse
import random
from dataclasses import dataclass
from pathlib import Path

LAYERS = ("staging", "intermediate", "mart")
SHARE = {"staging": 0.35, "intermediate": 0.40, "mart": 0.25}
SOURCE_COLUMNS = 8


@dataclass(frozen=True, slots=True)
class Model:
    name: str  # schema.table
    columns: tuple[str, ...]
    sql: str


def _source_tables(n_models: int) -> list[Model]:
    count = max(4, n_models // 20)
    tables = []
    for i in range(count):
        cols = ("id", "customer_id", "amount", "status", "created_at") + tuple(f"attr_{j}" for j in range(SOURCE_COLUMNS - 5))
        ddl = f"CREATE TABLE raw.src_{i} (" + ", ".join(f"{c} {'INT' if c.endswith('id') else 'VARCHAR'}" for c in cols) + ");\n"
        tables.append(Model(f"raw.src_{i}", cols, ddl))
    return tables


def _staging(i: int, rng: random.Random, sources: list[Model]) -> Model:
    source = rng.choice(sources)
    name = f"staging.stg_{i}"
    if i % 5 == 0:  # some staging views are a plain SELECT *
        return Model(name, source.columns, f"CREATE VIEW {name} AS SELECT * FROM {source.name};\n")
    cols = list(source.columns)
    body = ",\n  ".join(
        [f"{c} AS {c}" if c != "amount" else "CAST(amount AS DECIMAL(12, 2)) AS amount" for c in cols]
        + ["CASE WHEN status = 'paid' THEN 1 ELSE 0 END AS is_paid"]
    )
    sql = f"CREATE VIEW {name} AS\nSELECT\n  {body}\nFROM {source.name}\nWHERE status <> 'test';\n"
    return Model(name, tuple(cols) + ("is_paid",), sql)


def _intermediate(i: int, rng: random.Random, upstream: list[Model]) -> Model:
    left, right = rng.sample(upstream, 2) if len(upstream) > 1 else (upstream[0], upstream[0])
    name = f"intermediate.int_{i}"
    sql = (
        f"CREATE TABLE {name} AS\n"
        f"WITH l AS (SELECT id, customer_id, amount, created_at FROM {left.name}),\n"
        f"     r AS (SELECT customer_id, SUM(amount) AS total FROM {right.name} GROUP BY customer_id)\n"
        "SELECT\n"
        "  l.id,\n  l.customer_id,\n  l.amount * 1.1 AS amount_adj,\n  r.total,\n"
        "  ROW_NUMBER() OVER (PARTITION BY l.customer_id ORDER BY l.created_at DESC) AS recency,\n"
        "  CASE WHEN r.total > 1000 THEN 'high' ELSE 'low' END AS band\n"
        "FROM l\nLEFT JOIN r ON r.customer_id = l.customer_id;\n"
    )
    return Model(name, ("id", "customer_id", "amount_adj", "total", "recency", "band"), sql)


def _mart(i: int, rng: random.Random, upstream: list[Model]) -> Model:
    base = rng.choice(upstream)
    name = f"mart.mart_{i}"
    sql = (
        f"CREATE TABLE {name} AS\n"
        "SELECT customer_id, band, COUNT(*) AS n, SUM(amount_adj) AS revenue, MAX(total) AS top_total\n"
        f"FROM {base.name}\nWHERE recency <= 10\nGROUP BY customer_id, band;\n"
    )
    return Model(name, ("customer_id", "band", "n", "revenue", "top_total"), sql)


def generate(n_models: int, seed: int = 7) -> tuple[list[Model], list[Model], str]:
    """Sources, models and a catalog; models only read layers before their own."""
    rng = random.Random(seed)
    sources = _source_tables(n_models)
    counts = {layer: max(1, int(n_models * SHARE[layer])) for layer in LAYERS}
    counts["mart"] = max(1, n_models - counts["staging"] - counts["intermediate"])
    staging = [_staging(i, rng, sources) for i in range(counts["staging"])]
    inter = [_intermediate(i, rng, [s for s in staging if "SELECT *" not in s.sql] or staging) for i in range(counts["intermediate"])]
    marts = [_mart(i, rng, inter) for i in range(counts["mart"])]
    dashboards = "\n".join(
        f"  dash_{i}:\n    owner: bi\n    columns: [{m.name}.revenue, {m.name}.n]" for i, m in enumerate(marts[: max(1, len(marts) // 10)])
    )
    catalog = (
        "owners:\n  bi: {name: BI, github: acme/bi}\n  platform: {name: Platform, github: acme/platform}\n"
        "tables:\n  \"raw.*\": {owner: platform, tier: core}\n  \"mart.*\": {owner: bi, tier: mart}\n"
        f"dashboards:\n{dashboards}\n"
    )
    return sources, staging + inter + marts, catalog


def write(n_models: int, out: Path, seed: int = 7) -> int:
    sources, models, catalog = generate(n_models, seed)
    (out / "raw").mkdir(parents=True, exist_ok=True)
    (out / "raw" / "sources.sql").write_text("".join(s.sql for s in sources), encoding="utf-8")
    for model in models:
        schema, table = model.name.split(".")
        (out / schema).mkdir(exist_ok=True)
        (out / schema / f"{table}.sql").write_text(model.sql, encoding="utf-8")
    (out / "lineage.yml").write_text(catalog, encoding="utf-8")
    return len(models)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("models", type=int)
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    print(f"wrote {write(args.models, args.out, args.seed)} models to {args.out}")


if __name__ == "__main__":
    main()
