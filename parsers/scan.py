"""Scanning paths: find the SQL files, ETL code, dbt projects and the catalog, and extract every file's facts."""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from lineage.catalog import Catalog
from lineage.collector import long_lived
from lineage.errors import ConfigError
from lineage.model import Diagnostic, FileFacts, Location
from parsers.sql.budget import DEFAULT_STATEMENT_SECONDS, over_budget
from parsers.cache import ScanCache, digest, schema_digest
from parsers.scanned import ScannedFile
from parsers.last_result import KeptFile, LastResult
from parsers.catalog import load_catalog
from parsers.dbt.profiles import ProfileSearch
from parsers.sql.dialects import PathDialects
from parsers.sources.paths import BI_SUFFIXES, METABASE_FOLDER, POWERBI_MODEL, POWERBI_REPORT, PROJECT_FILE, SUPERSET_FILE, PY_SUFFIXES, SQL_SUFFIXES, Root, display_path
from parsers.sql.schema import SchemaOp, SchemaRegistry, same_journal
from parsers.sql.stack import on_deep_stack
from parsers.sources.reading import DEFAULT_MAX_BYTES, megabytes, read_text
from parsers.sources.walk import walk
from parsers.texts import SqlTexts

if TYPE_CHECKING:
    from parsers.dbt.project import Project
    from parsers.etl.calls import EtlFile

# The dbt, ETL and SQL parsers (sqlglot, Jinja) are imported when a file needs them: a re-scan
# that finds every file in the cache parses nothing and should not pay for loading them.

CATALOG_NAME = "lineage.yml"
_SKIP_DIRS = {".git", ".lineage", ".venv", "node_modules", "__pycache__", "target", ".neo4j", "site-packages", ".ipynb_checkpoints"}

Progress = Callable[[str], None]
# One unit of extraction (a SQL file, a Python file, a dbt project): its files' facts and any catalog.
Job = Callable[[SchemaRegistry], tuple[Sequence[FileFacts | ScannedFile], Catalog | None]]


@dataclass(frozen=True, slots=True)
class ScanOptions:
    dialect: str | None = None
    schema: SchemaRegistry | None = None
    catalog: Path | None = None
    jobs: int = 1  # processes extracting plain SQL files; the result does not depend on it
    cache: Path | None = None  # the incremental-scan cache file; None parses everything
    max_file_mb: float | None = 10.0  # a bigger file is one diagnostic, not parsed; None: no limit
    statement_seconds: float | None = DEFAULT_STATEMENT_SECONDS  # a slower statement is skipped with a diagnostic; None: no limit
    rebuild: bool = False  # ignore the cache's entries (a damaged store is being rebuilt)
    profiles: ProfileSearch = ProfileSearch()  # where dbt projects' profiles.yml is looked for, and --target
    keep_result: bool = False  # keep the scan's result beside the cache, for the next scan (parsers/last_result.py)

    @property
    def max_bytes(self) -> int | None:
        return megabytes(self.max_file_mb)


@dataclass(frozen=True, slots=True)
class ScanResult:
    scanned: tuple[ScannedFile | KeptFile, ...]  # sorted by path
    catalog: Catalog | None
    roots: tuple[str, ...]  # the scanned paths, as shown: sources under them not seen are gone
    reused: int = 0  # file extractions taken from the incremental-scan cache
    notes: tuple[Diagnostic, ...] = ()  # about the scan, not a file: the cache, unreadable folders
    kept: tuple[str, ...] = ()  # folders and files that could not be read: their stored sources stay
    uncached: int = 0  # files of dbt projects, ETL code and catalog queries: the cache holds plain SQL only
    last: LastResult | None = None  # the result to keep for the next scan, once the store holds it

    @property
    def statements(self) -> int:
        return sum(f.statements for f in self.scanned)

    @property
    def edges(self) -> int:
        return sum(f.edges for f in self.scanned)

    @property
    def files(self) -> tuple[FileFacts, ...]:
        """Every file's facts (loading those the cache holds: `scanned` avoids that)."""
        return tuple(s.facts for s in self.scanned)

    @property
    def diagnostics(self) -> list[Diagnostic]:
        return sorted([*(d for f in self.scanned for d in f.diagnostics), *self.notes])


