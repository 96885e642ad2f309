"""`lineage export`: the graph as a file for other tools (GraphML, GEXF, node-link JSON) or as
OpenLineage events, written to a file or posted to an OpenLineage server.

Register with `app.command("export")(export)`.
"""

from __future__ import annotations

import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from cli import output
from cli.common import StoreOpt, errors, store_spec
from lineage.errors import ConfigError, LineageError

if TYPE_CHECKING:
    from graphs.render.openlineage import Export

API_KEY_ENV = "OPENLINEAGE_API_KEY"


class Exported(StrEnum):
    GRAPHML = "graphml"
    GEXF = "gexf"
    NODE_LINK = "node-link"
    OPENLINEAGE = "openlineage"


def export(
    ctx: typer.Context,
    target: Annotated[Optional[str], typer.Argument(help="Export only what is upstream and downstream of this column, table or glob (default: the whole graph).", show_default=False)] = None,
    fmt: Annotated[Exported, typer.Option("--format", "-f", help="graphml (yEd), gexf (Gephi), node-link (JSON, notebooks) or openlineage (static lineage events, one JSON per line).", show_default=False)] = Exported.GRAPHML,
    out: Annotated[Optional[Path], typer.Option("--output", "-o", help="File to write (default: standard output).", show_default=False)] = None,
    url: Annotated[Optional[str], typer.Option("--url", help=f"openlineage: post the events to this OpenLineage server (its /api/v1/lineage), e.g. Marquez's http://localhost:5000. [env: {API_KEY_ENV}, sent as a bearer token]", show_default=False)] = None,
    namespace: Annotated[Optional[str], typer.Option("--namespace", help="openlineage: the namespace of the jobs and datasets. [default: the catalog's namespace:, else 'default']", show_default=False)] = None,
    store: StoreOpt = None,
) -> None:
    """Write the lineage graph, or TARGET's neighbourhood, as GraphML, GEXF, node-link JSON or OpenLineage events.

    \b
    Examples:
      lineage export --format gexf -o lineage.gexf
      lineage export orders.order_value --format node-link
      lineage export --format openlineage -o events.jsonl
      lineage export --format openlineage --url http://localhost:5000 --namespace postgres://db:5432
    """
    with errors(ctx):
        if fmt is not Exported.OPENLINEAGE and (url or namespace):
            raise ConfigError("--url and --namespace are for --format openlineage")
        if url and out:
            raise ConfigError("give either --output or --url, not both")
        if fmt is Exported.OPENLINEAGE:
            _openlineage(target, out, url, namespace, store)
            return
        from graphs.render.export import ExportFormat
        from graphs.render.export import export as write
        from graphs.stores.open import open_store
        from lineage.stats import graph_of, neighbourhood

        with open_store(store_spec(store), create=False) as opened:
            nodes, edges = graph_of(opened) if target is None else neighbourhood(opened, target)
        _write(write(nodes, edges, ExportFormat(fmt.value)), out)
        if out is not None:
            output.error(f"Wrote {out}: {len(nodes):,} nodes, {len(edges):,} edges ({fmt.value}).")


def _openlineage(target: str | None, out: Path | None, url: str | None, namespace: str | None, store: str | None) -> None:
    import json
    from datetime import UTC, datetime
    from importlib.metadata import version

    from graphs.render.openlineage import EventOptions
    from graphs.stores.open import open_store
    from lineage.api import openlineage_of

    when = datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    options = EventOptions(namespace or "", when, f"urn:lineage:{version('lineage')}")
    with open_store(store_spec(store), create=False) as opened:
        found = openlineage_of(opened, target, options)
    if url:
        from graphs.publish.openlineage import Endpoint, post_events
        from graphs.publish.http_call import HttpLimits

        posted = post_events(found.events, Endpoint(url, os.environ.get(API_KEY_ENV, ""), HttpLimits.from_env(os.environ).seconds))
        output.error(f"Posted {posted:,} events to {url}: {_counts(found)}.")
    else:
        _write("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in found.events).encode("utf-8"), out)
        output.error(f"Wrote {out or 'standard output'}: {_counts(found)}.")
    for line in _gaps(found):
        output.error(line)


def _counts(found: Export) -> str:
    from graphs.render.markdown import plural

    return f"{plural(found.datasets, 'dataset event')}, {plural(found.jobs, 'job event')} (OpenLineage static lineage)"


def _gaps(found: Export) -> list[str]:
    """What the events do not say: every gap counted, none dropped silently."""
    from graphs.render.markdown import plural

    lines = []
    if found.without_sql:
        lines.append(f"No sql facet on {found.without_sql:,} of {plural(found.jobs, 'job')}: their text is not one statement of a .sql file readable from here (ETL code, BI files, catalog entries listing columns, or a file changed since the scan).")
    if found.left_out:
        left = len(found.left_out)
        sources = ", ".join(sorted({e.source for e in found.left_out})[:5])
        lines.append(f"{plural(left, 'edge')} {'is' if left == 1 else 'are'} left out: their source column belongs to no table the SQL names ({sources}{', ...' if len({e.source for e in found.left_out}) > 5 else ''}).")
    if found.unparsed:
        lines.append(f"{plural(found.unparsed, 'place')} did not parse (see `lineage scan`): their lineage is missing from the events.")
    return lines


def _write(data: bytes, out: Path | None) -> None:
    if out is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    try:
        out.write_bytes(data)
    except OSError as err:
        raise LineageError(f"{out}: cannot write: {err.strerror or err}") from None
