"""A dbt project as lineage needs it, and the YAML, owner and naming rules both readers share.

`Project` is what both readers produce: `dbt.py` from `target/manifest.json`, `dbt_files.py` from
the project's files. Relations are named `schema.alias`, as the sample warehouse names tables; the
database is left out.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from sqlglot import exp

from lineage.catalog import Owner
from lineage.model import Diagnostic, Location, Severity
from parsers.dbt.profiles import ProfileSearch
from parsers.sources.documents import load_yaml
from parsers.sources.paths import PROJECT_FILE, Root
from parsers.sources.reading import DEFAULT_MAX_BYTES, Unreadable, decode, open_regular
from parsers.sql.budget import DEFAULT_STATEMENT_SECONDS
from parsers.sql.dialects import PathDialects

if TYPE_CHECKING:
    from parsers.dbt.semantic import SemanticEntry

LINE = "__line__"  # key under which YAML mappings read here keep their line
KEY_LINES = "__key_lines__"  # ... and ((key, line), ...) of their keys: a tuple, so no entry looks like a mapping
# dbt_project.yml's fields that name folders of the project, and dbt's defaults
FOLDER_FIELDS: dict[str, tuple[str, ...]] = {
    "model-paths": ("models",), "seed-paths": ("seeds",), "snapshot-paths": ("snapshots",), "analysis-paths": ("analyses",),
    "macro-paths": ("macros",), "packages-install-path": ("dbt_packages",), "target-path": ("target",),
}
# the names dbt before 1.0 gave those fields, still read by projects written then (dbt-labs' mrr-playbook)
LEGACY_FOLDER_FIELDS = {"model-paths": "source-paths", "seed-paths": "data-paths", "packages-install-path": "modules-path"}
_DICT_CONFIGS = {"meta", "column_types", "docs", "persist_docs", "grants", "contract"}


@dataclass(frozen=True, slots=True)
class DbtNode:
    uid: str  # dbt's unique_id: "model.<project>.<name>", "source.<project>.<source>.<table>"
    kind: str  # model | seed | snapshot | analysis | source
    name: str  # sources: "<source>.<table>"
    relation: str  # SQL name `schema.alias` (an ephemeral model's too, though dbt builds none); "" for analyses
    materialized: str
    path: str  # display path of the file defining it
    code: str | None = None  # compiled SQL of models, snapshots and analyses
    raw: str = ""  # the template `code` was rendered from
    first_line: int = 1  # file line of `raw`'s first line; for sources, their YAML entry
    columns: tuple[tuple[str, str | None], ...] = ()  # declared in YAML; seeds: the CSV header
    owner: Owner | None = None
    description: str = ""
    depends: tuple[str, ...] = ()
    diagnostics: tuple[Diagnostic, ...] = ()


@dataclass(frozen=True, slots=True)
class Exposure:
    name: str
    type: str  # dashboard | notebook | analysis | ml | application
    label: str
    url: str
    owner: Owner | None
    depends: tuple[str, ...]  # node uids
    columns: tuple[str, ...]  # meta.lineage.columns: "<model or source>.<column>"
    sql: str  # meta.lineage.sql: an analysis, relative to the project
    at: Location


@dataclass
class Project:
    root: Path
    shown: str  # the root as users see it
    name: str = ""
    dialect: str | None = None  # the scan's --dialect, else the adapter's
    max_bytes: int | None = DEFAULT_MAX_BYTES  # a bigger file of the project is a diagnostic, not read
    statement_seconds: float | None = DEFAULT_STATEMENT_SECONDS  # each model's budget (parsers.sql.budget)
    globs: PathDialects = field(default_factory=PathDialects)  # the catalog's `dialects:`
    profiles: ProfileSearch = field(default_factory=ProfileSearch)  # where profiles.yml is looked for
    nodes: dict[str, DbtNode] = field(default_factory=dict)
    exposures: list[Exposure] = field(default_factory=list)
    semantic: list[SemanticEntry] = field(default_factory=list)  # semantic models, metrics, saved queries
    groups: dict[str, Owner | None] = field(default_factory=dict)  # group name -> its owner
    diagnostics: list[Diagnostic] = field(default_factory=list)
    folders: dict[str, tuple[Path, ...]] = field(default_factory=dict)  # FOLDER_FIELDS inside the project
    bounds: Root = field(init=False)  # every file the project names must lie in it

    def __post_init__(self) -> None:
        self.bounds = Root.of([self.root], "the project")

    def dialect_of(self, shown: str) -> str | None:
        """A model's dialect before its header comment: a `dialects:` glob, else the project's."""
        return self.globs.glob(shown) or self.dialect

    def show(self, relative: str | Path) -> str:
        """A project file's path as users see it."""
        return str(Path(self.shown) / relative) if self.shown not in ("", ".") else str(relative)


