"""The Jinja context dbt gives a model, stubbed for lineage: what `ref()`, `source()`, `config()`,
`var()`, `this`, `target`, `env_var()`, `is_incremental()`, `adapter.dispatch()` and the project's
own macros render to, without a warehouse connection or the real environment.

Rendering is as for a full refresh (`is_incremental()` is false), which is also what `dbt compile`
produces for a model not yet built. Macros come from the project, its installed packages
(`packages.py`), dbt itself (`builtins.py`) or stand-ins for packages not installed
(`fallbacks.py`); the warehouse they ask is answered from the project (`warehouse.py`). A
macro nobody defines renders as `unresolved_<macro>` with a warning: the model is still parsed.
"""

from __future__ import annotations

import ast
import itertools
import json
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any
from datetime import datetime, timezone

from jinja2 import ChainableUndefined, Template
from jinja2.environment import TemplateModule
from markupsafe import Markup

from lineage.model import MARKER, Diagnostic, Location, Severity
from parsers.dbt.builtins import cross_database, naming_macros
from parsers.dbt.fallbacks import DbtUtils, dbt_date
from parsers.dbt.packages import Macros
from parsers.dbt.project import relation_sql
from parsers.dbt.warehouse import Knowledge, Relation, Warehouse
from parsers.templating.placeholders import placeholder
from parsers.templating.sandbox import Sandbox, current_template_line, shift, unknown_names

_RUN_STARTED_AT = datetime(1970, 1, 1, tzinfo=timezone.utc)  # fixed: lineage must not depend on the clock


class CompilationError(Exception):
    """What `exceptions.raise_compiler_error()` raises; reported like any template error."""


class _MacroReturn(Exception):
    """dbt's `return(x)`: a macro's value travels back to its caller as an exception."""

    def __init__(self, value: object) -> None:
        super().__init__()
        self.value = value


@dataclass
class Target:
    """The node being rendered and what the renderer resolves for it."""

    uid: str
    name: str
    path: str  # display path of its file, for diagnostics
    first_line: int  # file line of the template's first line
    this: Relation
    config: dict[str, object] = field(default_factory=dict)  # what config() calls set
    depends: list[str] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def note(self, message: str, severity: Severity = Severity.WARNING) -> None:
        at = shift(Location(self.path, self.first_line), current_template_line() or 1)
        self.diagnostics.append(Diagnostic(at, message, severity))


Resolve = Callable[[Target, str, str], Relation | None]  # (target, "ref"|"source", name) -> relation


class _Config:
    """`config(...)` records settings; `config.get()` and `config.require()` read them back."""

    def __init__(self, target: Target) -> None:
        self._target = target

    def __call__(self, *args: object, **kwargs: object) -> str:
        for arg in args:
            if isinstance(arg, dict):
                self._target.config.update(arg)
        self._target.config.update(kwargs)
        return ""

    def get(self, key: str, default: object = None) -> object:
        return self._target.config.get(key, default)

    def require(self, key: str) -> object:
        if key not in self._target.config:
            raise CompilationError(f"config '{key}' is required")
        return self._target.config[key]


class _Unknown:
    """A macro nobody defined: a warning where it is called, NULL in the SQL."""

    unsafe_callable = alters_data = False  # read by the sandbox: answer before __getattr__ does

    def __init__(self, target: Target, name: str) -> None:
        self._target, self._name = target, name

    def __call__(self, *args: object, **kwargs: object) -> str:
        self._target.note(f"unknown macro '{self._name}': rendered as {marker(self._name)}")
        return marker(self._name)

    def __getattr__(self, name: str) -> _Unknown:
        if name.startswith("_"):
            raise AttributeError(name)
        return _Unknown(self._target, f"{self._name}.{name}")

    def __str__(self) -> str:
        return marker(self._name)


def marker(macro: str) -> str:
    """What an unknown macro renders as: a name that says so, never NULL (which reads as a table `null`)."""
    return MARKER + re.sub(r"\W+", "_", macro.split("(")[0]).strip("_")


class _Namespace:
    """`dbt.*`, `dbt_utils.*`, `adapter.*`, `exceptions.*`: known members, else `_Unknown`."""

    unsafe_callable = alters_data = False

    def __init__(self, target: Target, name: str, members: Mapping[str, object]) -> None:
        self._target, self._name, self._members = target, name, dict(members)

    def __getattr__(self, name: str) -> object:
        if name.startswith("__") or (name.startswith("_") and name not in self._members):
            raise AttributeError(name)
        return self._members.get(name, _Unknown(self._target, f"{self._name}.{name}"))

    def member(self, name: str) -> bool:
        return name in self._members


