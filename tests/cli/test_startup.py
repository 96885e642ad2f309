"""Start-up stays light: `lineage --help` and a usage error load none of the layers below the CLI (issue 7).

Each case runs in a fresh interpreter and asserts exactly which project modules and heavy
dependencies it loaded; no timing, so the test cannot flake on a busy machine.
"""

from __future__ import annotations

import json
import subprocess
import sys

# The project's own packages, and the dependencies a command loads only when it runs.
WATCHED = ("cli", "lineage", "parsers", "graphs", "sqlglot", "networkx", "neo4j", "graphviz", "rich", "yaml", "jinja2", "openlineage", "mcp", "requests")
CLI_ONLY = ["cli", "cli.common", "cli.diagram", "cli.diff", "cli.export", "cli.extract", "cli.logs", "cli.main", "cli.mcp_server", "cli.output", "cli.push", "cli.query", "cli.scan", "cli.scorecard", "cli.stats", "lineage", "lineage.errors", "lineage.severity"]

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
    for args in (["--help"], ["impact", "--help"], ["scan", "--help"], ["diff", "--help"], ["export", "--help"], ["mcp", "--help"], ["find", "--help"]):
        assert _start(args)[:2] == (0, CLI_ONLY), args


def test_a_usage_error_is_one_line_without_rich_or_a_traceback() -> None:
    code, loaded, lines = _start(["impact", "orders.x", "--format", "xml"])
    assert (code, loaded) == (2, CLI_ONLY)
    assert lines[-1] == "Error: Invalid value for '--format' / '-f': 'xml' is not one of 'table', 'json', 'markdown'."
    assert not any("Traceback" in line for line in lines)
