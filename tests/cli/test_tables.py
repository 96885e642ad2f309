"""Piped tables are drawn without rich when rich would draw the same text: these compare the two."""

from __future__ import annotations

import io

import pytest

from cli.output import _console, _table, plain_table

TABLES = [
    ("Columns", ["column", "distance", "via"], [["app.orders.amount", "1", "direct/identity"], ["mart.x.y", "12", "table"]]),
    ("", ["depth", "from", "to"], [["1", "a", "b"]]),
    ("Tables", ["table", "distance", "tier", "owner"], []),
    ("Dashboards and ML features, a title wider than its table", ["k", "n"], [["a", "b"]]),
    ("Owners", ["owner", "why"], [["a b", ""], ["", "x"], ["trailing ", " leading"]]),
    ("Wide characters", ["name", "who"], [["é 中文 ü", "ö"], ["x", "日本"]]),
    ("One column", ["only"], [["x"], ["a longer value"]]),
    ("Statements", ["where", "effect", "reads"], [["models/a.sql:12", "breaks", "app.orders.amount, app.orders.id"]]),
    ("Fits exactly", ["a", "b"], [["x" * 196, "y"]]),  # 196 + " │ " + 1 = 200, the piped width
]


def rich_text(title: str, headers: list[str], rows: list[list[str]]) -> str:
    out = io.StringIO()
    console = _console(out)
    console.print(_table(title, headers, rows))
    console.file.flush()
    return out.getvalue()


@pytest.mark.parametrize(("title", "headers", "rows"), TABLES, ids=[t[0] or "untitled" for t in TABLES])
def test_plain_tables_are_the_text_rich_prints(title: str, headers: list[str], rows: list[list[str]]) -> None:
    assert plain_table(title, headers, rows, 200) == rich_text(title, headers, rows)


@pytest.mark.parametrize(
    "rows",
    [
        [["x" * 197, "y"]],  # one column past the width: rich folds it
        [["[bold]x[/bold]", "y"]],  # markup
        [["a:thumbs_up:b", "y"]],  # an emoji code
        [["tab\there", "y"]],  # a control character
    ],
    ids=["folded", "markup", "emoji", "control"],
)
def test_what_rich_would_change_is_left_to_rich(rows: list[list[str]]) -> None:
    assert plain_table("T", ["a", "b"], rows, 200) is None
