"""Metabase: the YAML of a serialization export (`mb export`, a folder holding `collections/`).

Each collection folder holds its own YAML (`<entity_id>_<slug>/<entity_id>_<slug>.yaml`), its
questions and models (`cards/*.yaml`) and dashboards (`dashboards/*.yaml`). A native question or
model (`dataset_query.native.query`, or a native stage of `dataset_query.stages`) is traced with
the SQL extractor: `{{variable}}` is a placeholder, an optional `[[ ... ]]` clause is read as
written, and `{{#12-name}}` is the SQL of the card it names, as a subquery. Each card
(`metabase:<collection>/<name>`) reads its SQL's columns; each dashboard reads what its dashcards'
cards read. A GUI (MBQL) question is one warning: its reads are not traced. Owners: a personal
collection's owner; else the catalog's `consumer_owners` rules; else the collection itself.
"""

from __future__ import annotations

import glob
import re
from dataclasses import dataclass, field
from typing import Any

from lineage.catalog import Consumer, Owner, OwnerRule
from lineage.model import ColumnEdge, Diagnostic, Location, NodeKind
from parsers.bi.common import BiFacts, Declarations, Sql, file_facts, owner_of, read, sorted_reads, warning
from parsers.sources.documents import parse_yaml
from parsers.templating.placeholders import bind_placeholders, placeholder

_TAG = re.compile(r"\{\{([^{}]*)\}\}")
MAX_CARD_DEPTH = 20  # a card naming a card naming a card: a few deep in real instances


@dataclass(frozen=True, slots=True)
class MetabaseFacts(BiFacts):
    rules: tuple[OwnerRule, ...] = ()  # the collection as owner, after lineage.yml's rules


@dataclass(slots=True)
class _Card:
    shown: str
    data: dict[str, Any]
    lines: Declarations


@dataclass(slots=True)
class _Export:
    sql: Sql
    cards: dict[str, _Card] = field(default_factory=dict)  # entity_id -> card
    collections: dict[str, dict[str, Any]] = field(default_factory=dict)  # entity_id -> collection
    notes: dict[str, list[Diagnostic]] = field(default_factory=dict)
    statements: dict[str, int] = field(default_factory=dict)
    owners: dict[str, Owner] = field(default_factory=dict)
    rules: list[OwnerRule] = field(default_factory=list)

    def native(self, card: _Card, seen: tuple[str, ...] = ()) -> str | None:
        """A card's SQL, with its tags made SQL; None for a GUI question."""
        query = card.data.get("dataset_query") if isinstance(card.data.get("dataset_query"), dict) else {}
        native = query.get("native") if isinstance(query.get("native"), dict) else {}
        text = native.get("query")
        stages = [s.get("native") for s in query.get("stages") or [] if isinstance(s, dict) and isinstance(s.get("native"), str)]
        text = text if isinstance(text, str) else stages[0] if stages else None
        if text is None:
            return None
        tags = native.get("template-tags") if isinstance(native.get("template-tags"), dict) else {}
        seen = (*seen, str(card.data.get("entity_id")))
        # an optional clause `[[AND x = {{x}}]]` is read as written: its brackets go (linear, whatever the text)
        return _TAG.sub(lambda m: self._tag(card, m.group(1).strip(), tags, seen), text).replace("[[", "").replace("]]", "")

    def _tag(self, card: _Card, name: str, tags: dict[str, Any], seen: tuple[str, ...]) -> str:
        """`{{#12-name}}`: the SQL of the card it names, as a subquery; `{{variable}}`: a placeholder."""
        tag = tags.get(name) if isinstance(tags.get(name), dict) else {}
        other = self.cards.get(str(tag.get("card-id"))) if name.startswith("#") else None
        if other is not None and str(tag.get("card-id")) in seen or len(seen) > MAX_CARD_DEPTH:
            at = Location(card.shown, card.lines.find(r"^name:"))
            self.notes.setdefault(card.shown, []).append(warning(at, f"card '{card.data.get('name')}' names itself through {{{{{name}}}}}, or a chain deeper than {MAX_CARD_DEPTH}; that part is not traced"))
        elif other is not None:
            sql = self.native(other, seen)
            if sql is not None:
                return f"({sql.strip().rstrip(';')})"
        return placeholder(name.lstrip("#"))


