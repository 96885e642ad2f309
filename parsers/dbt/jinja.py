"""The Jinja context dbt gives a model, stubbed for lineage: what `ref()`, `source()`, `config()`,
`var()`, `this`, `target`, `env_var()`, `is_incremental()`, `adapter.dispatch()` and the project's
own macros render to, without a warehouse connection or the real environment.

Rendering is as for a full refresh (`is_incremental()` is false), which is also what `dbt compile`
produces for a model not yet built. A macro dbt would take from a package that is not stubbed here
renders as NULL with a warning: the model is still parsed.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone

from jinja2 import ChainableUndefined, Template
from markupsafe import Markup

from lineage.model import Diagnostic, Location, Severity
from parsers.templating.sandbox import Sandbox, current_template_line, placeholder, shift, unknown_names

_RUN_STARTED_AT = datetime(1970, 1, 1, tzinfo=timezone.utc)  # fixed: lineage must not depend on the clock


class CompilationError(Exception):
    """What `exceptions.raise_compiler_error()` raises; reported like any template error."""


class _MacroReturn(Exception):
    """dbt's `return(x)`: a macro's value travels back to its caller as an exception."""

    def __init__(self, value: object) -> None:
        super().__init__()
        self.value = value


class Relation:
    """What ref(), source() and `this` render as: the relation's SQL name."""

    def __init__(self, text: str, schema: str = "", identifier: str = "", database: str = "") -> None:
        self.text, self.schema, self.identifier, self.database = text, schema, identifier, database
        self.name = self.table = identifier

    def __str__(self) -> str:
        return self.text

    def __html__(self) -> str:
        return self.text

    def include(self, *args: object, **kwargs: object) -> Relation:
        return self

    def render(self) -> str:
        return self.text


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
        self._target.note(f"unknown macro '{self._name}': rendered as NULL")
        return "NULL"

    def __getattr__(self, name: str) -> _Unknown:
        if name.startswith("_"):
            raise AttributeError(name)
        return _Unknown(self._target, f"{self._name}.{name}")

    def __str__(self) -> str:
        return "NULL"


class _Namespace:
    """`dbt.*`, `dbt_utils.*`, `adapter.*`, `exceptions.*`: known members, else `_Unknown`."""

    unsafe_callable = alters_data = False

    def __init__(self, target: Target, name: str, members: Mapping[str, object]) -> None:
        self._target, self._name, self._members = target, name, dict(members)

    def __getattr__(self, name: str) -> object:
        if name.startswith("_"):
            raise AttributeError(name)
        return self._members.get(name, _Unknown(self._target, f"{self._name}.{name}"))


class _Undefined(ChainableUndefined):
    """An unknown name renders empty (static checks report it); calling it gives NULL."""

    unsafe_callable = alters_data = False

    def __call__(self, *args: object, **kwargs: object) -> str:  # type: ignore[override]
        return "NULL"


def _cast(field: object, type_: object) -> str:
    return f"cast({field} as {type_})"


def _concat(fields: object) -> str:
    items = fields if isinstance(fields, (list, tuple)) else [fields]
    return "concat(" + ", ".join(str(f) for f in items) + ")"


def _surrogate_key(fields: object = (), *more: object) -> str:
    items = list(fields) if isinstance(fields, (list, tuple)) else [fields, *more]
    parts = ", ".join(f"coalesce(cast({f} as varchar), '_null_')" for f in items)
    return f"md5(concat({parts}))"


# dbt's cross-database macros that keep column references visible to lineage.
_DBT_MACROS: dict[str, Callable[..., str]] = {
    "current_timestamp": lambda: "current_timestamp",
    "date_trunc": lambda part, date: f"date_trunc('{part}', {date})",
    "dateadd": lambda part, n, date: f"dateadd({part}, {n}, {date})",
    "datediff": lambda a, b, part: f"datediff({part}, {a}, {b})",
    "safe_cast": _cast,
    "cast": _cast,
    "concat": _concat,
    "hash": lambda f: f"md5(cast({f} as varchar))",
    "type_string": lambda: "varchar",
    "type_int": lambda: "integer",
    "type_bigint": lambda: "bigint",
    "type_float": lambda: "float",
    "type_numeric": lambda: "numeric",
    "type_timestamp": lambda: "timestamp",
    "type_boolean": lambda: "boolean",
}
_DBT_UTILS_MACROS: dict[str, Callable[..., str]] = {
    "generate_surrogate_key": _surrogate_key,
    "surrogate_key": _surrogate_key,
}


