"""Feast: a feature repository's `.py` files, read with `ast` (never imported or run).

Module-level assignments are followed by name across the repository's files: a data source
(`table=` or `query=`, with `field_mapping`), entities (their join keys), `FeatureView` and
`StreamFeatureView` (`schema=[Field(name=...)]`, `source=`, `owner=`, `tags=`) and `FeatureService`
(`features=[view, view[["a", "b"]]]`). Each view and service becomes an ML-feature consumer reading
the source columns its fields come from (direct), and the join keys and timestamp it is matched on
(indirect). Only literals are read: anything else is one warning, and nothing in the file runs.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field

from lineage.catalog import Consumer, Owner
from lineage.model import ColumnEdge, Diagnostic, Flow, Location, NodeKind, Subtype
from parsers.bi.common import BiFacts, Column, Sql, Traced, file_facts, owner_of, read, sorted_reads, warning

_IMPORTS = re.compile(r"^\s*(from\s+feast\b|import\s+feast\b)", re.MULTILINE)
_VIEWS = {"FeatureView", "BatchFeatureView", "StreamFeatureView"}
_SERVICE = "FeatureService"
_ENTITY = "Entity"


def is_feature_repo(text: str) -> bool:
    """Does this Python file import Feast (a feature definition file)?"""
    return bool(_IMPORTS.search(text))


@dataclass(slots=True)
class _Repo:
    sql: Sql
    calls: dict[str, tuple[str, ast.Call, str]] = field(default_factory=dict)  # variable -> (callee, call, file)
    notes: dict[str, list[Diagnostic]] = field(default_factory=dict)
    views: dict[str, Consumer] = field(default_factory=dict)  # variable -> its consumer
    owners: dict[str, Owner] = field(default_factory=dict)
    features: dict[str, dict[str, set[Column]]] = field(default_factory=dict)  # view id -> feature -> source columns
    statements: dict[str, int] = field(default_factory=dict)  # file -> source queries traced

    def note(self, file: str, node: ast.AST, message: str) -> None:
        self.notes.setdefault(file, []).append(warning(Location(file, getattr(node, "lineno", 1)), message))


def read_feast(files: list[tuple[str, str]], sql: Sql) -> BiFacts:
    """The feature views and services of a repository's files (path shown, text)."""
    repo = _Repo(sql)
    trees: list[tuple[str, ast.Module]] = []
    for shown, text in files:
        repo.notes.setdefault(shown, [])
        try:
            trees.append((shown, ast.parse(text, shown)))
        except (SyntaxError, ValueError, RecursionError, MemoryError) as err:
            line = getattr(err, "lineno", None) or 1
            repo.notes[shown].append(Diagnostic(Location(shown, line), f"not valid Python ({type(err).__name__}); its features are not read"))
    for shown, tree in trees:
        for name, call in _assigned_calls(tree):
            repo.calls[name] = (_callee(call), call, shown)
    consumers: list[Consumer] = []
    for kinds in (_VIEWS, {_SERVICE}):  # services name views: read every view first
        for name, (callee, call, shown) in list(repo.calls.items()):
            if callee in kinds:
                found = _view(repo, name, call, shown) if callee in _VIEWS else _service(repo, call, shown)
                if found is not None:
                    consumers.append(found)
    return BiFacts(tuple(consumers), tuple(repo.owners.values()), tuple(file_facts(s, n, repo.statements.get(s, 0)) for s, n in sorted(repo.notes.items())))


def _assigned_calls(tree: ast.Module) -> list[tuple[str, ast.Call]]:
    """`name = Callee(...)` at module level (and a bare `Callee(...)`, named by position)."""
    found: list[tuple[str, ast.Call]] = []
    for stmt in tree.body:
        value = getattr(stmt, "value", None)
        if isinstance(value, ast.Call) and isinstance(stmt, (ast.Assign, ast.AnnAssign, ast.Expr)):
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [getattr(stmt, "target", None)]
            name = next((t.id for t in targets if isinstance(t, ast.Name)), f"<line {stmt.lineno}>")
            found.append((name, value))
    return found


