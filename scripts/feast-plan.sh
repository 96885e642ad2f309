#!/usr/bin/env bash
# Run the real `feast plan` on a feature repository: proof that Feast itself accepts it (the
# repository's objects are listed as "Created ..."). No server and no network at run time: the
# registry and online store are local files, and `plan` does not reach the offline store.
#
#   scripts/feast-plan.sh [REPO_DIR]     (default sample_sql/feast)
#   The repository is copied to a temporary folder first (Feast writes its registry into it).
#
# Feast runs from its own virtualenv, not the project's (it brings pandas, pyarrow, pydantic and a
# web stack: ~590 MB; measured 70 s to install from PyPI on the shared 2-CPU host, once, then
# cached outside the repository like scripts/dbt-manifest.sh's dbt). The `postgres` extra holds
# the sample's PostgreSQLSource.
#
# Environment knobs (all optional):
#   FEAST        a feast executable to use instead     (default: the cached virtualenv's)
#   FEAST_CACHE  virtualenv cache root                 (default ~/.cache/lineage-feast)
#   PYTHON       interpreter for the virtualenv        (default python3)
set -euo pipefail

FEAST_VERSION="0.67.0"

repo="$(cd "$(dirname "$0")/.." && pwd)"
source_repo="$(cd "${1:-$repo/sample_sql/feast}" && pwd)"

feast_bin="${FEAST:-}"
if [[ -z "$feast_bin" ]]; then
    venv="${FEAST_CACHE:-$HOME/.cache/lineage-feast}/feast-$FEAST_VERSION"
    if [[ ! -f "$venv/.complete" ]]; then
        # a half-installed virtualenv (interrupted run) has no marker: start it again
        rm -rf "$venv"
        "${PYTHON:-python3}" -m venv "$venv" >&2
        "$venv/bin/pip" install --quiet --disable-pip-version-check "feast[postgres]==$FEAST_VERSION" >&2
        touch "$venv/.complete"
    fi
    feast_bin="$venv/bin/feast"
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp -R "$source_repo/." "$work/"
cd "$work"
# the sample's feature_store.yaml reads the warehouse password from the environment; plan never connects
export FEAST_WAREHOUSE_PASSWORD="${FEAST_WAREHOUSE_PASSWORD:-unused}" FEAST_USAGE=False
"$feast_bin" plan
