"""What one render of an untrusted template may spend, and how big a value it asks for would be.

A template is user code: Jinja's sandbox keeps it from reaching Python objects, not from spinning
or allocating. Each render gets a `Budget`: a count of loop steps and calls (deterministic, so a
runaway loop always stops at the same place), a deadline on the monotonic clock as a backstop for
steps that are each slow, a cap on the size of any one value, and a cap on all it builds in total
(output included). Sizes are estimated before the work that would build them, so nothing huge is
ever allocated: `weight` for what turning a value into text would touch, and one estimator per
string method or filter that grows its input (`'x'.ljust(n)`, `'%0*d' % (n, 1)`, `|indent(n)`).
"""

from __future__ import annotations

import math
import re
import string
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.exceptions import SecurityError
from jinja2.utils import Namespace

RENDER_SECONDS = 10.0  # wall-clock backstop; the step count stops a runaway loop long before
MAX_STEPS = 250_000  # loop iterations and calls in one render: a second or two of the busiest kind
MAX_DEPTH = 200  # calls nested in one another: only recursion goes this deep
MAX_SIZE = 1_000_000  # characters or items in one value
MAX_BUILT = 50_000_000  # characters and items one render builds, output included
MAX_BITS = 4_096  # an integer's size: far past any id, hash or timestamp in SQL

T = TypeVar("T")
Sizer = Callable[..., int]  # the arguments of a call -> characters or items its result may have


class LimitError(SecurityError):
    """A template asked for more than its render budget allows."""

    lineno = 0  # the template line, when no template frame is in the traceback to tell it


@dataclass(slots=True)
class Budget:
    deadline: float
    steps: int = 0
    built: int = 0
    depth: int = 0

    @classmethod
    def fresh(cls) -> Budget:
        return cls(time.monotonic() + RENDER_SECONDS)

    def step(self) -> None:
        self.steps += 1
        if self.steps > MAX_STEPS:
            raise LimitError(f"more than {MAX_STEPS:,} loop steps and calls (a runaway loop?)")
        if time.monotonic() > self.deadline:
            raise LimitError(f"still rendering after {RENDER_SECONDS:g} s (a runaway loop?)")

    def enter(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            # what Python raises a thousand times deeper, after many seconds of rewriting tracebacks
            raise RecursionError(f"calls nested more than {MAX_DEPTH} deep")

    def leave(self) -> None:
        self.depth -= 1

    def expect(self, size: int) -> None:
        """Refuse, before any work, a value estimated at `size` characters or items."""
        if size > MAX_SIZE:
            raise LimitError(f"a value of more than {MAX_SIZE:,} characters or items")

    def charge(self, size: int) -> None:
        self.expect(size)
        self.built += size
        if self.built > MAX_BUILT:
            raise LimitError(f"more than {MAX_BUILT:,} characters and items built in all")

    def operands(self, op: str, left: object, right: object) -> None:
        """Refuse, before computing it, a `**`, `*` or `%` whose result would be past the caps."""
        if op == "**" and isinstance(left, int) and isinstance(right, int) and right > 0 and abs(left) > 1:
            _bits((abs(left).bit_length() - 1) * right)
        if op == "*":
            for sized, count in ((left, right), (right, left)):
                if isinstance(sized, (str, bytes, list, tuple)) and isinstance(count, int):
                    self.expect(len(sized) * count)
        if op == "%" and isinstance(left, (str, bytes)):
            self.expect(percent_size(left, right))

    def value(self, value: T) -> T:
        """`value`, just built, within the caps (and counted towards the total)."""
        if isinstance(value, int):
            _bits(value.bit_length())
        if isinstance(value, (str, bytes, list, tuple, dict, set, frozenset)):
            self.charge(len(value))
        return value

    def joined(self, parts: Iterator[str]) -> str:
        """Output pieces joined, each counted as it comes: a render's output streams through here."""
        kept: list[str] = []
        for part in parts:
            self.charge(len(part))
            kept.append(part)
        return "".join(kept)


def _bits(bits: int) -> None:
    if bits > MAX_BITS:
        raise LimitError(f"a number of more than {MAX_BITS:,} bits")


def weight(value: object) -> int:
    """About how many characters `str(value)` (or a walk over it) would touch; past MAX_SIZE it stops
    counting. Shared parts count every time they recur, as in the text: `[x, x]` nested 40 times is
    a few objects but a trillion characters."""
    total = 0
    pending = [value]
    while pending and total <= MAX_SIZE:
        item = pending.pop()
        if isinstance(item, (str, bytes)):
            total += len(item)
        elif isinstance(item, int):
            total += item.bit_length() // 3 + 1
        elif isinstance(item, (list, tuple, set, frozenset)):
            total += len(item) + 1
            pending.extend(item)
        elif isinstance(item, Mapping):
            total += len(item) + 1
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, Namespace):  # its text is its dict's; the sandbox hides the dict
            pending.append(object.__getattribute__(item, "_Namespace__attrs"))
        else:
            total += 1
    return total


def call_size(sizer: Sizer | None, args: tuple[object, ...], kwargs: Mapping[str, object]) -> int:
    """The estimated size of a call's result: its largest argument, or what `sizer` says it grows to."""
    largest = max(map(weight, (*args, *kwargs.values())), default=0)
    if sizer is None or largest > MAX_SIZE:
        return largest
    try:
        return max(largest, sizer(*args, **kwargs))
    except (TypeError, ValueError, AttributeError):  # wrong arguments: the call itself says so
        return largest


