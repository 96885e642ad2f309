"""Reading a dbt project from its files, without dbt: dbt_project.yml, profiles.yml, the
properties YAML (columns, owners, sources, exposures, groups) and the models, rendered twice in the
Jinja sandbox with dbt's context stubbed (`dbt_jinja.py`): once for what config() says, once with
every ref() and source() resolved.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from lineage.catalog import Owner
from lineage.model import Diagnostic, Location, Severity
from parsers.dbt.jinja import DbtJinja, Target, marker
from parsers.dbt.knowledge import ProjectKnowledge
from parsers.dbt.packages import Macros, Reader, load_macros
from parsers.dbt.warehouse import Relation
from parsers.dbt.project import (
    LINE,
    DbtNode,
    Project,
    adapter_dialect,
    dialect_adapter,
    configs,
    declared_columns,
    exposure_of,
    merge_config,
    owner_of,
    plain,
    python_model,
    read_folders,
    read_yaml,
    relation_sql,
    seed_columns,
    topological,
    yaml_entries,
)
from parsers.dbt.profiles import find_profile
from parsers.dbt.semantic import SECTIONS, SemanticEntry
from parsers.sources.paths import PROJECT_FILE
from parsers.sources.reading import read_text
from parsers.templating.placeholders import MARK_CLOSE, MARK_OPEN, bind_placeholders
from parsers.templating.sandbox import render, shift

_PLACEHOLDER = re.compile(f"{MARK_OPEN}([^{MARK_CLOSE}]*){MARK_CLOSE}")
_SNAPSHOT = re.compile(r"{%-?\s*snapshot\s+(\w+)\s*-?%}(.*?){%-?\s*endsnapshot\s*-?%}", re.DOTALL)
_DEPENDS = re.compile(r"""^\s*(ref|source)\(\s*((?:['"][^'"]+['"]\s*,?\s*)+)\)\s*$""")
_DEFAULT_MATERIALIZED = {"model": "view", "seed": "seed", "snapshot": "snapshot", "analysis": "view"}
_SECTIONS = {"model": "models", "seed": "seeds", "snapshot": "snapshots", "analysis": "analyses"}


class RawReader:
    """Reads one project's files; `read()` returns the Project."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self.config: dict[str, Any] = {}
        self.properties: dict[tuple[str, str], tuple[str, dict[str, Any]]] = {}  # (section, name) -> (file, entry)
        self.groups: dict[str, Owner | None] = {}
        self.jinja = DbtJinja({}, {}, Macros(""), self._resolve)
        self.paths: dict[str, Path] = {}  # uid -> its file, for a seed's rows
        self.pending: dict[str, tuple[DbtNode, dict[str, Any]]] = {}  # uid -> (node, its config so far)
        self.by_name: dict[tuple[str, str], str] = {}  # ("ref", model) or ("source", "src.table") -> uid
        self.parsing = True  # first render: ref() and source() only record what they name

    def read(self) -> Project:
        project = self.project
        self.config = read_yaml(project.root / "dbt_project.yml", project) or {}
        read_folders(self.config, project)
        project.name = str(self.config.get("name") or project.root.name)
        target = self._target()
        variables = plain(self.config.get("vars") or {})
        scoped = variables.get(project.name) if isinstance(variables.get(project.name), dict) else {}
        variables = {**{k: v for k, v in variables.items() if not isinstance(v, dict)}, **scoped}
        knowledge = ProjectKnowledge(project, self._node, self.paths)
        self.jinja = DbtJinja(target, variables, Macros(project.name), self._resolve, knowledge.knowledge())
        self.jinja.warehouse.dialect = project.dialect
        # compiled in this renderer's sandbox: their unknown names are noted on the node it renders
        self.jinja.macros = load_macros(project, self.config, self.jinja.env, Reader(self._files, self._text, self._show))
        self._read_properties()
        self._sources()
        self._discover()
        order = self._configure()
        self.parsing = False
        self.jinja.execute = self.jinja.warehouse.live = True  # dbt's compile pass: macros may introspect
        for uid in order:
            self._compile(uid)
        self._exposures()
        self._semantic()
        return project

    def _files(self, base: Path, pattern: str) -> list[Path]:
        """The files under `base` (a FIFO or device too: refused when read, not skipped); a link to a
        file outside the project is a diagnostic, not read."""
        found = sorted(f for f in base.rglob(pattern) if not f.is_dir()) if base.is_dir() else []
        bounds = self.project.bounds
        self.project.diagnostics.extend(bounds.refused_link(self._show(f)) for f in found if not bounds.holds_entry(f))
        return [f for f in found if bounds.holds_entry(f)]

    def _show(self, path: Path) -> str:
        return self.project.show(path.relative_to(self.project.root))

    def _text(self, path: Path) -> str | None:
        text = read_text(path, self.project.max_bytes, self._show(path))
        if isinstance(text, Diagnostic):
            self.project.diagnostics.append(text)
            return None
        return text

    def _target(self) -> dict[str, object]:
        """The target's name, type and schema, from profiles.yml where dbt looks for it (dbt/profiles.py)."""
        profile = str(self.config.get("profile") or self.project.name)
        root = self.project.root
        looked = [(p, self._show(p) if p.is_relative_to(root) else s) for p, s in self.project.profiles.candidates(root)]
        # the project's own profiles.yml may not lead out of it; one named by the user may lie anywhere
        refused = [(p, s) for p, s in looked if p.is_relative_to(root) and p.exists() and not self.project.bounds.holds(p)]
        self.project.diagnostics.extend(self.project.bounds.refused_link(s) for _, s in refused)
        looked = [c for c in looked if c not in refused]
        at = Location(self.project.show(PROJECT_FILE))
        found = find_profile(self.project.profiles, looked, profile, at, self.project.max_bytes)
        shown = found.shown or at.file
        name = self._value(found.target, shown)
        chosen, notes = found.output(name, at)
        self.project.diagnostics.extend(found.diagnostics + notes)
        output = plain(dict(chosen))
        schema = self._value(output.get("schema") or output.get("dataset") or profile, shown)
        adapter = self._value(output.get("type") or "", shown) or dialect_adapter(self.project.dialect)
        # --dialect wins over the adapter's, as it does over a manifest's adapter_type
        self.project.dialect = self.project.dialect or adapter_dialect(adapter)
        return {"name": name, "schema": schema, "type": adapter, "profile_name": profile}

    def _value(self, value: object, shown: str = "") -> str:
        """A YAML value that may hold Jinja such as `{{ env_var('X', 'default') }}`."""
        text = str(value)
        if "{{" not in text and "{%" not in text:
            return text
        node = Target("", "", shown or self.project.show(PROJECT_FILE), 1, Relation(""))
        rendered = render(self.jinja.env, text, self.jinja.context(node, {}), Location(node.path, 1))
        self.project.diagnostics.extend(rendered.diagnostics + tuple(node.diagnostics))
        # a name (a schema, an identifier) taken from an unset env_var() is that variable's name, not a mark
        return _PLACEHOLDER.sub(r"\1", rendered.text) if rendered.text is not None else text

    def _read_properties(self) -> None:
        for key in "model-paths", "seed-paths", "snapshot-paths", "analysis-paths":
            for base in self.project.folders[key]:
                for path in self._files(base, "*.yml") + self._files(base, "*.yaml"):
                    for section, entry in yaml_entries(read_yaml(path, self.project)):
                        name = f"{entry['source']['name']}.{entry['name']}" if section == "sources" else str(entry["name"])
                        self.properties.setdefault((section, name), (self._show(path), entry))
                        if section == "groups":
                            self.groups[name] = owner_of(entry.get("owner"))

    def _sources(self) -> None:
        for (section, name), (shown, entry) in sorted(self.properties.items()):
            if section != "sources":
                continue
            source = entry["source"]
            meta = {**(plain(source.get("meta")) or {}), **(plain((source.get("config") or {}).get("meta")) or {}), **(plain(entry.get("meta")) or {})}
            relation = relation_sql(self._value(source.get("schema") or source["name"]), self._value(entry.get("identifier") or entry["name"]))
            uid = f"source.{self.project.name}.{name}"
            owner = owner_of(meta.get("owner"))
            self.project.nodes[uid] = DbtNode(uid, "source", name, relation, "source", shown, first_line=int(entry[LINE]), columns=tuple(declared_columns(entry)), owner=owner, description=str(entry.get("description") or ""))
            self.by_name[("source", name)] = uid

    def _discover(self) -> None:
        for kind, key, pattern in (("model", "model-paths", "*.sql"), ("model", "model-paths", "*.py"), ("seed", "seed-paths", "*.csv"), ("analysis", "analysis-paths", "*.sql")):
            for base in self.project.folders[key]:
                for path in self._files(base, pattern):
                    text = self._text(path) if pattern == "*.sql" else ""
                    if text is not None:
                        self._add(kind, path.stem, path, text, 1, list(path.relative_to(base).parent.parts))
        for base in self.project.folders["snapshot-paths"]:
            for path in self._files(base, "*.sql"):
                text = self._text(path) or ""
                for match in _SNAPSHOT.finditer(text):
                    first = text.count("\n", 0, match.start(2)) + 1
                    self._add("snapshot", match.group(1), path, match.group(2), first, list(path.relative_to(base).parent.parts))

    def _add(self, kind: str, name: str, path: Path, raw: str, first_line: int, folders: list[str]) -> None:
        uid = f"{kind}.{self.project.name}.{name}"
        self.paths[uid] = path
        _, entry = self.properties.get((_SECTIONS[kind], name), ("", {}))
        config = self._project_config(kind, [self.project.name, *folders, name])
        merge_config(config, plain(entry.get("config") or {}))
        merge_config(config, {k: plain(entry[k]) for k in ("meta", "group") if k in entry})
        columns = declared_columns(entry)
        node = DbtNode(uid, kind, name, "", "", self._show(path), raw=raw, first_line=first_line, columns=tuple(columns), description=str(entry.get("description") or ""))
        if kind == "seed":
            node = replace(node, columns=seed_columns(self.project, path, config.get("column_types") or {}, columns))
        self.pending[uid] = (node, config)

    def _project_config(self, kind: str, fqn: list[str]) -> dict[str, Any]:
        """dbt_project.yml's `models:` (`seeds:`, `snapshots:`) settings down the node's folders."""
        config: dict[str, Any] = {}
        level: object = plain(self.config.get(_SECTIONS[kind]) or {})
        for part in fqn:
            if not isinstance(level, dict):
                break
            merge_config(config, configs(level))
            level = level.get(part)
        if isinstance(level, dict):  # settings under the node's own name
            merge_config(config, configs(level))
        return config

    def _configure(self) -> list[str]:
        """First render: config() decides each relation; ref() gives the order to compile in."""
        depends: dict[str, list[str]] = {}
        for uid, (node, config) in sorted(self.pending.items()):
            if node.kind != "analysis":
                self.by_name[("ref", node.name)] = uid
        for uid, (node, config) in sorted(self.pending.items()):
            target = Target(uid, node.name, node.path, node.first_line, Relation(node.name))
            if node.kind != "seed":
                render(self.jinja.env, node.raw, self.jinja.context(target, {"name": node.name}), Location(node.path, node.first_line))
                merge_config(config, target.config)
            depends[uid] = target.depends
            if config.get("enabled") is False:
                del self.pending[uid]
                continue
            materialized = str(config.get("materialized") or _DEFAULT_MATERIALIZED[node.kind])
            # an ephemeral model too: named where dbt would have built it (parsers/dbt/ephemeral.py)
            relation = "" if node.kind == "analysis" else relation_sql(self._schema(node, config), self._named("generate_alias_name", config.get("alias"), node, config))
            owner = owner_of((config.get("meta") or {}).get("owner")) or self.groups.get(str(config.get("group") or ""))
            self.pending[uid] = (replace(node, relation=relation, materialized=materialized, owner=owner), config)
        return topological(sorted(self.pending), lambda uid: [d for d in depends.get(uid, ()) if d in self.pending])

    def _schema(self, node: DbtNode, config: Mapping[str, Any]) -> str:
        if node.kind == "snapshot" and config.get("target_schema"):
            return str(config["target_schema"])
        return self._named("generate_schema_name", config.get("schema"), node, config)

    def _named(self, macro: str, custom: object, node: DbtNode, config: Mapping[str, Any]) -> str:
        """dbt's generate_schema_name / generate_alias_name: the project's override, else dbt's own."""
        target = Target(node.uid, node.name, node.path, node.first_line, Relation(node.name))
        model = {"name": node.name, "resource_type": node.kind, "config": dict(config), "unique_id": node.uid}
        self.jinja.context(target, model)
        try:
            named = str(self.jinja.call_macro(macro, custom, model)).strip()
        except Exception as err:  # noqa: BLE001 (the project's macro is user code)
            self.project.diagnostics.append(Diagnostic(Location(node.path, node.first_line), f"{macro} failed ({err}); used dbt's default"))
            named = str(self.jinja.builtins[macro](custom, model))
        self.project.diagnostics.extend(target.diagnostics)
        return named

    def _compile(self, uid: str) -> None:
        node, _ = self.pending[uid]
        if node.kind == "seed":
            self.project.nodes[uid] = node
            return
        if node.path.endswith(".py"):
            self.project.nodes[uid] = replace(node, diagnostics=(python_model(node),))
            return
        target = Target(uid, node.name, node.path, node.first_line, Relation.named(node.relation or node.name, node.name))
        model = {"name": node.name, "alias": node.name, "resource_type": node.kind, "unique_id": uid}
        rendered = render(self.jinja.env, node.raw, self.jinja.context(target, model), Location(node.path, node.first_line))
        notes = list(rendered.diagnostics) + target.diagnostics
        for line, dotted, called in self.jinja.unknown(node.raw):
            what = f"unknown macro '{dotted}': rendered as {marker(dotted)}" if called else f"unknown variable '{dotted}': rendered empty"
            notes.append(Diagnostic(shift(Location(node.path, node.first_line), line), what, Severity.WARNING))
        code = bind_placeholders(rendered.text, self.project.dialect) if rendered.text is not None else None
        self.project.nodes[uid] = replace(node, code=code, depends=tuple(dict.fromkeys(target.depends)), diagnostics=tuple(sorted(set(notes))))

    def _node(self, uid: str) -> DbtNode | None:
        """A node as compiled, else as configured (a macro may ask about one not compiled yet)."""
        return self.project.nodes.get(uid) or (self.pending[uid][0] if uid in self.pending else None)

    def _resolve(self, target: Target, kind: str, name: str) -> Relation | None:
        uid = self.by_name.get((kind, name))
        if self.parsing:
            if uid is not None:
                target.depends.append(uid)
            return Relation(name, identifier=name)
        if uid is None:
            return None
        target.depends.append(uid)
        node = self.project.nodes.get(uid) or self.pending[uid][0]
        return Relation.named(node.relation, node.name)

    def _semantic(self) -> None:
        self.project.groups = dict(self.groups)
        for (section, _), (shown, entry) in sorted(self.properties.items()):
            if section in SECTIONS:
                model = self._depends(str(entry.get("model") or "")) if section == "semantic_models" else None
                self.project.semantic.append(SemanticEntry(section, entry, Location(shown, int(entry[LINE])), (model,) if model else ()))

    def _exposures(self) -> None:
        for (section, name), (shown, entry) in sorted(self.properties.items()):
            if section != "exposures":
                continue
            at = Location(shown, int(entry[LINE]))
            depends: list[str] = []
            for item in entry.get("depends_on") or ():
                uid = self._depends(str(item))
                if uid is None:
                    self.project.diagnostics.append(Diagnostic(at, f"exposure '{name}' depends on {item}, which names nothing in this project"))
                else:
                    depends.append(uid)
            self.project.exposures.append(exposure_of(entry, tuple(depends), at))

    def _depends(self, text: str) -> str | None:
        match = _DEPENDS.match(text)
        if match is None:
            return None
        names = re.findall(r"""['"]([^'"]+)['"]""", match.group(2))
        key = names[-1] if match.group(1) == "ref" else ".".join(names[-2:])
        return self.by_name.get((match.group(1), key))
