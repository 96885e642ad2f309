"""dbt projects in, `FileFacts` and a `Catalog` out.

Models, seeds, snapshots and sources become relations (`schema.alias`) with column lineage and
their declared columns and types; `meta.owner` and groups give owners; exposures become dashboards
and ML features. With `target/manifest.json` from `dbt compile`, dbt's own compiled SQL and
relations are used; without one (or with one older than the project), `dbt_project.py` reads the
files. Both give the same lineage for the same project, with provenance in the model files.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from sqlglot import exp
from sqlglot.dialects.dialect import NormalizationStrategy

from lineage.catalog import Catalog, Consumer, Owner, TableEntry
from lineage.model import ColumnEdge, Diagnostic, FileFacts, Flow, Location, NodeKind, Severity, Subtype, TableFact, TableKind
from parsers.sql.budget import DEFAULT_STATEMENT_SECONDS
from parsers.dbt.files import RawReader
from parsers.dbt.project import (
    DbtNode,
    Exposure,
    Project,
    read_folders,
    read_yaml,
    topological,
)
from parsers.dbt.profiles import ProfileSearch
from parsers.dbt.read_lines import at_reads
from parsers.dbt.semantic import semantic_consumers
from parsers.dbt.semantic import owners as semantic_owners
from parsers.sql.dialects import PathDialects
from parsers.sources.paths import MANIFEST_FILE, PROJECT_FILE
from parsers.sources.reading import DEFAULT_MAX_BYTES
from parsers.sql.schema import SchemaRegistry
from parsers.sql.scope_parts import STAR
from parsers.sql.extract import extract_sql, get_dialect
from parsers.templating.sandbox import line_map
from parsers.dbt.manifest import load_manifest

_LEADING = re.compile(r"(?:\s+|--[^\n]*|/\*.*?\*/)*", re.DOTALL)  # whitespace and comments before the SQL


@dataclass(frozen=True, slots=True)
class DbtOptions:
    dialect: str | None = None  # --dialect: wins over the adapter's (the profile's target type, the manifest's adapter_type)
    globs: PathDialects = PathDialects()  # the catalog's `dialects:`, which win over the adapter's
    manifest: Path | None = None  # default: <project>/<target-path>/manifest.json when it exists
    files_only: bool = False  # ignore any manifest: read the project's files
    max_bytes: int | None = DEFAULT_MAX_BYTES  # a bigger project file is a diagnostic, not read
    statement_seconds: float | None = DEFAULT_STATEMENT_SECONDS  # a slower model or analysis is skipped with a diagnostic
    profiles: ProfileSearch = ProfileSearch()  # --profiles-dir, $DBT_PROFILES_DIR, ~/.dbt, --target


@dataclass(frozen=True, slots=True)
class DbtFacts:
    files: tuple[FileFacts, ...]
    catalog: Catalog


def read_dbt(root: Path, shown: str, options: DbtOptions) -> Project:
    """The project as dbt's manifest describes it when there is a current one, else from its files."""
    project = _read_dbt(root, shown, options)
    project.statement_seconds = options.statement_seconds
    return project


def _read_dbt(root: Path, shown: str, options: DbtOptions) -> Project:
    def empty() -> Project:  # each reader fills its own
        return Project(root, shown, dialect=options.dialect, max_bytes=options.max_bytes, globs=options.globs, profiles=options.profiles)

    configured = empty()
    # exists(), not is_file(): a dbt_project.yml or manifest that is a FIFO or a device is refused, not skipped
    config = read_yaml(root / PROJECT_FILE, configured) if (root / PROJECT_FILE).exists() else None
    read_folders(config or {}, configured)
    # a target-path outside the project has no manifest we may read: the files are read, and say why
    manifest = options.manifest or next((folder / MANIFEST_FILE for folder in configured.folders["target-path"]), None)
    if options.files_only or manifest is None or not manifest.exists():
        return RawReader(empty()).read()
    project, problem = load_manifest(manifest, configured)
    if project is not None:
        return project
    raw = RawReader(empty()).read()
    raw.diagnostics.append(Diagnostic(Location(raw.show(PROJECT_FILE)), f"{problem}: read the project's files instead", Severity.WARNING))
    return raw


