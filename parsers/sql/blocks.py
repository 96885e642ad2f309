"""Statement splitting: a script, and every procedure or block body in it, cut into the statements
that carry lineage, each with its own line in the file.

sqlglot parses one statement at a time and knows no procedural SQL: `BEGIN ... END`, `IF ... THEN`,
loops, `CREATE PROCEDURE` bodies and `EXECUTE IMMEDIATE '...'` come out as opaque commands, and its
tokenizer turns the text after a command word (`BEGIN` in BigQuery, `END` in T-SQL, `DECLARE` in
Postgres, `WHILE`, `DO`, `GO`) into one string up to the next `;`, which swallowed the first statement
of every such block. So the text is tokenised here without that swallowing; control flow (block
brackets, conditions, loops, `RETURN`, `RAISE`, ...) is dropped; quoted bodies (`$$ ... $$`,
`EXECUTE IMMEDIATE '...'`, `DO $$ ... $$`) are tokenised again and split the same way; and each
statement left goes to the parser as the ordinary tokenizer would have cut it.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field, replace

from sqlglot.dialects.dialect import Dialect
from sqlglot.dialects.mysql import MySQL
from sqlglot.dialects.oracle import Oracle
from sqlglot.dialects.postgres import Postgres
from sqlglot.dialects.snowflake import Snowflake
from sqlglot.dialects.tsql import TSQL
from sqlglot.errors import TokenError
from sqlglot.tokenizer_core import Token, TokenType
from sqlglot.tokens import Tokenizer

from lineage.model import Severity

_QUOTED = {TokenType.STRING, TokenType.RAW_STRING, TokenType.HEREDOC_STRING, TokenType.NATIONAL_STRING}
_NOT_WORDS = _QUOTED | {TokenType.IDENTIFIER}
# `BEGIN` followed by one of these (or by `;`) starts a transaction, not a block
_TRANSACTION = {"TRANSACTION", "TRAN", "WORK", "DISTRIBUTED", "ISOLATION", "READ", "DEFERRABLE"}
# statements that only steer the flow or talk to the caller: no lineage, nothing to report
_FLOW_ONLY = {
    "RETURN", "RAISE", "BREAK", "CONTINUE", "LEAVE", "ITERATE", "EXIT", "GOTO", "PRINT", "RAISERROR", "THROW",
    "SIGNAL", "RESIGNAL", "NULL", "OPEN", "CLOSE", "FETCH", "PERFORM", "ASSERT", "GET", "CALL", "DEALLOCATE", "WAITFOR",
}
_LOOPS = {"LOOP", "REPEAT", "WHILE", "FOR", "BEGIN"}
_ROUTINES = {"PROCEDURE", "PROC", "FUNCTION", "TRIGGER", "PACKAGE"}
_NOT_ROUTINES = {"TABLE", "VIEW", "INDEX", "SCHEMA", "DATABASE", "SEQUENCE", "TYPE", "STAGE", "AS", "("}
# T-SQL needs no `;` between statements: a word that can only begin a statement ends the one before
_TSQL_STARTS = {
    "IF", "ELSE", "WHILE", "BEGIN", "END", "DECLARE", "PRINT", "RETURN", "RAISERROR", "THROW", "EXEC", "EXECUTE",
    "GO", "BREAK", "CONTINUE", "GOTO", "WAITFOR", "DEALLOCATE", "COMMIT", "ROLLBACK",
}
_CONTINUES = {"FOR", "ON", "UNION", "ALL", "EXCEPT", "INTERSECT", "AS", "THEN", "DISTINCT"}
_TSQL_SIMPLE = {"SET", "DROP", "TRUNCATE", "SAVE", "USE", "OPEN", "CLOSE", "FETCH"}
_OBJECTS = {"TABLE", "VIEW", "PROCEDURE", "PROC", "FUNCTION", "INDEX", "SCHEMA", "TRIGGER", "DATABASE", "SEQUENCE", "TYPE"}
_TSQL_DML = {"INSERT", "UPDATE", "DELETE", "MERGE", "SELECT", "WITH", "TRUNCATE", "CREATE", "DROP", "ALTER", "SET"}
_AFTER_INTO = {"FROM", "WHERE", "GROUP", "HAVING", "ORDER", "LIMIT", "UNION", "FOR", "WINDOW"}
_MYSQL_STARTS = {"BEGIN", "SET", "INSERT", "UPDATE", "DELETE", "SELECT", "REPLACE", "ROLLBACK", "COMMIT", "LEAVE", "RESIGNAL", "SIGNAL", "CALL"}
_HEADER_ENDS = {"AS", "IS", "BEGIN", "DECLARE", "RETURN", "RETURNS", "LANGUAGE"}
_SQL_LANGUAGES = {"SQL", "PLPGSQL", "PLSQL"}
MAX_NESTING = 8  # quoted bodies inside quoted bodies; each level is tokenised again


@dataclass(frozen=True, slots=True)
class Statement:
    """One statement to parse: its tokens as the dialect's own tokenizer cuts them, and their text."""

    line: int
    tokens: list[Token]
    sql: str
    in_body: bool  # inside a procedure or block: a bare SELECT there answers the caller
    variables: frozenset[str] = frozenset()  # names declared so far in its body (parameters too), lower case
    assigns: tuple[str, ...] = ()  # `SELECT a, b INTO x, y FROM ...`: x and y take a's and b's values


