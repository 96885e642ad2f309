"""Reading a dbt manifest (target/manifest.json): its nodes and sources as the project's models, with each
node's file checked against the project and its lines found, and whether the manifest is older than the files."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from lineage.catalog import Owner
from lineage.model import Diagnostic, Location
from parsers.dbt.project import (
    DbtNode,
    Project,
    adapter_dialect,
    declared_columns,
    exposure_of,
    owner_of,
    python_model,
    read_yaml,
    relation_sql,
    seed_columns,
    yaml_entries,
    LINE,
)
from parsers.dbt.ephemeral import uninlined
from parsers.dbt.semantic import SECTIONS, SemanticEntry
from parsers.sources.documents import load_json
from parsers.sources.paths import SCANNED_SUFFIXES, display_path
from parsers.sources.reading import read_text

NODE_KINDS = ("model", "seed", "snapshot", "analysis")
PROJECT_FILES = tuple(f"*{suffix}" for suffix in SCANNED_SUFFIXES)


def load_manifest(path: Path, project: Project) -> tuple[Project | None, str]:
    """The project from dbt's manifest, or None and why it cannot be used."""
    data = load_json(path, _manifest_limit(project.max_bytes))
    if isinstance(data, Diagnostic):
        return None, str(data)
    if not isinstance(data, dict) or "nodes" not in data or "sources" not in data:
        return None, f"{path} is not a dbt manifest"
    newer = _newer_than(project.root, path)
    if newer is not None:
        return None, f"{path} is older than {newer.relative_to(project.root)} (run `dbt compile` to use it)"
    metadata = data.get("metadata") or {}
    project.name = str(metadata.get("project_name") or project.root.name)
    project.dialect = project.dialect or adapter_dialect(str(metadata.get("adapter_type") or ""))
    names = {n["relation_name"]: relation_sql(n["schema"], n.get("alias") or n.get("identifier") or n["name"]) for n in [*data["nodes"].values(), *data["sources"].values()] if n.get("relation_name")}
    rename = re.compile("|".join(re.escape(k) for k in sorted(names, key=len, reverse=True))) if names else None
    groups = {str(g["name"]): owner_of(g.get("owner")) for g in (data.get("groups") or {}).values()}
    lines = _EntryLines(project)
    _check_files(project, data, path)
    ephemeral = {str(n["name"]): relation_sql(n["schema"], n.get("alias") or n["name"]) for n in data["nodes"].values() if (n.get("config") or {}).get("materialized") == "ephemeral"}
    for uid, node in sorted(data["nodes"].items()):
        if node.get("resource_type") not in NODE_KINDS or node.get("config", {}).get("enabled") is False:
            continue
        python = node.get("language", "sql") != "sql"
        if node["resource_type"] != "seed" and not python and node.get("compiled_code") is None:
            return None, f"{path} has no compiled SQL (written by `dbt parse`?)"
        code = None if python else node.get("compiled_code")
        if code is not None and rename is not None:
            code = rename.sub(lambda m: names[m.group(0)], code)
        if code is not None:
            code = uninlined(code, project.dialect, ephemeral)
        project.nodes[uid] = _manifest_node(project, uid, node, code, groups)
        if python:
            project.nodes[uid] = replace(project.nodes[uid], raw="", first_line=1, diagnostics=(python_model(project.nodes[uid]),))
    for uid, source in sorted(data["sources"].items()):
        project.nodes[uid] = _manifest_source(project, uid, source, lines)
    for exposure in sorted(data.get("exposures", {}).values(), key=lambda e: str(e["name"])):
        at = Location(project.show(exposure["original_file_path"]), lines.line(exposure["original_file_path"], "exposures", str(exposure["name"])))
        project.exposures.append(exposure_of(exposure, tuple(exposure.get("depends_on", {}).get("nodes") or ()), at))
    project.groups = dict(groups)
    for section in SECTIONS:
        for entry in sorted((data.get(section) or {}).values(), key=lambda e: str(e["name"])):
            at = Location(project.show(entry["original_file_path"]), lines.line(entry["original_file_path"], section, str(entry["name"])))
            project.semantic.append(SemanticEntry(section, entry, at, tuple(entry.get("depends_on", {}).get("nodes") or ())))
    return project, ""


def _relative(project: Project, entry: Mapping[str, Any]) -> str:
    """A manifest entry's file, relative to the project: a package's under packages-install-path."""
    if entry.get("package_name") in (None, project.name):
        return str(entry["original_file_path"])
    packages = project.folders.get("packages-install-path") or (project.root / "dbt_packages",)
    return os.path.join(os.path.relpath(packages[0], project.root), str(entry["package_name"]), str(entry["original_file_path"]))