@dataclass(frozen=True, slots=True)
class Sources:
    shown_sql: dict[str, str | Path]  # shown path -> the file as the walk found it, in shown order
    python: list[Path]
    dbt: list[Path]  # project folders (holding dbt_project.yml): their files are the project's
    root: Root  # what files named by scanned code must lie in
    refused: list[Diagnostic]  # links out of the scanned folders: not read
    unreadable: list[Diagnostic]  # folders that could not be listed: what they held is unknown
    bi: list[Path]  # LookML and Tableau files (parsers/bi)

    @property
    def sql(self) -> list[Path]:
        return [Path(p) for p in self.shown_sql.values()]


def scan_root(paths: Sequence[Path]) -> Root:
    """The scanned folders (a scanned file's folder): all that scanned code may have us read."""
    folders = {path if path.is_dir() else path.parent for path in paths}
    return Root.of(folders, "the scanned folder" if len(folders) == 1 else "the scanned folders")


def find_sources(paths: Sequence[Path]) -> Sources:
    # by shown path, as strings: pathlib's parsing and hashing were most of a 10,000-file walk
    found: dict[str, dict[str, str | Path]] = {"sql": {}, "python": {}, "dbt": {}, "bi": {}}
    root, refused = scan_root(paths), list[Diagnostic]()
    unreadable: list[Diagnostic] = []

    def cannot_list(err: OSError) -> None:
        # a walk skips such a folder silently: its sources would then leave the graph as if deleted
        shown = display_path(Path(err.filename))
        unreadable.append(Diagnostic(Location(shown), f"cannot read this directory ({err.strerror}); its files are kept as stored"))

    def add(kind: str, path: str | Path) -> None:
        found[kind].setdefault(display_path(path), path)

    for path in paths:
        if path.is_file():
            name = path.name.lower()
            add("python" if name.endswith(PY_SUFFIXES) else "bi" if name.endswith(BI_SUFFIXES) else "sql", path)
            continue
        for folder, dirs, files, links in walk(path, cannot_list):
            if PROJECT_FILE in files:
                add("dbt", folder)
                dirs[:] = []
                continue
            dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS)
            # a Superset export, a Power BI model or report: the folder's files are read as one (parsers/bi)
            for member in (m for m in (SUPERSET_FILE, POWERBI_MODEL, POWERBI_REPORT) if m in files):
                add("bi", os.path.join(folder, member))
            if METABASE_FOLDER in dirs and os.path.basename(os.path.normpath(folder)) != METABASE_FOLDER:  # a Metabase export's root
                add("bi", os.path.join(folder, METABASE_FOLDER))
            shown_in, inside = _shown_folder(folder), folder + os.sep if folder and not folder.endswith(os.sep) else folder
            for kind, suffixes in ("sql", SQL_SUFFIXES), ("python", PY_SUFFIXES), ("bi", BI_SUFFIXES):
                # `.SQL` too: Windows tools and some exports write upper-case suffixes
                for name in (f for f in files if f.lower().endswith(suffixes)):
                    file = inside + name  # os.path.join's, for a folder and a plain name: a tenth of its cost
                    if name not in links or root.holds(Path(file)):  # only a link can lead out: see walk
                        if shown_in is None:
                            add(kind, file)
                        else:
                            found[kind].setdefault(shown_in + name, file)
                    else:
                        refused.append(root.refused_link(display_path(file)))
    # SQL files as strings: a Path each was a tenth of a 10,000-file re-scan's walk
    ordered = {k: [Path(v[shown]) for shown in sorted(v)] for k, v in found.items() if k != "sql"}
    return Sources({shown: found["sql"][shown] for shown in sorted(found["sql"])}, ordered["python"], ordered["dbt"], root, sorted(refused), sorted(unreadable), ordered["bi"])