@dataclass(frozen=True, slots=True)
class Note:
    line: int
    message: str
    severity: Severity = Severity.WARNING


@dataclass
class Split:
    statements: list[Statement] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)


def split_script(text: str, dia: Dialect) -> Split:
    """Every statement of `text`, block bodies included; raises sqlglot's TokenError on bad text."""
    splitter = _Splitter(dia)
    splitter.run(splitter.tokenize(text, 1), text, in_body=False)
    return splitter.result


@dataclass
class _Run:
    """Where one token list is in its walk: blocks open, and whether declarations are being read."""

    tokens: list[Token]
    sql: str
    in_body: bool
    depth: int = 0
    declaring: bool = False
    routine: bool = False  # T-SQL: after `CREATE PROCEDURE ... AS`, the body runs to `GO`
    variables: set[str] = field(default_factory=set)

    def word(self, i: int) -> str:
        return _word(self.tokens[i]) if i < len(self.tokens) else ""

    def is_(self, i: int, kind: TokenType) -> bool:
        return i < len(self.tokens) and self.tokens[i].token_type is kind

    @property
    def inside(self) -> bool:
        return self.in_body or self.depth > 0 or self.routine


@functools.cache
def _block_tokenizer(base: type[Tokenizer]) -> type[Tokenizer]:
    """`base` without the commands that swallow the rest of a statement. Made once per dialect: a new
    class builds its keyword tries again (2 ms, a fifth of extracting a TPC-DS query)."""
    return type("BlockTokenizer", (base,), {"COMMANDS": set()})


