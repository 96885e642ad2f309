"""Statements sqlglot refuses, written as the equivalent SQL it reads, so their lineage is read
rather than lost:

- Postgres's `CREATE RECURSIVE VIEW v (cols) AS query`, which its manual defines as
  `CREATE VIEW v AS WITH RECURSIVE v (cols) AS (query) SELECT cols FROM v`;
- Oracle's `MERGE ... WHEN MATCHED THEN UPDATE SET ... DELETE WHERE c`, which deletes the updated
  rows that satisfy c: for lineage, the `WHEN MATCHED AND (c) THEN DELETE` clause other engines write;
- a materialized view's storage and refresh options (Oracle's `BUILD IMMEDIATE REFRESH FAST ON COMMIT
  ENABLE QUERY REWRITE`, ...) between its name and AS: they change when its rows are computed, not from what;
- Snowflake's `CREATE TASK ... AS <statement>` and `CREATE PIPE ... AS COPY INTO ...`: the statement they
  run (on a schedule, or as files arrive) is the lineage;
- words between CREATE and TABLE/VIEW that change no column: Oracle's `FORCE EDITIONABLE` (in every view
  SQL Developer exports), BigQuery's `SNAPSHOT` (a snapshot table is a clone);
- Databricks' Delta Live Tables `CREATE [OR REFRESH] [TEMPORARY] LIVE TABLE|VIEW`: the table or view it is
  (a temporary one is the pipeline's, whose files read it as `LIVE.name`);
- Snowflake's `CREATE STREAM st ON TABLE|VIEW s`: st's rows are s's changed rows, with s's columns (and
  the METADATA$ ones), read as `CREATE VIEW st AS SELECT * FROM s`;
- ClickHouse's mutation `ALTER TABLE t UPDATE c = e, ... [IN PARTITION p] WHERE cond`: the UPDATE it is
  (`UPDATE t SET c = e, ... WHERE cond`; the partition only narrows which rows it reaches).

Each takes the statement's tokens and the text they index (a whole script: the statement is the part
its tokens span) and returns the statement's new text, or None when it does not apply.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlglot.tokens import Token, TokenType

from parsers.sql.token_spans import body_end, closing

_PREFIX = {"CREATE", "OR", "REPLACE", "TEMP", "TEMPORARY"}
_PART = (TokenType.VAR, TokenType.IDENTIFIER)


def rewritten(tokens: list[Token], sql: str) -> str | None:
    """The statement as SQL sqlglot reads, or None when no rewrite applies."""
    for rewrite in _REWRITES:
        text = rewrite(tokens, sql)
        if text is not None:
            return text
    return None


def _recursive_view(tokens: list[Token], sql: str) -> str | None:
    at = _view_word(tokens, "RECURSIVE")
    if at is None:
        return None
    first = at + 2
    last = _name_end(tokens, first)
    if last == first or last >= len(tokens) or tokens[last].token_type != TokenType.L_PAREN:
        return None  # Postgres requires the column list
    close = closing(tokens, last)
    if close is None or close + 2 >= len(tokens) or tokens[close + 1].token_type != TokenType.ALIAS:
        return None
    end = body_end(tokens)
    text = lambda a, b: sql[tokens[a].start : tokens[b - 1].end + 1]  # noqa: E731 - tokens a..b-1 as written
    name, columns, own = text(first, last), text(last + 1, close), text(last - 1, last)
    head = " ".join(t.text for t in tokens[:at])
    return f"{head} VIEW {name} ({columns}) AS WITH RECURSIVE {own} ({columns}) AS ({text(close + 2, end)}) SELECT {columns} FROM {own}"


def _view_word(tokens: list[Token], word: str) -> int | None:
    """Where `word` stands in `CREATE [OR REPLACE] [TEMP] <word> VIEW`, else None."""
    words = [t.text.upper() for t in tokens[:6]]
    at = words.index(word) if word in words else None
    if at is None or words[0] != "CREATE" or not set(words[:at]) <= _PREFIX or words[at + 1 : at + 2] != ["VIEW"]:
        return None
    return at


def _merge_delete_where(tokens: list[Token], sql: str) -> str | None:
    if not tokens or tokens[0].token_type != TokenType.MERGE:
        return None
    end, depth, cuts = body_end(tokens), 0, []
    for index in range(end - 1):
        kind = tokens[index].token_type
        depth += (kind == TokenType.L_PAREN) - (kind == TokenType.R_PAREN)
        if not depth and kind == TokenType.DELETE and tokens[index + 1].token_type == TokenType.WHERE:
            stop = _next_when(tokens, index + 2, end)
            if stop > index + 2:
                cuts.append((index, stop))
    if not cuts:
        return None
    tail = tokens[end - 1].end + 1
    parts, done = [], tokens[0].start
    for start, stop in cuts:
        condition = sql[tokens[start + 2].start : tokens[stop - 1].end + 1]
        parts += [sql[done : tokens[start].start], f"WHEN MATCHED AND ({condition}) THEN DELETE "]
        done = tokens[stop].start if stop < end else tail
    return "".join(parts) + sql[done:tail]


def _next_when(tokens: list[Token], start: int, end: int) -> int:
    """The next WHEN clause of the MERGE at or after `start` (a CASE's WHEN, or one in parentheses, is
    part of the condition), else `end`."""
    depth = cases = 0
    for index in range(start, end):
        kind = tokens[index].token_type
        depth += (kind == TokenType.L_PAREN) - (kind == TokenType.R_PAREN)
        cases += (kind == TokenType.CASE) - (kind == TokenType.END)
        if kind == TokenType.WHEN and not depth and not cases:
            return index
    return end


def _view_options(tokens: list[Token], sql: str) -> str | None:
    at = _view_word(tokens, "MATERIALIZED")
    if at is None:
        return None
    last = _name_end(tokens, at + 2)
    if last < len(tokens) and tokens[last].token_type == TokenType.L_PAREN:  # its column list
        close = closing(tokens, last)
        last = close + 1 if close is not None else len(tokens)
    body = next((i for i in range(last, len(tokens) - 1) if tokens[i].token_type == TokenType.ALIAS and _query_start(tokens[i + 1])), None)
    if body is None or body == last:
        return None
    return sql[tokens[0].start : tokens[last - 1].end + 1] + " " + sql[tokens[body].start : tokens[body_end(tokens) - 1].end + 1]


def _name_end(tokens: list[Token], first: int) -> int:
    """Where the (dotted) name starting at `first` ends: `a.b.c`, never the words after it."""
    end = first
    while end < len(tokens) and tokens[end].token_type in _PART:
        end += 1
        if end + 1 < len(tokens) and tokens[end].token_type == TokenType.DOT:
            end += 1
        else:
            break
    return end


def _scheduled(tokens: list[Token], sql: str) -> str | None:
    words = [t.text.upper() for t in tokens[:4]]
    kind = next((w for w in words[1:] if w in ("TASK", "PIPE")), None)
    if words[0] != "CREATE" or kind is None:
        return None
    depth = 0
    for index, token in enumerate(tokens[:-1]):
        depth += (token.token_type == TokenType.L_PAREN) - (token.token_type == TokenType.R_PAREN)
        if not depth and token.token_type == TokenType.ALIAS and tokens[index + 1].text.upper() in _RUN:
            return sql[tokens[index + 1].start : tokens[body_end(tokens) - 1].end + 1]
    return None


_RUN = {"INSERT", "MERGE", "UPDATE", "DELETE", "COPY", "SELECT", "WITH", "CREATE", "CALL", "EXECUTE", "BEGIN", "TRUNCATE"}


def _mutation(tokens: list[Token], sql: str) -> str | None:
    if len(tokens) < 5 or tokens[0].token_type != TokenType.ALTER or tokens[1].token_type != TokenType.TABLE:
        return None
    end = _name_end(tokens, 2)
    if end >= len(tokens) or tokens[end].token_type != TokenType.UPDATE:
        return None
    stop = body_end(tokens)
    where = next((i for i in range(end + 1, stop) if tokens[i].token_type == TokenType.WHERE), stop)
    partition = next((i for i in range(end + 1, where - 1) if tokens[i].token_type == TokenType.IN and tokens[i + 1].text.upper() == "PARTITION"), where)
    text = lambda a, b: sql[tokens[a].start : tokens[b - 1].end + 1] if b > a else ""  # noqa: E731 - tokens a..b-1 as written
    return f"UPDATE {text(2, end)} SET {text(end + 1, partition)} {text(where, stop)}".rstrip()


def _stream_view(tokens: list[Token], sql: str) -> str | None:
    words = [t.text.upper() for t in tokens]
    if len(words) < 6 or words[0] != "CREATE" or "STREAM" not in words[1:4]:
        return None
    name = words.index("STREAM") + 1
    if words[name : name + 3] == ["IF", "NOT", "EXISTS"]:
        name += 3
    end = _name_end(tokens, name)
    on = next((i for i in range(end, len(words) - 2) if words[i] == "ON" and words[i + 1] in ("TABLE", "VIEW")), None)
    if on is None or end == name:
        return None
    source = sql[tokens[on + 2].start : tokens[_name_end(tokens, on + 2) - 1].end + 1]
    metadata = ", ".join(f"NULL AS METADATA${column}" for column in ("ACTION", "ISUPDATE", "ROW_ID"))  # the engine's, of no column
    return f"CREATE VIEW {sql[tokens[name].start : tokens[end - 1].end + 1]} AS SELECT *, {metadata} FROM {source}"


def _live(tokens: list[Token], sql: str) -> str | None:
    words = [t.text.upper() for t in tokens[:8]]
    kind = next((i for i in range(1, len(words) - 1) if words[i] in ("TABLE", "VIEW")), None)
    if words[:1] != ["CREATE"] or kind is None or not {"LIVE", "STREAMING", "REFRESH"} & set(words[:kind]):
        return None
    # a TEMPORARY live view is the pipeline's, which spans files: not kept to its file (lineage.graph)
    head = " ".join("REPLACE" if w == "REFRESH" else t.text for w, t in zip(words[:kind], tokens[:kind]) if w not in _DLT_WORDS)
    name_end = _name_end(tokens, kind + 1)
    text = lambda a, b: sql[tokens[a].start : tokens[b - 1].end + 1] if b > a else ""  # noqa: E731
    columns, filters, rest = "", [], name_end
    if name_end < len(tokens) and tokens[name_end].token_type == TokenType.L_PAREN:
        close = closing(tokens, name_end)
        if close is None:
            return None
        kept = []
        for first, last in _items(tokens, name_end + 1, close):
            expectation = _expectation(tokens, first, last)
            if expectation is None:
                kept.append(text(first, last))
            elif expectation[1]:  # ON VIOLATION DROP ROW: the rows that fail it never land
                filters.append(text(*expectation[0]))
        columns, rest = (f" ({', '.join(kept)})" if kept else ""), close + 1
    body = next((i for i in range(rest, len(tokens) - 1) if tokens[i].token_type == TokenType.ALIAS and _query_start(tokens[i + 1])), None)
    if body is None:
        return None
    query = text(body + 1, body_end(tokens))
    if filters:
        query = f"SELECT * FROM ({query}) AS _lineage_expected WHERE " + " AND ".join(f"({f})" for f in filters)
    return f"{head} {words[kind]} {text(kind + 1, name_end)}{columns} {text(rest, body)} AS {query}".replace("  ", " ")


_DLT_WORDS = ("LIVE", "STREAMING", "TEMPORARY", "TEMP")


def _items(tokens: list[Token], start: int, stop: int) -> list[tuple[int, int]]:
    """The comma-separated items of tokens[start:stop], as (first, last + 1) index pairs."""
    items, depth, first = [], 0, start
    for index in range(start, stop):
        kind = tokens[index].token_type
        depth += (kind == TokenType.L_PAREN) - (kind == TokenType.R_PAREN)
        if kind == TokenType.COMMA and not depth:
            items.append((first, index))
            first = index + 1
    return [*items, (first, stop)] if stop > first else items


def _expectation(tokens: list[Token], first: int, last: int) -> tuple[tuple[int, int], bool] | None:
    """`CONSTRAINT name EXPECT (cond) [ON VIOLATION DROP ROW | FAIL UPDATE]`: cond's token range, and
    whether a row failing it is dropped; None for any other item (a column's definition)."""
    words = [t.text.upper() for t in tokens[first:last]]
    if len(words) < 4 or words[0] != "CONSTRAINT" or words[2] != "EXPECT" or tokens[first + 3].token_type != TokenType.L_PAREN:
        return None
    close = closing(tokens, first + 3)
    if close is None or close >= last:
        return None
    return (first + 4, close), words[close - first + 1 :] == ["ON", "VIOLATION", "DROP", "ROW"]


def _create_words(tokens: list[Token], sql: str) -> str | None:
    words = [t.text.upper() for t in tokens[:8]]
    kind = next((i for i, w in enumerate(words) if w in ("TABLE", "VIEW")), None)
    if words[:1] != ["CREATE"] or kind is None or not _NEUTRAL_WORDS & set(words[:kind]):
        return None
    head = " ".join(t.text for w, t in zip(words[:kind], tokens[:kind]) if w not in _NEUTRAL_WORDS)
    return f"{head} {sql[tokens[kind].start : tokens[body_end(tokens) - 1].end + 1]}"


_NEUTRAL_WORDS = {"FORCE", "NOFORCE", "EDITIONABLE", "NONEDITIONABLE", "EDITIONING", "SNAPSHOT"}


def _query_start(token: Token) -> bool:
    return token.token_type in (TokenType.SELECT, TokenType.WITH, TokenType.L_PAREN)


_REWRITES: tuple[Callable[[list[Token], str], str | None], ...] = (_recursive_view, _merge_delete_where, _view_options, _scheduled, _stream_view, _mutation, _live, _create_words)
