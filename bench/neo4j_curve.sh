#!/usr/bin/env bash
# Neo4j's cost curve (issue 18), run by hand: for each size, `bench.neo4j_load` loads the synthetic graph
# (kept in the server) and measures 100 in-process impacts, then 5 random columns are asked of a fresh
# `lineage impact --format json` process under /usr/bin/time (wall, CPU, peak RSS).
#
#   bash bench/neo4j_curve.sh 10000 100000 1000000
#
# Starts this checkout's Neo4j (6 GiB heap, 2 GiB page cache, as `make bench-neo4j`) and stops it after.
# Writes bench/results/neo4j-<size>.json and bench/results/neo4j-curve-fresh-impact.txt.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
NEO4J_HEAP=6g NEO4J_PAGECACHE=2g bash scripts/neo4j.sh start
trap 'bash scripts/neo4j.sh stop' EXIT
set -a; . .neo4j/env; set +a
out=bench/results/neo4j-curve-fresh-impact.txt
: > "$out"
for n in "$@"; do
    .venv/bin/python -m bench.neo4j_load --edges "$n" --wipe --keep --tx-edges 200000 --out "bench/results/neo4j-$n.json"
    targets=$(.venv/bin/python - <<'PY'
import os, random
from neo4j import GraphDatabase
with GraphDatabase.driver(os.environ["NEO4J_URI"], auth=(os.environ["NEO4J_USER"], os.environ["NEO4J_PASSWORD"])) as driver:
    rows = driver.execute_query("MATCH (n:Lineage:Column) RETURN n.name AS name").records
random.seed(18)
print(" ".join(r["name"] for r in random.sample(rows, 5)))
PY
)
    for t in $targets; do
        /usr/bin/time -a -o "$out" -f "$n $t wall=%e cpu=%U+%S rss=%MKB" .venv/bin/lineage impact "$t" --format json --store "$NEO4J_URI" > /dev/null
    done
done
