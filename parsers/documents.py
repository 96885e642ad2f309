"""YAML and JSON inputs (dbt_project.yml, profiles.yml, properties files, lineage.yml, --schema, manifest.json).

Each is read through the bounded reader, and a YAML document is composed (aliases still shared
nodes, nothing expanded yet) and refused when its aliases would expand it past a bound: a 481-byte
billion-laughs expands to a billion nodes, which whoever walks the data (a copy, a dump) pays for.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from lineage.model import Diagnostic, Location
from parsers.paths import display_path
from parsers.reading import DEFAULT_MAX_BYTES, Unreadable, read_text

# Nodes that aliases may add to those written: generous for `<<: *defaults` in every model of a
# large project, and a few hundred MB of Python objects at most.
ALIAS_NODES = 1_000_000
# libyaml's safe loader when PyYAML was built with it: a 10,000-table catalog composes in a tenth
# of the time, into the same nodes with the same line marks
FAST_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(path: Path, max_bytes: int | None = DEFAULT_MAX_BYTES, shown: str | None = None, loader: type[yaml.SafeLoader] = FAST_LOADER) -> Any:
    """The file's YAML data (None when empty), or a Diagnostic saying why it is not read."""
    where = Location(display_path(path) if shown is None else shown)
    text = read_text(path, max_bytes, where.file)
    if isinstance(text, Diagnostic):
        return text
    reader = loader(text)
    try:
        node = _checked(reader.get_single_node(), where)
        return None if node is None else reader.construct_document(node)
    except Unreadable as err:
        return err.diagnostic
    except (yaml.YAMLError, RecursionError) as err:
        return _invalid(err, text, where)
    finally:
        reader.dispose()  # type: ignore[no-untyped-call]


def compose_yaml(path: Path, max_bytes: int | None = DEFAULT_MAX_BYTES, shown: str | None = None) -> yaml.Node | Diagnostic | None:
    """The file's YAML as nodes, with their line marks, for a reader that validates as it walks."""
    where = Location(display_path(path) if shown is None else shown)
    text = read_text(path, max_bytes, where.file)
    if isinstance(text, Diagnostic):
        return text
    try:
        return _checked(yaml.compose(text, Loader=FAST_LOADER), where)
    except Unreadable as err:
        return err.diagnostic
    except (yaml.YAMLError, RecursionError) as err:
        return _invalid(err, text, where)


def load_json(path: Path, max_bytes: int | None = DEFAULT_MAX_BYTES, shown: str | None = None) -> Any:
    """The file's JSON data, or a Diagnostic saying why it is not read."""
    where = Location(display_path(path) if shown is None else shown)
    text = read_text(path, max_bytes, where.file)
    if isinstance(text, Diagnostic):
        return text
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        return Diagnostic(Location(where.file, err.lineno), f"invalid JSON: {err.msg}")
    except RecursionError:
        return Diagnostic(where, "JSON nested too deeply; not read")


def _invalid(err: Exception, text: str, where: Location) -> Diagnostic:
    if isinstance(err, RecursionError):
        return Diagnostic(where, "YAML nested too deeply; not read")
    if FAST_LOADER is not yaml.SafeLoader and isinstance(err, yaml.MarkedYAMLError):
        try:
            yaml.compose(text, Loader=yaml.SafeLoader)  # the pure-Python parser's messages say more
        except yaml.YAMLError as explained:
            err = explained
        except RecursionError:
            pass
    mark = getattr(err, "problem_mark", None)
    return Diagnostic(Location(where.file, mark.line + 1 if mark is not None else 0), f"invalid YAML: {getattr(err, 'problem', None) or err}")


def _checked(root: yaml.Node | None, where: Location) -> yaml.Node | None:
    """`root`, unless its aliases expand it by more than ALIAS_NODES nodes, or into itself."""
    if root is None:
        return None
    sizes = _Sizes()
    sizes.measure(root)
    limit = len(sizes.done) + ALIAS_NODES
    if sizes.recursive is not None:
        raise Unreadable(Diagnostic(_at(where, sizes.recursive), "a YAML alias refers to a node that holds it (a recursive alias); not read"))
    if sizes.done[id(root)] > limit:
        raise Unreadable(Diagnostic(_at(where, sizes.culprit(root, limit)), f"YAML expands past {limit:,} nodes (an alias bomb?); not read"))
    return root


def _at(where: Location, node: yaml.Node) -> Location:
    return Location(where.file, node.start_mark.line + 1)


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return list(node.value) if isinstance(node, yaml.SequenceNode) else []


class _Sizes:
    """Each node's size once its aliases are expanded (an alias counts as what it points to),
    computed over the shared nodes without expanding anything; iterative, for deep documents."""

    def __init__(self) -> None:
        self.done: dict[int, int] = {}
        self.recursive: yaml.Node | None = None

    def measure(self, root: yaml.Node) -> None:
        open_: set[int] = set()
        stack: list[tuple[yaml.Node, bool]] = [(root, False)]
        while stack and self.recursive is None:
            node, closing = stack.pop()
            if closing:
                open_.discard(id(node))
                self.done[id(node)] = 1 + sum(self.done[id(c)] for c in _children(node))
            elif id(node) in open_:
                self.recursive = node
            elif id(node) not in self.done:
                open_.add(id(node))
                stack.append((node, True))
                stack.extend((c, False) for c in reversed(_children(node)))

    def culprit(self, node: yaml.Node, limit: int) -> yaml.Node:
        """The innermost node whose expansion alone passes `limit`: where the bomb is."""
        while True:
            bigger = next((c for c in _children(node) if self.done[id(c)] > limit), None)
            if bigger is None:
                return node
            node = bigger
