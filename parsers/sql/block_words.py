"""The words of a token run that statement splitting decides on: where a statement ends, where a T-SQL
statement begins without a `;`, a routine's parameters and declared variables, `SELECT ... INTO` targets.

Pure functions over a `Run` (one token list and where its walk is); `blocks.py` drives them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlglot.tokenizer_core import Token, TokenType

QUOTED = {TokenType.STRING, TokenType.RAW_STRING, TokenType.HEREDOC_STRING, TokenType.NATIONAL_STRING}
NOT_WORDS = QUOTED | {TokenType.IDENTIFIER}
# `BEGIN` followed by one of these (or by `;`) starts a transaction, not a block
TRANSACTION = {"TRANSACTION", "TRAN", "WORK", "DISTRIBUTED", "ISOLATION", "READ", "DEFERRABLE"}
# statements that only steer the flow or talk to the caller: no lineage, nothing to report
FLOW_ONLY = {
    "RETURN", "RAISE", "BREAK", "CONTINUE", "LEAVE", "ITERATE", "EXIT", "GOTO", "PRINT", "RAISERROR", "THROW",
    "SIGNAL", "RESIGNAL", "NULL", "OPEN", "CLOSE", "FETCH", "PERFORM", "ASSERT", "GET", "CALL", "DEALLOCATE", "WAITFOR",
}
LOOPS = {"LOOP", "REPEAT", "WHILE", "FOR", "BEGIN"}
ROUTINES = {"PROCEDURE", "PROC", "FUNCTION", "TRIGGER", "PACKAGE"}
NOT_ROUTINES = {"TABLE", "VIEW", "INDEX", "SCHEMA", "DATABASE", "SEQUENCE", "TYPE", "STAGE", "AS", "("}
# T-SQL needs no `;` between statements: a word that can only begin a statement ends the one before
TSQL_STARTS = {
    "IF", "ELSE", "WHILE", "BEGIN", "END", "DECLARE", "PRINT", "RETURN", "RAISERROR", "THROW", "EXEC", "EXECUTE",
    "GO", "BREAK", "CONTINUE", "GOTO", "WAITFOR", "DEALLOCATE", "COMMIT", "ROLLBACK",
}
CONTINUES = {"FOR", "ON", "UNION", "ALL", "EXCEPT", "INTERSECT", "AS", "THEN", "DISTINCT"}
TSQL_SIMPLE = {"SET", "DROP", "TRUNCATE", "SAVE", "USE", "OPEN", "CLOSE", "FETCH"}
OBJECTS = {"TABLE", "VIEW", "PROCEDURE", "PROC", "FUNCTION", "INDEX", "SCHEMA", "TRIGGER", "DATABASE", "SEQUENCE", "TYPE"}
TSQL_DML = {"INSERT", "UPDATE", "DELETE", "MERGE", "SELECT", "WITH", "TRUNCATE", "CREATE", "DROP", "ALTER", "SET"}
AFTER_INTO = {"FROM", "WHERE", "GROUP", "HAVING", "ORDER", "LIMIT", "UNION", "FOR", "WINDOW"}
MYSQL_STARTS = {"BEGIN", "SET", "INSERT", "UPDATE", "DELETE", "SELECT", "REPLACE", "ROLLBACK", "COMMIT", "LEAVE", "RESIGNAL", "SIGNAL", "CALL"}
HEADER_ENDS = {"AS", "IS", "BEGIN", "DECLARE", "RETURN", "RETURNS", "LANGUAGE"}
SQL_LANGUAGES = {"SQL", "PLPGSQL", "PLSQL"}


@dataclass
class Run:
    """Where one token list is in its walk: blocks open, and whether declarations are being read."""

    tokens: list[Token]
    sql: str
    in_body: bool
    depth: int = 0
    declaring: bool = False
    routine: bool = False  # T-SQL: after `CREATE PROCEDURE ... AS`, the body runs to `GO`
    variables: set[str] = field(default_factory=set)
    # the variables outside each routine being read, with the block depth its body ends at: a routine's
    # parameters and locals are no variables of the script after it, and the script's are again
    outer: list[tuple[int, set[str]]] = field(default_factory=list)

    def enter_routine(self, parameters: set[str]) -> None:
        self.outer.append((self.depth, self.variables))
        self.variables = parameters

    def leave_routine(self) -> None:
        if self.outer:
            self.variables = self.outer.pop()[1]

    def word(self, i: int) -> str:
        return word_of(self.tokens[i]) if i < len(self.tokens) else ""

    def is_(self, i: int, kind: TokenType) -> bool:
        return i < len(self.tokens) and self.tokens[i].token_type is kind

    def declare(self, i: int) -> None:
        """Token `i` names a variable; past the end (a file that stops at `LET`), nothing is named."""
        if i < len(self.tokens):
            self.variables.add(self.tokens[i].text.lower())

    @property
    def inside(self) -> bool:
        return self.in_body or self.depth > 0 or self.routine


def through(run: Run, i: int, stops: set[str]) -> int | None:
    """The index after the first of `stops` outside brackets and CASE, before the statement ends."""
    depth = 0
    for j in range(i, len(run.tokens)):
        word = run.word(j)
        if run.is_(j, TokenType.SEMICOLON):
            return None
        depth += run.is_(j, TokenType.L_PAREN) - run.is_(j, TokenType.R_PAREN) + (word == "CASE") - (word == "END")
        if depth == 0 and word in stops:
            return j + 1
    return None


def until(run: Run, i: int, stop: str) -> int:
    found = through(run, i, {stop})
    return found - 1 if found is not None else statement_end(run, i, tsql=False)


def statement_end(run: Run, i: int, tsql: bool) -> int:
    """The index after this statement's `;` (T-SQL: or at the next statement's first word)."""
    depth = 0
    for j in range(i, len(run.tokens)):
        if run.is_(j, TokenType.SEMICOLON):
            return j + 1
        depth = max(0, depth + run.is_(j, TokenType.L_PAREN) - run.is_(j, TokenType.R_PAREN))  # may start inside `(`
        if tsql and depth == 0 and run.word(j) in TSQL_STARTS | TSQL_DML:
            return j
    return len(run.tokens)


def tsql_condition(run: Run, i: int) -> int:
    """T-SQL's `IF`/`WHILE` condition has no THEN: it ends where a statement begins."""
    depth = 0
    for j in range(i, len(run.tokens)):
        word = run.word(j)
        depth += run.is_(j, TokenType.L_PAREN) - run.is_(j, TokenType.R_PAREN) + (word == "CASE") - (word == "END" and depth > 0)
        if depth == 0 and j > i and word in TSQL_STARTS | TSQL_DML:
            return j
    return len(run.tokens)