def read_metabase(files: list[tuple[str, str]], sql: Sql) -> MetabaseFacts:
    """An export's YAML (path shown, text): collections, cards, then dashboards."""
    export = _Export(sql)
    boards: list[_Card] = []
    for shown, text in files:
        export.notes.setdefault(shown, [])
        data = parse_yaml(text, Location(shown))
        if isinstance(data, Diagnostic):
            export.notes[shown].append(data)
            continue
        model = _model(data)
        item = _Card(shown, data, Declarations(text)) if isinstance(data, dict) else None
        if item is None:
            continue
        if model == "Collection":
            export.collections[str(data.get("entity_id"))] = data
        elif model == "Card":
            export.cards[str(data.get("entity_id") or shown)] = item
        elif model == "Dashboard":
            boards.append(item)
    cards = {eid: _card(export, card) for eid, card in export.cards.items()}
    consumers = [*cards.values(), *(_dashboard(export, b, cards) for b in boards)]
    files_out = tuple(file_facts(s, n, export.statements.get(s, 0)) for s, n in sorted(export.notes.items()))
    return MetabaseFacts(tuple(consumers), tuple(export.owners.values()), files_out, tuple(export.rules))


def _model(data: object) -> str:
    """What an exported file is, by its `serdes/meta` (the last entry is the file's own)."""
    meta = data.get("serdes/meta") if isinstance(data, dict) else None
    return str(meta[-1].get("model")) if isinstance(meta, list) and meta and isinstance(meta[-1], dict) else ""


def _consumer(export: _Export, item: _Card, reads: set[ColumnEdge], cid: str, at: Location) -> Consumer:
    collection = export.collections.get(str(item.data.get("collection_id")), {})
    personal = owner_of(str(collection.get("personal_owner_id") or ""))
    owner = ""
    if personal is not None:
        export.owners.setdefault(personal.id, personal)
        owner = personal.id
    elif collection:
        name = str(collection.get("name"))
        fallback = export.owners.setdefault(f"collection:{name}", Owner(f"collection:{name}", f"{name} (Metabase collection)"))
        export.rules.append(OwnerRule(glob.escape(cid), fallback.id, at))
    return Consumer(cid, NodeKind.DASHBOARD, owner, str(item.data.get("name")), "", (), "", sorted_reads(reads), at)


def _cid(export: _Export, item: _Card) -> str:
    collection = export.collections.get(str(item.data.get("collection_id")), {})
    return f"metabase:{collection.get('name') or 'root'}/{item.data.get('name')}"


def _card(export: _Export, card: _Card) -> Consumer:
    cid, at = _cid(export, card), Location(card.shown, card.lines.find(r"^name:"))
    sql = export.native(card)
    reads: set[ColumnEdge] = set()
    if sql is None:
        export.notes[card.shown].append(warning(at, f"question '{card.data.get('name')}' is built in the query builder (MBQL), not SQL; its reads are not traced"))
    else:
        start = Location(card.shown, card.lines.find(r"^\s*query:|^\s*native:", card.lines.find(r"^dataset_query:")))
        traced = export.sql.trace(bind_placeholders(sql, export.sql.dialect), "metabase_card.q", start)
        export.notes[card.shown].extend(traced.diagnostics)
        export.statements[card.shown] = export.statements.get(card.shown, 0) + traced.statements
        reads = {read(cid, t, c, at) for columns in traced.columns.values() for t, c in columns}
        reads |= {read(cid, t, c, at) for t, c in traced.shaping}  # what filters, joins or groups its rows
    return _consumer(export, card, reads, cid, at)


def _dashboard(export: _Export, board: _Card, cards: dict[str, Consumer]) -> Consumer:
    cid, at = _cid(export, board), Location(board.shown, board.lines.find(r"^name:"))
    used = [str(d.get("card_id")) for d in board.data.get("dashcards") or [] if isinstance(d, dict) and d.get("card_id")]
    reads = {read(cid, e.source_table, e.source_column, e.at, e.flow, e.subtype) for u in sorted(set(used)) if u in cards for e in cards[u].reads}
    for missing in sorted({u for u in used if u not in cards}):
        export.notes[board.shown].append(warning(at, f"dashboard '{board.data.get('name')}' shows card {missing}, which is not in the export; it is not traced"))
    return _consumer(export, board, reads, cid, at)