def _check_files(project: Project, data: Mapping[str, Any], manifest: Path) -> None:
    """The manifest names the files it came from: one outside the project is never read."""
    entries = [*data["nodes"].items(), *data["sources"].items(), *(data.get("exposures") or {}).items()]
    for uid, entry in sorted(e for e in entries if "original_file_path" in e[1]):
        relative = _relative(project, entry)
        if not project.bounds.holds(project.root / relative):
            project.diagnostics.append(Diagnostic(Location(display_path(manifest)), f"original_file_path '{relative}' of {uid} is outside {project.bounds.name}; not read"))


def _readable(project: Project, relative: str) -> Path | None:
    """The project's file at `relative`, or None when it lies outside (`_check_files` said so)."""
    path = project.root / relative
    return path if project.bounds.holds(path) else None
def _manifest_limit(max_bytes: int | None) -> int | None:
    """dbt writes every macro of dbt itself into the manifest: 1 MB for one model, 100+ MB for thousands."""
    return None if max_bytes is None else max(max_bytes, 256 * 2**20)


def _manifest_node(project: Project, uid: str, node: Mapping[str, Any], code: str | None, groups: Mapping[str, Owner | None]) -> DbtNode:
    config = node.get("config") or {}
    relative = _relative(project, node)
    file = _readable(project, relative)
    kind, materialized = str(node["resource_type"]), str(config.get("materialized") or "")
    relation = "" if kind == "analysis" else relation_sql(node["schema"], node.get("alias") or node["name"])
    meta = {**(node.get("meta") or {}), **(config.get("meta") or {})}
    owner = owner_of(meta.get("owner")) or groups.get(str(config.get("group") or node.get("group") or ""))
    columns = tuple(declared_columns(node))
    if kind == "seed" and file is not None:
        columns = seed_columns(project, file, config.get("column_types") or {}, list(columns))
    raw = str(node.get("raw_code") or "")
    first = _first_line(project, relative, raw) if file is not None else 1
    return DbtNode(uid, kind, str(node["name"]), relation, materialized, project.show(relative), code, raw, first, columns, owner, str(node.get("description") or ""), tuple(node.get("depends_on", {}).get("nodes") or ()))


def _manifest_source(project: Project, uid: str, source: Mapping[str, Any], lines: _EntryLines) -> DbtNode:
    name = f"{source['source_name']}.{source['name']}"
    meta = {**(source.get("source_meta") or {}), **(source.get("config", {}).get("meta") or {}), **(source.get("meta") or {})}
    relation = relation_sql(source["schema"], source.get("identifier") or source["name"])
    line = lines.line(source["original_file_path"], "sources", name)
    return DbtNode(uid, "source", name, relation, "source", project.show(source["original_file_path"]), first_line=line, columns=tuple(declared_columns(source)), owner=owner_of(meta.get("owner")), description=str(source.get("description") or ""))


@dataclass
class _EntryLines:
    """Lines of properties YAML entries: the manifest does not keep them."""

    project: Project
    files: dict[str, dict[tuple[str, str], int]] = field(default_factory=dict)

    def line(self, relative: str, section: str, name: str) -> int:
        if relative not in self.files:
            path = _readable(self.project, relative)
            data = read_yaml(path, Project(self.project.root, self.project.shown, max_bytes=self.project.max_bytes)) if path is not None and path.exists() else None
            self.files[relative] = {(s, f"{e['source']['name']}.{e['name']}" if s == "sources" else str(e["name"])): int(e[LINE]) for s, e in yaml_entries(data)}
        return self.files[relative].get((section, name), 0)


def _first_line(project: Project, relative: str, raw: str) -> int:
    """File line where `raw` (a model's code, a snapshot's body) starts."""
    text = read_text(project.root / relative, project.max_bytes, project.show(relative))
    if isinstance(text, Diagnostic):
        return 1  # the manifest's code is still read: only its lines may be off
    index = text.find(raw) if raw else -1
    return text.count("\n", 0, index) + 1 if index >= 0 else 1


def _newer_than(root: Path, manifest: Path) -> Path | None:
    """A project file changed after the manifest was written, if any."""
    built = manifest.stat().st_mtime
    skip = {root / "dbt_packages", root / "logs"}
    if manifest.parent != root and manifest.parent.is_relative_to(root):
        skip.add(manifest.parent)  # target/: dbt writes compiled copies of the models there
    for pattern in PROJECT_FILES:
        for path in sorted(root.rglob(pattern)):
            if not any(path.is_relative_to(s) for s in skip) and path.stat().st_mtime > built:
                return path
    return None