class _Loader(yaml.SafeLoader):
    """Safe YAML whose mappings remember their line under LINE."""


def _mapping(loader: _Loader, node: yaml.MappingNode) -> dict[Any, Any]:
    loader.flatten_mapping(node)
    value = dict(loader.construct_mapping(node, deep=True))
    value[LINE] = node.start_mark.line + 1
    value[KEY_LINES] = tuple((k.value, k.start_mark.line + 1) for k, _ in node.value if isinstance(k, yaml.ScalarNode))
    return value


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


def read_yaml(path: Path, project: Project) -> dict[str, Any] | None:
    """A YAML mapping with lines, or None and a diagnostic (a link out of the project is not read)."""
    shown = project.show(path.relative_to(project.root))
    if not project.bounds.holds(path):
        project.diagnostics.append(project.bounds.refused_link(shown))
        return None
    data = load_yaml(path, project.max_bytes, shown, _Loader)
    if isinstance(data, Diagnostic):
        project.diagnostics.append(data)
        return None
    return data if isinstance(data, dict) else {}


def read_folders(config: Mapping[str, Any], project: Project) -> None:
    """dbt_project.yml's folder fields into `project.folders`; an entry leading out of the project
    (`..`, an absolute path, a link) is one diagnostic at its key, and is not read."""
    lines = dict(config.get(KEY_LINES) or ())
    for key, default in FOLDER_FIELDS.items():
        if not config.get(key) and config.get(LEGACY_FOLDER_FIELDS.get(key, "")):
            key_read = LEGACY_FOLDER_FIELDS[key]
        else:
            key_read = key
        at = Location(project.show(PROJECT_FILE), lines.get(key_read, 0))
        value = config.get(key_read) or default
        if not isinstance(value, (str, list, tuple)):
            project.diagnostics.append(Diagnostic(at, f"{key_read} must be a folder or a list of folders; dbt's default '{default[0]}' used"))
            value = default
        kept: list[Path] = []
        for entry in [value] if isinstance(value, str) else [str(v) for v in value]:
            if project.bounds.holds(project.root / entry):
                kept.append(project.root / entry)
            else:
                named = f"{key_read} entry" if key_read.endswith("-paths") else key_read
                project.diagnostics.append(Diagnostic(at, f"{named} '{entry}' is outside {project.bounds.name}; not read"))
        project.folders[key] = tuple(kept)


