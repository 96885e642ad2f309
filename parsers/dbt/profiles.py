"""Finding a dbt project's profile and target the way dbt does, without connecting to anything.

dbt reads profiles.yml from `--profiles-dir`, else `$DBT_PROFILES_DIR`, else the project's folder,
else `~/.dbt/` (https://docs.getdbt.com/docs/core/connect-data-platform/connection-profiles), and
uses `--target`, else the profile's `target:`, else `default`. The target's `type` names the
adapter, whose dialect is used unless `--dialect` names another.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lineage.model import Diagnostic, Location, Severity
from parsers.sources.documents import load_yaml
from parsers.sources.paths import display_path

PROFILES_FILE = "profiles.yml"
DEFAULT_TARGET = "default"  # dbt's target when neither --target nor the profile's `target:` names one


@dataclass(frozen=True, slots=True)
class ProfileSearch:
    """Where to look for profiles.yml and which target to take; the CLI fills it from its options
    and the environment, so nothing below reads the environment itself."""

    profiles_dir: Path | None = None  # --profiles-dir, else $DBT_PROFILES_DIR: the only folder looked in
    home: Path | None = None  # the user's home: ~/.dbt/ is looked in last (None: not looked in)
    target: str | None = None  # --target

    @classmethod
    def of(cls, profiles_dir: Path | None, target: str | None, environ: Mapping[str, str], home: Path | None) -> ProfileSearch:
        """dbt's precedence: the option, then `DBT_PROFILES_DIR`."""
        given = profiles_dir or (Path(environ["DBT_PROFILES_DIR"]) if environ.get("DBT_PROFILES_DIR") else None)
        return cls(given, home, target)

    def candidates(self, project_root: Path) -> list[tuple[Path, str]]:
        """The profiles.yml files dbt would read, first found wins, each with its path as shown."""
        if self.profiles_dir is not None:
            return [(self.profiles_dir / PROFILES_FILE, display_path(self.profiles_dir / PROFILES_FILE))]
        found = [(project_root / PROFILES_FILE, display_path(project_root / PROFILES_FILE))]
        return found + ([(self.home / ".dbt" / PROFILES_FILE, f"~/.dbt/{PROFILES_FILE}")] if self.home else [])


@dataclass(frozen=True, slots=True)
class FoundProfile:
    name: str
    target: str  # --target, else the profile's `target:` as written (it may hold Jinja), else dbt's default
    outputs: Mapping[str, Any]  # target name -> its settings as written
    shown: str  # the profiles.yml it came from, as users see it ("" when none was found)
    diagnostics: tuple[Diagnostic, ...] = ()

    def output(self, target: str, at: Location) -> tuple[Mapping[str, Any], tuple[Diagnostic, ...]]:
        """The settings of `target` (the rendered target name), or none and why."""
        chosen = self.outputs.get(target)
        if isinstance(chosen, dict):
            return chosen, ()
        if not self.shown or self.diagnostics:
            return {}, ()  # the profile itself was not found: said once
        message = f"no target '{target}' in profile '{self.name}' of {self.shown}; models without a custom schema go to schema '{self.name}'"
        return {}, (_note(at, message),)


def find_profile(search: ProfileSearch, looked: Sequence[tuple[Path, str]], profile: str, at: Location, max_bytes: int | None) -> FoundProfile:
    """The profile from the first of the `looked` files (path, as shown) that exists, or an empty
    one and one line naming where we looked."""
    found, shown = next(((p, s) for p, s in looked if p.exists()), (None, ""))
    if found is None:
        where = ", ".join(s for _, s in looked)
        return FoundProfile(profile, "", {}, "", (_note(at, f"profile '{profile}' not found (looked in {where}); models without a custom schema go to schema '{profile}'"),))
    data = load_yaml(found, max_bytes, shown)
    if isinstance(data, Diagnostic):
        return FoundProfile(profile, "", {}, shown, (data,))
    entry = data.get(profile) if isinstance(data, dict) else None
    if not isinstance(entry, dict):
        return FoundProfile(profile, "", {}, shown, (_note(at, f"profile '{profile}' not found in {shown}; models without a custom schema go to schema '{profile}'"),))
    outputs = entry.get("outputs") if isinstance(entry.get("outputs"), dict) else {}
    return FoundProfile(profile, search.target or str(entry.get("target") or DEFAULT_TARGET), outputs, shown)


def _note(at: Location, message: str) -> Diagnostic:
    return Diagnostic(at, message, Severity.WARNING)