def _shown_folder(folder: str) -> str | None:
    """What `display_path` of a file in `folder` begins with, when that is the folder's own shown
    path (a relative folder inside the working directory): 10,000 `display_path` calls were a third
    of a re-scan's walk. None when each file's must be made."""
    if os.path.isabs(folder):
        return None
    shown = os.path.normpath(folder)
    if shown == ".." or shown.startswith(".." + os.sep):
        return None
    return "" if shown == "." else shown + os.sep


def find_sql_files(paths: Sequence[Path]) -> list[Path]:
    return find_sources(paths).sql


def find_catalog(paths: Sequence[Path], explicit: Path | None, max_bytes: int | None = DEFAULT_MAX_BYTES) -> Catalog | None:
    if explicit is not None:
        return load_catalog(explicit, max_bytes)
    root = scan_root(paths)
    for path in paths:
        candidate = (path if path.is_dir() else path.parent) / CATALOG_NAME
        if candidate.exists():  # not is_file(): a lineage.yml that is a FIFO or a device is refused, not skipped
            if not root.holds_entry(candidate):
                link = root.refused_link(display_path(candidate))
                raise ConfigError(link.message, link.at)
            return load_catalog(candidate, max_bytes)
    return None


def scan(paths: Sequence[Path], options: ScanOptions, progress: Progress | None = None) -> ScanResult:
    """Extract every SQL file, ETL Python file and dbt project under `paths` (see `_scan`)."""
    return on_deep_stack(lambda: _scan(paths, options, progress))


