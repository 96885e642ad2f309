#!/usr/bin/env bash
# Build a dbt project's target/manifest.json with the real dbt-core and the DuckDB adapter: no
# server, no network at run time (a local DuckDB file in the output folder is the "warehouse").
#
#   scripts/dbt-manifest.sh [PROJECT_DIR] [OUT_DIR]
#       PROJECT_DIR  a dbt project with a profiles.yml beside dbt_project.yml   (default sample_sql/dbt)
#       OUT_DIR      where target/ (manifest, DuckDB file) and logs/ go          (default PROJECT_DIR)
#   Prints ONLY the path of the manifest it wrote.
#
# dbt runs from its own virtualenv, not the project's: dbt-core 1.11 pins pathspec<0.13 while our
# mypy needs pathspec>=1, and dbt-core 1.12 fetches a parser binary from outside PyPI when installed.
# The virtualenv is created on first use from PyPI, outside the repo (shared by every checkout).
#
# Environment knobs (all optional):
#   DBT         a dbt executable to use instead                 (default: the cached virtualenv's)
#   DBT_CACHE   virtualenv cache root                           (default ~/.cache/lineage-dbt)
#   PYTHON      interpreter for the virtualenv                  (default python3)
#   DBT_RUN     1: `dbt seed` and `dbt run` into the DuckDB file first, so that macros that
#               introspect (get_columns_in_relation, run_query) find tables  (default: compile only)
set -euo pipefail

DBT_CORE_VERSION="1.11.16"
DBT_DUCKDB_VERSION="1.11.1"

repo="$(cd "$(dirname "$0")/.." && pwd)"
project="$(cd "${1:-$repo/sample_sql/dbt}" && pwd)"
out="${2:-$project}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"

dbt_bin="${DBT:-}"
if [[ -z "$dbt_bin" ]]; then
    venv="${DBT_CACHE:-$HOME/.cache/lineage-dbt}/core-$DBT_CORE_VERSION-duckdb-$DBT_DUCKDB_VERSION"
    if [[ ! -f "$venv/.complete" ]]; then
        # a half-installed virtualenv (interrupted run) has no marker: start it again
        rm -rf "$venv"
        "${PYTHON:-python3}" -m venv "$venv" >&2
        "$venv/bin/pip" install --quiet --disable-pip-version-check \
            "dbt-core==$DBT_CORE_VERSION" "dbt-duckdb==$DBT_DUCKDB_VERSION" >&2
        touch "$venv/.complete"
    fi
    dbt_bin="$venv/bin/dbt"
fi

export DBT_SEND_ANONYMOUS_USAGE_STATS=false DBT_VERSION_CHECK=false DBT_PARTIAL_PARSE=false
mkdir -p "$out/target"
export DBT_DUCKDB_PATH="$out/target/acme.duckdb"
flags=(--quiet --project-dir "$project" --profiles-dir "$project" --target-path "$out/target" --log-path "$out/logs")
if [[ "${DBT_RUN:-}" == 1 ]]; then
    "$dbt_bin" seed "${flags[@]}" >&2
    "$dbt_bin" run "${flags[@]}" >&2
fi
# compile (not parse): only compile fills each node's compiled_code
"$dbt_bin" compile "${flags[@]}" >&2
echo "$out/target/manifest.json"
