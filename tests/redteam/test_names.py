"""Names that are both an upstream column and a SELECT-list alias.

A generated warehouse whose models reuse upstream column names as aliases
(`SUM(min_price) AS sum_price, MIN(sum_price) AS min_price`) used to resolve each alias to the other
in a cycle: those models lost every edge, silently. A select item never names an alias defined after
it, so there is no cycle; where an unknown table's column and an alias compete, the dialect's
precedence is applied and said, one warning per statement.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.redteam.harness import run_lineage

MODELS = 500
SWAPPED = range(50, MODELS + 1, 50)  # 10 models swap their upstream's names
SWAP = "SELECT product_id, SUM(min_price) AS sum_price, MIN(sum_price) AS min_price FROM {source} GROUP BY product_id"
PLAIN = "SELECT product_id, min_price, sum_price FROM {source}"
AMBIGUOUS = (
    "sql/m{i:04}.sql:1: 'sum_price' may name a column of raw.prices or the alias `SUM(min_price) AS sum_price`; both readings recorded "
    "(snowflake prefers source columns to aliases in the SELECT list, if there is one); declare the columns of raw.prices (DDL or --schema) to decide"
)


def _warehouse(root: Path, *, declared: bool) -> None:
    """Models m0001..m0500, each reading the one before it (m0001 reads raw.prices)."""
    sql = root / "sql"
    sql.mkdir()
    if declared:
        (sql / "raw.sql").write_text("CREATE TABLE raw.prices (product_id INT, min_price INT, sum_price INT);\n", encoding="utf-8")
    for i in range(1, MODELS + 1):
        source = "raw.prices" if i == 1 else f"mart.m{i - 1:04}"
        select = (SWAP if i in SWAPPED else PLAIN).format(source=source)
        (sql / f"m{i:04}.sql").write_text(f"CREATE TABLE mart.m{i:04} AS {select};\n", encoding="utf-8")


def test_a_warehouse_whose_models_swap_upstream_names_as_aliases_keeps_every_edge(tmp_path: Path) -> None:
    _warehouse(tmp_path, declared=True)
    run = run_lineage("scan: 500 models, 10 swap upstream names as aliases", "scan", "sql", "--store", "st", "--dialect", "snowflake", cwd=tmp_path)
    # 490 plain models of 3 edges; 10 swapped ones of 3 column edges and their GROUP BY key
    assert (run.exit_code, run.lines()) == (0, ["Scanned 501 files, 501 statements; 1,510 edges written."])
    upstream = run_lineage("upstream: every mart column, one hop", "upstream", "mart.*", "--max-depth", "1", "--limit", "0", "--format", "json", "--store", "st", cwd=tmp_path)
    assert (upstream.exit_code, upstream.stderr) == (0, "May be incomplete: stopped at --max-depth 1 with more upstream.\n")
    hops = {(h["source"], h["target"], h["subtype"]) for h in json.loads(upstream.stdout)}
    for i in SWAPPED:
        model, source = f"mart.m{i:04}", f"mart.m{i - 1:04}"
        assert {h for h in hops if h[1].startswith(f"{model}.")} == {
            (f"{source}.product_id", f"{model}.product_id", "identity"),
            (f"{source}.min_price", f"{model}.sum_price", "aggregation"),
            (f"{source}.sum_price", f"{model}.min_price", "aggregation"),
        }


def test_over_an_undeclared_table_each_swapped_model_is_one_warning_and_keeps_both_readings(tmp_path: Path) -> None:
    sql = tmp_path / "sql"
    sql.mkdir()
    for i in SWAPPED:
        (sql / f"m{i:04}.sql").write_text(f"CREATE TABLE mart.m{i:04} AS {SWAP.format(source='raw.prices')};\n", encoding="utf-8")
    run = run_lineage("scan: 10 swapped models over an undeclared table, snowflake", "scan", "sql", "--store", "st", "--dialect", "snowflake", cwd=tmp_path)
    assert run.exit_code == 0
    assert run.lines() == [*(AMBIGUOUS.format(i=i) for i in SWAPPED), "Scanned 10 files, 10 statements; 10 warnings; 50 edges written."]
    # MIN(sum_price) reads raw.prices.sum_price if the table has it, else the alias SUM(min_price): both kept
    m0050 = run_lineage("upstream: a swapped model's min_price", "upstream", "mart.m0050.min_price", "--format", "json", "--store", "st", cwd=tmp_path)
    assert {(h["source"], h["subtype"]) for h in json.loads(m0050.stdout)} == {("raw.prices.sum_price", "aggregation"), ("raw.prices.min_price", "aggregation"), ("raw.prices.product_id", "group_by")}
    extract = run_lineage("extract: a swapped model over an undeclared table, postgres", "extract", "sql/m0050.sql", "--dialect", "postgres", cwd=tmp_path)
    # without lateral aliases there is nothing to assume: each name is raw.prices's column
    assert (extract.exit_code, extract.stderr) == (0, "")
    assert {(e["source_column"], e["target_column"], e["subtype"]) for e in json.loads(extract.stdout)} == {
        ("product_id", "product_id", "identity"),
        ("min_price", "sum_price", "aggregation"),
        ("sum_price", "min_price", "aggregation"),
        ("product_id", None, "group_by"),
    }


def test_a_chain_of_20000_lateral_aliases_extracts_in_linear_time(tmp_path: Path) -> None:
    """Each alias names the one before it: traced in order and memoised, the chain never recurses deep."""
    links = 20_000
    items = ", ".join(["price AS c0", *(f"c{k - 1} + 1 AS c{k}" for k in range(1, links))])
    (tmp_path / "chain.sql").write_text(f"CREATE TABLE raw.p (price INT);\nCREATE TABLE mart.chain AS SELECT {items} FROM raw.p;\n", encoding="utf-8")
    run = run_lineage("extract: 20,000 chained lateral aliases, snowflake", "extract", "chain.sql", "--dialect", "snowflake", "--statement-budget", "0", cwd=tmp_path)
    assert (run.exit_code, run.stderr) == (0, "")
    edges = json.loads(run.stdout)
    assert {(e["source_table"], e["source_column"]) for e in edges} == {("raw.p", "price")}
    assert sorted(e["target_column"] for e in edges) == sorted(f"c{k}" for k in range(links))