class _Files:
    """FileFacts under construction, per path."""

    def __init__(self) -> None:
        self.parts: dict[str, list[FileFacts]] = {}

    def add(self, facts: FileFacts) -> None:
        self.parts.setdefault(facts.path, []).append(facts)

    def freeze(self) -> tuple[FileFacts, ...]:
        out = []
        for path, parts in sorted(self.parts.items()):
            edges = {e for p in parts for e in p.edges}
            formulas = tuple(f for p in parts for f in p.formulas)
            out.append(FileFacts(path, tuple(sorted(edges, key=ColumnEdge.key)), tuple(t for p in parts for t in p.tables), tuple(c for p in parts for c in p.schema_changes), tuple(sorted({d for p in parts for d in p.diagnostics})), sum(p.statements for p in parts), formulas=formulas))
        return tuple(out)


def extract_project(project: Project, registry: SchemaRegistry) -> DbtFacts:
    """Lineage of every node, dependencies first, sharing `registry` with the rest of the scan."""
    files = _Files()
    for uid in topological(sorted(project.nodes), lambda u: [d for d in project.nodes[u].depends if d in project.nodes]):
        node = project.nodes[uid]
        if node.kind in ("source", "seed"):
            files.add(_relation_facts(node, project, registry))
        elif node.kind != "analysis" and node.relation:
            files.add(_model_facts(node, project, registry))
        elif node.kind != "analysis":  # a model with no relation (none since ephemerals have theirs)
            files.add(FileFacts(node.path, diagnostics=node.diagnostics, statements=1))
    consumers = [_consumer(e, project, registry, files) for e in project.exposures]
    semantic, notes = semantic_consumers(project, project.semantic, lambda relation: table_of(relation, project.dialect), project.groups)
    consumers += semantic
    for note in notes:
        files.add(FileFacts(note.at.file, diagnostics=(note,)))
    for note in project.diagnostics:
        files.add(FileFacts(note.at.file, diagnostics=(note,)))
    return DbtFacts(files.freeze(), _catalog(project, consumers))


def _relation_facts(node: DbtNode, project: Project, registry: SchemaRegistry) -> FileFacts:
    """A source or seed: a relation whose columns are declared, not computed."""
    table = table_of(node.relation, project.dialect)
    kind = TableKind.SOURCE if node.kind == "source" else TableKind.TABLE
    if node.columns and (node.kind == "seed" or registry.columns(table) is None):
        registry.define(table, list(node.columns))
    return FileFacts(node.path, tables=(TableFact(table, kind, node.columns, Location(node.path, node.first_line)),))


def _model_facts(node: DbtNode, project: Project, registry: SchemaRegistry) -> FileFacts:
    """`CREATE VIEW|TABLE <relation> AS <compiled select>`, with lines pointing into the model file."""
    dialect = project.dialect_of(node.path)
    if node.code is None:
        known = (TableFact(table_of(node.relation, dialect), TableKind.TABLE, node.columns, Location(node.path, node.first_line)),) if node.columns else ()
        return FileFacts(node.path, tables=known, diagnostics=node.diagnostics, statements=1)
    start = _LEADING.match(node.code)
    cut = start.end() if start else 0
    kind = "VIEW" if node.materialized in ("view", "ephemeral") else "TABLE"
    sql = f"{node.code[:cut]}CREATE {kind} {node.relation} AS {node.code[cut:]}"
    facts = extract_sql(sql, node.path, dialect, registry, project.statement_seconds)
    facts = relocate(at_reads(facts, sql, dialect), line_map(node.raw, node.code), node.first_line)
    declared = dict(node.columns)
    tables = tuple(replace(t, columns=tuple((c, declared.get(c) or k) for c, k in t.columns)) for t in facts.tables)
    notes = list(facts.diagnostics) + list(node.diagnostics)
    for table in tables:
        if any(e.target_table == table.name and e.target_column == STAR for e in facts.edges):
            # a '*' over columns not known: the model has more columns than its table fact lists, so
            # neither its columns are defined (a `select *` from it would lose the others, a column
            # read from it would not be found) nor a declared column said to be missing
            continue
        registry.define(table.name, list(table.columns))
        selected = {c for c, _ in table.columns}
        notes += [Diagnostic(table.at, f"column '{c}' of {node.name} is declared in YAML but the model does not select it", Severity.WARNING) for c in declared if c not in selected]
    return FileFacts(node.path, facts.edges, tables, facts.schema_changes, tuple(sorted(set(notes))), facts.statements, formulas=facts.formulas)