class _Splitter:
    def __init__(self, dia: Dialect) -> None:
        self.dia = dia
        self.tsql = isinstance(dia, TSQL)
        self.commands = dia.tokenizer_class.COMMANDS
        # the dialect's tokenizer, minus the commands that swallow the rest of a statement
        self.tokenizer = _block_tokenizer(dia.tokenizer_class)(dialect=dia)
        self.result = Split()
        self.nesting = 0

    def tokenize(self, text: str, first_line: int) -> list[Token]:
        tokens = self.tokenizer.tokenize(text)
        if first_line == 1:
            return tokens
        shift = first_line - 1
        return [Token(t.token_type, t.text, t.line + shift, t.col, t.start, t.end, t.comments) for t in tokens]

    def sections(self, run: _Run) -> bool:
        """Oracle, Snowflake and PL/pgSQL declare variables in a section before `BEGIN`, not one by one."""
        return isinstance(self.dia, (Oracle, Snowflake)) or (isinstance(self.dia, Postgres) and run.inside)

    def run(self, tokens: list[Token], sql: str, in_body: bool, variables: frozenset[str] = frozenset()) -> None:
        run = _Run(tokens, sql, in_body, variables=set(variables))
        current: list[Token] = []
        nest = 0  # brackets and CASEs open in `current`: T-SQL's statement words inside them end nothing
        queried = False  # `current` has its query already (`INSERT ... SELECT`): T-SQL's next SELECT is a new statement
        i = 0
        while i < len(tokens):
            if not current:
                after = self.control(run, i)
                if after != i:
                    i = after
                    continue
            ends = tokens[i].token_type is TokenType.SEMICOLON
            if ends or (self.tsql and current and nest == 0 and _tsql_boundary(run, i, current, queried)):
                self.emit(run, current)
                current, nest, queried = [], 0, False
                i += ends
                continue
            word = run.word(i)
            queried = queried or (nest == 0 and word in ("SELECT", "VALUES"))
            nest += run.is_(i, TokenType.L_PAREN) - run.is_(i, TokenType.R_PAREN) + (word == "CASE") - (word == "END")
            current.append(tokens[i])
            i += 1
        self.emit(run, current)

    def control(self, run: _Run, i: int) -> int:
        """At a statement's start: the index after the control flow found there (`i` when none)."""
        word = run.word(i)
        if self.tsql and word == "GO":
            run.depth, run.routine = 0, False
            run.variables.clear()
            return i + 1 + run.is_(i + 1, TokenType.NUMBER)
        if run.is_(i + 1, TokenType.COLON) and run.word(i + 2) in _LOOPS:
            return i + 2  # a label
        if run.is_(i, TokenType.SLASH) and not run.inside:
            return i + 1  # SQL*Plus runs the block before it
        if run.is_(i, TokenType.LT) and run.is_(i + 1, TokenType.LT) and run.is_(i + 3, TokenType.GT):
            return i + 5  # a PL/SQL <<label>>
        if word == "BEGIN":
            return self.begin(run, i)
        if word in ("CREATE", "ALTER") or (word in ("PROCEDURE", "FUNCTION") and isinstance(self.dia, Oracle)):
            return self.routine(run, i)  # PL/SQL packages hold procedures without CREATE
        if word in ("EXECUTE", "EXEC", "DO", "PREPARE"):
            return self.dynamic(run, i)
        if word == "DECLARE" and self.sections(run):
            run.declaring = True
            return i + 1
        if word == "DECLARE" and isinstance(self.dia, MySQL):
            return self.mysql_declare(run, i)
        return self.flow(run, i, word)

    def flow(self, run: _Run, i: int, word: str) -> int:
        if word in ("IF", "WHILE") and self.tsql:
            return _tsql_condition(run, i + 1)
        if word == "FOR" and run.word(i + 2) == "IN":
            run.variables.add(run.tokens[i + 1].text.lower())
        if word in ("IF", "WHILE", "FOR", "CASE"):
            after = _through(run, i + 1, {"THEN", "DO", "LOOP"} if word != "CASE" else {"WHEN"})
            if after is not None:
                run.depth += 1
                return after if word != "CASE" else after - 1
        if word in ("ELSEIF", "ELSIF", "WHEN") and run.inside:
            return _through(run, i + 1, {"THEN"}) or i
        if word in ("LOOP", "REPEAT", "ELSE") or (word == "EXCEPTION" and run.inside):
            run.depth += word in ("LOOP", "REPEAT")
            return i + 1
        if word == "END" and (run.depth > 0 or run.routine):
            return self.end(run, i)
        if word == "UNTIL" and run.inside:
            return _until(run, i + 1, "END")
        if word in _FLOW_ONLY and (run.inside or word in ("RETURN", "PRINT", "RAISERROR", "THROW", "BREAK", "CONTINUE")):
            return _statement_end(run, i + 1, self.tsql)
        if run.is_(i + 1, TokenType.COLON_EQ) or word == "LET" or run.declaring:
            if word == "LET" or run.declaring:
                run.variables.add(run.tokens[i + (word == "LET")].text.lower())
            return _statement_end(run, i + 1, self.tsql)  # a variable: TODO(#14) carry its query into later statements
        return i

    def mysql_declare(self, run: _Run, i: int) -> int:
        """MySQL's DECLARE (sqlglot does not parse it): a variable, a cursor, or a handler whose
        statement runs on an error; that statement is the body's like any other."""
        words = [run.word(j) for j in range(i + 1, min(i + 4, len(run.tokens)))]
        if "HANDLER" in words:
            start = _through(run, i + 1, {"FOR"}) or i + 1
            return next((j for j in range(start, len(run.tokens)) if run.word(j) in _MYSQL_STARTS), len(run.tokens))
        end = _statement_end(run, i + 1, tsql=False)
        run.variables.update(_declared(run.tokens[i:end]))
        return end

    def begin(self, run: _Run, i: int) -> int:
        after = run.word(i + 1)
        if after in _TRANSACTION or run.is_(i + 1, TokenType.SEMICOLON) or i + 1 == len(run.tokens):
            return i  # a transaction: an ordinary statement
        run.depth += 1
        run.declaring = False
        if after in ("TRY", "CATCH", "ATOMIC"):
            return i + 2
        return i + 3 if after == "NOT" and run.word(i + 2) == "ATOMIC" else i + 1

    def end(self, run: _Run, i: int) -> int:
        run.depth = max(0, run.depth - 1)
        if self.tsql:
            return i + 1 + (run.word(i + 1) in ("TRY", "CATCH"))
        return _statement_end(run, i + 1, tsql=False)

    def routine(self, run: _Run, i: int) -> int:
        """`CREATE PROCEDURE|FUNCTION|TRIGGER ...`: the index of its body's first statement."""
        kind = next((run.word(j) for j in range(i, min(i + 14, len(run.tokens))) if run.word(j) in _ROUTINES | _NOT_ROUTINES or run.is_(j, TokenType.L_PAREN)), "")
        if kind not in _ROUTINES:
            return i
        run.variables = set() if self.tsql else _parameters(run, i)  # T-SQL's are `@x`: never a column
        depth, j = 0, i + 1
        while j < len(run.tokens) and not (depth == 0 and run.is_(j, TokenType.SEMICOLON)):
            depth += run.is_(j, TokenType.L_PAREN) - run.is_(j, TokenType.R_PAREN)
            word = run.word(j)
            if depth == 0 and word in ("BEGIN", "DECLARE") and not self.tsql:
                return j
            if depth == 0 and word in ("AS", "IS") and run.word(j - 1) != "EXECUTE" and j + 1 < len(run.tokens):
                return self.routine_body(run, (i, j + 1), kind)
            j += 1
        return i

    def routine_body(self, run: _Run, span: tuple[int, int], kind: str) -> int:
        start, body = span
        first = run.tokens[body]
        if first.token_type in _QUOTED:
            end = _statement_end(run, body + 1, tsql=False)
            language = next((run.word(j + 1) for j in range(start, end) if run.word(j) == "LANGUAGE"), "SQL")
            if language in _SQL_LANGUAGES:
                self.body(first, in_body=True, variables=frozenset(run.variables))
            elif kind != "FUNCTION":  # a function in another language cannot query tables
                self.note(run.tokens[start].line, f"{kind.lower()} body in LANGUAGE {language.lower()} not analysed: its lineage is missing")
            return end
        if self.tsql:
            if run.word(body) not in _TSQL_STARTS | _TSQL_DML:
                return start  # `@param AS type`: not the body yet; let the statement parse as before
            run.routine = True
        elif run.is_(body, TokenType.L_PAREN):
            return start  # a SQL function's expression, not a body of statements
        run.declaring = isinstance(self.dia, Oracle) and run.word(body) != "BEGIN"
        run.depth += kind == "PACKAGE"  # its `END name;` closes no BEGIN
        return body

    def dynamic(self, run: _Run, i: int) -> int:
        """`EXECUTE IMMEDIATE 'sql'`, `EXEC ('sql')`, `DO $$ ... $$`: the literal's SQL is split like the file's."""
        j = i + 1
        word = run.word(i)
        if run.word(j) == "IMMEDIATE":
            j += 1
        elif word == "DO" and run.word(j) == "LANGUAGE":
            j += 2
        elif word == "PREPARE" and run.word(j + 1) == "FROM":
            j += 2
        elif self.tsql and run.word(j) == "SP_EXECUTESQL":
            j += 1
        elif self.tsql and run.is_(j, TokenType.L_PAREN):
            j += 1
        elif not (word in ("DO", "EXECUTE") and isinstance(self.dia, Postgres) and (word == "DO" or run.inside)):
            return i  # a prepared statement or a procedure call: the parser's business
        end = _statement_end(run, j, self.tsql)
        literal = run.tokens[j] if j < len(run.tokens) else None
        if literal is not None and literal.token_type in _QUOTED and _literal_alone(run, j + 1, end):
            self.body(literal, in_body=run.inside or word == "DO", variables=frozenset(run.variables))
        else:
            self.note(run.tokens[i].line, "dynamic SQL not analysed: the statement is not a string literal; its lineage is missing")
        return end

    def body(self, literal: Token, in_body: bool, variables: frozenset[str]) -> None:
        text = literal.text
        if self.nesting >= MAX_NESTING:
            self.note(literal.line, f"SQL quoted more than {MAX_NESTING} levels deep not analysed: its lineage is missing")
            return
        first_line = literal.line - text.count("\n")
        try:
            tokens = self.tokenize(text, first_line)
        except TokenError as err:
            self.note(first_line, f"cannot tokenise quoted SQL: {str(err).strip().splitlines()[0]}", Severity.ERROR)
            return
        self.nesting += 1
        try:
            self.run(tokens, text, in_body, variables)
        finally:
            self.nesting -= 1

    def emit(self, run: _Run, tokens: list[Token]) -> None:
        if not tokens:
            return
        assigns: tuple[str, ...] = ()
        into = _select_into(tokens) if run.inside and not self.tsql else None
        if into is not None:  # `SELECT ... INTO v FROM ...` fills variables: parsed without `INTO v`
            tokens, assigns = into
            if not assigns or not set(assigns) <= run.variables:
                return  # `INTO :v`, `INTO @v`, a record: variables this does not follow
        if _word(tokens[0]) == "DECLARE":
            run.variables.update(_declared(tokens))
        variables = frozenset(run.variables)
        self.result.statements.append(Statement(tokens[0].line, self.as_parsed(tokens, run.sql), run.sql, run.inside, variables, assigns))

    def as_parsed(self, tokens: list[Token], sql: str) -> list[Token]:
        """The tokens as the dialect's tokenizer gives them: a command word, then the rest as one string."""
        head = tokens[0]
        if head.token_type not in self.commands or len(tokens) == 1:
            return tokens
        last = tokens[-1]
        rest = sql[tokens[1].start : last.end + 1].strip()
        return [head, Token(TokenType.STRING, rest, last.line, last.col, tokens[1].start, last.end, [])]

    def note(self, line: int, message: str, severity: Severity = Severity.WARNING) -> None:
        self.result.notes.append(Note(line, message, severity))


