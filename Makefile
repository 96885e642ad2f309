# One entry point per job; every target installs what it needs, so a fresh clone works.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
BENCH_STAMP := $(VENV)/.bench-installed

.PHONY: install demo test test-fast browser bench-page fuzz redteam bench-neo4j bench-scale bench-diff bench-scorecard bench-embedded bench-embedded-sqlite bench-rescan bench-dbt bench-logs neo4j-start neo4j-stop bench bench-quick diagram-story clean

# pip's and setuptools' chatter (the editable-install banner) goes to a log, shown only if pip fails.
PIP_LOG := $(VENV)/pip.log
PIP     := quiet() { "$$@" >>$(PIP_LOG) 2>&1 || { status=$$?; cat $(PIP_LOG) >&2; exit $$status; }; }; quiet $(BIN)/pip install --quiet

$(STAMP): pyproject.toml
	@$(PYTHON) -m venv $(VENV)
	@: >$(PIP_LOG); $(PIP) --upgrade pip; $(PIP) -e '.[fast,test]'
	@touch $(STAMP)

install: $(STAMP)
	bash scripts/install-graphviz.sh

# The peers `bench.run` measures (the `bench` extra: sqllineage, openlineage-sql), in the same venv:
# they depend on no sqlglot, so ours stays as pinned.
$(BENCH_STAMP): $(STAMP)
	@$(PIP) -e '.[fast,test,bench]'
	@touch $(BENCH_STAMP)

# The main job on the sample warehouse: scan it into the embedded store and ask what a rename breaks.
demo: install
	$(BIN)/lineage scan sample_sql --store .lineage
	$(BIN)/lineage logs sample_sql/query_logs/snowflake_query_history.csv --format snowflake --catalog sample_sql/lineage.yml --store .lineage
	$(BIN)/lineage impact orders.order_value --rename order_total_usd --store .lineage

# The whole suite, with a real Neo4j started (and stopped) around it.
# The red-team tests drive strace (neo4j.sh's launches), setpriv and prlimit (util-linux).
test: install browser
	bash scripts/install-debian.sh strace:strace setpriv:util-linux prlimit:util-linux
	bash scripts/run-tests.sh

test-fast: install browser
	$(BIN)/python -m pytest

# Debian's Chromium and its WebDriver, for the interactive page's tests (tests/page, through selenium)
# and bench-page; those tests fail, never skip, without them. Screenshots go to tests/artifacts/.
browser:
	bash scripts/install-debian.sh chromium:chromium chromedriver:chromium-driver

# The interactive page at 2,000 generated columns in headless Chromium: load time to the page's
# ready flag and click-to-trace time (~20 s), into bench/results/page.json, then BENCHMARKS.md rendered again.
bench-page: install browser
	$(BIN)/python -m bench.page
	$(BIN)/python -m bench.document

# Property tests with many more examples than CI runs.
fuzz: install
	HYPOTHESIS_PROFILE=fuzz $(BIN)/python -m pytest tests/parsers/test_properties.py

# Every hostile input of tests/redteam, each run by the real program under CPU and memory limits, then
# its figures (wall, CPU, peak memory per attack) written into RELIABILITY.md.
redteam: install
	bash scripts/install-debian.sh strace:strace setpriv:util-linux prlimit:util-linux
	rm -f bench/results/redteam.jsonl
	REDTEAM_RECORD=$(CURDIR)/bench/results/redteam.jsonl $(BIN)/python -m pytest tests/redteam -q
	$(BIN)/python -m tests.redteam.figures bench/results/redteam.jsonl RELIABILITY.md

# A generated 1,000-model dbt project (no manifest): first scan, re-scan unchanged, re-scan after one
# model changed, by the real CLI; figures into bench/results/dbt_rescan.json (BENCHMARKS.md quotes them).
bench-dbt: install
	$(BIN)/python -m bench.dbt_rescan --models 1000

