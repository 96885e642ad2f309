"""`lineage diff` and `lineage comment`: what a change set breaks before it is deployed, and the PR comment that says so.

Register with `app.command("diff")(diff)` and `app.command("comment")(comment)`; shared options and
error handling come from `cli.common`.
Exit codes: 0 fine, 1 bad input (or a report left incomplete by SQL that does not parse),
2 bad usage, 3 `--fail-on` tripped.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from cli import output
from lineage.errors import ConfigError
from lineage.severity import FailOn

if TYPE_CHECKING:  # the diff, renderers and GitHub client load when a command runs, not at start-up
    from lineage.catalog import OwnerRule
    from lineage.store import LineageStore
    from graphs.render.comment import CommentOptions
    from graphs.publish.github import GitHubTarget
    from lineage.diff import DiffReport
    from lineage.observed import Observations
    from lineage.revision import Revision
    from lineage.scorecard import ChangeScore
    from parsers.git import RevisionOptions

EXIT_GATE = 3


class DiffFormat(StrEnum):
    TABLE = "table"
    JSON = "json"
    MARKDOWN = "markdown"


# cli/main.py's --dialect, repeated so that importing this module never imports cli.main
DialectOpt = Annotated[Optional[str], typer.Option("--dialect", "-d", help="SQL dialect (postgres, snowflake, bigquery, redshift, spark, databricks, duckdb, mysql, tsql, ...). Default: sqlglot's generic dialect.")]
PathsArg = Annotated[Optional[list[Path]], typer.Argument(help="SQL files or directories to compare (default: the current directory).", show_default=False)]
BaseOpt = Annotated[str, typer.Option("--base", help="The revision to compare against: a branch, tag or commit (in CI: the pull request's base).", show_default=False)]
HeadOpt = Annotated[str, typer.Option("--head", help="The revision with the changes.")]
CatalogOpt = Annotated[Optional[Path], typer.Option("--catalog", help="Catalog file, read at each revision (default: lineage.yml at the root of a compared path).")]
FailOnOpt = Annotated[
    Optional[list[FailOn]],
    typer.Option("--fail-on", help="Exit 3 on a change this severe or worse, or (incomplete) when the report may be incomplete; repeat to combine (for CI). Agreed migrations of core tables never fail.", show_default=False),
]
LogsOpt = Annotated[Optional[list[Path]], typer.Option("--logs", help="A query log export (lineage logs) whose readers outside the repository join the report; repeat for more.", show_default=False)]
LogFormatOpt = Annotated[str, typer.Option("--log-format", help="The --logs files' layout: snowflake, bigquery, postgres or redshift.")]
RepoOpt = Annotated[Optional[str], typer.Option("--repo", help="OWNER/NAME on GitHub: file:line become links. [env: GITHUB_REPOSITORY]", show_default=False)]


@dataclass(frozen=True, slots=True)
class DiffRequest:
    base: str
    head: str
    paths: tuple[Path, ...]
    dialect: str | None = None
    catalog: Path | None = None
    logs: tuple[Path, ...] = ()  # query logs read into the base graph: readers outside the repository
    log_format: str = "snowflake"


def diff(
    ctx: typer.Context,
    base: BaseOpt,
    paths: PathsArg = None,
    head: HeadOpt = "HEAD",
    dialect: DialectOpt = None,
    catalog: CatalogOpt = None,
    fmt: Annotated[DiffFormat, typer.Option("--format", "-f", help="Output format; markdown is the pull-request comment.")] = DiffFormat.TABLE,
    fail_on: FailOnOpt = None,
    repo: RepoOpt = None,
    logs: LogsOpt = None,
    log_format: LogFormatOpt = "snowflake",
) -> None:
    """Show what changes between two git revisions break downstream.

    Compares the tables and views each revision defines. Reads both revisions from git objects (the working tree is not touched). Each change is breaking,
    data-changing or non-breaking, judged on the base revision's lineage; the catalog's tiers add the
    data contract. SQL that fails to parse is listed, and the report is marked incomplete (exit 1).

    \b
    Examples:
      lineage diff --base origin/main sample_sql
      lineage diff --base origin/main --format markdown --fail-on breaking > comment.md
    """
    from cli.common import check_dialect, errors

    with errors(ctx):
        check_dialect(ctx, dialect)
        run = diff_report(DiffRequest(base, head, tuple(paths or ()), dialect, catalog, tuple(logs or ()), log_format))
        report = run.report
        _print_problems(report)
        _render(run, fmt, repo)
    code = exit_code(report, fail_on)
    if code:
        raise typer.Exit(code)


def comment(
    ctx: typer.Context,
    pr: Annotated[int, typer.Option("--pr", min=1, help="The pull request number.", show_default=False)],
    repo: RepoOpt = None,
    api_url: Annotated[Optional[str], typer.Option("--api-url", help="GitHub's REST API. [env: GITHUB_API_URL; default: https://api.github.com]", show_default=False)] = None,
    body_file: Annotated[Optional[Path], typer.Option("--body-file", help="Post this Markdown (from lineage diff --format markdown) instead of running the diff.")] = None,
    base: Annotated[Optional[str], typer.Option("--base", help="Run the diff against this revision and post it.", show_default=False)] = None,
    paths: PathsArg = None,
    head: HeadOpt = "HEAD",
    dialect: DialectOpt = None,
    catalog: CatalogOpt = None,
    fail_on: FailOnOpt = None,
    logs: LogsOpt = None,
    log_format: LogFormatOpt = "snowflake",
) -> None:
    """Post the lineage impact as a pull-request comment.

    A re-run updates the earlier comment. Needs GITHUB_TOKEN with permission to write pull-request
    comments. Each request to GitHub gets LINEAGE_HTTP_TIMEOUT seconds (default 60) in all.

    \b
    Examples:
      lineage comment --repo acme/shop --pr 7 --body-file comment.md
      lineage comment --repo acme/shop --pr 7 --base origin/main sample_sql
    """
    from cli.common import check_dialect, errors, read_text
    from parsers.sources.reading import DEFAULT_MAX_BYTES

    code = 0
    with errors(ctx):
        target = _github_target(repo, pr, api_url)
        if (body_file is None) == (base is None):
            raise ConfigError("give either --body-file FILE or --base REF")
        from graphs.render.comment import MARKER, render_comment
        from graphs.publish.github import upsert_comment

        if body_file is not None:
            body = read_text(body_file, DEFAULT_MAX_BYTES)
        else:
            check_dialect(ctx, dialect)
            run = diff_report(DiffRequest(base or "", head, tuple(paths or ()), dialect, catalog, tuple(logs or ()), log_format))
            _print_problems(run.report)
            body, code = render_comment(run.report, _comment_options(target.repo), run.scores()), exit_code(run.report, fail_on)
        posted = upsert_comment(target, body if MARKER in body else f"{MARKER}\n{body}", MARKER)
        output.write(f"{str(posted.action).capitalize()} comment {posted.id} on {target.repo}#{pr}: {posted.url}")
    if code:
        raise typer.Exit(code)


@dataclass(frozen=True, slots=True)
class DiffRun:
    report: DiffReport
    head: Revision
    paths: tuple[str, ...]
    options: RevisionOptions
    observed: Observations | None = None  # what the --logs saw: the scorecards' freshness and observed readers

    def scores(self) -> tuple[ChangeScore, ...]:
        """The scorecards of the products the change touches (for the PR comment)."""
        from cli.scorecard import diff_scores

        return diff_scores(self.head, self.paths, self.options, self.report, self.observed)


def diff_report(request: DiffRequest) -> DiffRun:
    """Read both revisions from git and compare them."""
    from graphs.diffing import diff_revisions
    from parsers.git import RevisionOptions, open_repo, read_revision, repo_paths, resolve

    repo = open_repo(Path.cwd())
    for ref in (request.base, request.head):
        resolve(repo, ref)  # both names are checked before either revision is read
    paths = repo_paths(repo, request.paths)
    # every CPU, as a scan's default --jobs: a change set touching thousands of files parses them twice
    options = RevisionOptions(request.dialect, repo_paths(repo, [request.catalog])[0] if request.catalog else None, jobs=os.cpu_count() or 1)
    base = read_revision(repo, request.base, paths, options)
    head = read_revision(repo, request.head, paths, options)
    rules = base.catalog.observed_owners if base.catalog else ()
    observed: list[Observations] = []
    report = diff_revisions(base, head, lambda store: observed.extend(_read_logs(request, store, rules)))
    return DiffRun(report, head, paths, options, observed[0] if observed else None)


def _read_logs(request: DiffRequest, store: LineageStore, rules: tuple[OwnerRule, ...]) -> list[Observations]:
    """The query logs' observed facts, beside the base revision's graph (their summary lines on stderr); what they saw, for the scorecards."""
    if not request.logs:
        return []
    from cli.logs import LogFormat, summary
    from lineage.observed import known_columns, log_graph, observations
    from parsers.logs.ingest import Known, ingest_paths

    if request.log_format not in set(LogFormat):
        raise ConfigError(f"unknown --log-format '{request.log_format}'", hint=f"use one of {', '.join(LogFormat)}")
    found = ingest_paths(list(request.logs), request.log_format, Known(known_columns(store)))
    with store.transaction():
        for log in found:
            store.replace_file(log_graph(log, rules))
    for log in found:
        output.error(summary(log))
    seen = observations(store)
    return [seen] if seen is not None else []


def exit_code(report: DiffReport, fail_on: list[FailOn] | None) -> int:
    from lineage.diff import gate

    if any(gate(report, f) for f in fail_on or ()):
        return EXIT_GATE
    return 1 if report.incomplete else 0


def _print_problems(report: DiffReport) -> None:
    for problem in report.problems:
        output.error(str(problem))


def diff_json(report: DiffReport) -> str:
    """`diff --format json`, and the MCP server's `diff` tool."""
    from graphs.render.diff_record import diff_record

    return json.dumps(diff_record(report), indent=2)


