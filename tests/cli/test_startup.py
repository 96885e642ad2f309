"""Start-up stays light: `lineage --help` and a usage error load none of the layers below the CLI (issue 7),
and `lineage impact` loads its own command and the modules its answer needs, nothing else (issue 18).

Each case runs in a fresh interpreter and asserts exactly which project modules and heavy
dependencies it loaded; no timing, so the test cannot flake on a busy machine.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from graphs.stores.sqlite import SqliteStore
from lineage.model import Edge, Flow, GraphFacts, Relation, Subtype

# The project's own packages, and the dependencies a command loads only when it runs.
WATCHED = ("cli", "lineage", "parsers", "graphs", "sqlglot", "networkx", "neo4j", "graphviz", "rich", "yaml", "jinja2", "openlineage", "mcp", "requests")
CLI_ONLY = ["cli", "cli.common", "cli.main", "cli.output", "lineage", "lineage.errors"]
# `lineage --help` lists every command, so it imports every command's module
EVERY_COMMAND = sorted([*CLI_ONLY, "cli.diagram", "cli.diff", "cli.export", "cli.extract", "cli.logs", "cli.mcp_server", "cli.push", "cli.query", "cli.scan", "cli.scorecard", "cli.stats", "lineage.severity"])
IMPACT_CLI = sorted([*CLI_ONLY, "cli.diagram", "cli.query"])
# an answer from the SQLite store: no catalog, graph builder, JSON store, rich, networkx or sqlglot
IMPACT_RUN = sorted([
    *IMPACT_CLI,
    *("graphs", "graphs.render", "graphs.render.markdown", "graphs.stores", "graphs.stores.lock", "graphs.stores.open"),
    *("graphs.stores.sqlite", "graphs.stores.sqlite_reads", "graphs.stores.sqlite_schema"),
    *("lineage.api", "lineage.collector", "lineage.completeness", "lineage.impact", "lineage.model", "lineage.names", "lineage.observed", "lineage.store"),
])

# Runs `lineage ARGS...` in this interpreter, then reports the exit code and the watched modules loaded.
RUN = """
import json, sys
from cli.main import main
sys.argv = ["lineage", *sys.argv[1:]]
try:
    main()
except SystemExit as done:
    code = done.code
print(json.dumps({{"code": code, "loaded": sorted(m for m in sys.modules if m.partition(".")[0] in {watched!r})}}), file=sys.stderr)
""".format(watched=WATCHED)


def _start(args: list[str]) -> tuple[int, list[str], list[str]]:
    """Exit code, watched modules loaded, and the lines the command wrote to stderr."""
    done = subprocess.run([sys.executable, "-c", RUN, *args], capture_output=True, text=True, check=True)
    *lines, report = done.stderr.splitlines()
    result = json.loads(report)
    return result["code"], result["loaded"], lines


def test_importing_the_cli_loads_no_layer_below_it() -> None:
    code = f"import json, sys, cli.main; print(json.dumps(sorted(m for m in sys.modules if m.partition('.')[0] in {WATCHED!r})))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(done.stdout) == CLI_ONLY


def test_help_loads_no_layer_below_the_cli() -> None:
    assert _start(["--help"])[:2] == (0, EVERY_COMMAND)
    assert _start(["impact", "--help"])[:2] == (0, IMPACT_CLI)
    assert _start(["scan", "--help"])[:2] == (0, sorted([*CLI_ONLY, "cli.scan"]))
    assert _start(["--debug", "diff", "--help"])[:2] == (0, sorted([*CLI_ONLY, "cli.diff", "lineage.severity"]))
    # the interfaces' optional packages (openlineage, mcp) load only when their command runs
    assert _start(["export", "--help"])[:2] == (0, sorted([*CLI_ONLY, "cli.export"]))
    assert _start(["mcp", "--help"])[:2] == (0, sorted([*CLI_ONLY, "cli.mcp_server"]))
    assert _start(["find", "--help"])[:2] == (0, IMPACT_CLI)


def test_an_unknown_command_is_told_among_every_command() -> None:
    code, loaded, lines = _start(["impcat", "orders.x"])
    assert (code, loaded) == (2, EVERY_COMMAND)
    assert lines[-1] == "Error: No such command 'impcat'. Did you mean 'impact'?"


def test_impact_on_the_sqlite_store_loads_only_what_its_answer_needs(tmp_path: Path) -> None:
    store = tmp_path / ".lineage"
    opened = SqliteStore(store)
    try:
        opened.replace_file(GraphFacts("m.sql", (), (Edge("column:app.a.x", "column:mart.t.y", Relation.FEEDS, Flow.DIRECT, Subtype.IDENTITY, "m.sql", 1),)))
    finally:
        opened.close()
    code, loaded, _ = _start(["impact", "app.a.x", "--store", str(store), "--format", "json"])
    assert (code, loaded) == (0, IMPACT_RUN)


def test_a_usage_error_is_one_line_without_rich_or_a_traceback() -> None:
    code, loaded, lines = _start(["impact", "orders.x", "--format", "xml"])
    assert (code, loaded) == (2, IMPACT_CLI)
    assert lines[-1] == "Error: Invalid value for '--format' / '-f': 'xml' is not one of 'table', 'json', 'markdown'."
    assert not any("Traceback" in line for line in lines)
