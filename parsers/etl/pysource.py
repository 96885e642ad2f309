"""Python source read without recursion trouble: parsed within what CPython can parse, indexed in
one walk, and labelled only when small. A hostile DAG (a 100,000-term `+`, an f-string of 300,000
fields, a 50,000-call chain) costs time linear in its size, or one diagnostic at its line.
"""

from __future__ import annotations

import ast
import io
import tokenize
from bisect import bisect_left
from collections.abc import Callable
from typing import TypeGuard

from lineage.model import Diagnostic, Location, Severity

_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
_SCOPES = (*_FUNCTIONS, ast.ClassDef, ast.Lambda)  # an assignment inside one is not its enclosing scope's
# A placeholder's name or a call's receiver is `ast.unparse` of an expression: only of a small one,
# since unparse recurses as deep as the expression and costs its size.
_LABEL_WIDTH = 1_000  # characters, for an expression on one line
_LABEL_NODES = 64  # nodes, for one over several lines
_FSTRING_FIELDS = 10_000  # CPython 3.11 parses 10,000 in 0.1 s, 300,000 in minutes

def parse_python(text: str, shown: str) -> tuple[ast.Module | None, list[Diagnostic]]:
    """The module's tree and notes on what was left out of it; no tree when Python cannot parse it."""
    text, notes = _without_huge_fstrings(text, shown)
    try:
        return ast.parse(text), notes
    except SyntaxError as err:
        return None, [_unparsed(shown, err.lineno or 0, err.msg)]
    except (RecursionError, MemoryError):
        # CPython's parser gives up on nesting past a fixed depth with MemoryError, and builds the
        # tree recursively up to the recursion limit (a 200,000-term `+` is that deep)
        return None, [_unparsed(shown, _too_deep_line(text), "nested too deeply for its parser")]


def _without_huge_fstrings(text: str, shown: str) -> tuple[str, list[Diagnostic]]:
    """`text` with each f-string of more than _FSTRING_FIELDS fields made an empty string on the
    same lines, and a diagnostic for each: CPython 3.11 parses an f-string in time quadratic in its
    fields (300,000 take minutes), and Python 3.12's tokens (FSTRING_START) are never cut here."""
    if text.count("{") <= _FSTRING_FIELDS:
        return text, []
    lines, notes = text.splitlines(keepends=True), list[Diagnostic]()
    try:
        tokens = [t for t in tokenize.generate_tokens(io.StringIO(text).readline) if t.type == tokenize.STRING]
    except (tokenize.TokenError, SyntaxError):  # ast.parse reports it
        return text, []
    for token in reversed(tokens):
        fields = token.string.count("{") - 2 * token.string.count("{{")
        if fields > _FSTRING_FIELDS and "f" in token.string[: token.string.index(token.string[-1])].lower():
            (first, start), (last, end) = token.start, token.end
            blank = '"""' + "\n" * (last - first) + '"""'
            lines[first - 1 : last] = [lines[first - 1][:start] + blank + lines[last - 1][end:]]
            message = f"f-string of {fields:,} fields: past {_FSTRING_FIELDS:,}, Python parses it too slowly to read; its SQL is not extracted"
            notes.append(Diagnostic(Location(shown, first), message, Severity.WARNING))
    return "".join(lines), notes


def _unparsed(shown: str, line: int, why: str) -> Diagnostic:
    return Diagnostic(Location(shown, line), f"cannot parse Python ({why}): SQL in this file was not read", Severity.WARNING)


def _too_deep_line(text: str) -> int:
    """The first line whose file prefix is too deep to parse: where the nesting passes the limit."""
    lines = text.splitlines(keepends=True)
    low, high = 1, len(lines)
    while low < high:
        middle = (low + high) // 2
        try:
            ast.parse("".join(lines[:middle]))
        except (RecursionError, MemoryError):
            high = middle
            continue
        except SyntaxError:  # the prefix cuts a statement short, before it nests too deep
            pass
        low = middle + 1
    return low


Assigned = list[tuple[tuple[int, int], ast.expr]]  # (line, column) of each `name = value`, in order


