"""`lineage scan`: SQL, dbt projects and ETL code into the lineage store."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from cli import output
from cli.common import BudgetOpt, DialectOpt, MaxFileOpt, SchemaOpt, StoreOpt, check_dialect, errors, load_schema, max_bytes, store_spec

if TYPE_CHECKING:
    from parsers.dbt.profiles import ProfileSearch


def scan(
    ctx: typer.Context,
    paths: Annotated[list[Path], typer.Argument(help="SQL files or directories to scan.", show_default=False)],
    dialect: DialectOpt = None,
    schema: SchemaOpt = None,
    catalog: Annotated[Optional[Path], typer.Option("--catalog", help="Catalog file (default: lineage.yml at the root of a scanned path).")] = None,
    jobs: Annotated[Optional[int], typer.Option("--jobs", "-j", min=1, help="Processes parsing SQL files (default: the CPU count). The result is the same for any value.", show_default=False)] = None,
    cache: Annotated[bool, typer.Option("--cache/--no-cache", help="Reuse the facts of files unchanged since the last scan (and whose tables are unchanged); kept in .lineage/scan-cache.json.")] = True,
    max_file_mb: MaxFileOpt = 10.0,
    statement_budget: BudgetOpt = 30.0,
    rebuild: Annotated[bool, typer.Option("--rebuild", help="Write the store anew from this scan alone, reading neither the store nor the scan cache (for a damaged store).")] = False,
    profiles_dir: Annotated[Optional[Path], typer.Option("--profiles-dir", help="Folder of dbt's profiles.yml (default: $DBT_PROFILES_DIR, else the dbt project's folder, else ~/.dbt).", show_default=False)] = None,
    target: Annotated[Optional[str], typer.Option("--target", help="dbt target of the profile (default: the profile's `target:`).", show_default=False)] = None,
    strict: Annotated[bool, typer.Option("--strict", help="A catalog name (a consumer's column, a tables: key or glob) that matches nothing scanned is an error (exit 1), not a warning.")] = False,
    store: StoreOpt = None,
) -> None:
    """Scan SQL into the lineage store.

    Re-scanning replaces what each file said before; files gone from a scanned path leave the graph.

    Example: lineage scan sample_sql/ --dialect postgres
    """
    from graphs.stores.open import open_store
    from lineage.api import scan_into

    with errors(ctx), _interruptible():
        check_dialect(ctx, dialect)
        registry = load_schema(schema, max_bytes(max_file_mb))
        with output.progress("Scanning") as step, open_store(store_spec(store), fresh=rebuild, notify=output.error) as opened:
            summary = scan_into(opened, paths, dialect=dialect, schema=registry, catalog=catalog, progress=step, jobs=jobs or os.cpu_count() or 1, cache=_cache_file(store_spec(store)) if cache else None, max_file_mb=max_file_mb or None, statement_seconds=statement_budget or None, rebuild=rebuild, profiles=_profiles(profiles_dir, target), strict=strict)
        for diagnostic in summary.diagnostics:
            output.error(str(diagnostic))
        output.summary(summary, cache=cache and not rebuild)
        if not summary.files:
            output.error(f"No SQL found in {', '.join(str(p) for p in paths)}: {_looked_for()}.")
        if summary.failures or not summary.files:
            raise typer.Exit(1)


def _profiles(profiles_dir: Path | None, target: str | None) -> ProfileSearch:
    """Where dbt would look for profiles.yml: the option, $DBT_PROFILES_DIR, the project, ~/.dbt."""
    from parsers.dbt.profiles import ProfileSearch

    return ProfileSearch.of(profiles_dir, target, os.environ, Path.home())


def _looked_for() -> str:
    from parsers.sources.paths import PROJECT_FILE, PY_SUFFIXES, SQL_SUFFIXES

    files = " and ".join(f"*{suffix}" for suffix in SQL_SUFFIXES + PY_SUFFIXES)
    return f"looked for {files} files (in any case) and dbt projects ({PROJECT_FILE})"


def _cache_file(store: str) -> Path:
    """Beside the embedded store; for a server store, in .lineage/ of the working directory."""
    from graphs.stores.open import JSON_SCHEME, NEO4J_SCHEMES

    return (Path(".lineage") if store.startswith(NEO4J_SCHEMES) else Path(store.removeprefix(JSON_SCHEME))) / "scan-cache.json"


@contextmanager
def _interruptible() -> Iterator[None]:
    """Ctrl-C during a scan: the store's transaction rolls back; say so in one line, exit 130."""
    try:
        yield
    except KeyboardInterrupt:
        output.error("interrupted: nothing was written to the store")
        raise typer.Exit(130) from None