def _render(run: DiffRun, fmt: DiffFormat, repo: str | None) -> None:
    from graphs.render.comment import render_comment

    report = run.report
    if fmt is DiffFormat.JSON:
        output.write(diff_json(report))
    elif fmt is DiffFormat.MARKDOWN:
        output.write(render_comment(report, _comment_options(repo), run.scores()))
    else:
        _tables(report)


def _tables(report: DiffReport) -> None:
    from rich.markup import escape

    from graphs.render.comment import after, contract_label, describe, mention, now, reaches, verdict
    from lineage.diff import HeadStatus

    out = output._stdout()
    out.print(escape(verdict(report)), style="bold")
    out.print(report.completeness.line(), markup=False)
    if not report.changes:
        return
    rows = [[str(c.severity), describe(c.delta), contract_label(c), reaches(c), after(c)] for c in report.changes]
    out.print(output._table("Changes", ["severity", "change", "contract", "reaches", "after this change"], _escaped(rows)))
    changed = [c.delta for c in report.changes if c.delta.before or c.delta.after]
    if changed:  # SQL on lines of its own, `- before` and `+ after`: a table cell would wrap it
        out.print("How the data changes (- before, + after):", markup=False)
        for delta in changed:
            for line in (describe(delta), f"  - {delta.before or '(none)'}", f"  + {delta.after or '(none)'}"):
                out.print(line, markup=False, soft_wrap=True)
    # what the change set already fixes is counted, what still breaks (or passes the break on) listed
    fixed = sum(1 for c in report.changes for b in c.broken if b.head in (HeadStatus.UPDATED, HeadStatus.REMOVED))
    broken = [[f"{b.file}:{b.line}", describe(c.delta), now(b)] for c in report.changes for b in c.broken if b.head not in (HeadStatus.UPDATED, HeadStatus.REMOVED)]
    if broken:
        out.print(output._table("Statements that break (base revision)", ["where", "because", "now"], _escaped(broken)))
    if fixed:
        out.print(f"{fixed:,} {'statement that breaks is' if fixed == 1 else 'statements that break are'} updated or removed in this change (--format json lists them).", markup=False)
    owners = [[mention(o), ", ".join(o.assets)] for o in report.owners()]
    if owners:
        out.print(output._table("Owners to notify", ["owner", "what they own that is affected"], _escaped(owners)))


def _escaped(rows: list[list[str]]) -> list[list[str]]:
    from rich.markup import escape

    # names come from SQL: `[x]` in one must print as text, not as rich markup
    return [[escape(cell) for cell in row] for row in rows]


def _comment_options(repo: str | None) -> CommentOptions:
    from graphs.render.comment import CommentOptions

    return CommentOptions(repo=repo or os.environ.get("GITHUB_REPOSITORY") or None, server=os.environ.get("GITHUB_SERVER_URL") or "https://github.com")


def _github_target(repo: str | None, pr: int, api_url: str | None) -> GitHubTarget:
    from graphs.publish.github import DEFAULT_API, GitHubTarget
    from graphs.publish.http_call import HttpLimits

    name = repo or os.environ.get("GITHUB_REPOSITORY") or ""
    if not name:
        raise ConfigError("no repository: pass --repo OWNER/NAME or set GITHUB_REPOSITORY")
    return GitHubTarget.checked(api_url or os.environ.get("GITHUB_API_URL") or DEFAULT_API, name, pr, os.environ.get("GITHUB_TOKEN") or "", HttpLimits.from_env(os.environ))
