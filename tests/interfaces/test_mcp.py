"""`lineage mcp`: a real MCP client session (the SDK's stdio client spawning `lineage mcp`) lists the
tools and calls each against the sample store; every answer is the CLI's `--format json` output,
byte for byte, and a bad argument is a tool error after which the server still answers."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import anyio
import pytest
from typer.testing import CliRunner

from cli.main import app
from tests.cli.test_diff import rename_order_value, story_repo

LINEAGE = Path(sys.executable).with_name("lineage")  # the installed command, as an editor would start it
runner = CliRunner()


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    """The order_value story committed as `main`, scanned into a store, then the rename committed on top."""
    repo = story_repo(tmp_path_factory.mktemp("mcp") / "shop")
    store = repo.root.parent / "store"
    done = subprocess.run([str(LINEAGE), "scan", "sample_sql", "--store", str(store)], cwd=repo.root, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    rename_order_value(repo)
    yield repo.root, store


def session(shop: tuple[Path, Path], calls: list[tuple[str, dict[str, object]]]) -> tuple[list[str], list[tuple[bool, list[str]]]]:
    """The tools the server lists, and (is_error, text blocks) for each call, in one stdio session."""
    from mcp import Client
    from mcp.client.stdio import StdioServerParameters

    root, store = shop
    params = StdioServerParameters(command=str(LINEAGE), args=["mcp", "--store", str(store)], cwd=root)

    async def talk() -> tuple[list[str], list[tuple[bool, list[str]]]]:
        with anyio.fail_after(120):
            async with Client(params) as client:
                names = [t.name for t in (await client.list_tools()).tools]
                answers = []
                for name, arguments in calls:
                    result = await client.call_tool(name, arguments)
                    answers.append((result.is_error, [block.text for block in result.content]))  # type: ignore[union-attr]
                return names, answers

    return anyio.run(talk)


def cli(shop: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[str, list[str]]:
    """The CLI's standard output, and its stderr lines, run where the server runs."""
    root, store = shop
    monkeypatch.chdir(root)
    store_args = [] if args[0] == "diff" else ["--store", str(store)]
    result = runner.invoke(app, [*args, "--format", "json", *store_args])
    assert result.exit_code in (0, 1), result.stderr
    return result.stdout, result.stderr.splitlines()


def test_every_tool_answers_with_the_json_of_its_command(shop: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[str, dict[str, object], list[str]]] = [
        ("impact", {"targets": ["orders.order_value"], "rename": "order_total_usd"}, ["impact", "orders.order_value", "--rename", "order_total_usd"]),
        ("upstream", {"target": "mart.daily_revenue.revenue_usd"}, ["upstream", "mart.daily_revenue.revenue_usd"]),
        ("downstream", {"target": "app.orders.order_value", "limit": 2}, ["downstream", "app.orders.order_value", "--limit", "2"]),
        ("downstream", {"target": "app.orders.order_value", "max_depth": 1}, ["downstream", "app.orders.order_value", "--max-depth", "1"]),
        ("find", {"pattern": "order_value", "kinds": ["column", "table"]}, ["find", "order_value", "--kind", "column", "--kind", "table"]),
        ("diff", {"base": "main~1", "paths": ["sample_sql"]}, ["diff", "--base", "main~1", "sample_sql"]),
    ]
    names, answers = session(shop, [(name, arguments) for name, arguments, _ in calls])
    assert names == ["impact", "upstream", "downstream", "find", "diff"]  # in that order, once each
    for (name, _, args), (is_error, blocks) in zip(calls, answers, strict=True):
        stdout, stderr = cli(shop, monkeypatch, *args)
        # the JSON exactly as printed; what the command says on stderr beside it, as a second block
        assert (is_error, blocks) == (False, [stdout.removesuffix("\n"), *(["\n".join(stderr)] if stderr else [])]), name
    impact = json.loads(answers[0][1][0])
    assert (impact["targets"], impact["change"], impact["impacted"]) == (["app.orders.order_value"], "rename to order_total_usd", True)
    assert [blocks[1:] for _, blocks in answers[2:4]] == [["truncated: 2 of 19 hops shown; raise --limit"], ["May be incomplete: stopped at --max-depth 1 with more downstream."]]


def test_bad_arguments_are_tool_errors_and_the_server_answers_on(shop: tuple[Path, Path]) -> None:
    _, answers = session(
        shop,
        [
            ("impact", {"targets": ["orders.order_valu"], "rename": "x"}),
            ("upstream", {"target": "mart.daily_revenue.revenue_usd", "max_depth": "two"}),
            ("downstream", {"target": "app.orders.order_value", "max_depth": 0}),
            ("find", {"pattern": "order", "kinds": ["tabel"]}),
            ("impact", {"targets": ["orders.order_value"], "rename": "a", "drop": True}),
            ("diff", {"base": "no-such-branch"}),
            ("impact", {}),
            ("find", {"pattern": "fraud_features", "kinds": ["table"]}),
        ],
    )
    errors = [(is_error, blocks[0].partition("\n")[0]) for is_error, blocks in answers[:-1]]
    assert errors == [
        (True, "Error executing tool impact: unknown table or column 'orders.order_valu'; did you mean 'app.orders.order_value'?"),
        (True, "Error executing tool upstream: 1 validation error for upstreamArguments"),
        (True, "Error executing tool downstream: max_depth must be 1 or more, not 0"),
        (True, "Error executing tool find: unknown kind 'tabel'; use one of column, dashboard, ml_feature, owner, query, table, unparsed"),
        (True, "Error executing tool impact: give at most one of --rename, --drop, --retype (got --rename and --drop)"),
        (True, "Error executing tool diff: unknown git revision 'no-such-branch'; check the name, or fetch it first (actions/checkout with fetch-depth: 0)"),
        (True, "Error executing tool impact: 1 validation error for impactArguments"),
    ]
    assert answers[-1] == (False, [json.dumps([{"id": "table:mart.fraud_features", "kind": "table", "name": "mart.fraud_features", "attrs": {"defined_at": "sample_sql/ml/fraud_features.sql:10", "description": "Order-level features for the checkout fraud model", "kind": "table", "owner": "fraud-ml", "tier": "mart"}}], indent=2)])


def test_without_the_mcp_package_the_command_says_how_to_install_it() -> None:
    # `None` in sys.modules makes `import mcp` fail as it does where the package is not installed
    code = "import sys; sys.modules['mcp'] = None; from cli.main import main; sys.argv = ['lineage', 'mcp']; main()"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, stdin=subprocess.DEVNULL)
    assert (done.returncode, done.stdout, done.stderr) == (2, "", "lineage mcp needs the MCP SDK, which is not installed; pip install 'lineage[mcp]'\n")
