"""Merging a dbt project's catalog into lineage.yml's: without Jinja or sqlglot, so a re-scan
whose dbt projects all come from the scan cache loads neither."""

from __future__ import annotations

from dataclasses import replace

from lineage.catalog import Catalog
from lineage.model import Diagnostic, Location, Severity


def merge_catalogs(base: Catalog | None, extra: Catalog) -> tuple[Catalog, list[Diagnostic]]:
    """`base` (lineage.yml) wins; a dbt owner with a lineage.yml owner's email is that owner."""
    if base is None:
        return extra, []
    by_email = {o.email.lower(): o.id for o in base.owners if o.email}
    known = {o.id for o in base.owners}
    rename = {o.id: by_email[o.email.lower()] for o in extra.owners if o.email and o.email.lower() in by_email}
    owners = base.owners + tuple(o for o in extra.owners if o.id not in rename and o.id not in known)
    tables = base.tables + tuple(replace(t, owner=rename.get(t.owner, t.owner)) for t in extra.tables)
    taken = {c.id for c in base.consumers}
    notes = [Diagnostic(c.at or Location(extra.path), f"exposure '{c.id}' is also declared in {base.path}; that one is kept", Severity.WARNING) for c in extra.consumers if c.id in taken]
    consumers = base.consumers + tuple(replace(c, owner=rename.get(c.owner, c.owner)) for c in extra.consumers if c.id not in taken)
    # a tool's fallback owners (a Metabase collection) come after lineage.yml's rules: those win
    rules = base.owner_rules + tuple(replace(r, owner=rename.get(r.owner, r.owner)) for r in extra.owner_rules)
    # replace(): the base catalog's other sections (observed owners, namespace) are kept as they are
    return replace(base, owners=owners, tables=tables, consumers=consumers, owner_rules=rules, contracts=base.contracts + extra.contracts), notes
