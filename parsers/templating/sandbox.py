"""Rendering untrusted Jinja (dbt models, Airflow SQL) in a sandbox, and the placeholders it leaves.

Templates are user code. They render in Jinja's `SandboxedEnvironment` with only the names a caller
passes in: no file, environment variable or Python object beyond those is reachable, and an error or
an escape attempt becomes one diagnostic, never a traceback. Values a template (or an f-string) takes
from outside, such as Airflow's `{{ ds }}`, render as placeholder marks that `bind_placeholders` turns
into SQL: a `:name` parameter, text inside a literal, or a quoted name where SQL expects a table.
"""

from __future__ import annotations

import difflib
import functools
import sys
import traceback
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from jinja2 import BaseLoader, Environment, Undefined, nodes
from jinja2.exceptions import SecurityError, TemplateError, TemplateNotFound, TemplateSyntaxError
from jinja2.parser import Parser
from jinja2.runtime import Context, LoopContext, markup_join, str_join
from jinja2.sandbox import SandboxedEnvironment

from lineage.model import Diagnostic, Location, Severity
from parsers.sources.paths import Root, display_path
from parsers.sources.reading import DEFAULT_MAX_BYTES, read_text
from parsers.templating.placeholders import placeholder
from parsers.templating.budget import FILTER_SIZES, METHOD_SIZES, BudgetedCodeGenerator, Budget, LimitError, brace_size, call_size, weight

T = TypeVar("T")
_JINJA_KWARGS = frozenset({"_loop_vars", "_block_vars"})  # what Jinja itself passes along with a call's arguments
_BUILTINS = frozenset({"range", "dict", "lipsum", "cycler", "joiner", "namespace", "loop", "caller", "varargs", "kwargs", "self"})


class Refused(TemplateError):
    """A template name that leads out of its Root: `..`, or a link to a file outside."""