class _Undefined(ChainableUndefined):
    """An unknown name renders empty (static checks report it); calling it gives its marker."""

    unsafe_callable = alters_data = False

    def __getattr__(self, name: str) -> _Undefined:
        if name.startswith("__"):
            raise AttributeError(name)
        return _Undefined(name=f"{self._undefined_name}.{name}")  # `pkg.macro` keeps its whole name

    def __call__(self, *args: object, **kwargs: object) -> str:  # type: ignore[override]
        return marker(self._undefined_name or "macro")


# dbt's `modules`: the pure parts (datetime is left out: lineage must not depend on the clock)
_RE = {name: getattr(re, name) for name in ("sub", "match", "search", "fullmatch", "findall", "split", "escape", "compile", "IGNORECASE", "I", "MULTILINE", "M", "DOTALL", "S", "VERBOSE", "X")}
_ITERTOOLS = {name: getattr(itertools, name) for name in ("chain", "product", "combinations", "permutations", "groupby", "islice", "zip_longest", "accumulate")}
_NO_KNOWLEDGE = Knowledge(lambda relation: None, lambda relation: None, list)
_PARENT_ADAPTERS = {"redshift": ("postgres",), "fabric": ("sqlserver",), "databricks": ("spark",)}  # dbt's adapter inheritance


