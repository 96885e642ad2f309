"""The scan's units for BI files: one per Looker project, Feast repository and Tableau file found."""

from __future__ import annotations

import os
from collections.abc import Mapping, Callable
from pathlib import Path
from typing import Protocol

from lineage.catalog import Catalog
from lineage.model import Diagnostic, FileFacts, Location
from parsers.bi.common import BiFacts
from parsers.sources.paths import Root, LOOKER_SUFFIXES, METABASE_FOLDER, NOTEBOOK_SUFFIXES, POWERBI_MODEL, POWERBI_REPORT, SUPERSET_FILE, TABLEAU_SUFFIXES, ZIP_SUFFIXES, display_path
from parsers.sources.reading import Unreadable, open_regular, read_bounded, read_text
from parsers.sql.dialects import PathDialects
from parsers.sql.schema import SchemaRegistry

Job = Callable[[SchemaRegistry], tuple[list[FileFacts], Catalog | None]]
Texts = list[tuple[str, str]]


class Options(Protocol):
    @property
    def max_bytes(self) -> int | None: ...
    @property
    def statement_seconds(self) -> float | None: ...


def bi_jobs(bi: list[Path], python: Mapping[Path, object], dialects: PathDialects, options: Options, python_root: Root) -> dict[str, tuple[set[str], Job]]:
    """`python`: every scanned Python file's text (or why it could not be read), read once by the scan."""
    # Looker files form one project (views, explores and dashboards name each other), Feast files one repository
    jobs: dict[str, tuple[set[str], Job]] = {}
    looker = [p for p in bi if p.name.lower().endswith(LOOKER_SUFFIXES)]
    if looker:
        shown = _folder(looker)
        jobs[shown] = (set(), _looker_job(shown, looker, dialects.dialect(shown), options))
    for path in (p for p in bi if p.name.lower().endswith(TABLEAU_SUFFIXES)):
        jobs[display_path(path)] = (set(), _tableau_job(path, dialects.dialect(display_path(path)), options))
    for marker in (p for p in bi if p.name == SUPERSET_FILE):
        shown = display_path(marker.parent)
        jobs[shown] = (set(), _superset_job(shown, marker.parent, dialects.dialect(shown), options))
    for path in (p for p in bi if p.name.lower().endswith(ZIP_SUFFIXES)):  # a Superset export's zip, known by its content
        jobs[display_path(path)] = (set(), _superset_zip_job(path, dialects.dialect(display_path(path)), options))
    powerbi = [p for p in bi if p.name in (POWERBI_MODEL, POWERBI_REPORT)]
    if powerbi:  # reports name their models: one project
        shown = _folder(powerbi)
        jobs[shown if shown not in jobs else f"{shown} (Power BI)"] = (set(), _powerbi_job(powerbi, dialects.dialect(shown), options))
    for marker in (p for p in bi if p.name == METABASE_FOLDER):
        jobs[display_path(marker)] = (set(), _metabase_job(marker, dialects.dialect(display_path(marker)), options))
    for path in (p for p in bi if p.name.lower().endswith(NOTEBOOK_SUFFIXES)):
        jobs[display_path(path)] = (set(), _notebook_job(path, python_root, dialects.dialect(display_path(path)), options))
    feast = _feast_files(python)
    if feast:
        shown = _folder(feast)
        jobs[shown] = (set(), _feast_job(shown, feast, dialects.dialect(shown), options))
    return jobs


def _feast_files(python: Mapping[Path, object]) -> list[Path]:
    """The Python files that import Feast (an unreadable one is the ETL reader's to report)."""
    from parsers.bi.feast import is_feature_repo

    return [p for p, text in python.items() if isinstance(text, str) and "feast" in text and is_feature_repo(text)]


def _folder(paths: list[Path]) -> str:
    return display_path(Path(os.path.commonpath([os.path.abspath(p.parent) for p in paths])))


def _texts(paths: list[Path], max_bytes: int | None) -> tuple[Texts, list[FileFacts]]:
    """The files' texts, and a diagnostic for each that could not be read (too big, not UTF-8)."""
    texts: Texts = []
    unread: list[FileFacts] = []
    for path in paths:
        text = read_text(path, max_bytes)
        if isinstance(text, Diagnostic):
            unread.append(FileFacts(text.at.file, diagnostics=(text,)))
        else:
            texts.append((display_path(path), text))
    return texts, unread


def _unit(shown: str, facts: BiFacts, unread: list[FileFacts]) -> tuple[list[FileFacts], Catalog | None]:
    return [*facts.files, *unread], Catalog(shown, facts.owners, (), facts.consumers)


def _feast_job(shown: str, paths: list[Path], dialect: str | None, options: Options) -> Job:
    from parsers.bi.common import Sql
    from parsers.bi.feast import read_feast

    def job(registry: SchemaRegistry) -> tuple[list[FileFacts], Catalog | None]:
        texts, unread = _texts(paths, options.max_bytes)
        return _unit(shown, read_feast(texts, Sql(registry, dialect, options.statement_seconds)), unread)

    return job