class DbtJinja:
    """Renders dbt templates of one project; `resolve` turns ref()/source() into relations."""

    def __init__(self, target: Mapping[str, object], variables: Mapping[str, object], macros: Mapping[str, Template], resolve: Resolve) -> None:
        self.env = Sandbox(undefined=_Undefined)
        self.target = dict(target)
        self.variables = dict(variables)
        self.macros = dict(macros)  # macro name -> the compiled macro file defining it
        self.resolve = resolve
        self._modules: dict[int, object] = {}
        self._context: dict[str, object] = {}

    def known(self) -> set[str]:
        return set(self._base(Target("", "", "", 1, Relation("")))) | {"model"}

    def unknown(self, source: str) -> list[tuple[int, str, bool]]:
        return unknown_names(self.env, source, self.known())

    def context(self, node: Target, model: Mapping[str, object]) -> dict[str, object]:
        """A fresh context for one render of `node`; project macros see the same context."""
        self._modules = {}
        self._context = self._base(node)
        self._context["model"] = dict(model)
        return self._context

    def call_macro(self, name: str, *args: object) -> object:
        """Call a project macro outside a template (generate_schema_name), in the last context."""
        self.env.restart_budget()
        return self._macro(name)(*args)

    def _base(self, node: Target) -> dict[str, object]:
        context: dict[str, object] = {name: self._macro(name) for name in self.macros}
        context.update(
            ref=lambda *args, **kw: self._ref(node, "ref", args),
            source=lambda *args, **kw: self._ref(node, "source", args),
            config=_Config(node),
            var=lambda name, default=None: self._var(node, str(name), default),
            env_var=lambda name, default=None: self._env_var(node, str(name), default),
            is_incremental=lambda: False,
            this=node.this,
            target=self.target,
            execute=False,
            flags={"FULL_REFRESH": False, "WHICH": "compile"},
            graph={"nodes": {}, "sources": {}, "exposures": {}},
            invocation_id="00000000-0000-0000-0000-000000000000",
            run_started_at=_RUN_STARTED_AT,
            log=lambda *args, **kw: "",
            tojson=lambda value, *a, **kw: json.dumps(value, sort_keys=True, default=str),
            fromjson=lambda text, default=None: _fromjson(text, default),
            zip=zip,
            set=set,
        )
        context["return"] = _return
        context["exceptions"] = _Namespace(node, "exceptions", {"raise_compiler_error": _raise, "warn": lambda msg, **kw: _warn(node, msg)})
        context["adapter"] = _Namespace(node, "adapter", {"dispatch": lambda name, macro_namespace=None: self._dispatch(node, str(name)), "quote": lambda x: f'"{x}"', "get_relation": lambda *a, **kw: None, "get_columns_in_relation": lambda *a, **kw: [], "type": lambda: str(self.target.get("type", ""))})
        context["dbt"] = _Namespace(node, "dbt", _DBT_MACROS)
        context["dbt_utils"] = _Namespace(node, "dbt_utils", _DBT_UTILS_MACROS)
        return context

    def _ref(self, node: Target, kind: str, args: tuple[object, ...]) -> Relation:
        names = [str(a) for a in args]
        key = names[-1] if kind == "ref" else ".".join(names[-2:])
        relation = self.resolve(node, kind, key)
        if relation is None:
            node.note(f"{kind}({', '.join(repr(n) for n in names)}) names nothing in this project", Severity.ERROR)
            return Relation(key)
        return relation

    def _var(self, node: Target, name: str, default: object) -> object:
        if name in self.variables:
            return self.variables[name]
        if default is not None:
            return default
        node.note(f"var('{name}') is not set in dbt_project.yml and has no default: rendered as a placeholder")
        return Markup(placeholder(name))

    def _env_var(self, node: Target, name: str, default: object) -> object:
        # never the real environment: lineage must not depend on (or leak) the scanner's secrets
        if default is not None:
            return default
        node.note(f"env_var('{name}') has no default: rendered as a placeholder")
        return Markup(placeholder(name))

    def _dispatch(self, node: Target, name: str) -> Callable[..., object]:
        for candidate in (f"{self.target.get('type', '')}__{name}", f"default__{name}", name):
            if candidate in self.macros:
                return self._macro(candidate)
        return _Unknown(node, f"adapter.dispatch('{name}')")

    def _macro(self, name: str) -> Callable[..., object]:
        def call(*args: object, **kwargs: object) -> object:
            template = self.macros[name]
            module = self._modules.get(id(template))
            if module is None:
                module = self._modules[id(template)] = template.make_module(vars=self._context)
            try:
                return getattr(module, name)(*args, **kwargs)
            except _MacroReturn as returned:
                return returned.value

        return call


def _warn(node: Target, message: object) -> str:
    node.note(f"warning from the model: {message}")
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
