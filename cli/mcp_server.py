"""`lineage mcp`: the store, read-only, over the Model Context Protocol (stdio), for coding agents and editors.

The server and its tools are in `cli/mcp_tools.py`, imported only when the command runs: the `mcp`
package is an optional extra, and `lineage --help` loads none of it.

Register with `app.command("mcp")(mcp_command)`.
"""

from __future__ import annotations

import typer

from cli.common import StoreOpt, errors, store_spec
from lineage.errors import ConfigError

INSTALL = "pip install 'lineage[mcp]'"


def mcp_command(ctx: typer.Context, store: StoreOpt = None) -> None:
    """Serve the store to coding agents and editors over the Model Context Protocol (stdio), read-only.

    Tools: impact, upstream, downstream, find, diff; each answers with the JSON of the command of
    that name with --format json. Needs the mcp extra (pip install 'lineage[mcp]').

    \b
    Example (an MCP client's server entry):
      {"command": "lineage", "args": ["mcp", "--store", "/path/to/.lineage"]}
    """
    with errors(ctx):
        try:
            import mcp.server.mcpserver  # noqa: F401
        except ImportError:
            raise ConfigError("lineage mcp needs the MCP SDK, which is not installed", hint=INSTALL) from None
        from cli.mcp_tools import server

        server(store_spec(store)).run("stdio")
