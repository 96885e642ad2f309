"""A re-scan from the last scan's kept result (`parsers/last_result.py`): only the files whose text
changed, and those their schema changes reach, are taken from the cache or extracted again.

The same two passes as `parsers/scan.py`, and the same result: the changed files' first pass on
`--schema` alone; then a second pass of every file the first left unsettled whose key moved. An
unchanged file's second-pass key moves only when the columns of a table it reads do, and those
are the tables of the last name parts the changed files declare (now or before): its key is
computed again only when its reads name such a part, on the schema of those parts alone, replayed
from the journals that name them, closed under renames.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from lineage.collector import long_lived
from lineage.digests import digest
from lineage.model import Location
from parsers.cache import ScanCache, schema_digest
from parsers.cache_facts import CacheDamaged
from parsers.last_result import DECLARES, FIRST, READS, SECOND, TABLES, KeptFile, LastResult, names_any, quoted_names, declared_parts, last_part, partial_schema
from parsers.scanned import ScannedFile
from parsers.sql.schema import SchemaOp, SchemaRegistry
from parsers.sources.paths import display_path

if TYPE_CHECKING:
    from parsers.scan import Progress, Rescan, ScanResult, ScanUnit


def rescan(run: Rescan, progress: Progress | None) -> ScanResult:
    """`parsers.scan.scan`'s result, from the kept result and the files that changed since it."""
    from parsers.scan import ScanResult, ScanPass, run_units

    texts, sql, cache, last = run.texts, run.sql, run.cache, run.last
    names = texts.names()
    standing = last.standing(names, texts.digests, texts.headers, cache)
    changed = [s for s in names if s not in standing]
    present = set(names)
    removed = [s for s in last.rows if s not in present]
    first = ScanPass(sql, run.options.jobs, cache, {s: digest("first", s, texts.digests[s], sql.read_as(s, texts), run.declared) for s in changed if s in texts.digests})
    done = run_units(texts, changed, {}, run.base, first, progress)
    firsts = {s: (done[s].files[0], done[s].journal) for s in changed}
    # the parts whose tables the changed files declare, or declared: no other table's columns moved
    old = [last.rows[s] for s in (*changed, *removed) if s in last.rows]
    touched = set().union(*(_list(r[DECLARES], last) for r in old), *(declared_parts(done[s].journal) for s in changed))
    wanted = quoted_names(touched)
    recheck = [s for s, row in standing.items() if row[SECOND] and wanted and names_any(row[READS], wanted)]
    for shown in recheck:
        firsts[shown] = _entry(cache, standing[shown][FIRST], shown)
    again, keys = _second_pass(run, standing, firsts, touched, sorted({*recheck, *(s for s in changed if done[s].files[0].unsettled)}), done)
    kept = {s: row for s, row in standing.items() if s not in done}
    last.changed = {*done, *removed}
    cache.keep(k.decode("ascii") for row in kept.values() for k in (row[FIRST], row[SECOND]) if k)
    cache.release([k.decode("ascii") for s in last.changed if s in last.rows for k in (last.rows[s][FIRST], last.rows[s][SECOND]) if k])
    with long_lived():  # the kept files: until the scan ends, no cycles
        scanned = [KeptFile(kept[s], cache) if s in kept else done[s].files[0] for s in names]
    last.current = {s: kept[s] for s in names if s in kept}
    for shown in (s for s in names if s not in kept):
        key1 = first.keys.get(shown) or (standing[shown][FIRST].decode("ascii") if shown in standing else None)
        last.add(done[shown].files[0], firsts[shown], (key1, keys.get(shown, "") if shown in again else ""), texts, cache)
    if progress:
        for shown in kept:
            progress(shown)
    last.set_counts(_counts(last, [last.rows[s] for s in (*done, *removed) if s in last.rows], [done[s].files[0] for s in done]))
    cache.save()
    catalog = run.catalog.with_rule_owners().with_reads({}) if run.catalog is not None else None
    final = {**first.keys, **{s: keys[s] for s in again if s in keys}}
    reused = len(kept) + sum(1 for s in names if s not in kept and final.get(s) in cache.hit_keys)
    return ScanResult(tuple(scanned), catalog, tuple(display_path(p) for p in run.paths), reused, (*run.sources.unreadable, *cache.notes, *last.notes), (), 0, last)


def _second_pass(run: Rescan, standing: dict[str, list[bytes]], firsts: dict[str, tuple[ScannedFile, list[SchemaOp]]], touched: set[str], again: list[str], done: dict[str, ScanUnit]) -> tuple[list[str], dict[str, str]]:
    """The second pass of the files `again` names whose key moved (a changed file's always), on the
    schema of the parts their reads and the changes name: those files, and every one's key."""
    from parsers.scan import ScanPass, run_units

    if not again:
        return [], {}
    texts, sql = run.texts, run.sql
    schema = _schema(run, standing, firsts, touched | {last_part(t) for s in again for t in firsts[s][0].reads})
    keys = {s: digest("second", s, texts.digests[s], sql.read_as(s, texts), schema_digest(schema, firsts[s][0].reads)) for s in again if s in texts.digests}
    again = [s for s in again if s not in standing or keys.get(s) != standing[s][SECOND].decode("ascii")]
    done.update(run_units(texts, again, {}, schema, ScanPass(sql, run.options.jobs, run.cache, {s: keys[s] for s in again if s in keys})))
    return again, keys


def _schema(run: Rescan, standing: dict[str, list[bytes]], firsts: dict[str, tuple[ScannedFile, list[SchemaOp]]], parts: set[str]) -> SchemaRegistry:
    """The whole scan's schema for the tables of these last name parts, and of every part a rename
    joins to them: replayed from the first-pass journals that name them (the changed files' fresh
    ones, the others' from the cache)."""
    journals: dict[str, list[SchemaOp]] = {}
    while True:
        wanted = quoted_names(parts)
        for shown, row in standing.items():
            if shown not in journals and shown not in firsts and names_any(row[DECLARES], wanted):
                firsts[shown] = _entry(run.cache, row[FIRST], shown)
        journals = {s: j for s, (_, j) in firsts.items() if declared_parts(j) & parts}
        joined = {last_part(str(p)) for j in journals.values() for op in j if op[0] == "rename_table" and {last_part(str(op[1])), last_part(str(op[2]))} & parts for p in op[1:3]}
        if joined <= parts:
            run.last.replayed = (frozenset(parts), partial_schema(run.base, parts, journals))
            return run.last.replayed[1]
        parts = parts | joined


def _entry(cache: ScanCache, key: bytes, shown: str) -> tuple[ScannedFile, list[SchemaOp]]:
    found = cache.get(key.decode("ascii"))
    if found is None:
        raise CacheDamaged(f"the scan cache's entry for {shown} is damaged", Location(display_path(cache.path)))
    return found


def _list(field: bytes, last: LastResult) -> list[str]:
    try:
        found = json.loads(field)
    except ValueError:
        found = None
    if not isinstance(found, list) or not all(type(x) is str for x in found):
        raise CacheDamaged("the kept scan result is damaged", Location(display_path(last.path)))
    return found


def _counts(last: LastResult, old: list[list[bytes]], new: list[ScannedFile]) -> dict[str, int]:
    """How many files name each table: the kept counts, less the changed files' old rows', plus their new tables."""
    counts = dict(last.tables)
    for row in old:
        for table in _list(row[TABLES], last):
            counts[table] = counts.get(table, 0) - 1
    for scanned in new:
        for table in scanned.tables:
            counts[table] = counts.get(table, 0) + 1
    return {t: n for t, n in counts.items() if n > 0}