def _callee(call: ast.Call) -> str:
    func = call.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def _kwargs(call: ast.Call) -> dict[str, ast.expr]:
    return {k.arg: k.value for k in call.keywords if k.arg}


def _literal(repo: _Repo, file: str, node: ast.expr | None, what: str) -> object:
    """A literal's value (strings, numbers, lists, dicts of them), else a warning and None."""
    if node is None:
        return None
    try:
        return ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, RecursionError, MemoryError):
        repo.note(file, node, f"{what} is not a literal; it is not read (nothing in the file is run)")
        return None


def _view(repo: _Repo, var: str, call: ast.Call, file: str) -> Consumer | None:
    args = _kwargs(call)
    name = _literal(repo, file, args.get("name"), "the name of a feature view")
    if not isinstance(name, str):
        return None
    cid = f"feast:{name}"
    at = Location(file, call.lineno)
    source = _source(repo, args.get("source") or args.get("stream_source") or args.get("batch_source"), file, name)
    reads: set[ColumnEdge] = set()
    if source is not None:
        fields = [_field_name(repo, file, f) for f in _elements(args.get("schema"))]
        if not fields:
            repo.note(file, call, f"feature view '{name}' declares no schema; which columns it reads is unknown")
        repo.features[cid] = {f: source.columns(f) for f in fields if f}
        reads |= {read(cid, t, c, at) for columns in repo.features[cid].values() for t, c in columns}
        reads |= {read(cid, t, c, at, Flow.INDIRECT, Subtype.JOIN) for t, c in source.keys(_join_keys(repo, args.get("entities"), file))}
    owner = _owner(repo, file, args.get("owner"))
    tags = _literal(repo, file, args.get("tags"), f"the tags of feature view '{name}'") or {}
    title = _literal(repo, file, args.get("description"), f"the description of '{name}'") if "description" in args else name
    consumer = Consumer(cid, NodeKind.ML_FEATURE, owner, str(title or name), "", (), "", sorted_reads(reads), at, tags=_tags(tags))
    repo.views[var] = consumer
    return consumer


def _tags(tags: object) -> str:
    return ", ".join(f"{k}={v}" for k, v in sorted(tags.items())) if isinstance(tags, dict) else ""


def _owner(repo: _Repo, file: str, node: ast.expr | None) -> str:
    value = _literal(repo, file, node, "an owner")
    owner = owner_of(value) if isinstance(value, str) else None
    if owner is None:
        return ""
    repo.owners.setdefault(owner.id, owner)
    return owner.id


def _elements(node: ast.expr | None) -> list[ast.expr]:
    return list(node.elts) if isinstance(node, (ast.List, ast.Tuple)) else []


def _field_name(repo: _Repo, file: str, node: ast.expr) -> str | None:
    if isinstance(node, ast.Call) and _callee(node) == "Field":
        value = _literal(repo, file, _kwargs(node).get("name"), "a field's name")
        return value if isinstance(value, str) else None
    repo.note(file, node, "a schema entry that is not Field(name=...) is not read")
    return None


def _join_keys(repo: _Repo, node: ast.expr | None, file: str) -> list[str]:
    """The entities' join keys (an entity variable, or its name as a string)."""
    keys: list[str] = []
    for item in _elements(node):
        entity = repo.calls.get(item.id) if isinstance(item, ast.Name) else None
        if entity and entity[0] == _ENTITY:
            args = _kwargs(entity[1])
            found = _literal(repo, entity[2], args.get("join_keys"), "an entity's join keys") or [_literal(repo, entity[2], args.get("name"), "an entity's name")]
            keys += [k for k in found if isinstance(k, str)] if isinstance(found, list) else []
    return keys


@dataclass(frozen=True, slots=True)
class _Source:
    """A feature view's data source: a warehouse table, or a query traced as a view."""

    table: str | None
    traced: Traced | None
    renamed: dict[str, str]  # feature name -> source column (field_mapping, inverted)
    timestamps: tuple[str, ...]  # timestamp_field, created_timestamp_column

    def columns(self, feature: str) -> set[Column]:
        column = self.renamed.get(feature, feature)
        if self.traced is not None:
            return self.traced.of(column)
        return {(self.table, column)}

    def keys(self, join_keys: list[str]) -> set[Column]:
        return {c for key in (*join_keys, *self.timestamps) for c in self.columns(key)}