def _scan(paths: Sequence[Path], options: ScanOptions, progress: Progress | None) -> ScanResult:
    """Extract every SQL file, ETL Python file and dbt project under `paths`, sharing one schema.

    Two passes, each a pure function of the files, so the result is the same for any `--jobs`:
    first every source alone (with only `--schema`), then the sources that could not resolve
    everything (an unknown table's columns, an ambiguous column) again, with the schema all the
    first-pass sources declared, replayed in path order.
    """
    _check(paths, options.dialect)
    catalog = find_catalog(paths, options.catalog, options.max_bytes)
    base = options.schema.copy() if options.schema else SchemaRegistry()
    declared = schema_digest(base)
    last = _last_result(paths, options, catalog, declared)
    cache = _cache(options, last)
    sources = find_sources(paths)
    sql = _Sql(PathDialects.of(catalog, options.dialect), options.statement_seconds)
    texts, jobs = _units(sources, options, {c.sql for c in catalog.consumers if c.sql} if catalog else set(), cache, sql.dialects)
    if last is not None and not _keepable(sources, jobs, texts, catalog):
        # a kept result would not be this scan's: removed, and the cache read as any other scan reads it
        last.forget()
        last = None
        if cache is not None:
            cache.unpin()
    if last is not None and last.trusted:
        from parsers.rescan import rescan

        return rescan(Rescan(texts, sql, options, cache, last, base, declared, catalog, sources, paths), progress)  # type: ignore[arg-type]
    # the shown path is part of every key: the facts name it, so a renamed file, or two files of
    # the same text, must never be served another path's facts (the second one left the graph)
    first = ScanPass(sql, options.jobs, cache, {s: digest("first", s, d, sql.read_as(s, texts), declared) for s, d in texts.digests.items()})
    done = run_units(texts, texts.names(), jobs, base, first, progress)
    firsts = dict(done)
    schema = _replayed(base, done)
    again = sorted(shown for shown, unit in done.items() if any(f.unsettled for f in unit.files))
    second = ScanPass(sql, options.jobs, cache, {s: digest("second", s, texts.digests[s], sql.read_as(s, texts), schema_digest(schema, done[s].files[0].reads)) for s in again if s in texts.digests})
    redone = run_units(texts, [s for s in again if s not in jobs], {s: jobs[s] for s in again if s in jobs}, schema, second)
    # what the second pass read is the whole scan's schema, unless it declared something else
    final = schema if all(same_journal(redone[s].journal, done[s].journal) for s in redone) else None
    done.update(redone)
    if last is not None:
        _keep_all(last, texts, cache, done, firsts, (first.keys, second.keys))
    if cache is not None:
        cache.save()
    results = {f.path: f for unit in done.values() for f in unit.files}
    results.update({d.at.file: ScannedFile.of(FileFacts(d.at.file, diagnostics=(d,))) for d in sources.refused})
    catalog = _merge_catalogs(catalog, done, results)
    if catalog is not None:
        catalog = catalog.with_rule_owners()
        consumers = _consumer_facts(catalog, sql, lambda: final or _replayed(base, done), options.max_bytes)
        catalog = catalog.with_reads({cid: facts.edges for cid, facts in consumers.items()})
        # a consumer's query is still a scanned file: its diagnostics and statements count
        results.update({f.path: ScannedFile.of(FileFacts(f.path, diagnostics=f.diagnostics, statements=f.statements)) for f in consumers.values()})
    roots = tuple(display_path(p) for p in paths)
    notes = (*sources.unreadable, *(cache.notes if cache else ()))
    kept = (*(d.at.file for d in sources.unreadable), *sorted(texts.unreadable))
    # a dbt project served whole from the cache: its files were reused, not extracted again
    from_cache = {path for _, job in jobs.values() for path in getattr(job, "reused", ())}
    uncached = {f.path for s in jobs if s in done for f in done[s].files} - from_cache | ({f.path for f in consumers.values()} if catalog is not None else set())
    # a file whose first extraction came from the cache but whose second did not was extracted
    reused = sum(1 for s in texts.names() if (second.keys.get(s) or first.keys.get(s)) in cache.hit_keys) + len(from_cache) if cache else 0
    return ScanResult(tuple(results[s] for s in sorted(results)), catalog, roots, reused, (*notes, *(last.notes if last else ())), kept, len(uncached), last)


@dataclass(frozen=True, slots=True)
class Rescan:
    """What a re-scan from the kept result works with (parsers/rescan.py)."""

    texts: SqlTexts
    sql: _Sql
    options: ScanOptions
    cache: ScanCache
    last: LastResult
    base: SchemaRegistry
    declared: str
    catalog: Catalog | None
    sources: Sources
    paths: Sequence[Path]


def _last_result(paths: Sequence[Path], options: ScanOptions, catalog: Catalog | None, declared: str) -> LastResult | None:
    """The kept result of the last scan with these settings (read unless rebuilding), when the scan
    is to keep its own (see `_keepable`)."""
    if not options.keep_result or options.cache is None:
        return None
    from parsers.cache import cache_header
    from parsers.last_result import catalog_digest, result_path, settings_digest

    where = result_path(options.cache)
    settings = settings_digest(cache_header(), os.getcwd(), [display_path(p) for p in paths], options.dialect, declared, catalog_digest(catalog) if catalog else "", options.max_bytes, options.statement_seconds)
    if options.rebuild:
        return LastResult(where, settings)
    with long_lived():  # its rows: kept until the scan ends, no cycles
        return LastResult.load(where, settings)


def _cache(options: ScanOptions, last: LastResult | None) -> ScanCache | None:
    """The scan cache; read by the kept result's leave (parsers/cache_pinned.py) when that vouches for it."""
    if options.cache is None:
        return None
    pin = last.pinned() if last is not None and not options.rebuild else None
    if pin is None:
        cache = ScanCache(options.cache, fresh=options.rebuild)
    else:
        from parsers.cache_pinned import PinnedCache

        cache = PinnedCache(options.cache, pin)
    if last is not None:
        last.cache = cache
    return cache


