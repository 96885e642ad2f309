"""`lineage scorecard`: each data product scored 1..5 per dimension, with the evidence behind every score.

Register with `app.command("scorecard")(scorecard)`. Exit codes: 0 fine, 1 history read with problems
(SQL that did not parse at some commit: changes there may be missing), 2 bad usage.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from cli import output
from cli.common import StoreOpt
from lineage.errors import ConfigError

if TYPE_CHECKING:
    from lineage.diff import DiffReport
    from lineage.history import History
    from lineage.observed import Observations
    from lineage.revision import Revision
    from lineage.scorecard import ChangeScore, Scorecard
    from parsers.git import RevisionOptions

_DAYS = re.compile(r"^(\d+)d$")
DEFAULT_DAYS = 90
DEFAULT_CACHE = Path(".lineage/scorecard")


class ScorecardFormat(StrEnum):
    TABLE = "table"
    JSON = "json"
    MARKDOWN = "markdown"


@dataclass(frozen=True, slots=True)
class ScorecardRequest:
    tables: tuple[str, ...]
    paths: tuple[Path, ...]
    since_days: int
    as_of: str
    dialect: str | None = None
    catalog: Path | None = None
    cache: Path | None = None
    head: str = "HEAD"
    store: str | None = None  # where `lineage logs` put the query logs' facts (freshness, observed readers)


@dataclass(frozen=True, slots=True)
class ScorecardResult:
    cards: tuple[Scorecard, ...]
    history: History
    computed: int
    cached: int


def scorecard(
    ctx: typer.Context,
    tables: Annotated[Optional[list[str]], typer.Argument(help="Products to score (default: every table with a tier in the catalog).", show_default=False)] = None,
    path: Annotated[Optional[list[Path]], typer.Option("--path", "-p", help="SQL files or directories (default: the current directory); repeat for more.", show_default=False)] = None,
    since: Annotated[str, typer.Option("--since", help="How far back change discipline looks, in days: 90d.")] = "90d",
    fmt: Annotated[ScorecardFormat, typer.Option("--format", "-f", help="Output format; markdown is a page a team can publish.")] = ScorecardFormat.TABLE,
    as_of: Annotated[Optional[str], typer.Option("--as-of", help="The day ages and deprecation dates are measured against, YYYY-MM-DD (default: today).", show_default=False)] = None,
    catalog: Annotated[Optional[Path], typer.Option("--catalog", help="Catalog file, read at each revision (default: lineage.yml at the root of a path).")] = None,
    cache: Annotated[Path, typer.Option("--cache", help="Folder of per-commit history records: history already scored is not compared again.")] = DEFAULT_CACHE,
    dialect: Annotated[Optional[str], typer.Option("--dialect", "-d", help="SQL dialect, as for lineage scan.")] = None,
    store: StoreOpt = None,
) -> None:
    """Score each data product 1 to 5 on ownership, reuse, change discipline, lifecycle and freshness.

    Reads the committed HEAD and the git history of the paths (the working tree is not touched).
    Every score names the facts it came from (file:line, commit, or log); the rules are in the
    README. Freshness and observed readers come from the query logs `lineage logs` put in the
    store: without them (or for a product they saw no write of) freshness is "unknown", counted and said.

    \b
    Examples:
      lineage scorecard -p sample_sql
      lineage scorecard app.orders mart.daily_revenue -p sample_sql --since 180d
      lineage scorecard -p sample_sql --format markdown > SCORECARD.md
      lineage logs query_history.csv --format snowflake && lineage scorecard -p sample_sql
    """
    from cli.common import check_dialect, errors

    with errors(ctx):
        check_dialect(ctx, dialect)
        match = _DAYS.match(since.strip())
        if match is None:
            raise ConfigError(f"--since '{since}' is not a number of days", hint="write it as 90d")
        request = ScorecardRequest(tuple(tables or ()), tuple(path or ()), int(match[1]), _day(as_of), dialect, catalog, cache, store=store)
        result = scorecards(request)
        _render(result, fmt, request.as_of)
    if result.history.problems:
        raise typer.Exit(1)


def _day(text: str | None) -> str:
    if text is None:
        return date.today().isoformat()
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise ConfigError(f"--as-of '{text}' is not a date", hint="write it as 2026-12-31") from None


def scorecards(request: ScorecardRequest) -> ScorecardResult:
    """Read HEAD and the history from git, score the products."""
    from graphs.diffing import diff_revisions
    from lineage.diff import head_graph
    from lineage.errors import UnknownName
    from lineage.revision import shapes_of
    from lineage.scorecard import Warehouse, products, score
    from parsers.git import RevisionOptions, open_repo, read_revision, repo_paths
    from parsers.history import HistoryOptions, since_date, walk_history

    repo = open_repo(Path.cwd())
    paths = repo_paths(repo, request.paths)
    options = RevisionOptions(request.dialect, repo_paths(repo, [request.catalog])[0] if request.catalog else None, jobs=os.cpu_count() or 1)
    head = read_revision(repo, request.head, paths, options)
    history_options = HistoryOptions(paths, since_date(request.as_of, request.since_days), options, request.cache)
    run = walk_history(repo, history_options, diff_revisions)
    warehouse = Warehouse(head.catalog, tuple(head_graph(head)), shapes_of(head), run.history, request.as_of, observed_in(request.store))
    chosen = products(warehouse, request.tables)
    missing = [t for t in request.tables if not any(p == t or p.endswith("." + t) for p in chosen)]
    if missing:
        raise UnknownName(f"no table '{missing[0]}' in {', '.join(paths)} at {request.head}")
    return ScorecardResult(score(warehouse, chosen), run.history, run.computed, run.cached)


def observed_in(store: str | None) -> Observations | None:
    """What the query logs in the store saw (None: no log ingested); a default store that does not exist holds none."""
    from cli.common import store_spec
    from graphs.stores.embedded import FILENAME as JSON_FILE
    from graphs.stores.open import JSON_SCHEME, NEO4J_SCHEMES, open_store
    from graphs.stores.sqlite import FILENAME
    from lineage.observed import observations

    spec = store_spec(store)
    named = store is not None or bool(os.environ.get("LINEAGE_STORE"))
    if not named and not spec.startswith((JSON_SCHEME, *NEO4J_SCHEMES)) and not any((Path(spec) / f).exists() for f in (FILENAME, JSON_FILE)):
        return None
    with open_store(spec, create=False, notify=output.error) as opened:
        return observations(opened)


def diff_scores(head: Revision, paths: tuple[str, ...], options: RevisionOptions, report: DiffReport, observed: Observations | None = None) -> tuple[ChangeScore, ...]:
    """The scorecards of the products a diff touches, as of the head commit's date, and whether the change follows each one's contract."""
    from graphs.diffing import diff_revisions
    from lineage.diff import head_graph
    from lineage.history import Commit, changes_of
    from lineage.revision import shapes_of
    from lineage.scorecard import Warehouse, change_scores
    from parsers.git import open_repo
    from parsers.history import HistoryOptions, commit_date, since_date, walk_history

    repo = open_repo(Path.cwd())
    as_of = commit_date(repo, head.sha)
    # the commits that changed the files defining what the change touches, and the catalog: a pull
    # request's check must not compare every commit of the last 90 days of a large repository
    places = [at for c in report.changes for at in (c.delta.base_at, c.delta.head_at) if at is not None]
    touching = tuple(sorted({at.file for at in places} | ({head.catalog.path} if head.catalog is not None else set())))
    history = HistoryOptions(paths, since_date(as_of, DEFAULT_DAYS), options, DEFAULT_CACHE, head.sha, touching)
    run = walk_history(repo, history, diff_revisions)
    warehouse = Warehouse(head.catalog, tuple(head_graph(head)), shapes_of(head), run.history, as_of, observed)
    return change_scores(warehouse, changes_of(report, Commit(head.sha, "", as_of, head.ref), head.catalog))


def _render(result: ScorecardResult, fmt: ScorecardFormat, as_of: str) -> None:
    from graphs.render.scorecard import evidence_lines, overall, scorecard_markdown, scorecard_record, unknown_note
    from lineage.scorecard_rules import Dimension

    for problem in result.history.problems:
        output.error(problem)
    if fmt is ScorecardFormat.JSON:
        output.write(json.dumps(scorecard_record(result.cards, result.history, as_of), indent=2))
        return
    if fmt is ScorecardFormat.MARKDOWN:
        output.write(scorecard_markdown(result.cards, result.history, as_of).rstrip("\n"))
        return
    from rich.markup import escape

    out = output._stdout()
    history = result.history
    out.print(f"{len(result.cards)} products; {len(history.commits)} commits since {history.since} ({result.computed} compared, {result.cached} from the cache).", markup=False)
    note = unknown_note(result.cards)
    if note:
        out.print(f"Unknown scores: {note}.", markup=False)
    rows = [[c.product, str(c.tier or "-"), c.owner or "-", overall(c), *[str(d.score) if d.score is not None else "?" for d in c.dimensions]] for c in result.cards]
    out.print(output._table("Scorecards", ["product", "tier", "owner", "overall", *[str(d) for d in Dimension]], [[escape(x) for x in r] for r in rows]))
    for card in result.cards:
        out.print(f"\n{card.product}: {overall(card)}/5", markup=False, style="bold")
        for d in card.dimensions:
            out.print(f"  {d.dimension}: {d.score if d.score is not None else 'unknown'}", markup=False)
            for line in evidence_lines(d):
                out.print(f"    {line}", markup=False, soft_wrap=True)