class Names:
    """Every `name = value` of a module, indexed by scope in one walk (with the parents and the
    calls): a name is looked up in a dict, not by walking the module (300,000 names in f-strings
    made that quadratic)."""

    def __init__(self, tree: ast.Module) -> None:
        self.tree = tree
        self.parents: dict[ast.AST, ast.AST] = {}
        self.scopes: dict[ast.AST, dict[str, Assigned]] = {}  # module, function (or class, lambda): its names
        self.functions: dict[ast.AST, ast.AST] = {}  # follow's memo: the function or module around a node
        self.calls: list[ast.Call] = []
        stack: list[tuple[ast.AST, ast.AST]] = [(tree, tree)]  # a node, and the scope its assignments set
        while stack:
            node, scope = stack.pop()
            if isinstance(node, ast.Call):
                self.calls.append(node)
            elif isinstance(node, ast.Assign):
                for name in {t.id for t in node.targets if isinstance(t, ast.Name)}:
                    self.scopes.setdefault(scope, {}).setdefault(name, []).append(((node.lineno, node.col_offset), node.value))
            inner = node if isinstance(node, _SCOPES) else scope
            for child in ast.iter_child_nodes(node):
                self.parents[child] = node
                stack.append((child, inner))
        for names in self.scopes.values():
            for assigned in names.values():
                assigned.sort(key=lambda a: a[0])

    def assigned(self, name: str, at: ast.AST) -> ast.expr | None:
        """The value last assigned to `name` before `at`: in its function, else at module level."""
        line = getattr(at, "lineno", 0)
        around = follow(self.parents.get(at, self.tree), lambda n: None if isinstance(n, _FUNCTIONS) else self.parents.get(n), self.functions)
        local = self._before(around, name, line) if around is not self.tree else None
        if local is not None:
            return local
        module = self.scopes.get(self.tree, {}).get(name, [])
        before = self._before(self.tree, name, line)
        # a function runs after the whole module: a constant defined below it is still set
        return before if before is not None else module[-1][1] if module and around is not self.tree else None

    def _before(self, scope: ast.AST, name: str, line: int) -> ast.expr | None:
        assigned = self.scopes.get(scope, {}).get(name, [])
        index = bisect_left(assigned, line, key=lambda a: a[0][0])
        return assigned[index - 1][1] if index else None


def follow(start: ast.AST, step: Callable[[ast.AST], ast.AST | None], memo: dict[ast.AST, ast.AST]) -> ast.AST:
    """Where `step` leads from `start`, remembered for every node passed: each link of a
    100,000-call chain asks, and the chain is walked once in all, not once per link."""
    path: list[ast.AST] = []
    node = start
    while node not in memo and (following := step(node)) is not None:
        path.append(node)
        node = following
    end = memo.get(node, node)
    memo.update(dict.fromkeys([*path, node], end))
    return end


def is_sum(node: ast.AST) -> TypeGuard[ast.BinOp]:
    return isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add)


def sum_tree(node: ast.BinOp) -> list[ast.AST]:
    """The `+` nodes and terms of a sum, each after its parent."""
    found: list[ast.AST] = []
    stack: list[ast.AST] = [node]
    while stack:
        term = stack.pop()
        found.append(term)
        if is_sum(term):
            stack += [term.right, term.left]
    return found


def label(node: ast.AST) -> str:
    """`ast.unparse(node)` for a small expression, "?" for a big one (see _LABEL_WIDTH)."""
    lines = (getattr(node, "lineno", 0), getattr(node, "end_lineno", None))
    small = getattr(node, "end_col_offset", 0) - getattr(node, "col_offset", 0) <= _LABEL_WIDTH if lines[0] == lines[1] else _fewer_nodes(node, _LABEL_NODES)
    try:
        return ast.unparse(node) if small else "?"
    except (ValueError, RecursionError):  # on a thread with Python's default recursion limit
        return "?"


def _fewer_nodes(node: ast.AST, limit: int) -> bool:
    stack, seen = [node], 0
    while stack and seen <= limit:
        seen += 1
        stack.extend(ast.iter_child_nodes(stack.pop()))
    return seen <= limit


def call_name(call: ast.Call) -> str:
    return call.func.id if isinstance(call.func, ast.Name) else call.func.attr if isinstance(call.func, ast.Attribute) else ""