def _keepable(sources: Sources, jobs: dict[str, tuple[set[str], Job]], texts: SqlTexts, catalog: Catalog | None) -> bool:
    """Whether the scan's result can be kept: plain SQL files (and a catalog whose dashboards run
    no query of their own) through the cache, every folder and file read, no path with a tab or
    a newline (a kept row's fields are tab-separated)."""
    if jobs or sources.refused or sources.unreadable or texts.unreadable or (catalog is not None and any(c.sql for c in catalog.consumers)):
        return False
    return not any("\t" in s or "\n" in s for s in texts.names())


def _keep_all(last: LastResult, texts: SqlTexts, cache: ScanCache | None, done: dict[str, ScanUnit], firsts: dict[str, ScanUnit], keys: tuple[dict[str, str], dict[str, str]]) -> None:
    """Every file's row, from a scan that replayed everything."""
    names = texts.names()
    last.changed = set(names)
    counts: dict[str, int] = {}
    for shown in names:
        for table in done[shown].files[0].tables:
            counts[table] = counts.get(table, 0) + 1
        if cache is not None:
            last.add(done[shown].files[0], (firsts[shown].files[0], firsts[shown].journal), (keys[0].get(shown), keys[1].get(shown, "")), texts, cache)
    last.set_counts(counts)


def _check(paths: Sequence[Path], dialect: str | None) -> None:
    """Usage errors, before any work: a bad dialect, a path that does not exist."""
    if dialect is not None:
        from parsers.sql.extract import get_dialect

        get_dialect(dialect)
    for path in paths:
        if not path.exists():
            raise ConfigError(f"{path}: no such file or directory")


def _units(sources: Sources, options: ScanOptions, consumer_sql: set[str], cache: ScanCache | None, dialects: PathDialects) -> tuple[SqlTexts, dict[str, tuple[set[str], Job]]]:
    """The plain SQL files, and a job per ETL file and dbt project; a .sql file that an ETL
    operator runs or a dashboard queries belongs to them, not to the plain files."""
    python = {path: read_text(path, options.max_bytes) for path in sources.python}  # read once: ETL and Feast both look
    jobs = _etl_jobs(python, sources.root, dialects, options)
    taken = consumer_sql | {p for files, _ in jobs.values() for p in files}
    texts = SqlTexts({s: p for s, p in sources.shown_sql.items() if s not in taken}, cache, options.max_bytes)
    jobs.update({display_path(root): (set(), _dbt_job(root, dialects, options, cache)) for root in sources.dbt})
    from parsers.bi.jobs import bi_jobs

    jobs.update(bi_jobs(sources.bi, python, dialects, options, sources.root))
    return texts, jobs


@dataclass(frozen=True, slots=True)
class ScanUnit:
    """What one source (SQL file, Python file, dbt project) yielded, and the schema it declared."""

    files: list[ScannedFile]
    catalog: Catalog | None
    journal: list[SchemaOp]


def _merge_catalogs(catalog: Catalog | None, done: dict[str, ScanUnit], results: dict[str, ScannedFile]) -> Catalog | None:
    """dbt projects bring owners and exposures; merge them into lineage.yml's, notes as diagnostics."""
    for shown in sorted(done):
        extra = done[shown].catalog
        if extra is None:
            continue
        from parsers.dbt.catalogs import merge_catalogs

        catalog, notes = merge_catalogs(catalog, extra)
        for note in notes:
            found = results[note.at.file].facts if note.at.file in results else FileFacts(note.at.file)
            results[note.at.file] = ScannedFile.of(replace(found, diagnostics=tuple(sorted({*found.diagnostics, note}))))
    return catalog