def _tableau_job(path: Path, dialect: str | None, options: Options) -> Job:
    from parsers.bi.common import Sql
    from parsers.bi.tableau import read_tableau, unpack

    shown = display_path(path)

    def job(registry: SchemaRegistry) -> tuple[list[FileFacts], Catalog | None]:
        if path.suffix in (".twbx", ".tdsx"):
            try:
                with open_regular(path, Location(shown)) as handle:
                    text: str | Diagnostic = unpack(shown, read_bounded(handle, Location(shown), options.max_bytes), options.max_bytes)
            except Unreadable as err:
                text = err.diagnostic
        else:
            text = read_text(path, options.max_bytes)
        if isinstance(text, Diagnostic):
            return [FileFacts(shown, diagnostics=(text,))], None
        return _unit(shown, read_tableau(shown, text, Sql(registry, dialect, options.statement_seconds)), [])

    return job


def _superset_job(shown: str, folder: Path, dialect: str | None, options: Options) -> Job:
    from parsers.bi.common import Sql
    from parsers.bi.superset import read_superset

    def job(registry: SchemaRegistry) -> tuple[list[FileFacts], Catalog | None]:
        yaml_files = sorted((p for p in folder.rglob("*.yaml") if p.name != SUPERSET_FILE and p.is_file()), key=display_path)
        texts, unread = _texts(yaml_files, options.max_bytes)
        return _unit(shown, read_superset(texts, Sql(registry, dialect, options.statement_seconds)), unread)

    return job


def _superset_zip_job(path: Path, dialect: str | None, options: Options) -> Job:
    from parsers.bi.common import Sql
    from parsers.bi.superset import read_superset, unpack_export

    shown = display_path(path)

    def job(registry: SchemaRegistry) -> tuple[list[FileFacts], Catalog | None]:
        try:
            with open_regular(path, Location(shown)) as handle:
                found = unpack_export(shown, handle, options.max_bytes)  # a big zip of something else is not read whole
        except Unreadable as err:
            found = [], [err.diagnostic]
        if found is None:  # a zip of something else: not ours to read, as before zips were looked into
            return [], None
        texts, unread = found
        return _unit(shown, read_superset(texts, Sql(registry, dialect, options.statement_seconds)), [FileFacts(d.at.file, diagnostics=(d,)) for d in unread])

    return job


def _looker_job(shown: str, paths: list[Path], dialect: str | None, options: Options) -> Job:
    from parsers.bi.looker import read_looker

    def job(registry: SchemaRegistry) -> tuple[list[FileFacts], Catalog | None]:
        texts, unread = _texts(paths, options.max_bytes)
        return _unit(shown, read_looker(texts, registry, dialect, options.statement_seconds), unread)

    return job


def _powerbi_job(markers: list[Path], dialect: str | None, options: Options) -> Job:
    from parsers.bi.common import Sql
    from parsers.bi.powerbi_report import read_powerbi

    def job(registry: SchemaRegistry) -> tuple[list[FileFacts], Catalog | None]:
        models: dict[str, list[tuple[str, str]]] = {}
        reports: dict[str, dict[str, str]] = {}
        unread: list[FileFacts] = []
        for marker in markers:
            folder = marker.parent
            if marker.name == POWERBI_MODEL:
                bim = folder / "model.bim"
                texts, missing = _texts([bim] if bim.is_file() else sorted(folder.glob("definition/tables/*.tmdl"), key=display_path), options.max_bytes)
                models[display_path(folder)] = texts
            else:
                paths = [marker, *(p for p in [folder / "report.json"] if p.is_file()), *folder.glob("definition/pages/*/page.json"), *folder.glob("definition/pages/*/visuals/*/visual.json")]
                texts, missing = _texts(sorted(paths, key=display_path), options.max_bytes)
                reports[display_path(folder)] = dict(texts)
            unread += missing
        shown = _folder(markers)
        return _unit(shown, read_powerbi(models, reports, Sql(registry, dialect, options.statement_seconds)), unread)

    return job


def _metabase_job(collections: Path, dialect: str | None, options: Options) -> Job:
    from parsers.bi.common import Sql
    from parsers.bi.metabase import read_metabase

    def job(registry: SchemaRegistry) -> tuple[list[FileFacts], Catalog | None]:
        paths = sorted((p for p in collections.rglob("*.yaml") if p.is_file() and (p.parent.name in ("cards", "dashboards") or p.parent.name == p.stem)), key=display_path)
        texts, unread = _texts(paths, options.max_bytes)
        facts = read_metabase(texts, Sql(registry, dialect, options.statement_seconds))
        return [*facts.files, *unread], Catalog(display_path(collections), facts.owners, (), facts.consumers, owner_rules=facts.rules)

    return job


def _notebook_job(path: Path, root: Root, dialect: str | None, options: Options) -> Job:
    from parsers.bi.common import Sql
    from parsers.bi.notebooks import read_notebook

    shown = display_path(path)

    def job(registry: SchemaRegistry) -> tuple[list[FileFacts], Catalog | None]:
        text = read_text(path, options.max_bytes)
        if isinstance(text, Diagnostic):
            return [FileFacts(shown, diagnostics=(text,))], None
        return _unit(shown, read_notebook(path, text, Sql(registry, dialect, options.statement_seconds), root), [])

    return job