def relocate(facts: FileFacts, to_raw: Callable[[int], int], first_line: int) -> FileFacts:
    """Lines of rendered SQL as lines of the file the template came from."""

    def at(loc: Location) -> Location:
        return Location(loc.file, to_raw(loc.line) + first_line - 1 if loc.line else 0, loc.statement)

    return FileFacts(
        facts.path,
        tuple(replace(e, at=at(e.at)) for e in facts.edges),
        tuple(replace(t, at=at(t.at)) for t in facts.tables),
        tuple(replace(c, at=at(c.at)) for c in facts.schema_changes),
        tuple(replace(d, at=at(d.at)) for d in facts.diagnostics),
        facts.statements,
        formulas=tuple(replace(f, at=at(f.at)) for f in facts.formulas),
    )


def table_of(relation: str, dialect: str | None) -> str:
    """A relation's SQL name as lineage names the table: unquoted parts folded as extract_sql folds them."""
    keep_case = get_dialect(dialect).normalization_strategy is NormalizationStrategy.CASE_SENSITIVE
    table = exp.to_table(relation, dialect=dialect)
    return ".".join(p.name if p.quoted or keep_case else p.name.lower() for p in table.parts if isinstance(p, exp.Identifier))


def _consumer(exposure: Exposure, project: Project, registry: SchemaRegistry, files: _Files) -> Consumer:
    kind = NodeKind.ML_FEATURE if exposure.type == "ml" else NodeKind.DASHBOARD
    if exposure.sql:
        reads = _query_reads(exposure, project, registry, files)
    elif exposure.columns:
        reads = [_read(exposure, *_column(c, project)) for c in exposure.columns]
    else:
        reads = _table_level_reads(exposure, project, registry, files)
    owner = exposure.owner.id if exposure.owner else ""
    table_level = not exposure.sql and not exposure.columns
    return Consumer(exposure.name, kind, owner, exposure.label or exposure.name, exposure.url, (), "", tuple(sorted(set(reads), key=ColumnEdge.key)), exposure.at, table_level)


def _read(exposure: Exposure, table: str, column: str) -> ColumnEdge:
    return ColumnEdge(table, column, exposure.name, None, Flow.DIRECT, Subtype.IDENTITY, exposure.at)


def _column(dotted: str, project: Project) -> tuple[str, str]:
    """`daily_revenue.gross_order_value` (a model), `ml.order_fraud_scores.x` (a source) or a relation."""
    owner, _, column = dotted.rpartition(".")
    for node in project.nodes.values():
        if node.relation and owner in (node.name, table_of(node.relation, project.dialect)):
            return table_of(node.relation, project.dialect), column
    return owner, column


