"""ALTER TABLE statements sqlglot keeps whole as text (a Command), read as one ALTER per action.

The engines write several actions in one statement in ways sqlglot's grammar does not take:
BigQuery's `RENAME COLUMN a TO b, RENAME COLUMN c TO d`; Snowflake's `ALTER c1 DROP NOT NULL, c4 TYPE
NUMBER` (the keyword said once for the list) and `ALTER (c1 ..., c4 ...)`; Oracle's `MODIFY (a VARCHAR2(10),
b NUMBER)` and `MODIFY a VARCHAR2(10)`. Each action becomes its own `ALTER TABLE t <action>`, with the
list's keyword given again and Oracle's MODIFY written as the ALTER COLUMN ... TYPE it is.

An action that still does not parse is said (SqlglotError) when it may change a column's type, name or
presence; a column action that sets no type (a default, NOT NULL, a comment, a masking policy) changes no
column and is passed over.
"""

from __future__ import annotations

import re

from sqlglot import exp
from sqlglot.dialects.dialect import Dialect
from sqlglot.errors import SqlglotError
from sqlglot.tokens import Token, TokenType

# the words an action of ALTER TABLE starts with; a list item starting with none repeats the previous one's
_ACTION_WORDS = frozenset({"ADD", "DROP", "RENAME", "ALTER", "MODIFY", "CHANGE", "SET", "UNSET", "CLUSTER", "SWAP", "OWNER", "ENABLE", "DISABLE", "REPLACE"})
_COLUMN_WORDS = frozenset({"ALTER", "MODIFY"})
_HEAD = re.compile(r"(?is)\s*(TABLE\s+(?:IF\s+EXISTS\s+)?(?:ONLY\s+)?(?:\"[^\"]*\"|`[^`]*`|\[[^\]]*\]|[^\s(])+)\s+(.*?)\s*;?\s*$")


def refused_alter(tokens: list[Token], sql: str) -> exp.Command | None:
    """An ALTER TABLE sqlglot's grammar refuses, as the Command it keeps other ALTERs as, so that
    `command_alters` reads its actions (or says which it cannot) instead of the statement being lost."""
    if len(tokens) < 3 or tokens[0].token_type != TokenType.ALTER or tokens[1].token_type != TokenType.TABLE:
        return None
    return exp.Command(this="ALTER", expression=exp.Literal.string(sql[tokens[1].start : tokens[-1].end + 1]))


def command_alters(text: str, dia: Dialect) -> list[exp.Alter]:
    """`TABLE t action, action, ...` (the text after ALTER) as one parsed ALTER per action, in order."""
    match = _HEAD.match(text)
    if match is None:
        raise SqlglotError(f"'ALTER {text[:60]}' is not an ALTER TABLE the SQL parser reads; its schema change is not applied")
    head, rest = match.groups()
    parsed = [_parse_action(head, action, dia) for action in _actions(rest)]
    return [alter for alter in parsed if alter is not None]


def _actions(rest: str) -> list[str]:
    out, keyword = [], ""
    for part in top_level_parts(_SET_UNUSED.sub("DROP ", rest)):
        word = part.split(None, 1)[0].upper() if part else ""
        if word in _ACTION_WORDS:
            keyword = word
        elif keyword in _COLUMN_WORDS:
            part = f"{keyword} {part}"
        out += _unwrapped(part)
    return out


def _unwrapped(action: str) -> list[str]:
    """`MODIFY (a T, b U)` and `ALTER (a ..., b ...)` as one action per column."""
    word, _, rest = action.partition(" ")
    rest = rest.strip()
    if word.upper() not in _COLUMN_WORDS or not (rest.startswith("(") and rest.endswith(")")):
        return [action]
    return [f"{word} {item}" for item in top_level_parts(rest[1:-1]) if item]


def _parse_action(head: str, action: str, dia: Dialect) -> exp.Alter | None:
    if _NO_COLUMN.match(action):
        return None
    try:
        return _parse_alter(f"ALTER {head} {action}", dia)
    except SqlglotError:
        if action.split(None, 1)[0].upper() not in _COLUMN_WORDS:
            raise
    words = action.split(None, 1)[1].split(None, 1)
    if words and words[0].upper() == "COLUMN":
        words = words[1].split(None, 1) if len(words) > 1 else []
    if len(words) != 2:
        raise SqlglotError(f"'{action[:60]}' in ALTER TABLE is not an action the SQL parser reads; its schema change is not applied")
    name, change = words
    typed = re.match(r"(?is)(SET\s+DATA\s+)?TYPE\b", change) is not None
    if not typed and (action.split(None, 1)[0].upper() != "MODIFY" or change.split(None, 1)[0].upper() in _NOT_A_TYPE):
        # ALTER [COLUMN] c without TYPE, and MODIFY c DEFAULT ...: a default, a constraint, a comment, a policy,
        # an encoding, an identity: no column's type, name or presence changes
        return None
    # Oracle's and MySQL-like `MODIFY name type`: the column's new type
    type_ = _AFTER_TYPE.split(_TYPE_WORDS.sub("", change), 1)[0]  # `NUMBER(5) NOT NULL`: the type alone
    return _parse_alter(f"ALTER {head} ALTER COLUMN {name} SET DATA TYPE {type_}", dia)


_TYPE_WORDS = re.compile(r"(?is)^(SET\s+DATA\s+)?TYPE\s+")
_AFTER_TYPE = re.compile(r"(?is)\s+(?=(NOT|NULL|DEFAULT|CONSTRAINT|CHECK|PRIMARY|UNIQUE|REFERENCES|COMMENT|ENCRYPT|VISIBLE|INVISIBLE|COLLATE)\b)")


# actions on policies, tags, keys, partitions and search: no column changes
_NO_COLUMN = re.compile(r"(?is)(ADD|DROP|SET|UNSET)\s+(ROW\s+ACCESS\s+POLICY|(ALL\s+)?ROW\s+ACCESS\s+POLICIES|SEARCH\s+OPTIMIZATION|TAG|CONSTRAINT|PRIMARY\s+KEY|FOREIGN\s+KEY|UNIQUE|PARTITION|INDEX|KEY|CHECK|PERIOD|AGGREGATION\s+POLICY|PROJECTION\s+POLICY|JOIN\s+POLICY)\b")

# Oracle's `SET UNUSED (a, b)` / `SET UNUSED COLUMN a`: the columns are gone to every query, as DROP makes them
_SET_UNUSED = re.compile(r"(?is)^SET\s+UNUSED\s+")

# what follows a column's name in an ALTER/MODIFY that changes no type
_NOT_A_TYPE = frozenset({"DEFAULT", "NOT", "NULL", "DROP", "CONSTRAINT", "COMMENT", "UNSET", "VISIBLE", "INVISIBLE", "ENCRYPT", "DECRYPT", "CHECK", "PRIMARY", "UNIQUE", "REFERENCES"} | {"SET"})


def _parse_alter(sql: str, dia: Dialect) -> exp.Alter:
    parsed = dia.parse(sql)
    if len(parsed) != 1 or not isinstance(parsed[0], exp.Alter):
        raise SqlglotError(f"'{sql[:60]}' is not an ALTER TABLE the SQL parser reads; its schema change is not applied")
    return parsed[0]


def top_level_parts(text: str) -> list[str]:
    """`text` cut at the commas outside parentheses and quotes."""
    parts, depth, quote, current = [], 0, "", []
    for ch in text:
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "'\"`":
            quote = ch
        elif ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append("".join(current).strip())
            current = []
            continue
        current.append(ch)
    parts.append("".join(current).strip())
    return parts
