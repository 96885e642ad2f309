"""Everything the CLI prints: rich tables for people, JSON and Markdown for machines and PRs."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:  # rich loads when something is printed with it, not at every start-up (`--help`)
    from rich.console import Console
    from rich.table import Table

    from lineage.api import Hop, ScanSummary
    from lineage.impact import ImpactReport
    from lineage.model import ColumnEdge, Node


def _console(stream: TextIO) -> Console:
    from rich.console import Console

    if stream.isatty():
        return Console(file=stream, highlight=False, soft_wrap=True)
    # Piped output (CI logs, `| less`): wide, so tables do not fold at 80 columns, and without the
    # spaces rich pads each table line with to its width, which logs and diffs show as noise
    return Console(file=_Unpadded(stream), highlight=False, soft_wrap=True, width=200)


class _Unpadded:
    """A text stream that drops the trailing spaces of every line written through it."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._partial = ""

    def write(self, text: str) -> int:
        *lines, self._partial = (self._partial + text).split("\n")
        if lines:
            self._stream.write("".join(line.rstrip() + "\n" for line in lines))
        return len(text)

    def flush(self) -> None:
        if self._partial:
            self._stream.write(self._partial.rstrip())
            self._partial = ""
        self._stream.flush()

    def isatty(self) -> bool:
        return False

    def fileno(self) -> int:
        return self._stream.fileno()


def _stdout() -> Console:
    return _console(sys.stdout)


def _stderr() -> Console:
    return _console(sys.stderr)


def write(text: str) -> None:
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


def error(line: str) -> None:
    sys.stderr.write(line + "\n")


@contextmanager
def progress(label: str) -> Iterator[Callable[[str], None]]:
    """A live progress line on a terminal; silent when stderr is a pipe or a CI log."""
    if not sys.stderr.isatty():
        yield lambda _: None
        return
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TextColumn("{task.completed} files"), TimeElapsedColumn(), console=_stderr(), transient=True) as bar:
        task = bar.add_task(label, total=None)

        def step(path: str) -> None:
            bar.update(task, advance=1, description=f"{label} {path}")

        yield step


def summary(s: ScanSummary, cache: bool = True) -> None:
    from graphs.render.markdown import plural

    parts = [f"Scanned {plural(s.files, 'file')}, {plural(s.statements, 'statement')}" + _reuse(s, cache)]
    if s.failures:
        parts.append(f"{s.failures:,} failed (listed above)")
    if s.warnings:
        parts.append(plural(s.warnings, "warning"))
    if s.unmatched:
        parts.append(f"{plural(s.unmatched, 'catalog name')} {'matches' if s.unmatched == 1 else 'match'} nothing scanned (listed above)")
    tail = f"{plural(s.edges, 'edge')} written"
    if s.unchanged:
        # without the cache every file was extracted again: its lineage was the same, not its reading skipped
        kept = f"{plural(s.unchanged, 'unchanged file')} kept as stored" if cache else f"{plural(s.unchanged, 'file')} extracted again with the lineage already stored"
        tail += f" ({kept})"
    if s.removed_sources:
        tail += f", {plural(s.removed_sources, 'removed file')} dropped from the graph"
    line = "; ".join(parts) + "; " + tail + "."
    if sys.stderr.isatty():
        _stderr().print(line, markup=False)
    else:  # what rich writes to a pipe for this line of words and counts; loading rich was a fortieth of a re-scan
        error(line)


def _reuse(s: ScanSummary, cache: bool) -> str:
    """How many extractions the cache saved, and why the files it cannot hold were extracted again."""
    from graphs.render.markdown import plural

    if not cache or not s.reused:
        return ""
    why = f"; {plural(s.uncached, 'file')} it does not hold (ETL code, BI files, catalog queries, changed dbt projects) extracted again" if s.uncached else ""
    return f" ({plural(s.reused, 'file extraction')} reused from the cache{why})"


def impact_json(report: ImpactReport, since: tuple[int, str] | None = None) -> str:
    """`impact --format json`, and the MCP server's `impact` tool. `since`: (days, cutoff) of --since."""
    from graphs.render.markdown import impact_record

    return json.dumps(impact_record(report, since), indent=2)


def hops_json(hops: Sequence[Hop]) -> str:
    """`upstream`/`downstream --format json`, and the MCP server's tools of those names."""
    records = [
        {"depth": h.depth, "source": h.source.name, "target": h.target.name, "kind": str(h.edge.flow), "subtype": str(h.edge.subtype), "file": h.edge.file, "line": h.edge.line}
        for h in hops
    ]
    return json.dumps(records, indent=2)


def nodes_json(nodes: Sequence[Node]) -> str:
    """`find --format json`, and the MCP server's `find` tool."""
    return json.dumps([n.to_record() for n in nodes], indent=2, ensure_ascii=False)


def impact(report: ImpactReport, fmt: str, since: tuple[int, str] | None = None) -> None:
    """`since`: (days, cutoff) of --since, marking the statements no log saw run since the cutoff."""
    from graphs.render.markdown import impact_markdown

    if fmt == "json":
        write(impact_json(report, since))
    elif fmt == "markdown":
        write(impact_markdown(report, since))
    else:
        _impact_tables(report, since)


def _readers_tables(report: ImpactReport, since: tuple[int, str] | None) -> None:
    from graphs.render.markdown import reader_rows, since_rows

    out = _stdout()
    if report.readers:
        _print_table(out, "Readers outside the repository (query logs)", ["user", "reads", "runs", "last seen", "owner", "via"], reader_rows(report))
    if since is not None:
        title, rows = since_rows(report, since)
        out.print(_table(title, ["where", "last run"], rows) if rows else title, markup=False)


