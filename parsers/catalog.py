"""Reading `lineage.yml`: owners, table ownership and tiers, dashboards and ML features.

Validation errors name the file, the line and the key, so they point at what to fix.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path

import yaml

from lineage.catalog import Catalog, Consumer, ContractColumn, DeclaredContract, DialectRule, Owner, OwnerRule, TableEntry
from lineage.errors import ConfigError
from lineage.model import Diagnostic, Location, NodeKind, Tier
from parsers.sql.dialects import unknown
from parsers.sources.documents import compose_yaml
from parsers.sources.paths import Root, display_path
from parsers.sources.reading import DEFAULT_MAX_BYTES

_SECTIONS = {"namespace", "owners", "tables", "dashboards", "ml_features", "dialects", "consumer_owners", "observed_owners", "contracts"}
_OWNER_KEYS = {"name", "email", "slack", "github"}
_CONTRACT_KEYS = {"columns", "freshness", "escalation"}
_TABLE_KEYS = {"owner", "tier", "description", "deprecated", "replaced_by", "mapping", "renewed"} | _CONTRACT_KEYS
_COLUMN_KEYS = {"type", "description"}
_DURATION = re.compile(r"^(?P<number>\d+(?:\.\d+)?)\s*(?P<unit>s|m|h|d)$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_PERCENTILE = re.compile(r"^p\d{1,2}(?:\.\d+)?$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_CONSUMER_KEYS = {"title", "owner", "url", "columns", "sql", "description"}


class _Reader:
    """Walks a composed YAML tree, keeping line numbers for every error."""

    def __init__(self, path: str) -> None:
        self.path = path

    def at(self, node: yaml.Node) -> Location:
        return Location(self.path, node.start_mark.line + 1)

    def mapping(self, node: yaml.Node, what: str) -> list[tuple[str, yaml.Node, yaml.Node]]:
        if isinstance(node, yaml.ScalarNode) and node.value in ("", "~", "null"):
            return []
        if not isinstance(node, yaml.MappingNode):
            raise ConfigError(f"{what} must be a mapping", self.at(node))
        return [(self.scalar(k, f"a key of {what}"), k, v) for k, v in node.value]

    def scalar(self, node: yaml.Node, what: str) -> str:
        if not isinstance(node, yaml.ScalarNode):
            raise ConfigError(f"{what} must be a string", self.at(node))
        return str(node.value)

    def fields(self, node: yaml.Node, what: str, allowed: set[str]) -> dict[str, tuple[yaml.Node, yaml.Node]]:
        out: dict[str, tuple[yaml.Node, yaml.Node]] = {}
        for key, key_node, value in self.mapping(node, what):
            if key not in allowed:
                raise ConfigError(f"unknown key '{key}' in {what}", self.at(key_node), hint=f"expected one of {', '.join(sorted(allowed))}")
            out[key] = (key_node, value)
        return out

    def text(self, fields: dict[str, tuple[yaml.Node, yaml.Node]], key: str, what: str) -> str:
        if key not in fields:
            return ""
        return self.scalar(fields[key][1], f"'{key}' of {what}")


def load_catalog(path: Path, max_bytes: int | None = DEFAULT_MAX_BYTES) -> Catalog:
    """Parse and validate a catalog file; SQL paths in it are resolved relative to it."""
    shown = str(path)
    root = compose_yaml(path, max_bytes, shown)
    if isinstance(root, Diagnostic):
        raise ConfigError(root.message, root.at)
    reader = _Reader(shown)
    if root is None:
        return Catalog(shown)
    sections = reader.fields(root, "the catalog", _SECTIONS)
    owners = tuple(_owner(reader, k, v) for k, _, v in reader.mapping(sections["owners"][1], "owners")) if "owners" in sections else ()
    tables = tuple(_table(reader, k, kn, v) for k, kn, v in reader.mapping(sections["tables"][1], "tables")) if "tables" in sections else ()
    contracts = [c for c in (_table_contract(reader, k, v) for k, _, v in reader.mapping(sections["tables"][1], "tables")) if c] if "tables" in sections else []
    if "contracts" in sections:
        contracts += [_contract(reader, k, kn, reader.fields(v, f"contract '{k}'", _CONTRACT_KEYS), f"contract '{k}'") for k, kn, v in reader.mapping(sections["contracts"][1], "contracts")]
    consumers: list[Consumer] = []
    for section, kind in (("dashboards", NodeKind.DASHBOARD), ("ml_features", NodeKind.ML_FEATURE)):
        if section in sections:
            consumers += [_consumer(reader, path.parent, kind, k, kn, v) for k, kn, v in reader.mapping(sections[section][1], section)]
    dialects = tuple(_dialect(reader, k, kn, v) for k, kn, v in reader.mapping(sections["dialects"][1], "dialects")) if "dialects" in sections else ()
    rules, observed = (_rules(reader, sections, section) for section in ("consumer_owners", "observed_owners"))
    namespace = reader.scalar(sections["namespace"][1], "'namespace'").strip() if "namespace" in sections else ""
    catalog = Catalog(shown, owners, tables, tuple(consumers), dialects, owner_rules=rules, observed_owners=observed, namespace=namespace, contracts=tuple(contracts))
    _check_owners(catalog)
    return catalog


def _rules(reader: _Reader, sections: dict[str, tuple[yaml.Node, yaml.Node]], section: str) -> tuple[OwnerRule, ...]:
    if section not in sections:
        return ()
    return tuple(OwnerRule(k, reader.scalar(v, f"the owner of '{k}'").strip(), reader.at(kn)) for k, kn, v in reader.mapping(sections[section][1], section))


def _owner(reader: _Reader, key: str, node: yaml.Node) -> Owner:
    what = f"owner '{key}'"
    f = reader.fields(node, what, _OWNER_KEYS)
    github = reader.text(f, "github", what).lstrip("@")
    return Owner(key, reader.text(f, "name", what), reader.text(f, "email", what), reader.text(f, "slack", what), github)


def _table(reader: _Reader, key: str, key_node: yaml.Node, node: yaml.Node) -> TableEntry:
    what = f"table '{key}'"
    f = reader.fields(node, what, _TABLE_KEYS)
    tier_text = reader.text(f, "tier", what)
    try:
        tier = Tier(tier_text) if tier_text else None
    except ValueError:
        raise ConfigError(f"unknown tier '{tier_text}' for {what}", reader.at(f["tier"][1]), hint="use core, mart or view") from None
    return TableEntry(
        key.lower(), reader.text(f, "owner", what), tier, reader.text(f, "description", what), reader.text(f, "deprecated", what), reader.at(key_node),
        replaced_by=reader.text(f, "replaced_by", what).strip().lower(),
        mapping=tuple((old.lower(), reader.scalar(v, f"the new name of '{old}' in {what}").strip().lower()) for old, _, v in reader.mapping(f["mapping"][1], f"'mapping' of {what}")) if "mapping" in f else (),
        renewed=_date(reader, f, "renewed", what),
    )


def _date(reader: _Reader, f: dict[str, tuple[yaml.Node, yaml.Node]], key: str, what: str) -> str:
    text = reader.text(f, key, what).strip()
    if text and not _DATE.match(text):
        raise ConfigError(f"'{key}' of {what} must be a date such as 2026-01-31, not '{text}'", reader.at(f[key][1]))
    return text


def _table_contract(reader: _Reader, key: str, node: yaml.Node) -> DeclaredContract | None:
    """The contract keys of a `tables:` entry, if it has any (the entry itself is read by `_table`)."""
    f = {k: v for k, v in reader.fields(node, f"table '{key}'", _TABLE_KEYS).items() if k in _CONTRACT_KEYS}
    return _contract(reader, key, node, f, f"table '{key}'") if f else None


def _contract(reader: _Reader, key: str, key_node: yaml.Node, f: dict[str, tuple[yaml.Node, yaml.Node]], what: str) -> DeclaredContract:
    columns = tuple(_column(reader, name, kn, v, what) for name, kn, v in reader.mapping(f["columns"][1], f"'columns' of {what}")) if "columns" in f else ()
    freshness = _freshness(reader, f["freshness"][1], what) if "freshness" in f else ()
    return DeclaredContract(key.lower(), columns, freshness, reader.text(f, "escalation", what).strip(), reader.at(key_node))


def _freshness(reader: _Reader, node: yaml.Node, what: str) -> tuple[tuple[str, int], ...]:
    """`{p95: 30m, p99: 60m}`: the refresh interval each percentile of runs stays within, in seconds."""
    out = []
    for percentile, key_node, value in reader.mapping(node, f"'freshness' of {what}"):
        if not _PERCENTILE.match(percentile.lower()):
            raise ConfigError(f"unknown percentile '{percentile}' in the freshness of {what}", reader.at(key_node), hint="use p50, p95, p99 ...")
        out.append((percentile.lower(), _duration(reader, value, f"'{percentile}' of the freshness of {what}")))
    return tuple(out)


def _column(reader: _Reader, name: str, key_node: yaml.Node, node: yaml.Node, what: str) -> ContractColumn:
    """`amount: numeric(12,2)`, or `amount: {type: numeric(12,2), description: ...}`."""
    if isinstance(node, yaml.ScalarNode):
        return ContractColumn(name.lower(), node.value.strip(), "", reader.at(key_node))
    f = reader.fields(node, f"column '{name}' of {what}", _COLUMN_KEYS)
    return ContractColumn(name.lower(), reader.text(f, "type", what).strip(), reader.text(f, "description", what).strip(), reader.at(key_node))


def _duration(reader: _Reader, node: yaml.Node, what: str) -> int:
    text = reader.scalar(node, what).strip().lower()
    match = _DURATION.match(text)
    if match is None:
        raise ConfigError(f"{what} must be a duration such as 30m, 2h or 1d, not '{text}'", reader.at(node))
    return round(float(match["number"]) * _UNIT_SECONDS[match["unit"]])


def _dialect(reader: _Reader, pattern: str, key_node: yaml.Node, node: yaml.Node) -> DialectRule:
    """`"bigquery/**": bigquery`: the files a glob matches are read in that dialect."""
    name = reader.scalar(node, f"the dialect of '{pattern}'").strip().lower()
    problem = unknown(name)
    if problem is not None:
        raise ConfigError(problem[0], reader.at(node), hint=problem[1])
    return DialectRule(pattern, name, reader.at(key_node))


def _consumer(reader: _Reader, base: Path, kind: NodeKind, key: str, key_node: yaml.Node, node: yaml.Node) -> Consumer:
    what = f"{'dashboard' if kind is NodeKind.DASHBOARD else 'ML feature'} '{key}'"
    f = reader.fields(node, what, _CONSUMER_KEYS)
    columns: tuple[str, ...] = ()
    if "columns" in f:
        value = f["columns"][1]
        if not isinstance(value, yaml.SequenceNode):
            raise ConfigError(f"'columns' of {what} must be a list of table.column names", reader.at(value))
        columns = tuple(reader.scalar(c, f"a column of {what}").lower() for c in value.value)
        for column, item in zip(columns, value.value):
            if "." not in column:
                raise ConfigError(f"column '{column}' of {what} must be qualified as table.column", reader.at(item))
    sql = reader.text(f, "sql", what)
    if sql:
        resolved = base / sql
        # the catalog may come with the code under review (lineage diff in CI): it must not have us
        # read, and show as lineage, files of the machine we run on (by '..', a path or a link)
        root = Root.of([base], "the catalog's folder")
        if not root.holds(resolved):
            raise ConfigError(f"SQL file '{sql}' of {what} is outside {root.name}", reader.at(f["sql"][1]))
        if not resolved.is_file():
            raise ConfigError(f"SQL file '{sql}' of {what} does not exist", reader.at(f["sql"][1]))
        sql = display_path(resolved)
    if not columns and not sql:
        raise ConfigError(f"{what} needs 'columns' or 'sql' to say what it reads", reader.at(key_node))
    places = tuple(reader.at(item) for item in f["columns"][1].value) if columns else ()
    return Consumer(key, kind, reader.text(f, "owner", what), reader.text(f, "title", what), reader.text(f, "url", what), columns, sql, (), reader.at(key_node), columns_at=places)


def _check_owners(catalog: Catalog) -> None:
    """An owner named anywhere must be declared under `owners`: a typo would silence a notice."""
    known = {o.id for o in catalog.owners}
    named = [(t.owner, t.at, f"table '{t.pattern}'") for t in catalog.tables]
    named += [(c.owner, c.at, f"'{c.id}'") for c in catalog.consumers]
    named += [(r.owner, r.at, f"consumer_owners '{r.pattern}'") for r in catalog.owner_rules]
    named += [(r.owner, r.at, f"observed_owners '{r.pattern}'") for r in catalog.observed_owners]
    for owner, at, what in named:
        if owner and owner not in known:
            close = difflib.get_close_matches(owner, sorted(known), n=1)
            raise ConfigError(f"{what} names unknown owner '{owner}'", at, hint=f"did you mean '{close[0]}'?" if close else "declare it under 'owners'")
