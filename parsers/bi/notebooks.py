"""Jupyter notebooks (`.ipynb`), parsed with nbformat: the notebook as a consumer of what its SQL reads.

A code cell starting with `%%sql` (jupysql, ipython-sql, Spark and Synapse kernels) is SQL; a line
`%sql SELECT ...` is SQL; every other code cell is Python, read by the ETL reader's rules
(`pandas.read_sql(...)`, `spark.sql(...)`, `cursor.execute(...)`, with strings reassembled), the
cells taken in order as one module and never run. What its queries read becomes the reads of one
consumer, `notebook:<path>`, whose owner comes from the catalog's `consumer_owners` rules over its
path; what it writes (`INSERT`, `CREATE TABLE ... AS`) stays lineage like any ETL file's.
Provenance is the `.ipynb` file's own line (the JSON line of the cell's source line).
"""

from __future__ import annotations

import json
import re
import warnings
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import nbformat

from lineage.catalog import Consumer
from lineage.model import ColumnEdge, Diagnostic, FileFacts, Location, NodeKind, Severity
from parsers.bi.common import BiFacts, Sql, read, sorted_reads
from parsers.etl.calls import CallSite, EtlFile, read_etl
from parsers.etl.extract import extract_etl
from parsers.sources.paths import Root, display_path

_SOURCE_KEY = re.compile(r'^\s*"source"\s*:', re.MULTILINE)
_PYTHON_CELL_MAGICS = ("%%time", "%%timeit", "%%capture")  # their cell is still Python
# `%sql SELECT ...` is a query; `%sql postgresql://...` or `%sql --connections` are not
_LINE_SQL = re.compile(r"^%sql\s+(?=(?:select|with|insert|create|update|delete|merge)\b)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class _Module:
    """The notebook's Python cells as one module, its SQL cells as call sites, and for each
    module line the notebook file's line."""

    text: str
    sites: tuple[CallSite, ...]
    lines: tuple[int, ...]  # module line n (1-based) -> file line lines[n - 1]

    def line(self, n: int) -> int:
        return self.lines[min(max(n, 1), len(self.lines)) - 1] if self.lines else 1


def read_notebook(path: Path, text: str, sql: Sql, root: Root) -> BiFacts:
    """One notebook: its consumer, and its file's facts (what it writes, its diagnostics)."""
    shown = display_path(path)
    try:
        invalid: dict[str, Any] = {}
        with warnings.catch_warnings():  # nbformat warns on stderr (a missing cell id): the schema note below says it once
            warnings.simplefilter("ignore")
            notebook = nbformat.reads(text, as_version=4, capture_validation_error=invalid)
        raw = json.loads(text)
    except (ValueError, RecursionError, nbformat.NBFormatError, KeyError, TypeError, AttributeError) as err:
        # a JSON error says where, through nbformat's NotJSONError
        line = getattr(err, "lineno", None) or getattr(err.__cause__, "lineno", None) or 1
        message = f"not a notebook nbformat can read ({str(err).splitlines()[0][:200] if str(err) else type(err).__name__}); not read"
        return BiFacts((), (), (FileFacts(shown, diagnostics=(Diagnostic(Location(shown, line), message),)),))
    module = _module(path, notebook, raw, text)
    etl = read_etl(path, display_path, module.text, root)
    sites = (*(etl.sites if etl else ()), *module.sites)
    etl = etl or EtlFile(shown)
    notes = [Diagnostic(Location(shown, 1), "notebook does not follow the nbformat schema; read as far as it goes", Severity.WARNING)] if invalid.get("ValidationError") else []
    facts = extract_etl(replace(etl, sites=tuple(sorted(sites, key=lambda s: (s.file, s.line)))), sql.registry, sql.dialect, sql.budget)
    own = next((f for f in facts if f.path == shown), FileFacts(shown))
    own = _relocated(own, module)
    cid, stem = f"notebook:{shown}", path.stem + "#"
    reads = {read(cid, e.source_table, e.source_column, e.at, e.flow, e.subtype) for e in own.edges if e.target_table.startswith(stem)}
    own = replace(own, edges=tuple(e for e in own.edges if not e.target_table.startswith(stem)), diagnostics=tuple(sorted({*own.diagnostics, *notes})))
    title = str(notebook.metadata.get("title") or path.name) if isinstance(notebook.metadata, dict) else path.name
    consumer = Consumer(cid, NodeKind.DASHBOARD, "", title, "", (), "", sorted_reads(reads), Location(shown, 1))
    return BiFacts((consumer,), (), (own, *(f for f in facts if f.path != shown)))


def _source_lines(raw: Any, text: str, cells: int) -> list[tuple[int, bool]]:
    """Each cell's `"source"` line in the file, and whether its source is a list (a line each)."""
    found = [text.count("\n", 0, m.start()) + 1 for m in _SOURCE_KEY.finditer(text)]
    kinds = [isinstance(c.get("source"), list) for c in raw.get("cells", []) if isinstance(c, dict)] if isinstance(raw, dict) else []
    if len(found) != cells or len(kinds) != cells:
        return [(1, False)] * cells  # written some other way: the file's first line
    return list(zip(found, kinds))


def _module(path: Path, notebook: Any, raw: Any, text: str) -> _Module:
    lines: list[str] = []
    where: list[int] = []
    sites: list[CallSite] = []
    cells = list(notebook.cells)
    for index, (cell, (start, listed)) in enumerate(zip(cells, _source_lines(raw, text, len(cells))), 1):
        body = str(cell.source).split("\n") if cell.cell_type == "code" else []
        first = body[0].strip() if body else ""
        sql_cell = first.startswith("%%sql") or first == "%sql"
        for n, line in enumerate(body):
            file_line = start + 1 + n if listed else start
            stripped = line.strip()
            if sql_cell or (first.startswith("%%") and not first.startswith(_PYTHON_CELL_MAGICS)):
                lines.append("#")
            elif _LINE_SQL.match(stripped):
                lines.append("#")
                sites.append(CallSite(len(lines), 0, _LINE_SQL.sub("", stripped), None, f"{path.stem}#cell{index}", jinja=True))
            elif stripped.startswith(("%", "!")):
                lines.append(line[: len(line) - len(line.lstrip())] + "pass")  # IPython syntax: keeps a block's indentation
            else:
                lines.append(line)
            where.append(file_line)
        if sql_cell and len(body) > 1:
            capture = re.match(r"%%sql\s+(\w+)\s*<<", first)
            sites.append(CallSite(len(lines) - len(body) + 2, len(body) - 2, "\n".join(body[1:]), None, f"{path.stem}#{capture.group(1) if capture else f'cell{index}'}", jinja=True))
        lines.append("")
        where.append(where[-1] if where else 1)
    return _Module("\n".join(lines) + "\n", tuple(sites), tuple(where))


def _relocated(facts: FileFacts, module: _Module) -> FileFacts:
    """The module's lines as the notebook file's."""
    def at(loc: Location) -> Location:
        return replace(loc, line=module.line(loc.line)) if loc.file == facts.path else loc

    return replace(
        facts,
        edges=tuple(sorted({replace(e, at=at(e.at)) for e in facts.edges}, key=ColumnEdge.key)),
        tables=tuple(replace(t, at=at(t.at)) for t in facts.tables),
        schema_changes=tuple(replace(c, at=at(c.at)) for c in facts.schema_changes),
        diagnostics=tuple(sorted({replace(d, at=at(d.at)) for d in facts.diagnostics})),
        formulas=tuple(replace(f, at=at(f.at)) for f in facts.formulas),
    )