def _source(repo: _Repo, node: ast.expr | None, file: str, view: str) -> _Source | None:
    """The data source a view names (a variable, or the call inline)."""
    found = repo.calls.get(node.id) if isinstance(node, ast.Name) else (_callee(node), node, file) if isinstance(node, ast.Call) else None
    if found is None or not found[0].endswith("Source"):  # BigQuerySource, PostgreSQLSource, PushSource, ...
        if node is not None:
            repo.note(file, node, f"the source of feature view '{view}' is not a data source defined in the repository; its reads are unknown")
        return None
    callee, call, where = found
    args = _kwargs(call)
    text = {k: _literal(repo, where, args.get(k), f"'{k}' of {callee}") for k in ("table", "query", "schema", "database", "path", "timestamp_field", "created_timestamp_column")}
    mapping = _literal(repo, where, args.get("field_mapping"), f"the field_mapping of {callee}") or {}
    renamed = {str(v): str(k) for k, v in mapping.items()} if isinstance(mapping, dict) else {}
    stamps = tuple(str(text[k]) for k in ("timestamp_field", "created_timestamp_column") if isinstance(text[k], str) and text[k])
    if isinstance(text["query"], str):
        traced = repo.sql.trace(text["query"], f"feast_source.{view}", Location(where, _string_line(args["query"])))
        repo.notes.setdefault(where, []).extend(traced.diagnostics)
        repo.statements[where] = repo.statements.get(where, 0) + traced.statements
        return _Source(None, traced, renamed, stamps)
    if isinstance(text["table"], str):
        parts = [str(text[k]) for k in ("database", "schema") if isinstance(text[k], str) and text[k] and "." not in str(text["table"])]
        return _Source(".".join([*parts, text["table"]]), None, renamed, stamps)
    repo.note(where, call, f"{callee} '{view}' reads no warehouse table or query ({'a file' if text['path'] else 'nothing named'}); its reads are not traced")
    return None


def _string_line(node: ast.expr) -> int:
    """Where a (possibly triple-quoted) string's text starts."""
    return node.lineno if isinstance(node, ast.Constant) and not str(node.value).startswith("\n") else node.lineno + 1 if isinstance(node, ast.Constant) else node.lineno


def _service(repo: _Repo, call: ast.Call, file: str) -> Consumer | None:
    """A FeatureService reads what its views read: for `view[["a", "b"]]`, only those features' columns."""
    args = _kwargs(call)
    name = _literal(repo, file, args.get("name"), "the name of a feature service")
    if not isinstance(name, str):
        return None
    cid = f"feast:{name}"
    at = Location(file, call.lineno)
    reads: set[ColumnEdge] = set()
    for item in _elements(args.get("features")):
        var, chosen = (item.value, _literal(repo, file, item.slice, "a feature projection")) if isinstance(item, ast.Subscript) else (item, None)
        view = repo.views.get(var.id) if isinstance(var, ast.Name) else None
        if view is None:
            repo.note(file, item, f"feature service '{name}' names a feature view not defined in the repository; it is not traced")
            continue
        picked = _picked(repo, view, chosen)
        reads |= {read(cid, e.source_table, e.source_column, at, e.flow, e.subtype) for e in view.reads if e.flow is Flow.INDIRECT or (e.source_table, e.source_column) in picked}
    owner = _owner(repo, file, args.get("owner"))
    tags = _literal(repo, file, args.get("tags"), f"the tags of feature service '{name}'") or {}
    return Consumer(cid, NodeKind.ML_FEATURE, owner, name, "", (), "", sorted_reads(reads), at, tags=_tags(tags))


def _picked(repo: _Repo, view: Consumer, chosen: object) -> set[Column]:
    features = repo.features.get(view.id, {})
    names = [str(c) for c in chosen] if isinstance(chosen, list) else list(features)
    return {(t.lower() if t else None, c.lower()) for name in names for t, c in features.get(name, set())}
