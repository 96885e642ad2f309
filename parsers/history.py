"""A warehouse's git history, commit by commit, judged by `lineage diff`'s engine: for the scorecard.

Each commit that touched the scanned paths is compared with its first parent (both read from git
objects, as `lineage diff` reads them). What a commit did never changes, so its product changes are
cached in one small JSON file per commit (`.lineage/scorecard/`), keyed by the commit, its parent and
what the comparison depends on: a re-run scores only commits it has not seen.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from lineage.contracts import ContractLevel
from lineage.diff import DiffReport
from lineage.digests import digest
from lineage.history import Commit, History, ProductChange, changes_of
from lineage.revision import Revision
from lineage.schema_diff import DiffKind
from lineage.severity import ChangeSeverity
from parsers.git import GitRepo, RevisionOptions, git_output, read_revision

FORMAT = "lineage-scorecard-history"
VERSION = 1  # bump when what a commit's record holds, or how it is judged, changes
_FIELD, _RECORD = "\x1f", "\x1e"
_LOG_FORMAT = f"--format={_RECORD}%H{_FIELD}%P{_FIELD}%cs{_FIELD}%s"

Assess = Callable[[Revision, Revision], DiffReport]


@dataclass(frozen=True, slots=True)
class HistoryOptions:
    paths: tuple[str, ...]  # repository-relative
    since: str  # YYYY-MM-DD: the first day scored
    revision: RevisionOptions
    cache: Path | None = None  # the folder of per-commit records; None computes everything
    rev: str = "HEAD"  # the newest commit scored
    touching: tuple[str, ...] = ()  # only commits that changed these files (default: any of `paths`)


@dataclass(frozen=True, slots=True)
class HistoryRun:
    history: History
    computed: int  # commits compared in this run
    cached: int  # commits whose record was reused


def commit_date(repo: GitRepo, sha: str) -> str:
    """The committer date of a commit, YYYY-MM-DD."""
    return git_output(repo, "show", "-s", "--format=%cs", sha, "--").decode().strip()


def since_date(as_of: str, days: int) -> str:
    return (date.fromisoformat(as_of) - timedelta(days=days)).isoformat()


def walk_history(repo: GitRepo, options: HistoryOptions, assess: Assess) -> HistoryRun:
    """Every commit since `options.since` that touched the paths, oldest first, and what it changed."""
    commits, last_changed = _log(repo, options.rev, options.touching or options.paths)
    scored = [c for c in commits if c.date >= options.since]
    changes: list[ProductChange] = []
    problems: list[str] = []
    previous: Revision | None = None
    computed = 0
    for commit in scored:
        record = _load(options, commit)
        if record is None:
            base = previous if previous is not None and previous.sha == commit.parent else _read(repo, commit.parent, options)
            head = _read(repo, commit.sha, options)
            report = assess(base, head)
            record = (changes_of(report, commit, head.catalog), tuple(f"{commit.short}: {p}" for p in report.problems))
            _save(options, commit, record)
            previous, computed = head, computed + 1
        changes += record[0]
        problems += record[1]
    history = History(tuple(scored), tuple(changes), tuple(sorted(last_changed.items())), options.since, True, tuple(problems))
    return HistoryRun(history, computed, len(scored) - computed)


def _read(repo: GitRepo, sha: str, options: HistoryOptions) -> Revision:
    if not sha:
        return Revision("", "")  # a root commit's parent: nothing
    return read_revision(repo, sha, options.paths, options.revision)


def _log(repo: GitRepo, rev: str, paths: Sequence[str]) -> tuple[list[Commit], dict[str, Commit]]:
    """The first-parent commits up to `rev` touching `paths`, oldest first, and the latest commit of each file."""
    text = git_output(repo, "log", "--first-parent", "--name-only", _LOG_FORMAT, "--end-of-options", rev, "--", *paths).decode("utf-8", errors="surrogateescape")
    commits: list[Commit] = []
    last: dict[str, Commit] = {}
    for record in text.split(_RECORD)[1:]:
        header, *files = record.strip("\n").split("\n")
        sha, parents, day, subject = header.split(_FIELD, 3)
        commit = Commit(sha, parents.split(" ")[0] if parents else "", day, subject)
        commits.append(commit)
        for path in (f for f in files if f):
            last.setdefault(path, commit)
    return commits[::-1], last


def _key(options: HistoryOptions, commit: Commit) -> str:
    revision = options.revision
    return digest(FORMAT, VERSION, commit.sha, commit.parent, list(options.paths), revision.catalog or "", revision.dialect or "")


def _path(options: HistoryOptions, commit: Commit) -> Path | None:
    return options.cache / f"{commit.sha}-{_key(options, commit)[:16]}.json" if options.cache is not None else None


def _load(options: HistoryOptions, commit: Commit) -> tuple[tuple[ProductChange, ...], tuple[str, ...]] | None:
    path = _path(options, commit)
    if path is None or not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != FORMAT or data.get("version") != VERSION or data.get("key") != _key(options, commit):
            return None
        return tuple(_change(commit, r) for r in data["changes"]), tuple(str(p) for p in data["problems"])
    except (OSError, ValueError, KeyError, TypeError):
        return None  # damaged: the commit is compared again, and the record rewritten


def _save(options: HistoryOptions, commit: Commit, record: tuple[tuple[ProductChange, ...], tuple[str, ...]]) -> None:
    path = _path(options, commit)
    if path is None:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {"format": FORMAT, "version": VERSION, "key": _key(options, commit), "changes": [_record(c) for c in record[0]], "problems": list(record[1])}
    # written whole, then renamed over: a reader never sees half a record
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(data, out, sort_keys=True)
    os.replace(tmp, path)


def _record(change: ProductChange) -> dict[str, object]:
    return {
        "table": change.table, "kind": str(change.kind), "subject": change.subject, "new_name": change.new_name,
        "severity": str(change.severity), "level": str(change.level), "message": change.message, "at": change.at,
        "mapping_declared": change.mapping_declared,
    }


def _change(commit: Commit, record: dict[str, object]) -> ProductChange:
    return ProductChange(
        commit, str(record["table"]), DiffKind(record["kind"]), str(record["subject"]), str(record["new_name"]),
        ChangeSeverity(record["severity"]), ContractLevel(record["level"]), str(record["message"]), str(record["at"]), bool(record["mapping_declared"]),
    )