@dataclass(frozen=True, slots=True)
class _Sql:
    """How plain SQL files are extracted: their dialects, and the seconds one statement may take."""

    dialects: PathDialects
    budget: float | None

    def read_as(self, shown: str, texts: SqlTexts) -> str | None:
        """The dialect a file is read in (its header's, else its path's): what its cache key names,
        so changing a header or a `dialects:` glob parses again exactly the files it changes."""
        return texts.headers.get(shown) or self.dialects.dialect(shown)


@dataclass(frozen=True, slots=True)
class ScanPass:
    """How one pass extracts: dialect and budget, processes, and the cache keys of the files it may reuse."""

    sql: _Sql
    workers: int
    cache: ScanCache | None
    keys: dict[str, str]


def run_units(texts: SqlTexts, names: list[str], jobs: dict[str, tuple[set[str], Job]], schema: SchemaRegistry, how: ScanPass, progress: Progress | None = None) -> dict[str, ScanUnit]:
    """Every source on its own view of `schema`; the plain SQL files `names` across `workers` processes."""
    done = _extract_files(texts, names, schema, how, progress)
    for shown in sorted(jobs):
        if progress:
            progress(shown)
        view = schema.overlay()
        files, extra = jobs[shown][1](view)
        done[shown] = ScanUnit([f if isinstance(f, ScannedFile) else ScannedFile.of(f) for f in files], extra, view.journal)
    return done


def _extract_files(texts: SqlTexts, names: list[str], schema: SchemaRegistry, how: ScanPass, progress: Progress | None) -> dict[str, ScanUnit]:
    done: dict[str, ScanUnit] = {}
    todo: list[tuple[str, str | Diagnostic]] = []
    with long_lived():  # the cached files' summaries: kept until the scan ends, no cycles
        for shown in names:
            entry = how.cache.get(how.keys[shown]) if how.cache is not None and shown in how.keys else None
            if entry is None:
                todo.append((shown, texts.text(shown)))
            else:
                done[shown] = ScanUnit([entry[0]], None, entry[1])
                if progress:
                    progress(shown)
    done.update(_extract_todo(todo, schema, how, progress))
    if how.cache is not None:
        for shown, _ in todo:
            # a statement skipped for time depends on the machine's speed, not on the file: parse it again next time
            if shown in how.keys and shown not in texts.stale and not any(over_budget(d) for d in done[shown].files[0].diagnostics):
                how.cache.put(how.keys[shown], done[shown].files[0], done[shown].journal)
    return done