def split_unterminated(statement: Statement, line: int, col: int) -> list[Statement] | None:
    """T-SQL needs no `;`: where the parser found a whole statement and then a query word it did not
    expect (`INSERT ... SELECT ... INSERT ...`), the two statements, else None. The word may be the
    token before the one the parser stopped at: `FROM q DELETE TOP (9) ...` reads DELETE as q's alias."""
    depths, depth = [], 0
    for k, token in enumerate(statement.tokens):
        depths.append(depth)
        depth += (token.token_type is TokenType.L_PAREN) - (token.token_type is TokenType.R_PAREN)
        if (token.line, token.col) != (line, col):
            continue
        for start in (k, k - 1):
            if start > 0 and depths[start] == 0 and _word(statement.tokens[start]) in _TSQL_DML:
                head, tail = statement.tokens[:start], statement.tokens[start:]
                return [replace(statement, tokens=head), replace(statement, line=tail[0].line, tokens=tail)]
        return None
    return None


def _through(run: _Run, i: int, stops: set[str]) -> int | None:
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


def _until(run: _Run, i: int, stop: str) -> int:
    found = _through(run, i, {stop})
    return found - 1 if found is not None else _statement_end(run, i, tsql=False)


def _statement_end(run: _Run, i: int, tsql: bool) -> int:
    """The index after this statement's `;` (T-SQL: or at the next statement's first word)."""
    depth = 0
    for j in range(i, len(run.tokens)):
        if run.is_(j, TokenType.SEMICOLON):
            return j + 1
        depth = max(0, depth + run.is_(j, TokenType.L_PAREN) - run.is_(j, TokenType.R_PAREN))  # may start inside `(`
        if tsql and depth == 0 and run.word(j) in _TSQL_STARTS | _TSQL_DML:
            return j
    return len(run.tokens)