def _query_reads(exposure: Exposure, project: Project, registry: SchemaRegistry, files: _Files) -> list[ColumnEdge]:
    shown = project.show(exposure.sql)
    analysis = next((n for n in project.nodes.values() if n.kind == "analysis" and n.path == shown), None)
    if analysis is None or analysis.code is None:
        problem = "is not an analysis of this project (analyses/*.sql)" if analysis is None else "could not be rendered"
        files.add(FileFacts(exposure.at.file, diagnostics=(Diagnostic(exposure.at, f"meta.lineage.sql '{exposure.sql}' of exposure '{exposure.name}' {problem}"),)))
        return []
    dialect = project.dialect_of(analysis.path)
    facts = at_reads(extract_sql(analysis.code, analysis.path, dialect, registry, project.statement_seconds), analysis.code, dialect)
    facts = relocate(facts, line_map(analysis.raw, analysis.code), analysis.first_line)
    files.add(FileFacts(analysis.path, diagnostics=tuple(sorted(set(facts.diagnostics) | set(analysis.diagnostics))), statements=facts.statements))
    return list(facts.edges)


def _table_level_reads(exposure: Exposure, project: Project, registry: SchemaRegistry, files: _Files) -> list[ColumnEdge]:
    """No columns named: every known column of what it depends on counts as read, and we say so."""
    reads: list[ColumnEdge] = []
    notes: list[Diagnostic] = []
    for uid in exposure.depends:
        node = project.nodes.get(uid)
        if node is None or not node.relation:
            continue
        table = table_of(node.relation, project.dialect)
        columns = registry.column_names(table) or [c for c, _ in node.columns]
        # an unexpanded `*` among them, or no column known: linked through `table.*`, which every
        # answer reaching the table reports as a gap rather than as nothing
        reads += [_read(exposure, table, c) for c in columns or ["*"]]
        if columns:
            notes.append(Diagnostic(exposure.at, f"exposure '{exposure.name}' names no columns (meta.lineage): table-level, every known column of {table} counted as read", Severity.WARNING, needs_schema=True))
        else:
            notes.append(Diagnostic(exposure.at, f"exposure '{exposure.name}': columns of {table} are unknown, so only '{table}.*' links it to {table}", Severity.WARNING, needs_schema=True))
    files.add(FileFacts(exposure.at.file, diagnostics=tuple(notes)))
    return reads


def _catalog(project: Project, consumers: Iterable[Consumer]) -> Catalog:
    found: list[Owner] = [n.owner for n in sorted(project.nodes.values(), key=lambda n: n.uid) if n.owner is not None]
    found += [e.owner for e in project.exposures if e.owner is not None]
    found += semantic_owners(project.semantic, project.groups)
    owners, alias = _owners(found)
    tables = [
        TableEntry(table_of(n.relation, project.dialect), alias.get(n.owner.id, n.owner.id) if n.owner else "", None, n.description, "", Location(n.path, n.first_line))
        for n in sorted(project.nodes.values(), key=lambda n: n.uid)
        if n.relation and (n.owner or n.description)
    ]
    consumers = [replace(c, owner=alias.get(c.owner, c.owner)) for c in consumers]
    return Catalog(project.show(PROJECT_FILE), owners, tuple(tables), tuple(consumers))


def _owners(found: list[Owner]) -> tuple[tuple[Owner, ...], dict[str, str]]:
    """One owner per team: `meta.owner: fraud-ml` and `owner: {email: fraud-ml@...}` are the same."""
    owners: dict[str, Owner] = {}
    for owner in found:
        owners.setdefault(owner.id, owner)
    alias: dict[str, str] = {}
    for owner in list(owners.values()):
        local = re.sub(r"[^a-z0-9]+", "-", owner.email.split("@")[0].lower()).strip("-")
        if owner.email and local != owner.id and local in owners and not owners[local].email:
            alias[owner.id] = local
            owners[local] = replace(owners[local], name=owners[local].name or owner.name, email=owner.email)
    return tuple(owners[o] for o in sorted(owners) if o not in alias), alias


def extract_dbt(root: Path, shown: str, registry: SchemaRegistry, options: DbtOptions = DbtOptions()) -> DbtFacts:
    """Read and extract one project (what `lineage scan` does for each dbt project it finds)."""
    return extract_project(read_dbt(root, shown, options), registry)