def _impact_tables(report: ImpactReport, since: tuple[int, str] | None = None) -> None:
    from graphs.render.markdown import counts, mention, truncation_lines

    out = _stdout()
    names = ", ".join(t.name for t in report.targets)
    out.print(f"[bold]Impact of {report.change.describe()} on {names}[/bold]")
    if not report.impacted:
        out.print("Nothing downstream reads it.")
        out.print(report.completeness.line(), markup=False)
        return
    out.print(f"{counts(report)} affected.")
    out.print(report.completeness.line() + "\n", markup=False)
    consumers = [("dashboard", r) for r in report.dashboards] + [("ML feature", r) for r in report.features]
    if consumers:
        _print_table(out, "Dashboards and ML features", ["kind", "name", "owner", "distance"], [[k, r.node.name, r.node.attr("owner") or "no owner", str(r.distance)] for k, r in consumers])
    _readers_tables(report, since)
    if report.owners:
        rows = [[mention(o), ", ".join(o.assets)] for o in report.owners]
        _print_table(out, "Owners to notify", ["owner", "why (what they own that is affected)"], rows)
    if report.statements:
        rows = [[f"{s.file}:{s.line}", "breaks" if s.breaks else "input changes", ", ".join(s.reads)] for s in report.statements]
        _print_table(out, "Statements", ["where", "effect", "reads"], rows)
    _print_table(out, "Tables", ["table", "distance", "tier", "owner"], [[r.node.name, str(r.distance), r.node.attr("tier") or "", r.node.attr("owner") or ""] for r in report.tables])
    _print_table(out, "Columns", ["column", "distance", "via"], [[r.node.name, str(r.distance), r.via] for r in report.columns])
    for line in truncation_lines(report):
        out.print(line, markup=False)


# what rich rewrites in a cell: markup (`[bold]`) and emoji codes (`:smile:`)
_RICH_SYNTAX = re.compile(r"\[|:\S*?:")


def _print_table(out: Console, title: str, headers: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    """`_table` printed to `out`. Piped, and when no cell needs rich (markup, emoji codes, text
    folded to fit the width), the same text is drawn here: rich takes ~0.3 ms a row, a third of
    a second for an impact of a thousand columns."""
    text = None if out.is_terminal or out.color_system else plain_table(title, headers, rows, out.width)
    if text is None:
        out.print(_table(title, headers, rows))
    else:
        out.file.write(text)


def plain_table(title: str, headers: Sequence[str], rows: Sequence[Sequence[str]], width: int) -> str | None:
    """The text rich prints (uncoloured, lines without trailing spaces) for `_table(title, headers,
    rows)` on a console `width` wide; None when rich would change a cell or fold a line."""
    from rich.cells import cell_len

    lines = [headers, *rows]
    if any(not cell.isprintable() or _RICH_SYNTAX.search(cell) for line in lines for cell in line) or not title.isprintable() or _RICH_SYNTAX.search(title):
        return None
    widths = [max(cell_len(line[i]) for line in lines) for i in range(len(headers))]
    if sum(widths) + 3 * (len(widths) - 1) > width or cell_len(title) > width:
        return None

    def drawn(cells: Sequence[str], between: str) -> str:
        return between.join(cell + " " * (w - cell_len(cell)) for cell, w in zip(cells, widths)).rstrip() + "\n"

    rule = "╇".join("━" * (w + (i > 0) + (i < len(widths) - 1)) for i, w in enumerate(widths)) + "\n"
    return (f"{title}\n" if title else "") + drawn(headers, " ┃ ") + rule + "".join(drawn(row, " │ ") for row in rows)


def _table(title: str, headers: Sequence[str], rows: Sequence[Sequence[str]]) -> Table:
    from rich.table import Table

    table = Table(title=title, title_justify="left", title_style="bold", show_edge=False, pad_edge=False)
    for header in headers:
        table.add_column(header, overflow="fold")
    for row in rows:
        table.add_row(*row, style=None)
    return table


def paths(hops: Sequence[Hop], fmt: str, target: str = "", direction: str = "") -> None:
    if fmt == "json":
        write(hops_json(hops))
        return
    if not hops:
        write(f"Nothing {direction} of {target}.")
        return
    rows = [[str(h.depth), h.source.name, h.target.name, f"{h.edge.flow}/{h.edge.subtype}", f"{h.edge.file}:{h.edge.line}"] for h in hops]
    _print_table(_stdout(), "", ["depth", "from", "to", "how", "where"], rows)


def nodes(found: Sequence[Node], fmt: str, pattern: str) -> None:
    if fmt == "json":
        write(nodes_json(found))
        return
    if not found:
        write(f"Nothing matches {pattern}.")
        return
    from rich.markup import escape

    # names come from SQL: `[x]` in one must print as text, not as rich markup
    rows = [[str(n.kind), escape(n.name), escape(n.attr("type") or n.attr("owner") or "")] for n in found]
    _print_table(_stdout(), "", ["kind", "name", "type or owner"], rows)


def edges(found: Sequence[ColumnEdge]) -> None:
    rows = [[f"{e.source_table or '?'}.{e.source_column}", f"{e.target_table}.{e.target_column or '*'}" if e.target_column else f"{e.target_table} (table)", f"{e.flow}/{e.subtype}", str(e.at)] for e in found]
    _print_table(_stdout(), "", ["source", "target", "how", "where"], rows)