class DbtJinja:
    """Renders dbt templates of one project; `resolve` turns ref()/source() into relations."""

    def __init__(self, target: Mapping[str, object], variables: Mapping[str, object], macros: Macros, resolve: Resolve, knowledge: Knowledge = _NO_KNOWLEDGE) -> None:
        self.env = _DbtSandbox(undefined=_bound_undefined(self))
        self.target = dict(target)
        self.variables = dict(variables)
        self.macros = macros
        self.resolve = resolve
        self.warehouse = Warehouse(knowledge, None)
        self.execute = False  # dbt's parse pass; its compile pass executes (and introspects)
        self.builtins: dict[str, Callable[..., object]] = {**cross_database(str(self.target.get("type", ""))), **naming_macros(self.target)}
        self._node = Target("", "", "", 1, Relation(""))  # the node being rendered: unknown macros are noted on it
        self._modules: dict[tuple[str, int], Mapping[str, Callable[..., object]]] = {}
        self._scopes: dict[str, dict[str, object]] = {}
        self._context: dict[str, object] = {}
        self._known: tuple[Macros, set[str]] | None = None

    def known(self) -> set[str]:
        """The names every template gets; built once per set of macros (a context per model cost a tenth of a read)."""
        if self._known is None or self._known[0] is not self.macros:
            self._known = (self.macros, set(self._base(Target("", "", "", 1, Relation("")))) | {"model"})
        return self._known[1]

    def unknown(self, source: str) -> list[tuple[int, str, bool]]:
        return unknown_names(self.env, source, self.known())

    def context(self, node: Target, model: Mapping[str, object]) -> dict[str, object]:
        """A fresh context for one render of `node`; project macros see the same context."""
        self._modules, self._scopes, self._node = {}, {}, node
        self._context = self._base(node)
        self._context["model"] = dict(model)
        return self._context

    def call_macro(self, name: str, *args: object) -> object:
        """Call a macro outside a template (generate_schema_name): the project's, else dbt's own."""
        self.env.restart_budget()
        return self._macro(self.macros.root, name)(*args) if name in self.macros.own else self.builtins[name](*args)

    def _base(self, node: Target) -> dict[str, object]:
        context: dict[str, object] = {**self.builtins, **{name: self._macro(self.macros.root, name) for name in self.macros.own}}
        context.update(
            ref=lambda *args, **kw: self._ref(node, "ref", args),
            source=lambda *args, **kw: self._ref(node, "source", args),
            config=_Config(node),
            var=lambda name, *default, **kw: self._var(node, str(name), default or tuple(kw.values())[:1]),
            env_var=lambda name, default=None: self._env_var(node, str(name), default),
            is_incremental=lambda: False,
            this=node.this,
            target=self.target,
            execute=self.execute,
            flags={"FULL_REFRESH": False, "WHICH": "compile"},
            graph={"nodes": {}, "sources": {}, "exposures": {}},
            invocation_id="00000000-0000-0000-0000-000000000000",
            run_started_at=_RUN_STARTED_AT,
            log=lambda *args, **kw: "",
            tojson=lambda value, *a, **kw: json.dumps(value, sort_keys=True, default=str),
            fromjson=lambda text, default=None: _fromjson(text, default),
            zip=zip,
            set=set,
            run_query=lambda sql=None: self.warehouse.run_query(sql, node.note),
            statement=lambda name=None, fetch_result=False, auto_begin=True, caller=None, **kw: self.warehouse.statement(str(name), bool(fetch_result), str(caller() if caller else ""), node.note),
            load_result=lambda name: self.warehouse.results.get(str(name)),
            api=_Namespace(node, "api", {
                "Relation": _Namespace(node, "api.Relation", {"create": _create_relation}),
                # the adapter's name for a type: the type as written is what lineage reads (only casts carry one)
                "Column": _Namespace(node, "api.Column", {"translate_type": lambda dtype: str(dtype)}),
            }),
            load_relation=lambda relation: self.warehouse.get_relation(None, getattr(relation, "schema", ""), getattr(relation, "identifier", "")),
            modules=_Namespace(node, "modules", {"re": _Namespace(node, "modules.re", _RE), "itertools": _Namespace(node, "modules.itertools", _ITERTOOLS)}),
        )
        context["return"] = _return
        context["exceptions"] = _Namespace(node, "exceptions", {"raise_compiler_error": _raise, "warn": lambda msg, **kw: _warn(node, msg)})
        context["adapter"] = _Namespace(node, "adapter", self._adapter(node))
        context["dbt"] = _Namespace(node, "dbt", self.builtins)
        context.update(self._packages(node))
        return context

    def _adapter(self, node: Target) -> dict[str, object]:
        warehouse = self.warehouse
        return {
            "dispatch": lambda macro_name, macro_namespace=None: self._dispatch(node, str(macro_name), macro_namespace),
            "quote": lambda identifier: f'"{identifier}"',
            "get_relation": warehouse.get_relation,
            "get_columns_in_relation": lambda relation: warehouse.get_columns_in_relation(relation, node.note),
            "type": lambda: str(self.target.get("type", "")),
        }

    def _packages(self, node: Target) -> dict[str, _Namespace]:
        """Each package's namespace; a package not installed has its stand-ins, if we have them."""
        # the project's own macros too: `{{ my_project.my_macro() }}` is how a project calls its own
        # macros where a package's of the same name would win (fivetran's packages do it throughout)
        spaces = {name: {m: self._macro(name, m) for m in macros} for name, macros in self.macros.packages.items()}
        stand_ins = {"dbt_utils": lambda: DbtUtils(self.warehouse, node.note).members(), "dbt_date": lambda: dbt_date(node.note)}
        for name, members in stand_ins.items():
            spaces.setdefault(name, members())
        return {name: _Namespace(node, name, members) for name, members in spaces.items()}

    def _ref(self, node: Target, kind: str, args: tuple[object, ...]) -> Relation:
        names = [str(a) for a in args]
        key = names[-1] if kind == "ref" else ".".join(names[-2:])
        relation = self.resolve(node, kind, key)
        if relation is None:
            node.note(f"{kind}({', '.join(repr(n) for n in names)}) names nothing in this project", Severity.ERROR)
            return Relation(key)
        return relation

    def _var(self, node: Target, name: str, default: tuple[object, ...]) -> object:
        """dbt's var(): the project's value, else the default given, even `none` (Fivetran's packages
        test `var('x_union_schemas', none)` to choose a branch), else a placeholder, said."""
        if name in self.variables:
            return self.variables[name]
        if default:
            return default[0]
        node.note(f"var('{name}') is not set in dbt_project.yml and has no default: rendered as a placeholder")
        return _Unset.named(name)

    def _env_var(self, node: Target, name: str, default: object) -> object:
        # never the real environment: lineage must not depend on (or leak) the scanner's secrets
        if default is not None:
            return default
        node.note(f"env_var('{name}') has no default: rendered as a placeholder")
        return _Unset.named(name)

    def _dispatch(self, node: Target, name: str, namespace: object) -> Callable[..., object]:
        """dbt's search: the project's `dispatch:` order for the namespace (else the namespace, or
        the project then dbt), and in each package `<adapter>__`, its parents', then `default__`."""
        adapter = str(self.target.get("type", ""))
        prefixes = [p for p in (adapter, *_PARENT_ADAPTERS.get(adapter, ())) if p] + ["default"]
        search = self.macros.dispatch.get(str(namespace), [str(namespace)]) if namespace else [self.macros.root, "dbt"]
        for package in search:
            macros = self.macros.packages.get(package, {})
            for candidate in [f"{prefix}__{name}" for prefix in prefixes]:
                if candidate in macros:
                    return self._macro(package, candidate)
        space = self._context.get(str(namespace))
        fallback = self.builtins if namespace in (None, "dbt") else space._members if isinstance(space, _Namespace) else {}
        if name in fallback:
            return fallback[name]  # type: ignore[return-value]
        return _Unknown(node, f"{namespace}.{name}" if namespace else name)

    def _macro(self, package: str, name: str) -> Callable[..., object]:
        def call(*args: object, **kwargs: object) -> object:
            template = self.macros.packages[package][name]
            module = self._modules.get((package, id(template)))
            if module is None:
                module = self._modules[(package, id(template))] = _defined(template, self._scope(package))
            try:
                return module[name](*args, **kwargs)
            except _MacroReturn as returned:
                return returned.value

        return call

    def _scope(self, package: str) -> dict[str, object]:
        """What a package's macro sees: its own package's macros first, then the global names."""
        if package == self.macros.root:
            return self._context
        if package not in self._scopes:
            own = {name: self._macro(package, name) for name in self.macros.packages[package]}
            self._scopes[package] = {**self._context, **own}
        return self._scopes[package]