def plain(value: Any) -> Any:
    """YAML as read here, without the LINE and KEY_LINES keys."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items() if k not in (LINE, KEY_LINES)}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def owner_of(value: object) -> Owner | None:
    """`meta.owner: data-platform`, `owner: {name: BI team, email: bi@...}`: an owner id is a slug."""
    if isinstance(value, dict):
        name, email = str(value.get("name") or ""), str(value.get("email") or "")
    elif isinstance(value, str) and value.strip():
        name, email = ("", value.strip()) if "@" in value else (value.strip(), "")
    else:
        return None
    ident = _slug(name) or _slug(email.split("@")[0])
    if not ident:
        return None
    return Owner(ident, "" if name == ident else name, email)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def relation_sql(schema: str, alias: str) -> str:
    """`schema.alias`, quoted only where SQL needs it."""
    return exp.table_(alias, db=schema or None).sql()


def seed_columns(project: Project, csv_file: Path, types: Mapping[str, object], declared: list[tuple[str, str | None]]) -> tuple[tuple[str, str | None], ...]:
    """A seed's columns: its CSV header, typed by `column_types` or the YAML; else the YAML's."""
    typed = {name: t for name, t in declared if t}
    typed.update({str(k).lower(): str(v) for k, v in types.items()})
    names = [h.strip().lower() for h in _csv_header(project, csv_file)] or [n for n, _ in declared]
    return tuple((n, typed.get(n)) for n in names)


def _csv_header(project: Project, csv_file: Path) -> list[str]:
    """The first row only: a seed is data, and may be larger than any file we read whole."""
    where = Location(project.show(csv_file.relative_to(project.root)))
    try:
        with open_regular(csv_file, where) as handle:
            line = io.BufferedReader(handle).readline(project.max_bytes or -1)  # type: ignore[arg-type]
        return next(csv.reader([decode(line, where)]), [])
    except Unreadable as err:
        project.diagnostics.append(err.diagnostic)
        return []


def yaml_entries(data: Mapping[str, Any] | None) -> Iterator[tuple[str, dict[str, Any]]]:
    """(section, entry) for every named entry of a properties file; sources expand per table."""
    for section in ("models", "seeds", "snapshots", "analyses", "exposures", "groups", "sources", "semantic_models", "metrics", "saved_queries"):
        for entry in (data or {}).get(section) or ():
            if isinstance(entry, dict) and entry.get("name"):
                if section != "sources":
                    yield section, entry
                    continue
                for table in entry.get("tables") or ():
                    if isinstance(table, dict) and table.get("name"):
                        yield section, {**table, "source": entry}


def declared_columns(entry: Mapping[str, Any]) -> list[tuple[str, str | None]]:
    columns = entry.get("columns") or ()
    if isinstance(columns, dict):  # the manifest keys columns by name
        columns = list(columns.values())
    return [(str(c["name"]).lower(), str(c["data_type"]) if c.get("data_type") else None) for c in columns if isinstance(c, dict) and c.get("name")]


def exposure_of(entry: Mapping[str, Any], depends: tuple[str, ...], at: Location) -> Exposure:
    meta = {**(plain(entry.get("meta")) or {}), **(plain((entry.get("config") or {}).get("meta")) or {})}
    lineage: dict[str, Any] = meta["lineage"] if isinstance(meta.get("lineage"), dict) else {}
    columns = tuple(str(c).lower() for c in lineage.get("columns") or ())
    return Exposure(str(entry["name"]), str(entry.get("type") or "dashboard"), str(entry.get("label") or ""), str(entry.get("url") or ""), owner_of(entry.get("owner")), depends, columns, str(lineage.get("sql") or ""), at)


def topological(uids: list[str], depends: Callable[[str], list[str]]) -> list[str]:
    """Dependencies first; ties (and cycles, which dbt rejects) in `uids` order."""
    done: set[str] = set()
    order: list[str] = []
    visiting: set[str] = set()

    def visit(uid: str) -> None:
        if uid in done or uid in visiting:
            return
        visiting.add(uid)
        for dep in sorted(depends(uid)):
            visit(dep)
        visiting.discard(uid)
        done.add(uid)
        order.append(uid)

    for uid in uids:
        visit(uid)
    return order


def configs(level: Mapping[str, Any]) -> dict[str, Any]:
    """The settings at one level of dbt_project.yml's tree: `+key`, plain values, known dict configs."""
    return {k.lstrip("+"): v for k, v in level.items() if k.startswith("+") or not isinstance(v, dict) or k in _DICT_CONFIGS}


def python_model(node: DbtNode) -> Diagnostic:
    return Diagnostic(Location(node.path, 1), f"dbt Python model {node.name}: its columns come from YAML only, its column lineage is not extracted", Severity.WARNING)


def merge_config(config: dict[str, Any], updates: Mapping[str, Any]) -> None:
    """dbt's config precedence: later wins, except `meta`, whose keys merge."""
    for key, value in updates.items():
        if key == "meta" and isinstance(value, dict):
            config["meta"] = {**(config.get("meta") or {}), **value}
        else:
            config[key] = value


_ADAPTERS = {"duckdb": "duckdb", "postgres": "postgres", "snowflake": "snowflake", "bigquery": "bigquery", "redshift": "redshift", "databricks": "databricks", "spark": "spark", "trino": "trino", "clickhouse": "clickhouse", "sqlserver": "tsql", "fabric": "tsql", "mysql": "mysql", "athena": "athena", "oracle": "oracle", "teradata": "teradata"}


def adapter_dialect(adapter: str) -> str | None:
    """sqlglot's dialect for a dbt adapter type, or None when it has none."""
    return _ADAPTERS.get(adapter.lower())


def dialect_adapter(dialect: str | None) -> str:
    """The dbt adapter type of a sqlglot dialect ("" when none): the target's type where no profile
    says it, so `--dialect snowflake` renders `target.type == 'snowflake'` branches as dbt on
    Snowflake would."""
    names = [adapter for adapter, name in _ADAPTERS.items() if name == (dialect or "").lower()]
    return names[0] if names else ""