def tsql_boundary(run: Run, i: int, current: list[Token], queried: bool) -> bool:
    """Whether token i begins a new T-SQL statement although no `;` ended the one in `current`."""
    word, first, previous = run.word(i), word_of(current[0]), word_of(current[-1])
    if word == "IF":
        return previous not in OBJECTS  # `DROP TABLE IF EXISTS`
    if word in TSQL_STARTS:
        return not (word in ("EXEC", "EXECUTE") and first == "INSERT")  # INSERT ... EXEC proc
    if word not in TSQL_DML or previous in CONTINUES or first in ("MERGE", "CREATE", "ALTER"):
        return False  # `CURSOR FOR SELECT`, `UNION SELECT`, MERGE's `THEN UPDATE`, `CREATE VIEW ... AS SELECT`
    if first in ("INSERT", "WITH") and not queried:
        return False  # `INSERT INTO t (a) SELECT`, `WITH c AS (...) INSERT ...`
    if word == "WITH":
        return not run.is_(i + 1, TokenType.L_PAREN)  # a table hint `WITH (NOLOCK)`
    return not (word == "SET" and first == "UPDATE")


def word_of(token: Token) -> str:
    return "" if token.token_type in NOT_WORDS else token.text.upper()


def literal_alone(run: Run, i: int, end: int) -> bool:
    """The literal is the whole statement (bar `INTO ...`/`USING ...` and T-SQL's `)` and parameters)."""
    return i >= end or run.is_(i, TokenType.SEMICOLON) or run.word(i) in ("INTO", "USING", "LANGUAGE") or run.is_(i, TokenType.R_PAREN) or run.is_(i, TokenType.COMMA)


def select_into(tokens: list[Token]) -> tuple[list[Token], tuple[str, ...]] | None:
    """`SELECT a, b INTO [STRICT] x, y FROM ...` inside a PL/SQL, PL/pgSQL, Snowflake or MySQL body
    fills variables x and y: the query without its INTO, and the names (empty when not plain names)."""
    if tokens[0].token_type is not TokenType.SELECT:
        return None
    depth = 0
    for k, token in enumerate(tokens):
        depth += (token.token_type is TokenType.L_PAREN) - (token.token_type is TokenType.R_PAREN)
        if depth == 0 and token.token_type is TokenType.INTO:
            end = next((j for j in range(k + 1, len(tokens)) if word_of(tokens[j]) in AFTER_INTO), len(tokens))
            targets = [t for t in tokens[k + 1 : end] if t.token_type is not TokenType.COMMA and word_of(t) != "STRICT"]
            plain = all(t.token_type in (TokenType.VAR, TokenType.IDENTIFIER) for t in targets)
            return tokens[:k] + tokens[end:], tuple(t.text.lower() for t in targets) if plain else ()
    return None


def parameters(run: Run, i: int) -> set[str]:
    """The parameter names of the routine whose header starts at i: `(IN p INT, q DATE)` -> {p, q}."""
    start = next((j for j in range(i, len(run.tokens)) if run.is_(j, TokenType.L_PAREN) or run.is_(j, TokenType.SEMICOLON) or run.word(j) in HEADER_ENDS), len(run.tokens))
    if not run.is_(start, TokenType.L_PAREN):
        return set()  # no parameter list: the first bracket is the body's
    names: set[str] = set()
    depth, expect = 0, True
    for j in range(start, len(run.tokens)):
        depth += run.is_(j, TokenType.L_PAREN) - run.is_(j, TokenType.R_PAREN)
        if depth == 0:
            break
        if run.is_(j, TokenType.L_PAREN) or run.is_(j, TokenType.R_PAREN):
            continue
        if depth == 1 and run.is_(j, TokenType.COMMA):
            expect = True
        elif depth == 1 and expect and (run.is_(j, TokenType.IDENTIFIER) or run.word(j) not in ("IN", "OUT", "INOUT", "")):
            names.add(run.tokens[j].text.lower())
            expect = False
    return names


def declared(tokens: list[Token]) -> set[str]:
    """`DECLARE a, b INT64 ...`, `DECLARE VARIABLE x ...`: the names declared."""
    names: set[str] = set()
    j = 1
    while j < len(tokens) and word_of(tokens[j]) in ("OR", "REPLACE", "VARIABLE"):
        j += 1
    while j < len(tokens):
        names.add(tokens[j].text.lower())
        if j + 1 >= len(tokens) or tokens[j + 1].token_type is not TokenType.COMMA:
            break
        j += 2
    return names