def _tsql_condition(run: _Run, i: int) -> int:
    """T-SQL's `IF`/`WHILE` condition has no THEN: it ends where a statement begins."""
    depth = 0
    for j in range(i, len(run.tokens)):
        word = run.word(j)
        depth += run.is_(j, TokenType.L_PAREN) - run.is_(j, TokenType.R_PAREN) + (word == "CASE") - (word == "END" and depth > 0)
        if depth == 0 and j > i and word in _TSQL_STARTS | _TSQL_DML:
            return j
    return len(run.tokens)


def _tsql_boundary(run: _Run, i: int, current: list[Token], queried: bool) -> bool:
    """Whether token i begins a new T-SQL statement although no `;` ended the one in `current`."""
    word, first, previous = run.word(i), _word(current[0]), _word(current[-1])
    if word == "IF":
        return previous not in _OBJECTS  # `DROP TABLE IF EXISTS`
    if word in _TSQL_STARTS:
        return not (word in ("EXEC", "EXECUTE") and first == "INSERT")  # INSERT ... EXEC proc
    if word not in _TSQL_DML or previous in _CONTINUES or first in ("MERGE", "CREATE", "ALTER"):
        return False  # `CURSOR FOR SELECT`, `UNION SELECT`, MERGE's `THEN UPDATE`, `CREATE VIEW ... AS SELECT`
    if first in ("INSERT", "WITH") and not queried:
        return False  # `INSERT INTO t (a) SELECT`, `WITH c AS (...) INSERT ...`
    if word == "WITH":
        return not run.is_(i + 1, TokenType.L_PAREN)  # a table hint `WITH (NOLOCK)`
    return not (word == "SET" and first == "UPDATE")


