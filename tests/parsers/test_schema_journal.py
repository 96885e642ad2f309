"""A journal read back from the scan cache (JSON's lists) equals the fresh one it was written from."""

from __future__ import annotations

import json

from parsers.sql.schema import SchemaRegistry, same_journal


def _fresh() -> list[tuple[object, ...]]:
    registry = SchemaRegistry().overlay()
    registry.define("mart.c", [("id", "INT"), ("x", None)])
    registry.rename_column("mart.c", "x", "x2")
    registry.rename_table("mart.c", "mart.d")
    return registry.journal


def test_a_journal_through_json_is_the_same_journal() -> None:
    cached = [tuple(op) for op in json.loads(json.dumps([list(op) for op in _fresh()]))]  # as `ScanCache.get` gives it
    assert cached != _fresh()  # ('id', 'INT') against ['id', 'INT']
    assert same_journal(cached, _fresh()) and same_journal(_fresh(), cached) and same_journal([], [])


def test_journals_that_differ_are_not_the_same() -> None:
    cached = [tuple(op) for op in json.loads(json.dumps([list(op) for op in _fresh()]))]
    assert not same_journal(cached[:-1], _fresh())
    assert not same_journal([("define", "mart.c", [["id", "INT"], ["x", "INT"]])], _fresh()[:1])
    assert not same_journal([("define", "mart.c", [["id", "INT"]])], _fresh()[:1])
    assert not same_journal([("drop", "mart.c")], [("drop", "mart.d")])
