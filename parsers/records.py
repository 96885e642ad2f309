"""`FileFacts` to JSON-ready records and back: the scan cache's format.

JSON, never pickle: a cache file found in a repository must not be able to run code.
"""

from __future__ import annotations

from typing import Any

from lineage.model import ColumnEdge, Diagnostic, FileFacts, Flow, Formula, Location, SchemaChange, Severity, Subtype, TableFact, TableKind

Record = dict[str, object]
# enum members by value: a dict lookup, several times cheaper than calling the enum per edge
_FLOWS = {str(f): f for f in Flow}
_SUBTYPES = {str(s): s for s in Subtype}
_KINDS = {str(k): k for k in TableKind}
_SEVERITIES = {str(s): s for s in Severity}


def to_record(facts: FileFacts) -> Record:
    return {
        "path": facts.path,
        "edges": [[e.source_table, e.source_column, e.target_table, e.target_column, str(e.flow), str(e.subtype), e.at.line, e.at.statement] for e in facts.edges],
        "tables": [[t.name, str(t.kind), [list(c) for c in t.columns], t.at.line, t.at.statement] for t in facts.tables],
        "changes": [[c.table, c.action, c.column, c.new_name, c.at.line, c.at.statement] for c in facts.schema_changes],
        "diagnostics": [diagnostic_row(d) for d in facts.diagnostics],
        "statements": facts.statements,
        "reads": list(facts.reads),
        "formulas": [[f.table, f.column, f.clause, f.sql, f.at.line, f.at.statement] for f in facts.formulas],
        "temporary": list(facts.temporary),
    }


def from_record(record: Record) -> FileFacts:
    """The inverse of `to_record`; raises KeyError, TypeError or ValueError on a malformed record."""
    path = str(record["path"])
    at: dict[tuple[int, int], Location] = {}  # one Location per statement, shared by its edges

    def loc(line: object, statement: object) -> Location:
        key = (int(line), int(statement))  # type: ignore[call-overload]
        found = at.get(key)
        if found is None:
            found = at[key] = Location(path, *key)
        return found

    rows: Any = record  # shapes checked by the conversions: a bad record raises, never half-loads
    return FileFacts(
        path=path,
        edges=tuple(ColumnEdge(st, str(sc), str(tt), tc, _FLOWS[f], _SUBTYPES[s], loc(ln, no)) for st, sc, tt, tc, f, s, ln, no in rows["edges"]),
        tables=tuple(TableFact(str(n), _KINDS[k], tuple((str(c[0]), c[1]) for c in cols), loc(ln, no)) for n, k, cols, ln, no in rows["tables"]),
        schema_changes=tuple(SchemaChange(str(t), str(a), str(c), nn, loc(ln, no)) for t, a, c, nn, ln, no in rows["changes"]),
        diagnostics=tuple(diagnostic_from(d) for d in rows["diagnostics"]),
        statements=int(rows["statements"]),
        reads=tuple(str(r) for r in rows["reads"]),
        formulas=tuple(Formula(str(t), None if c is None else str(c), str(k), str(q), loc(ln, no)) for t, c, k, q, ln, no in rows["formulas"]),
        temporary=tuple(str(t) for t in rows["temporary"]),
    )


def diagnostic_row(d: Diagnostic) -> list[object]:
    return [d.at.file, d.at.line, d.at.statement, d.message, str(d.severity), d.needs_schema, list(d.mentions)]


def diagnostic_from(row: Any) -> Diagnostic:
    fl, ln, no, message, severity, needs, mentions = row
    return Diagnostic(Location(str(fl), int(ln), int(no)), str(message), _SEVERITIES[str(severity)], bool(needs), tuple(str(m) for m in mentions))
