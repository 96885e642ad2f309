"""Run-time values in rendered SQL: a value only known when the job runs (a Jinja variable, a Python
expression, a DB-API parameter) is a placeholder mark in the text; `bind_placeholders` turns each mark into
what the SQL parser accepts where it stands (a quoted name where SQL wants a relation, else a parameter)."""

from __future__ import annotations

import re

from sqlglot import exp

MARK_OPEN, MARK_CLOSE = "\ue000", "\ue001"  # private-use code points: never in real SQL
MARK = re.compile(f"{MARK_OPEN}([^{MARK_CLOSE}]*){MARK_CLOSE}")
# SQL words after which a placeholder names a relation rather than a value
RELATION_WORDS = frozenset({"from", "join", "into", "table", "update", "view", "exists", "using", "merge", "overwrite"})


def placeholder(name: str) -> str:
    """The mark a template or f-string leaves for a value it takes from outside."""
    return f"{MARK_OPEN}{param_name(name)}{MARK_CLOSE}"


def param_name(text: str) -> str:
    """`params.days` -> `params_days`: a name that is also a valid SQL parameter."""
    name = re.sub(r"\W+", "_", text).strip("_") or "param"
    return f"p_{name}" if name[0].isdigit() else name


def bind_placeholders(text: str, dialect: str | None) -> str:
    """Placeholder marks as SQL: text inside a quoted literal, a quoted name where SQL wants a
    relation or identifier (`FROM {table}`, `{schema}.orders`, `sales_{region}`), else `:name`."""
    if MARK_OPEN not in text:
        return text
    out: list[str] = []
    quote = ""
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == MARK_OPEN:
            match = MARK.match(text, i)
            if match is None:
                out.append(ch)
                i += 1
                continue
            if quote:
                out.append("{" + match.group(1) + "}")
                i = match.end()
                continue
            start, end = _word_span(text, i)
            word = text[start:end]
            if _is_identifier(text, start, end, word):
                del out[len(out) - (i - start) :]
                out.append(exp.to_identifier(MARK.sub(r"{\1}", word), quoted=True).sql(dialect=dialect))
                i = end
            else:
                out.append(":" + match.group(1))
                i = match.end()
            continue
        if quote and ch == quote:
            quote = ""
        elif not quote and ch in "'\"`":
            quote = ch
        out.append(ch)
        i += 1
    return "".join(out)


def _word_span(text: str, at: int) -> tuple[int, int]:
    """The run of word characters and marks around the mark at `at`."""
    start = at
    while start > 0 and (text[start - 1].isalnum() or text[start - 1] == "_" or text[start - 1] == MARK_CLOSE):
        if text[start - 1] == MARK_CLOSE:
            start = text.rfind(MARK_OPEN, 0, start - 1)
        else:
            start -= 1
    end = at
    while end < len(text):
        match = MARK.match(text, end)
        if match is not None:
            end = match.end()
        elif text[end].isalnum() or text[end] == "_":
            end += 1
        else:
            break
    return start, end


def _is_identifier(text: str, start: int, end: int, word: str) -> bool:
    if MARK.sub("", word):  # part of a longer name: sales_{region}
        return True
    before = text[:start].rstrip()
    if text[start - 1 : start] == "." or text[end : end + 1] == ".":
        return True
    previous = re.search(r"(\w+)$", before)
    return previous is not None and previous.group(1).lower() in RELATION_WORDS
