"""Python ETL code in, `FileFacts` out: the SQL a job passes to `cursor.execute`, `spark.sql`,
`pandas.read_sql`, SQLAlchemy `text()` and Airflow SQL operators (inline, lists of statements, or
`sql='file.sql'` beside the DAG or on its `template_searchpath`).

The code is read with `ast`, never imported or run. SQL built from string constants, `+`, f-strings,
`.format()` and `%` is reassembled; a value only known at run time becomes a placeholder
(`templating.bind_placeholders`) and the rest of the statement is still parsed. Airflow's Jinja
(`{{ ds }}`, `{{ params.x }}`) renders in the sandbox. Provenance points at the Python line of the
SQL literal, offset by the statement's line inside it, or into the referenced .sql file.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from lineage.model import ColumnEdge, Diagnostic, FileFacts, Location
from parsers.dbt.extract import relocate
from parsers.etl.calls import QUERY_START, SENTINEL, VIEW, CallSite, EtlFile
from parsers.sql.budget import DEFAULT_STATEMENT_SECONDS
from parsers.sql.extract import extract_sql
from parsers.sql.schema import SchemaRegistry
from parsers.templating.placeholders import bind_placeholders
from parsers.templating.sandbox import PlaceholderUndefined, Sandbox, line_map, render

_QUOTED = re.compile(r"('(?:''|[^'])*'|\"(?:\"\"|[^\"])*\")")


class _Params(dict[str, object]):
    """Airflow's `params`: the DAG's constants, else a placeholder named `params_<key>`."""

    def __missing__(self, key: str) -> PlaceholderUndefined:
        return PlaceholderUndefined(name=f"params_{key}")


def _dbapi(text: str) -> str:
    """DB-API `pyformat` parameters as SQL parameters: `%(day)s` -> `:day`, `%s` -> `?`, `%%` -> `%`."""
    parts = _QUOTED.split(text)
    for i in range(0, len(parts), 2):
        parts[i] = re.sub(r"%\((\w+)\)s|%s|%%", lambda m: f":{m.group(1)}" if m.group(1) else "?" if m.group(0) == "%s" else "%", parts[i])
    for i in range(1, len(parts), 2):
        parts[i] = parts[i].replace("%%", "%")
    return "".join(parts)


def extract_etl(etl: EtlFile, registry: SchemaRegistry, dialect: str | None = None, budget: float | None = DEFAULT_STATEMENT_SECONDS) -> list[FileFacts]:
    """Lineage of every call site; SQL files an operator runs get their own FileFacts. A statement
    still extracting after `budget` seconds is skipped with a diagnostic (see parsers.sql.budget)."""
    by_path: dict[str, list[FileFacts]] = {etl.path: [FileFacts(etl.path, diagnostics=etl.diagnostics)]}
    env = Sandbox(undefined=PlaceholderUndefined, loader=etl.loader)
    for site in etl.sites:
        path = site.file or etl.path
        done = sum(f.statements for f in by_path.get(path, ()))
        by_path.setdefault(path, []).append(_extract_site(site, path, env, registry, (site.dialect or dialect, budget), done))
    return [_merge(path, parts) for path, parts in sorted(by_path.items()) if any(p.statements or p.diagnostics for p in parts)]


def _extract_site(site: CallSite, path: str, env: Sandbox, registry: SchemaRegistry, how: tuple[str | None, float | None], done: int) -> FileFacts:
    dialect, budget = how
    text, notes = site.sql, tuple[Diagnostic, ...]()
    to_template: Callable[[int], int] = lambda line: line  # noqa: E731
    if site.jinja:
        rendered = render(env, site.sql, {"params": _Params(site.params)}, Location(path, site.line))
        if rendered.text is None:
            return FileFacts(path, diagnostics=rendered.diagnostics, statements=1)
        text, to_template, notes = rendered.text, line_map(site.sql, rendered.text), rendered.diagnostics
    if site.dbapi:
        text = _dbapi(text)
    text = bind_placeholders(text, dialect)
    if site.write is not None:
        start = QUERY_START.match(text)
        cut = start.end() if start else 0
        mode, table = site.write
        text = f"{text[:cut]}{mode} {table}{' AS' if mode == VIEW else ''} {text[cut:]}"
    facts = extract_sql(text, SENTINEL, dialect, registry, budget)
    facts = relocate(replace(facts, path=path), lambda line: min(to_template(line) - 1, site.span) + 1, site.line)
    edges = tuple(replace(e, target_table=_bare_name(e.target_table, site.name), at=_at(e.at, path, done)) for e in facts.edges)
    diagnostics = tuple(replace(d, at=_at(d.at, path, done)) for d in facts.diagnostics) + notes
    tables = tuple(replace(t, at=_at(t.at, path, done)) for t in facts.tables)
    changes = tuple(replace(c, at=_at(c.at, path, done)) for c in facts.schema_changes)
    formulas = tuple(replace(f, table=_bare_name(f.table, site.name), at=_at(f.at, path, done)) for f in facts.formulas)
    return FileFacts(path, edges, tables, changes, diagnostics, facts.statements, formulas=formulas)


def _bare_name(table: str, name: str) -> str:
    if table == SENTINEL:
        return name
    return name + table[len(SENTINEL) :] if table.startswith(SENTINEL + "#") else table


def _at(at: Location, path: str, done: int) -> Location:
    return Location(path, at.line, at.statement + done if at.statement else 0)


def _merge(path: str, parts: list[FileFacts]) -> FileFacts:
    edges = sorted({e for p in parts for e in p.edges}, key=ColumnEdge.key)
    diagnostics = sorted({d for p in parts for d in p.diagnostics})
    formulas = tuple(f for p in parts for f in p.formulas)
    return FileFacts(path, tuple(edges), tuple(t for p in parts for t in p.tables), tuple(c for p in parts for c in p.schema_changes), tuple(diagnostics), sum(p.statements for p in parts), formulas=formulas)