def _extract_todo(items: list[tuple[str, str | Diagnostic]], schema: SchemaRegistry, how: ScanPass, progress: Progress | None) -> dict[str, ScanUnit]:
    workers, sql = how.workers, how.sql
    if workers <= 1 or len(items) < 2 * workers:
        return {shown: _unit(shown, text, sql, schema, progress) for shown, text in items}
    importlib.import_module("parsers.sql.extract")  # loaded once here, inherited by every forked worker
    import multiprocessing  # here: a re-scan that parses a file or two never starts a worker
    from concurrent.futures import ProcessPoolExecutor

    # contiguous batches, a few per worker: balanced, and each pickles the schema once
    size = max(1, -(-len(items) // (workers * 4)))
    batches = [items[i : i + size] for i in range(0, len(items), size)]
    done: dict[str, ScanUnit] = {}
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork")) as pool:
        for batch in pool.map(_extract_batch, batches, [sql] * len(batches), [schema] * len(batches)):
            for shown, unit in batch:
                if progress:
                    progress(shown)
                done[shown] = unit
    return done


def _extract_batch(batch: list[tuple[str, str | Diagnostic]], sql: _Sql, schema: SchemaRegistry) -> list[tuple[str, ScanUnit]]:
    return on_deep_stack(lambda: [(shown, _unit(shown, text, sql, schema, None)) for shown, text in batch])


def _unit(shown: str, text: str | Diagnostic, sql: _Sql, schema: SchemaRegistry, progress: Progress | None) -> ScanUnit:
    if progress:
        progress(shown)
    view = schema.overlay()
    # summarised here, in the worker process: digests and JSON cost as much as a small file's parse
    return ScanUnit([ScannedFile.of(_extract(shown, text, sql, view))], None, view.journal)


def _replayed(base: SchemaRegistry, done: dict[str, ScanUnit]) -> SchemaRegistry:
    """The schema every source declared, applied in path order (later declarations win)."""
    schema = base.copy()
    for shown in sorted(done):
        schema.replay(done[shown].journal)
    return schema


def _etl_jobs(files: Mapping[Path, str | Diagnostic], root: Root, dialects: PathDialects, options: ScanOptions) -> dict[str, tuple[set[str], Job]]:
    """Python files with SQL call sites; each job also names the .sql files its operators run
    (which, like every file their templates name, must lie in `root`)."""
    jobs: dict[str, tuple[set[str], Job]] = {}
    if not files:
        return jobs
    from parsers.etl.calls import read_etl

    for path, text in files.items():
        etl = read_etl(path, display_path, text, root, options.max_bytes) if isinstance(text, str) else None
        if etl is not None:
            jobs[etl.path] = ({display_path(p) for p in etl.sql_files}, _etl_job(etl, dialects.dialect(etl.path), options.statement_seconds))
    return jobs


def _etl_job(etl: EtlFile, dialect: str | None, seconds: float | None) -> Job:
    from parsers.etl.extract import extract_etl

    return lambda registry: (extract_etl(etl, registry, dialect, seconds), None)


def _dbt_job(root: Path, dialects: PathDialects, options: ScanOptions, cache: ScanCache | None) -> Job:
    """Read (render) the project when a pass first needs it, not when the cache has its result
    (so a re-scan from the cache loads neither Jinja nor sqlglot)."""
    read = _DbtReader(root, dialects, options)
    if cache is None:
        return read
    from parsers.dbt.cache import CachedProject, project_digest

    settings = (dialects, options.max_bytes, options.statement_seconds, options.profiles)
    return CachedProject(display_path(root), project_digest(root, settings, options.profiles), cache, read)


class _DbtReader:
    """Renders the project once, on first use; extraction may run twice (both passes)."""

    def __init__(self, root: Path, dialects: PathDialects, options: ScanOptions) -> None:
        self.root, self.dialects, self.options = root, dialects, options
        self.project: Project | None = None

    def __call__(self, registry: SchemaRegistry) -> tuple[list[FileFacts], Catalog | None]:
        from parsers.dbt.extract import DbtOptions, extract_project, read_dbt

        if self.project is None:
            settings = DbtOptions(self.dialects.default, max_bytes=self.options.max_bytes, statement_seconds=self.options.statement_seconds, globs=self.dialects, profiles=self.options.profiles)
            self.project = read_dbt(self.root, display_path(self.root), settings)
        facts = extract_project(self.project, registry)
        return list(facts.files), facts.catalog


def _extract(shown: str, text: str | Diagnostic, sql: _Sql, registry: SchemaRegistry) -> FileFacts:
    if isinstance(text, Diagnostic):
        return FileFacts(shown, diagnostics=(text,))
    from parsers.sql.extract import extract_sql

    return extract_sql(text, shown, sql.dialects.dialect(shown), registry, sql.budget)


def _consumer_facts(catalog: Catalog, sql: _Sql, schema: Callable[[], SchemaRegistry], max_bytes: int | None) -> dict[str, FileFacts]:
    """What each dashboard's or feature's own query reads (its SQL file named in the catalog);
    the whole scan's `schema` is made only when some consumer has a query."""
    queried = [(c.id, c.sql) for c in catalog.consumers if c.sql]
    if not queried:
        return {}
    registry = schema()
    return {cid: _extract(query, read_text(Path(query), max_bytes), sql, registry) for cid, query in queried}

