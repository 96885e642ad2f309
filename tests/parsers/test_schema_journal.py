"""A journal read back from the scan cache (JSON's lists) equals the fresh one it was written from."""

from __future__ import annotations

import json

from sqlglot import exp
from sqlglot.dialects.dialect import Dialect

from lineage.model import Location
from parsers.sql.alters import alter
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


def test_an_alter_action_no_rule_reads_is_said() -> None:
    # an action of a kind sqlglot may add later: a change to columns not applied must not pass in silence
    registry = SchemaRegistry({"t": [("a", "INT")]})
    statement = exp.Alter(this=exp.to_table("t"), kind="TABLE", actions=[exp.Var(this="FROBNICATE COLUMNS")])
    altered = alter(statement, Location("x.sql", 3, 1), Dialect.get_or_raise("snowflake"), registry)
    assert altered is not None and [(d.at.line, d.message) for d in altered.diagnostics] == [
        (3, "ALTER TABLE t: 'FROBNICATE COLUMNS' is not read; if it changes columns, later statements do not see the change")
    ]
    assert registry.column_names("t") == ["a"]