def _word(token: Token) -> str:
    return "" if token.token_type in _NOT_WORDS else token.text.upper()


def _literal_alone(run: _Run, i: int, end: int) -> bool:
    """The literal is the whole statement (bar `INTO ...`/`USING ...` and T-SQL's `)` and parameters)."""
    return i >= end or run.is_(i, TokenType.SEMICOLON) or run.word(i) in ("INTO", "USING", "LANGUAGE") or run.is_(i, TokenType.R_PAREN) or run.is_(i, TokenType.COMMA)


def _select_into(tokens: list[Token]) -> tuple[list[Token], tuple[str, ...]] | None:
    """`SELECT a, b INTO [STRICT] x, y FROM ...` inside a PL/SQL, PL/pgSQL, Snowflake or MySQL body
    fills variables x and y: the query without its INTO, and the names (empty when not plain names)."""
    if tokens[0].token_type is not TokenType.SELECT:
        return None
    depth = 0
    for k, token in enumerate(tokens):
        depth += (token.token_type is TokenType.L_PAREN) - (token.token_type is TokenType.R_PAREN)
        if depth == 0 and token.token_type is TokenType.INTO:
            end = next((j for j in range(k + 1, len(tokens)) if _word(tokens[j]) in _AFTER_INTO), len(tokens))
            targets = [t for t in tokens[k + 1 : end] if t.token_type is not TokenType.COMMA and _word(t) != "STRICT"]
            plain = all(t.token_type in (TokenType.VAR, TokenType.IDENTIFIER) for t in targets)
            return tokens[:k] + tokens[end:], tuple(t.text.lower() for t in targets) if plain else ()
    return None


def _parameters(run: _Run, i: int) -> set[str]:
    """The parameter names of the routine whose header starts at i: `(IN p INT, q DATE)` -> {p, q}."""
    start = next((j for j in range(i, len(run.tokens)) if run.is_(j, TokenType.L_PAREN) or run.is_(j, TokenType.SEMICOLON) or run.word(j) in _HEADER_ENDS), len(run.tokens))
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


def _declared(tokens: list[Token]) -> set[str]:
    """`DECLARE a, b INT64 ...`, `DECLARE VARIABLE x ...`: the names declared."""
    names: set[str] = set()
    j = 1
    while j < len(tokens) and _word(tokens[j]) in ("OR", "REPLACE", "VARIABLE"):
        j += 1
    while j < len(tokens):
        names.add(tokens[j].text.lower())
        if j + 1 >= len(tokens) or tokens[j + 1].token_type is not TokenType.COMMA:
            break
        j += 2
    return names