def _number(value: object) -> int:
    """A width or count as a size (a number too long to convert is too big anyway)."""
    if isinstance(value, str):
        return int(value) if len(value) < 16 else 10**16
    if isinstance(value, float):
        return int(abs(value)) if math.isfinite(value) else 0
    return abs(value) if isinstance(value, int) else 0


def _count(items: object) -> int:
    return len(items) if isinstance(items, (str, list, tuple, dict, set, frozenset)) else 1


_PERCENT = re.compile(r"%(?:\([^)]*\))?[#0 +-]*(\*|\d+)?(?:\.(\*|\d+))?")


def percent_size(text: object, values: object) -> int:
    """`text % values`: each conversion is as wide as its width and precision, `*` taken from the values."""
    items = values if isinstance(values, tuple) else (values,)
    star = max((abs(v) for v in items if isinstance(v, int)), default=0)
    widest = max(map(weight, items), default=0)
    size = len(str(text))
    for match in _PERCENT.finditer(str(text)):
        size += widest + sum(star if group == "*" else _number(group) for group in match.groups() if group)
    return size


def brace_size(text: str, args: tuple[object, ...], kwargs: Mapping[str, object]) -> int:
    """`text.format(...)`: each field as wide as the widest value plus the numbers in its spec."""
    values = [*args, *kwargs.values()]
    widest = max(map(weight, values), default=0)
    star = max((abs(v) for v in values if isinstance(v, int)), default=0)
    size = len(text)
    for _, field, spec, _ in string.Formatter().parse(text):
        if field is not None:
            size += widest + sum(map(_number, re.findall(r"\d+", spec or ""))) + (star if "{" in (spec or "") else 0)
    return size


def _replace_size(text: object, old: object = "", new: object = "", *_: object, **__: object) -> int:
    text = text if isinstance(text, (str, bytes)) else str(text)
    found = text.count(old) if old and type(old) is type(text) else len(text) + 1  # type: ignore[arg-type]
    return len(text) + found * len(new if isinstance(new, (str, bytes)) else str(new))


def _indent_size(text: object, width: object = 4, *_: object, **__: object) -> int:
    text = str(text)
    return len(text) + (text.count("\n") + 1) * (len(width) if isinstance(width, str) else _number(width))


def _translate_size(text: str, table: object = None, **_: object) -> int:
    longest = max((len(v) for v in table.values() if isinstance(v, str)), default=1) if isinstance(table, Mapping) else 1
    return len(text) * longest


def _width(_: object, width: object = 80, *__: object, **___: object) -> int:
    return _number(width)


# String (and bytes) methods whose result can be far bigger than the string and their arguments.
METHOD_SIZES: dict[str, Sizer] = {
    "ljust": _width,
    "rjust": _width,
    "center": _width,
    "zfill": _width,
    "expandtabs": lambda text, tabsize=8, **_: len(text) + text.count("\t") * _number(tabsize),
    "replace": _replace_size,
    "join": lambda sep, items=(), **_: weight(items) + len(sep) * _count(items),
    "translate": _translate_size,
}

# Filters (and `lipsum`) whose result can be far bigger than their input, by its first argument.
FILTER_SIZES: dict[str, Sizer] = {
    "center": _width,
    "indent": _indent_size,
    "replace": _replace_size,
    "join": lambda items, d="", *_, **__: weight(items) + len(str(d)) * _count(items),
    "format": lambda text, *args, **kwargs: percent_size(text, kwargs or args),
    "wordwrap": lambda text, width=79, long=True, wrapstring=None, *_, **__: len(str(text)) * (1 + len(str(wrapstring or "\n"))),
    "tojson": lambda value, indent=None, **_: weight(value) * (1 + _number(indent)),
    "batch": lambda items, linecount=1, fill_with=None, **_: 0 if fill_with is None else _number(linecount),
    "slice": lambda items, slices=1, fill_with=None, **_: _number(slices),
    # summing lists or strings copies the running total at each item
    "sum": lambda items, attribute=None, start=0, **_: 0 if isinstance(start, (int, float)) else _count(items) * weight(items),
    "lipsum": lambda n=5, html=True, min=20, max=100, **_: _number(n) * (_number(max) + 1) * 16,
}


class BudgetedCodeGenerator(CodeGenerator):
    """Jinja's code generator, with every `for` loop's items counted as steps and every `~` sized.

    The sandbox sees calls and operators, but a loop over a literal, a string or a list runs no
    call per item, and `~` compiles to a plain join: these two are routed through the environment
    (`counted`, `concatenated`), so no loop goes unbudgeted and no concatenation unmeasured.
    """

    def visit_For(self, node: nodes.For, frame: Frame) -> None:
        counted = nodes.Call(nodes.EnvironmentAttribute("counted"), [node.iter], [], None, None, lineno=node.iter.lineno)
        super().visit_For(nodes.For(node.target, counted, node.body, node.else_, node.test, node.recursive, lineno=node.lineno), frame)

    def visit_Call(self, node: nodes.Call, frame: Frame, **kwargs: Any) -> None:
        if not isinstance(node.node, nodes.EnvironmentAttribute):
            super().visit_Call(node, frame, **kwargs)
            return
        # only visit_For makes these (no extension that would is loaded): called directly, they are
        # the sandbox's own hooks rather than steps of the template
        self.visit(node.node, frame)
        self.write("(")
        self.visit(node.args[0], frame)
        self.write(")")

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        self.write("environment.concatenated((")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write("), context.eval_ctx.autoescape)")
