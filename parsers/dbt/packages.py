"""A dbt project's macros as dbt namespaces them: the project's own, each installed package's
(under `packages-install-path`, by the name in the package's dbt_project.yml), and the project's
`dispatch:` search orders. Packages that packages.yml names but that are not installed are listed,
so the scan can say once that `dbt deps` would make their macros exact.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import Template
from jinja2.exceptions import TemplateSyntaxError

from lineage.model import Diagnostic, Location, Severity
from parsers.dbt.project import Project, plain, read_yaml
from parsers.templating.sandbox import Sandbox

MACRO = re.compile(r"{%-?\s*macro\s+(\w+)")
# dbt's other blocks in macro files (generic tests, materializations, docs): not macros a model calls,
# and tags plain Jinja does not know; blanked (their lines kept) before the file is compiled
_OTHER_BLOCKS = re.compile(r"{%-?\s*(test|materialization|docs)\b.*?{%-?\s*end\1\s*-?%}", re.DOTALL)
FALLBACK_PACKAGES = ("dbt_utils", "dbt_date")  # namespaces with built-in stand-ins (fallbacks.py)


@dataclass
class Macros:
    root: str  # the project's name: its macros are the global ones
    packages: dict[str, dict[str, Template]] = field(default_factory=dict)  # package -> macro -> its compiled file
    dispatch: dict[str, list[str]] = field(default_factory=dict)  # macro_namespace -> packages searched, in order
    missing: list[str] = field(default_factory=list)  # named in packages.yml, not installed

    @property
    def own(self) -> dict[str, Template]:
        return self.packages.get(self.root, {})


@dataclass(frozen=True)
class Reader:
    """How the raw reader lists and reads the project's files (links out refused, sizes bounded)."""

    files: Callable[[Path, str], list[Path]]
    text: Callable[[Path], str | None]
    show: Callable[[Path], str]


def load_macros(project: Project, config: dict[str, Any], env: Sandbox, reader: Reader) -> Macros:
    macros = Macros(project.name)
    macros.packages[project.name] = _compile(project, env, reader, project.folders["macro-paths"])
    installed: set[str] = set()
    for base in project.folders["packages-install-path"]:
        for folder in sorted(p for p in base.iterdir() if p.is_dir()) if base.is_dir() else []:
            name, paths = _package(project, folder)
            installed |= {name, folder.name}
            if name != project.name:
                macros.packages.setdefault(name, {}).update(_compile(project, env, reader, paths))
    for entry in plain(config.get("dispatch") or []):
        if isinstance(entry, dict) and entry.get("macro_namespace"):
            macros.dispatch[str(entry["macro_namespace"])] = [str(p) for p in entry.get("search_order") or ()]
    macros.missing = sorted(n for n in _named_packages(project) if n not in installed)
    if macros.missing:
        at = Location(project.show(_packages_file(project).name))
        stand_in = [n for n in macros.missing if n in FALLBACK_PACKAGES]
        said = f"; the most used macros of {', '.join(stand_in)} are rendered by built-in stand-ins" if stand_in else ""
        project.diagnostics.append(Diagnostic(at, f"packages not installed: {', '.join(macros.missing)}{said}; run `dbt deps` to render their macros exactly", Severity.WARNING))
    return macros


def _package(project: Project, folder: Path) -> tuple[str, list[Path]]:
    """A package's name (its dbt_project.yml's, as dbt namespaces it) and macro folders."""
    path = folder / "dbt_project.yml"
    config = read_yaml(path, project) if path.exists() else None
    paths = (config or {}).get("macro-paths") or ["macros"]
    inside = [folder / str(p) for p in ([paths] if isinstance(paths, str) else paths)]
    return str((config or {}).get("name") or folder.name), [p for p in inside if project.bounds.holds(p)]


def _compile(project: Project, env: Sandbox, reader: Reader, bases: list[Path] | tuple[Path, ...]) -> dict[str, Template]:
    macros: dict[str, Template] = {}
    for base in bases:
        for path in reader.files(base, "*.sql"):
            text = reader.text(path)
            if text is None:
                continue
            try:
                template = env.from_string(_OTHER_BLOCKS.sub(lambda m: "\n" * m.group(0).count("\n"), text))
            except TemplateSyntaxError as err:
                project.diagnostics.append(Diagnostic(Location(reader.show(path), err.lineno), f"cannot read macros: {err.message}"))
                continue
            macros.update({name: template for name in MACRO.findall(text)})
    return macros


def _packages_file(project: Project) -> Path:
    for name in ("packages.yml", "dependencies.yml"):
        if (project.root / name).exists():
            return project.root / name
    return project.root / "packages.yml"


def _named_packages(project: Project) -> list[str]:
    """Package names packages.yml (or dependencies.yml) asks for: hub `org/name`, git repos, local paths."""
    path = _packages_file(project)
    data = read_yaml(path, project) if path.exists() else None
    names = []
    for entry in plain((data or {}).get("packages") or []):
        if not isinstance(entry, dict):
            continue
        spec = str(entry.get("package") or entry.get("git") or entry.get("local") or "")
        name = re.sub(r"\.git$", "", spec.rstrip("/").rsplit("/", 1)[-1])
        if name:
            names.append(name.replace("-", "_"))
    return names