# `lineage logs` on generated Snowflake query histories of 100k and 1M rows (20,000 distinct queries),
# and 100k rows through --engine spark at local[1] and local[2] (Java 17), into bench/results/logs.json, then
# BENCHMARKS.md rendered again (~4 minutes).
bench-logs: install
	$(BIN)/python -m bench.logs --rows 100000 1000000 --fingerprints 20000 --spark 100000
	$(BIN)/python -m bench.document

neo4j-start:
	bash scripts/neo4j.sh start

neo4j-stop:
	bash scripts/neo4j.sh stop

# Ours, sqlglot's lineage and the peers on TPC-H, TPC-DS and 1,000 generated models, best of 3 (~5 minutes on a quiet 2-CPU host,
# most of it sqllineage); rewrites BENCHMARKS.md.
bench: install $(BENCH_STAMP)
	$(BIN)/python -m bench.run

# Neo4j load and impact latency at ~1,000,000 column edges, both stores in one run (needs a big heap).
bench-neo4j: install
	NEO4J_HEAP=6g NEO4J_PAGECACHE=2g bash scripts/neo4j.sh start
	$(BIN)/python -m bench.neo4j_load --wipe --tx-edges 200000; status=$$?; bash scripts/neo4j.sh stop; exit $$status

# Full scans of 1,000 and 10,000 generated models, with 1 and 2 processes, and a one-file re-scan.
bench-scale: install
	$(BIN)/python -m bench.scale

# `lineage diff` on a 1,500-view chain with 750 renames, committed to a fresh git repository (best of 3,
# ~1 minute); the figure goes into BENCHMARKS.md with the others' saved results.
bench-diff: install
	$(BIN)/python -m bench.diff_chain
	$(BIN)/python -m bench.document

# `lineage scorecard` on 1,000 generated products over 500 commits: the first run (every commit compared
# with its parent, ~10 minutes on 2 CPUs) and the re-run from the per-commit cache; into BENCHMARKS.md.
bench-scorecard: install
	$(BIN)/python -m bench.scorecard --products 1000 --commits 500
	$(BIN)/python -m bench.document

# Both embedded stores (SQLite, JSON) at 10k, 100k and 1M edges: fresh-process impact, query latency,
# disk, and scans of 10,000 models (~15 minutes), into bench/results/embedded.json.
bench-embedded: install
	$(BIN)/python -m bench.embedded

# The SQLite store alone (~5 minutes at a quiet host): bench/results/embedded-sqlite.json, then BENCHMARKS.md rendered again.
bench-embedded-sqlite: install
	$(BIN)/python -m bench.embedded --stores sqlite --out bench/results/embedded-sqlite.json
	$(BIN)/python -m bench.document

# The warehouse's scans alone (~2 minutes at a quiet host): a full scan, a one-file re-scan and an impact of
# 10,000 models on the SQLite store, into bench/results/rescan.json, then BENCHMARKS.md rendered again.
bench-rescan: install
	$(BIN)/python -m bench.embedded --stores sqlite --warehouse-only --out bench/results/rescan.json
	$(BIN)/python -m bench.document

# Best of 1, sqllineage and per-column lineage() on every 10th model (~1 minute), into bench/results/quick.json;
# BENCHMARKS.md and latest.json left alone.
bench-quick: install $(BENCH_STAMP)
	$(BIN)/python -m bench.run --quick

# Regenerates docs/story.svg (shown in the README): the impact of the order_value rename, as a picture.
diagram-story: install
	$(BIN)/lineage scan sample_sql --store .lineage
	$(BIN)/lineage logs sample_sql/query_logs/snowflake_query_history.csv --format snowflake --catalog sample_sql/lineage.yml --store .lineage
	$(BIN)/lineage impact orders.order_value --rename order_total_usd --store .lineage --diagram docs/story.svg > /dev/null

clean:
	rm -rf $(VENV) .lineage .pytest_cache