class ContainedLoader(BaseLoader):
    """Jinja's FileSystemLoader confined to a Root: the one way a template, or Airflow's
    `sql='x.sql'`, reads a file. Names are read as FileSystemLoader reads them ('/'-separated, a
    leading '/' ignored, '..' refused), and a file found must really lie inside the root, links
    followed: a search path outside it is the caller's to drop, with a diagnostic."""

    def __init__(self, searchpath: Sequence[Path], root: Root, shown: Callable[[Path], str] = display_path) -> None:
        self.searchpath, self.root, self.shown = tuple(searchpath), root, shown

    def find(self, name: str) -> Path:
        """The file `name` names on the search path; Refused or TemplateNotFound when none may be read."""
        parts = [part for part in name.split("/") if part not in ("", ".")]
        if ".." in parts:
            raise Refused(f"'{name}' names a parent folder ('..'), which Jinja's loader refuses; not read")
        for base in self.searchpath:
            candidate = base.joinpath(*parts)
            if candidate.is_file():
                if not self.root.holds(candidate):
                    raise Refused(f"'{name}' is a link to a file outside {self.root.name}; not read")
                return candidate
        if not self.searchpath:
            raise TemplateNotFound(name, f"'{name}' is not read: these templates include and import no files; use a macro")
        raise TemplateNotFound(name, f"'{name}' not found in {', '.join(self.shown(b) for b in self.searchpath)}")

    def get_source(self, environment: Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        path = self.find(template)
        text = read_text(path, DEFAULT_MAX_BYTES, self.shown(path))  # the bounded reader: no device, no endless file
        if isinstance(text, Diagnostic):
            raise TemplateError(text.message)
        return text, str(path), lambda: True


class Sandbox(SandboxedEnvironment):
    """Jinja's sandbox, plus: unsafe attributes raise (not render empty); each render spends from
    one `Budget` (steps, time, sizes; parsers/templating/budget.py) in every loop, call, filter and
    operator, so no template can spin or allocate without bound; and files are read only through a
    ContainedLoader (without one, none at all: dbt's Jinja has no loader)."""

    code_generator_class = BudgetedCodeGenerator
    intercepted_binops = frozenset({"+", "-", "*", "/", "//", "%", "**"})

    def __init__(self, undefined: type[Undefined] = Undefined, loader: ContainedLoader | None = None) -> None:
        loader = loader or ContainedLoader((), Root((), "no folder"))
        self.budget = Budget.fresh()
        super().__init__(extensions=["jinja2.ext.do", "jinja2.ext.loopcontrols"], undefined=undefined, loader=loader, autoescape=False, finalize=self._finalized)
        self.filters = {name: self._guarded(name, func) for name, func in self.filters.items()}
        self.globals["lipsum"] = self._guarded("lipsum", self.globals["lipsum"])
        self._templates: dict[str, Any] = {}  # source -> compiled template: a dbt model renders twice

    def template(self, source: str) -> Any:
        """`from_string(source)`, compiled once per source (compiling is most of a render's cost)."""
        found = self._templates.get(source)
        if found is None:
            found = self._templates[source] = self.from_string(source)
        return found

    def restart_budget(self) -> None:
        """A fresh budget, for one render (or one call into a template's macro from Python)."""
        self.budget = Budget.fresh()

    def parse(self, source: str, name: str | None = None, filename: str | None = None) -> nodes.Template:
        with _nesting_is_a_syntax_error():
            return super().parse(source, name, filename)

    def compile(self, source: str | nodes.Template, name: str | None = None, filename: str | None = None, raw: bool = False, defer_init: bool = False) -> Any:  # type: ignore[override]
        with _nesting_is_a_syntax_error():
            return super().compile(source, name, filename, raw, defer_init)

    def unsafe_undefined(self, obj: object, attribute: str) -> Undefined:
        raise SecurityError(f"access to attribute {attribute!r} of {type(obj).__name__!r} object is unsafe")

    def call_binop(self, context: Context, op: str, left: object, right: object) -> object:
        self.budget.operands(op, left, right)
        return self.budget.value(self.binop_table[op](left, right))

    def call(__self, __context: Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805 - Jinja's own names, kept free for kwargs
        """Call an object from sandboxed code: one step, refused if its result would be too big."""
        budget, owner = __self.budget, getattr(__obj, "__self__", None)
        budget.step()
        given = {k: v for k, v in kwargs.items() if k not in _JINJA_KWARGS} if kwargs else kwargs
        if args or given:
            sizer = METHOD_SIZES.get(getattr(__obj, "__name__", "")) if isinstance(owner, (str, bytes)) else None
            budget.expect(call_size(sizer, (owner, *args) if sizer else args, given))
            if isinstance(__obj, LoopContext):  # `loop(children)` of a recursive for: its items are steps too
                args = (__self.counted(args[0]), *args[1:])
        before = _length(owner)
        budget.enter()
        try:
            result = super().call(__context, __obj, *args, **kwargs)
        finally:
            budget.leave()
        if before or _length(owner):  # list.append, list.extend, dict.update grow their owner
            budget.charge(_length(owner) - before)
        return budget.value(result)

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        formats = super().wrap_str_format(value)
        if formats is None:
            return None

        def bounded(*args: object, **kwargs: object) -> str:
            self.budget.expect(brace_size(str(value.__self__), args, kwargs))
            return self.budget.value(formats(*args, **kwargs))

        return bounded

    def counted(self, items: Iterable[T]) -> Iterator[T]:
        """A `for` loop's items, each one step (compiled in by BudgetedCodeGenerator)."""
        for item in items:
            self.budget.step()
            yield item

    def concatenated(self, parts: tuple[object, ...], escape: bool) -> str:
        """`a ~ b`, measured before it is built (compiled in by BudgetedCodeGenerator)."""
        self.budget.expect(sum(map(weight, parts)))
        return self.budget.value(markup_join(parts) if escape else str_join(parts))

    def concat(self, parts: Iterable[str]) -> str:  # type: ignore[override]
        """A render's (or a macro's) output, counted piece by piece as it streams in."""
        try:
            return self.budget.joined(iter(parts))
        except LimitError as err:
            err.lineno = _suspended_line(parts)  # the render's own frames are not in the traceback
            raise

    def _finalized(self, value: object) -> object:
        """What `{{ value }}` prints, measured before `str()` turns it into text."""
        if not isinstance(value, str):  # a string is its own text: nothing to build
            self.budget.expect(weight(value))
        return value

    def _guarded(self, name: str, func: Callable[..., object]) -> Callable[..., object]:
        """A filter (or `lipsum`) as one step, refused before it builds too much."""
        skip = 1 if getattr(func, "jinja_pass_arg", None) is not None else 0  # its context or environment comes first
        sizer = FILTER_SIZES.get(name)

        @functools.wraps(func)
        def guarded(*args: object, **kwargs: object) -> object:
            self.budget.step()
            self.budget.expect(call_size(sizer, args[skip:], kwargs))
            return self.budget.value(func(*args, **kwargs))

        return guarded


@contextmanager
def _nesting_is_a_syntax_error() -> Iterator[None]:
    """Jinja parses and compiles recursively: `((((...))))` nested past the stack is a syntax error
    (reported where the template is rendered or read), not a crash."""
    try:
        yield
    except RecursionError as err:
        raise TemplateSyntaxError("expressions or blocks nested too deeply", _parsed_line(err)) from None


def _parsed_line(err: RecursionError) -> int:
    """The line Jinja's parser had reached, if it was parsing (else the first)."""
    line = 1
    for frame, _ in traceback.walk_tb(err.__traceback__):
        parser = frame.f_locals.get("self")
        if isinstance(parser, Parser):
            line = parser.stream.current.lineno
    return line


def _suspended_line(output: object) -> int:
    """The template line a render's output generator was producing when it was stopped."""
    while getattr(output, "gi_yieldfrom", None) is not None:  # `{% block %}`s render through `yield from`
        output = output.gi_yieldfrom  # type: ignore[attr-defined]
    frame = getattr(output, "gi_frame", None)
    template = frame.f_globals.get("__jinja_template__") if frame is not None else None
    return int(template.get_corresponding_lineno(frame.f_lineno)) if template is not None and frame is not None else 0


def _length(owner: object) -> int:
    return len(owner) if isinstance(owner, (list, dict, set)) else 0


class PlaceholderUndefined(Undefined):
    """An unknown name (Airflow's `ds`, `params.x`, `macros.ds_add(...)`) renders as a placeholder."""

    unsafe_callable = alters_data = False  # read by the sandbox before it calls: not attributes to chain

    def __str__(self) -> str:
        return placeholder(self._undefined_name or "param")

    def __getattr__(self, name: str) -> PlaceholderUndefined:
        if name.startswith("__"):
            raise AttributeError(name)
        return PlaceholderUndefined(name=f"{self._undefined_name}_{name}")

    def __call__(self, *args: object, **kwargs: object) -> PlaceholderUndefined:  # type: ignore[override]
        return self


@dataclass(frozen=True, slots=True)
class Rendered:
    text: str | None  # None when the template could not be rendered
    diagnostics: tuple[Diagnostic, ...] = ()


def render(env: Sandbox, source: str, context: Mapping[str, object], at: Location) -> Rendered:
    """Render `source`, whose first line is line `at.line` of `at.file`; errors are diagnostics."""
    env.restart_budget()
    try:
        template = env.template(source)
    except TemplateSyntaxError as err:
        return Rendered(None, (Diagnostic(shift(at, err.lineno), f"cannot render template: {_first_line(err.message or str(err))}"),))
    try:
        return Rendered(template.render(dict(context)))
    except LimitError as err:
        return Rendered(None, (Diagnostic(shift(at, _template_line(err)), f"template stopped: {_first_line(str(err))}"),))
    except MemoryError as err:  # what the budget's estimates missed, if anything
        return Rendered(None, (Diagnostic(shift(at, _template_line(err)), "template stopped: it ran out of memory"),))
    except SecurityError as err:
        message = f"template tried to leave the sandbox ({_first_line(str(err))}); not rendered"
        return Rendered(None, (Diagnostic(shift(at, _template_line(err)), message),))
    except Refused as err:
        return Rendered(None, (Diagnostic(shift(at, _template_line(err)), f"template {err}"),))
    except TemplateError as err:
        return Rendered(None, (Diagnostic(shift(at, _template_line(err)), f"cannot render template: {_first_line(str(err))}"),))
    except RecursionError as err:  # its text depends on whether C or Python code hit the limit
        return Rendered(None, (Diagnostic(shift(at, _template_line(err)), "cannot render template: it recurses without end (a macro calling itself?)"),))
    # A template is user code: whatever it raises (ZeroDivisionError, TypeError, a macro's own
    # exception) is a fault in the input, reported on one line like any other.
    except Exception as err:  # noqa: BLE001
        return Rendered(None, (Diagnostic(shift(at, _template_line(err)), f"cannot render template: {type(err).__name__}: {_first_line(str(err))}"),))


def unknown_names(env: Sandbox, source: str, known: Collection[str]) -> list[tuple[int, str, bool]]:
    """Names a template uses but neither defines nor gets: (line, dotted name, called), sorted.

    Static, so a macro is reported even when it sits in a branch that this render skips.
    """
    try:
        tree = env.parse(source)
    except TemplateSyntaxError:
        return []  # render() reports it, with its line
    defined = set(known) | _BUILTINS | _assigned(tree)
    checked = {id(t.node) for t in tree.find_all(nodes.Test) if t.name in ("defined", "undefined")}
    found: set[tuple[int, str, bool]] = set()
    callees: set[int] = set()
    for call in tree.find_all(nodes.Call):
        dotted, root = _dotted(call.node)
        if root is not None:
            callees.add(id(root))
            if root.name not in defined:
                found.add((call.lineno, dotted, True))
    for name in tree.find_all(nodes.Name):
        if name.ctx == "load" and name.name not in defined and id(name) not in callees and id(name) not in checked:
            found.add((name.lineno, name.name, False))
    return sorted(found)


def _assigned(tree: nodes.Template) -> set[str]:
    names = {n.name for n in tree.find_all(nodes.Name) if n.ctx in ("store", "param")}
    names |= {m.name for m in tree.find_all(nodes.Macro)}
    names |= {i.target for i in tree.find_all(nodes.Import)}
    for imported in tree.find_all(nodes.FromImport):
        names |= {n[1] if isinstance(n, tuple) else n for n in imported.names}
    return names


def _dotted(node: nodes.Node) -> tuple[str, nodes.Name | None]:
    parts: list[str] = []
    while isinstance(node, nodes.Getattr):
        parts.append(node.attr)
        node = node.node
    if not isinstance(node, nodes.Name):
        return "", None
    return ".".join([node.name, *reversed(parts)]), node


def line_map(raw: str, rendered: str) -> Callable[[int], int]:
    """Maps a line of the rendered text to the raw template line it came from (both 1-based).

    Rendering drops lines (a multi-line `{{ config(...) }}`, a false `{% if %}`) and macros add
    some; lines that survive unchanged anchor the mapping, the rest map into the template text
    they replaced.
    """
    a = [line.strip() for line in raw.splitlines()] or [""]
    b = [line.strip() for line in rendered.splitlines()] or [""]
    table: dict[int, int] = {}
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        for j in range(j1, j2):
            offset = j - j1 if tag == "equal" else min(j - j1, max(i2 - i1 - 1, 0))
            table[j + 1] = min(i1 + offset, len(a) - 1) + 1
    return lambda line: table.get(line, min(max(line, 1), len(a)))


def shift(at: Location, line: int) -> Location:
    """Line `line` of a template whose first line is `at.line`."""
    return Location(at.file, max(at.line, 1) + max(line, 1) - 1, at.statement)


def warning(at: Location, message: str) -> Diagnostic:
    return Diagnostic(at, message, Severity.WARNING)


def _template_line(err: BaseException) -> int:
    """Jinja rewrites tracebacks so template frames carry template line numbers."""
    line = getattr(err, "lineno", None) or 0
    for frame, lineno in traceback.walk_tb(err.__traceback__):
        if frame.f_code.co_filename == "<template>":
            line = lineno
    return int(line)


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else "error"


def current_template_line() -> int:
    """Line of the outermost template being rendered, for a diagnostic raised from a Python callable."""
    frame = sys._getframe(1)
    line = 0
    while frame is not None:
        template = frame.f_globals.get("__jinja_template__")
        if template is not None:
            line = template.get_corresponding_lineno(frame.f_lineno)
        frame = frame.f_back  # type: ignore[assignment]
    return line
