"""YAML and JSON inputs (dbt_project.yml, profiles.yml, properties files, lineage.yml, --schema, manifest.json).

Each is read through the bounded reader, and a YAML document is composed (aliases still shared
nodes, nothing expanded yet) and refused when its aliases would expand it past a bound: a 481-byte
billion-laughs expands to a billion nodes, and a 1 MB string aliased a thousand times to a GB of
text, which whoever walks or writes the data (a copy, the store, a report) pays for.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml

from lineage.model import Diagnostic, Location
from parsers.sources.paths import display_path
from parsers.sources.reading import DEFAULT_MAX_BYTES, Unreadable, read_text

# How much larger than written aliases may make a document, in characters of YAML written out
# without them: generous for `<<: *defaults` in every model of a large project (a hundred
# characters each), and a few hundred MB of Python objects at most.
ALIAS_BYTES = 10 * 2**20
# libyaml's safe loader when PyYAML was built with it: a 10,000-table catalog composes in a tenth
# of the time, into the same nodes with the same line marks
# an anchor (`&name` where a node starts): without one a document has no alias to expand
_ANCHOR = re.compile(r"(?:^|[\s\[{,])&[^\s\[\]{},]", re.MULTILINE)
FAST_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(path: Path, max_bytes: int | None = DEFAULT_MAX_BYTES, shown: str | None = None, loader: type[yaml.SafeLoader] = FAST_LOADER) -> Any:
    """The file's YAML data (None when empty), or a Diagnostic saying why it is not read."""
    where = Location(display_path(path) if shown is None else shown)
    text = read_text(path, max_bytes, where.file)
    if isinstance(text, Diagnostic):
        return text
    return parse_yaml(text, where, loader)


def parse_yaml(text: str, where: Location, loader: type[yaml.SafeLoader] = FAST_LOADER) -> Any:
    """YAML text's data (None when empty), or a Diagnostic: refused when aliases would blow it up."""
    reader = loader(text)
    try:
        node = _checked(reader.get_single_node(), text, where)
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
        return _checked(yaml.compose(text, Loader=FAST_LOADER), text, where)
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


def _checked(root: yaml.Node | None, text: str, where: Location) -> yaml.Node | None:
    """`root`, unless its aliases make it ALIAS_BYTES larger than written, or refer to themselves."""
    if root is None or "&" not in text or not _ANCHOR.search(text):
        return root  # no anchor, no alias: the document is as large as written
    sizes = _Sizes(root)
    if sizes.recursive is not None:
        raise Unreadable(Diagnostic(_at(where, sizes.recursive), "a YAML alias refers to a node that holds it (a recursive alias); not read"))
    limit = sizes.written + ALIAS_BYTES
    if sizes.done[id(root)] > limit:
        raise Unreadable(Diagnostic(_at(where, sizes.culprit(root, limit)), f"YAML expands past {limit / 2**20:.1f} MB through its aliases (an alias bomb?); not read"))
    return root


def _at(where: Location, node: yaml.Node) -> Location:
    return Location(where.file, node.start_mark.line + 1)


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return list(node.value) if isinstance(node, yaml.SequenceNode) else []


class _Sizes:
    """Each node's size once its aliases are expanded (an alias counts as what it points to), in
    characters written out (a scalar's text and a separator, a container's brackets), computed over
    the shared nodes without expanding anything; iterative, for deep documents."""

    def __init__(self, root: yaml.Node) -> None:
        self.done: dict[int, int] = {}
        self.written = 0  # every node counted once: the document as written, anchors and all
        self.recursive: yaml.Node | None = None
        self._measure(root)

    def _measure(self, root: yaml.Node) -> None:
        done, open_ = self.done, set()
        stack: list[tuple[yaml.Node, list[yaml.Node] | None]] = [(root, None)]
        while stack:
            node, children = stack.pop()
            key = id(node)
            if children is not None:  # every child is measured
                open_.discard(key)
                done[key] = 2 + sum(done[id(c)] for c in children)
                self.written += 2
            elif key in done:
                continue  # an alias of a node measured already
            elif isinstance(node, yaml.ScalarNode):
                done[key] = len(node.value) + 2
                self.written += done[key]
            elif key in open_:
                self.recursive = node
                return
            else:
                open_.add(key)
                children = _children(node)
                stack.append((node, children))
                stack.extend((c, None) for c in children)

    def culprit(self, node: yaml.Node, limit: int) -> yaml.Node:
        """The innermost node whose expansion alone passes `limit`: where the bomb is."""
        while True:
            bigger = next((c for c in _children(node) if self.done[id(c)] > limit), None)
            if bigger is None:
                return node
            node = bigger
