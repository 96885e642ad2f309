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
from parsers.sql.block_words import (
    FLOW_ONLY,
    LOOPS,
    MYSQL_STARTS,
    NOT_ROUTINES,
    QUOTED,
    ROUTINES,
    Run,
    SQL_LANGUAGES,
    TRANSACTION,
    TSQL_DML,
    TSQL_STARTS,
    declared,
    literal_alone,
    parameters,
    select_into,
    statement_end,
    through,
    tsql_boundary,
    tsql_condition,
    until,
    word_of,
)

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

    def sections(self, run: Run) -> bool:
        """Oracle, Snowflake and PL/pgSQL declare variables in a section before `BEGIN`, not one by one."""
        return isinstance(self.dia, (Oracle, Snowflake)) or (isinstance(self.dia, Postgres) and run.inside)

    def run(self, tokens: list[Token], sql: str, in_body: bool, variables: frozenset[str] = frozenset()) -> None:
        run = Run(tokens, sql, in_body, variables=set(variables))
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
            if ends or (self.tsql and current and nest == 0 and tsql_boundary(run, i, current, queried)):
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

    def control(self, run: Run, i: int) -> int:
        """At a statement's start: the index after the control flow found there (`i` when none)."""
        word = run.word(i)
        if self.tsql and word == "GO":
            run.depth, run.routine = 0, False
            run.variables.clear()
            return i + 1 + run.is_(i + 1, TokenType.NUMBER)
        if run.is_(i + 1, TokenType.COLON) and run.word(i + 2) in LOOPS:
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

    def flow(self, run: Run, i: int, word: str) -> int:
        if word in ("IF", "WHILE") and self.tsql:
            return tsql_condition(run, i + 1)
        if word == "FOR" and run.word(i + 2) == "IN":
            run.declare(i + 1)
        if word in ("IF", "WHILE", "FOR", "CASE"):
            after = through(run, i + 1, {"THEN", "DO", "LOOP"} if word != "CASE" else {"WHEN"})
            if after is not None:
                run.depth += 1
                return after if word != "CASE" else after - 1
        if word in ("ELSEIF", "ELSIF", "WHEN") and run.inside:
            return through(run, i + 1, {"THEN"}) or i
        if word in ("LOOP", "REPEAT", "ELSE") or (word == "EXCEPTION" and run.inside):
            run.depth += word in ("LOOP", "REPEAT")
            return i + 1
        if word == "END" and (run.depth > 0 or run.routine):
            return self.end(run, i)
        if word == "UNTIL" and run.inside:
            return until(run, i + 1, "END")
        if word in FLOW_ONLY and (run.inside or word in ("RETURN", "PRINT", "RAISERROR", "THROW", "BREAK", "CONTINUE")):
            return statement_end(run, i + 1, self.tsql)
        if run.is_(i + 1, TokenType.COLON_EQ) or word == "LET" or run.declaring:
            if word == "LET" or run.declaring:
                run.declare(i + (word == "LET"))
            return statement_end(run, i + 1, self.tsql)  # a variable: TODO(#14) carry its query into later statements
        return i

    def mysql_declare(self, run: Run, i: int) -> int:
        """MySQL's DECLARE (sqlglot does not parse it): a variable, a cursor, or a handler whose
        statement runs on an error; that statement is the body's like any other."""
        words = [run.word(j) for j in range(i + 1, min(i + 4, len(run.tokens)))]
        if "HANDLER" in words:
            start = through(run, i + 1, {"FOR"}) or i + 1
            return next((j for j in range(start, len(run.tokens)) if run.word(j) in MYSQL_STARTS), len(run.tokens))
        end = statement_end(run, i + 1, tsql=False)
        run.variables.update(declared(run.tokens[i:end]))
        return end

    def begin(self, run: Run, i: int) -> int:
        after = run.word(i + 1)
        if after in TRANSACTION or run.is_(i + 1, TokenType.SEMICOLON) or i + 1 == len(run.tokens):
            return i  # a transaction: an ordinary statement
        run.depth += 1
        run.declaring = False
        if after in ("TRY", "CATCH", "ATOMIC"):
            return i + 2
        return i + 3 if after == "NOT" and run.word(i + 2) == "ATOMIC" else i + 1

    def end(self, run: Run, i: int) -> int:
        run.depth = max(0, run.depth - 1)
        if run.outer and run.depth == run.outer[-1][0]:  # the END of a routine's body
            run.leave_routine()
        if self.tsql:
            return i + 1 + (run.word(i + 1) in ("TRY", "CATCH"))
        return statement_end(run, i + 1, tsql=False)

    def routine(self, run: Run, i: int) -> int:
        """`CREATE PROCEDURE|FUNCTION|TRIGGER ...`: the index of its body's first statement."""
        kind = next((run.word(j) for j in range(i, min(i + 14, len(run.tokens))) if run.word(j) in ROUTINES | NOT_ROUTINES or run.is_(j, TokenType.L_PAREN)), "")
        if kind not in ROUTINES:
            return i
        run.enter_routine(set() if self.tsql else parameters(run, i))  # T-SQL's are `@x`: never a column
        depth, j = 0, i + 1
        while j < len(run.tokens) and not (depth == 0 and run.is_(j, TokenType.SEMICOLON)):
            depth += run.is_(j, TokenType.L_PAREN) - run.is_(j, TokenType.R_PAREN)
            word = run.word(j)
            if depth == 0 and word in ("BEGIN", "DECLARE") and not self.tsql:
                return j  # its statements follow, to the END that closes it
            if depth == 0 and word in ("AS", "IS") and run.word(j - 1) != "EXECUTE" and j + 1 < len(run.tokens):
                after = self.routine_body(run, (i, j + 1), kind)
                if after != j + 1 or self.tsql:  # no body of statements follows (T-SQL's runs to `GO`)
                    run.leave_routine()
                return after
            j += 1
        run.leave_routine()
        return i

    def routine_body(self, run: Run, span: tuple[int, int], kind: str) -> int:
        start, body = span
        first = run.tokens[body]
        if first.token_type in QUOTED:
            end = statement_end(run, body + 1, tsql=False)
            language = next((run.word(j + 1) for j in range(start, end) if run.word(j) == "LANGUAGE"), "SQL")
            if language in SQL_LANGUAGES:
                self.body(first, in_body=True, variables=frozenset(run.variables))
            elif kind != "FUNCTION":  # a function in another language cannot query tables
                self.note(run.tokens[start].line, f"{kind.lower()} body in LANGUAGE {language.lower()} not analysed: its lineage is missing")
            return end
        if self.tsql:
            if run.word(body) not in TSQL_STARTS | TSQL_DML:
                return start  # `@param AS type`: not the body yet; let the statement parse as before
            run.routine = True
        elif run.is_(body, TokenType.L_PAREN):
            return start  # a SQL function's expression, not a body of statements
        run.declaring = isinstance(self.dia, Oracle) and run.word(body) != "BEGIN"
        run.depth += kind == "PACKAGE"  # its `END name;` closes no BEGIN
        return body

    def dynamic(self, run: Run, i: int) -> int:
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
        end = statement_end(run, j, self.tsql)
        literal = run.tokens[j] if j < len(run.tokens) else None
        if literal is not None and literal.token_type in QUOTED and literal_alone(run, j + 1, end):
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

    def emit(self, run: Run, tokens: list[Token]) -> None:
        if not tokens:
            return
        assigns: tuple[str, ...] = ()
        into = select_into(tokens) if run.inside and not self.tsql else None
        if into is not None:  # `SELECT ... INTO v FROM ...` fills variables: parsed without `INTO v`
            tokens, assigns = into
            if not assigns or not set(assigns) <= run.variables:
                return  # `INTO :v`, `INTO @v`, a record: variables this does not follow
        if word_of(tokens[0]) == "DECLARE":
            run.variables.update(declared(tokens))
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
            if start > 0 and depths[start] == 0 and word_of(statement.tokens[start]) in TSQL_DML:
                head, tail = statement.tokens[:start], statement.tokens[start:]
                return [replace(statement, tokens=head), replace(statement, line=tail[0].line, tokens=tail)]
        return None
    return None
