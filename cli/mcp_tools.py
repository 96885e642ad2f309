"""The MCP server `lineage mcp` runs: tools `impact`, `upstream`, `downstream`, `find` and `diff`.

Each answers with the very JSON its command prints with `--format json` (the same functions make
it); what that command says on stderr beside its JSON (a cut list, an answer that may be incomplete,
SQL that did not parse) follows as a second text block. A bad argument is a tool error (`isError`),
never the end of the server. Imported only by `lineage mcp`, after the `mcp` package was found.
"""

# No `from __future__ import annotations`: the SDK reads the tools' annotations (pydantic's Field
# descriptions included) to build their input schemas, and the tools are defined inside functions.
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Optional

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp_types import CallToolResult, TextContent
from pydantic import Field

from cli import output
from cli.query import DEFAULT_LIMIT, change_of, node_kinds
from lineage.errors import ConfigError, LineageError
from lineage.store import LineageStore

INSTRUCTIONS = (
    "Column-level lineage of this warehouse's SQL, dbt, ETL code and BI files. Before renaming, dropping "
    "or retyping a column, call impact (e.g. targets=['orders.order_value'], rename='order_total_usd') to "
    "see what breaks and whom to tell; find looks names up; upstream and downstream list hops; diff "
    "compares two git revisions of the server's working directory."
)
Depth = Annotated[Optional[int], Field(description="Follow at most this many hops (1 or more); default: no limit.")]
Limit = Annotated[int, Field(description="List at most this many entries of each kind, nearest first; 0 lists everything.")]


def server(store: str) -> MCPServer:
    """The MCP server with its five tools, each opening `store` for the call (a re-scan is seen at once)."""
    # WARNING: the SDK logs each failed call at INFO on stderr, and the client is told of it already
    app = MCPServer("lineage", instructions=INSTRUCTIONS, log_level="WARNING")
    for tool in _tools(store):
        app.add_tool(tool, structured_output=False)
    return app


def _answer(json_text: str, notes: list[str]) -> CallToolResult:
    blocks = [TextContent(type="text", text=json_text)]
    if notes:
        blocks.append(TextContent(type="text", text="\n".join(notes)))
    return CallToolResult(content=blocks)


def _on_store(store: str, answer: Callable[[LineageStore], tuple[str, list[str]]], max_depth: int | None = None, limit: int = 0) -> CallToolResult:
    """Check the shared arguments, open `store` for this call only, and answer with what `answer` makes of it."""
    from graphs.stores.open import open_store

    def run() -> CallToolResult:
        _at_least(max_depth, 1, "max_depth")
        _at_least(limit, 0, "limit")
        with open_store(store, create=False, notify=output.error) as opened:
            json_text, notes = answer(opened)
        return _answer(json_text, notes)

    return _checked(run)


def _checked(call: Callable[[], CallToolResult]) -> CallToolResult:
    """A LineageError (an unknown name, a bad revision) becomes the tool's error, in the CLI's words."""
    try:
        return call()
    except LineageError as err:
        raise ToolError(str(err)) from None


def _tools(store: str) -> list[Callable[..., CallToolResult]]:
    def impact(
        targets: Annotated[list[str], Field(description="Columns (table.column), tables or globs, e.g. ['orders.order_value'].")],
        rename: Annotated[Optional[str], Field(description="The change is a rename to this name.")] = None,
        drop: Annotated[bool, Field(description="The change drops it.")] = False,
        retype: Annotated[Optional[str], Field(description="The change gives it this type.")] = None,
        max_depth: Depth = None,
        limit: Limit = DEFAULT_LIMIT,
    ) -> CallToolResult:
        """What breaks, and whom to tell, if TARGETS change: `lineage impact --format json`."""
        from lineage.api import impact_of

        def answer(opened: LineageStore) -> tuple[str, list[str]]:
            report = impact_of(opened, targets, change_of(rename, drop, retype), max_depth)
            return output.impact_json(report.limited(limit or None)), []

        return _on_store(store, answer, max_depth=max_depth, limit=limit)

    def find(
        pattern: Annotated[str, Field(description="Part of a qualified name (order_value) or a glob (app.orders.*); case-sensitive.")],
        kinds: Annotated[Optional[list[str]], Field(description="Only these kinds: table, column, dashboard, ml_feature, owner, unparsed.")] = None,
        limit: Limit = DEFAULT_LIMIT,
    ) -> CallToolResult:
        """Tables, columns, dashboards and ML features by name: `lineage find --format json`."""
        from lineage.api import find_nodes

        def answer(opened: LineageStore) -> tuple[str, list[str]]:
            found = find_nodes(opened, pattern, node_kinds(kinds or ()))
            return output.nodes_json(found[: limit or None]), _cut("names", limit, len(found))

        return _on_store(store, answer, limit=limit)

    return [impact, _paths(store, "upstream"), _paths(store, "downstream"), find, _diff()]


def _paths(store: str, direction: str) -> Callable[..., CallToolResult]:
    def tool(
        target: Annotated[str, Field(description="A column (table.column), a table or a glob.")],
        max_depth: Depth = None,
        limit: Limit = DEFAULT_LIMIT,
    ) -> CallToolResult:
        from lineage.api import paths_completeness, paths_of

        def answer(opened: LineageStore) -> tuple[str, list[str]]:
            found = paths_of(opened, target, direction, max_depth)
            completeness = paths_completeness(opened, target, found, direction, max_depth)
            notes = _cut("hops", limit, len(found)) + ([] if completeness.complete else [completeness.line()])
            return output.hops_json(found[: limit or None]), notes

        return _on_store(store, answer, max_depth=max_depth, limit=limit)

    tool.__name__ = direction
    tool.__doc__ = f"The {direction} lineage of TARGET, hop by hop: `lineage {direction} --format json`."
    return tool


def _diff() -> Callable[..., CallToolResult]:
    def diff(
        base: Annotated[str, Field(description="The revision to compare against: a branch, tag or commit.")],
        head: Annotated[str, Field(description="The revision with the changes.")] = "HEAD",
        paths: Annotated[Optional[list[str]], Field(description="SQL files or directories to compare (default: the server's working directory).")] = None,
        dialect: Annotated[Optional[str], Field(description="SQL dialect (default: sqlglot's generic dialect).")] = None,
        catalog: Annotated[Optional[str], Field(description="Catalog file, read at each revision (default: lineage.yml at the root of a compared path).")] = None,
    ) -> CallToolResult:
        """What the changes between two git revisions of the server's working directory break: `lineage diff --format json`."""
        from cli.diff import DiffRequest, diff_json, diff_report

        def run() -> CallToolResult:
            if dialect is not None:
                _known_dialect(dialect)
            report = diff_report(DiffRequest(base, head, tuple(Path(p) for p in paths or ()), dialect, Path(catalog) if catalog else None)).report
            return _answer(diff_json(report), [str(p) for p in report.problems])

        return _checked(run)

    return diff


def _known_dialect(name: str) -> None:
    from parsers.sql.dialects import unknown

    problem = unknown(name.strip().lower())
    if problem is not None:
        raise ConfigError(problem[0], hint=problem[1])


def _at_least(value: int | None, least: int, name: str) -> None:
    if value is not None and value < least:
        raise ConfigError(f"{name} must be {least} or more, not {value}")


def _cut(what: str, limit: int, total: int) -> list[str]:
    from lineage.impact import Truncation

    return [f"{Truncation(what, limit, total)}; raise --limit"] if limit and total > limit else []  # the command's words