class _DbtSandbox(Sandbox):
    """The sandbox, letting templates reach a package's `_private` macros (`dbt_utils._is_relation`)
    and nothing else that starts with an underscore, with dbt's own filters (as_bool, as_native,
    as_number, as_text): without them a macro file using one could not be read at all."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        dbt_filters = {"as_text": str, "as_native": _as_native, "as_bool": _as_native, "as_number": _as_native}
        self.filters.update({name: self._guarded(name, func) for name, func in dbt_filters.items()})

    def is_safe_attribute(self, obj: object, attr: str, value: object) -> bool:
        if isinstance(obj, _Namespace) and not attr.startswith("__") and obj.member(attr):
            return True
        return bool(super().is_safe_attribute(obj, attr, value))


class _Unset(Markup):
    """An unset var() or env_var(): its placeholder in the SQL, and 0 where the template needs a number
    (`range(var('static_incremental_days'))` in Velir's dbt-ga4 runs no times), so the model is still read;
    the note said where it was rendered already names it. An item of it (`var('property_ids')[0]`) is a
    placeholder of its own, not a character of the mark, and it iterates as a list of one such item."""

    @classmethod
    def named(cls, name: str) -> _Unset:
        unset = cls(placeholder(name))
        unset.var_name = name
        return unset

    def __getitem__(self, key: object) -> _Unset:  # type: ignore[override]
        return _Unset.named(f"{getattr(self, 'var_name', 'var')}_{key}")

    def __iter__(self) -> Iterator[_Unset]:  # type: ignore[override]
        return iter([self[0]])

    def __index__(self) -> int:
        return 0

    def __int__(self) -> int:
        return 0

    def __float__(self) -> float:
        return 0.0


def _as_native(value: object) -> object:
    """dbt's `as_native` (and `as_bool`, `as_number`): a rendered string read back as the Python literal it
    spells (`'True'` -> True, `'3'` -> 3), else the string itself, as dbt does."""
    if not isinstance(value, str) or len(value) > 10_000:
        return value
    try:
        return ast.literal_eval(value.strip())
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return value


def _defined(template: Template, scope: dict[str, object]) -> Mapping[str, Callable[..., object]]:
    """Every macro a file defines, `_private` ones too (a module exports only public names, but
    packages call their helpers across files: `dbt_utils._is_relation`)."""
    context = template.new_context(vars=scope)
    TemplateModule(template, context)  # runs the file's top level, which defines its macros
    return context.vars  # type: ignore[return-value]


def _bound_undefined(jinja: DbtJinja) -> type[_Undefined]:
    """Undefined names whose call is noted on the node being rendered: a macro calling a macro
    nobody defines is reported at the line that called it, not only what the model calls itself."""

    class Bound(_Undefined):
        def __getattr__(self, name: str) -> _Undefined:
            if name.startswith("__"):
                raise AttributeError(name)
            return Bound(name=f"{self._undefined_name}.{name}")

        def __call__(self, *args: object, **kwargs: object) -> str:  # type: ignore[override]
            name = self._undefined_name or "macro"
            jinja._node.note(f"unknown macro '{name}': rendered as {marker(name)}")
            return marker(name)

    return Bound


def _create_relation(database: object = None, schema: object = None, identifier: object = None, type: object = None, **kw: object) -> Relation:
    return Relation(relation_sql(str(schema or ""), str(identifier or "")), str(schema or ""), str(identifier or ""), str(database or ""))


def _warn(node: Target, message: object) -> str:
    node.note(f"warning from the model: {' '.join(str(message).split())}")  # one line, however it was written
    return ""


def _return(value: object) -> None:
    raise _MacroReturn(value)


def _raise(message: object) -> None:
    raise CompilationError(str(message))


def _fromjson(text: object, default: object) -> object:
    try:
        return json.loads(str(text))
    except ValueError:
        return default
