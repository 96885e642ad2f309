"""Each warehouse's documented log columns, and one row of any of them as a `LogRow`.

- Snowflake: ACCOUNT_USAGE.QUERY_HISTORY, joined (where exported) with ACCESS_HISTORY's
  BASE_OBJECTS_ACCESSED / OBJECTS_MODIFIED, https://docs.snowflake.com/en/sql-reference/account-usage/query_history
  and https://docs.snowflake.com/en/sql-reference/account-usage/access_history
- BigQuery: INFORMATION_SCHEMA.JOBS, https://cloud.google.com/bigquery/docs/information-schema-jobs
- PostgreSQL: pg_stat_statements (with rolname joined from pg_roles), https://www.postgresql.org/docs/current/pgstatstatements.html,
  and the csvlog, https://www.postgresql.org/docs/current/runtime-config-logging.html#RUNTIME-CONFIG-LOGGING-CSVLOG
- Redshift: SYS_QUERY_HISTORY, https://docs.aws.amazon.com/redshift/latest/dg/SYS_QUERY_HISTORY.html
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone

FORMATS = ("snowflake", "bigquery", "postgres", "redshift")
DIALECTS = {"snowflake": "snowflake", "bigquery": "bigquery", "postgres": "postgres", "redshift": "redshift"}


@dataclass(frozen=True, slots=True)
class Layout:
    """Which column holds each field (names compared in lower case); the first present wins."""

    text: tuple[str, ...]
    user: tuple[str, ...]
    time: tuple[str, ...]
    role: tuple[str, ...] = ()
    warehouse: tuple[str, ...] = ()
    application: tuple[str, ...] = ()
    count: tuple[str, ...] = ()  # executions the row stands for (pg_stat_statements' calls); else 1
    status: tuple[str, ...] = ()
    ok: tuple[str, ...] = ()  # the status values of a query that ran to the end (lower case)
    error: tuple[str, ...] = ()  # a column that is empty when the query succeeded
    accessed: tuple[str, ...] = ()  # Snowflake's column-level reads, used instead of parsing
    modified: tuple[str, ...] = ()
    cap: int = 0  # the warehouse cuts query text at this many characters (0: never)


LAYOUTS = {
    "snowflake": Layout(
        text=("query_text",), user=("user_name",), time=("start_time", "query_start_time"), role=("role_name",),
        warehouse=("warehouse_name",), application=("query_tag",), status=("execution_status",), ok=("success",),
        accessed=("base_objects_accessed",), modified=("objects_modified",), cap=100_000,
    ),
    "bigquery": Layout(
        text=("query",), user=("user_email", "principal_subject"), time=("start_time", "creation_time"),
        warehouse=("reservation_id",), status=("state",), ok=("done",), error=("error_result",),
    ),
    "postgres": Layout(
        text=("query",), user=("rolname", "usename", "user_name", "userid"), time=("stats_since", "log_time"),
        warehouse=("datname",), application=("application_name",), count=("calls",),
    ),
    "redshift": Layout(
        text=("query_text",), user=("user_name", "usename", "user_id"), time=("start_time",), warehouse=("database_name",),
        application=("query_label",), status=("status",), ok=("success",), error=("error_message",), cap=4_000,
    ),
}

# PostgreSQL's csvlog has no header: its columns by position (PostgreSQL 13+ appends backend_type, 14+ leader_pid and query_id).
CSVLOG_COLUMNS = (
    "log_time", "user_name", "database_name", "process_id", "connection_from", "session_id", "session_line_num",
    "command_tag", "session_start_time", "virtual_transaction_id", "transaction_id", "error_severity",
    "sql_state_code", "message", "detail", "hint", "internal_query", "internal_query_pos", "context", "query",
    "query_pos", "location", "application_name", "backend_type", "leader_pid", "query_id",
)
# what log_statement = all and log_min_duration_statement write: `statement: ...`, `execute S_1: ...`
_CSVLOG_STATEMENT = re.compile(r"^(?:duration: [\d.]+ ms\s+)?(?:statement|execute [^:]*): (.*)\Z", re.DOTALL)


def csvlog_statement(message: str) -> str | None:
    found = _CSVLOG_STATEMENT.match(message)
    return found.group(1) if found else None


@dataclass(frozen=True, slots=True)
class LogRow:
    text: str
    user: str
    time: datetime | None
    role: str = ""
    warehouse: str = ""
    application: str = ""
    count: int = 1
    accessed: str = ""  # Snowflake ACCESS_HISTORY JSON, as exported
    modified: str = ""


class BadRow(Exception):
    """A row that cannot be used; `reason` is what the summary counts it under."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


_OFFSET = re.compile(r"\s*(?:([+-]\d\d):?(\d\d)|(?:UTC|Z))$")


def parse_time(text: str) -> datetime | None:
    """`2026-11-30 14:02:11.123 -0800`, `...+00:00`, `... UTC`, ISO 8601: a UTC datetime; "" is None."""
    text = text.strip()
    if not text:
        return None
    offset = _OFFSET.search(text)
    if offset:
        zone = f"{offset.group(1)}:{offset.group(2)}" if offset.group(1) else "+00:00"
        text = text[: offset.start()] + zone
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise BadRow("unreadable time") from None
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


def iso(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ") if value is not None else ""


class Columns:
    """A layout's fields found among one file's column names: each field's index, or -1."""

    def __init__(self, layout: Layout, names: list[str]) -> None:
        lower = {n.strip().lower(): i for i, n in reversed(list(enumerate(names)))}
        self.layout = layout
        self.width = len(names)

        def at(options: tuple[str, ...]) -> int:
            return next((lower[o] for o in options if o in lower), -1)

        self.text, self.user, self.time, self.role = at(layout.text), at(layout.user), at(layout.time), at(layout.role)
        self.warehouse, self.application, self.count = at(layout.warehouse), at(layout.application), at(layout.count)
        self.status, self.error = at(layout.status), at(layout.error)
        self.accessed, self.modified = at(layout.accessed), at(layout.modified)

    def missing(self) -> list[str]:
        return [f"{what} ({', '.join(names).upper()})" for what, index, names in (("query text", self.text, self.layout.text), ("user", self.user, self.layout.user)) if index < 0]

    def row(self, values: list[str | None]) -> LogRow:
        """One row's values in file order; None where a value is absent (a short CSV row, a JSON null)."""
        if len(values) < self.width:  # a CSV row cut short (JSON fills every column)
            raise BadRow("truncated row")
        values = [*values, ""]  # index -1 (a field this file has no column for): ""
        status, error = values[self.status] or "", values[self.error] or ""
        if self.status >= 0 and self.layout.ok and status.strip().lower() not in self.layout.ok:
            raise BadRow("did not succeed")
        if error.strip() not in ("", "null", "None", "{}"):
            raise BadRow("did not succeed")
        text = values[self.text] or ""
        if not text.strip():
            raise BadRow("no query text")
        count = (values[self.count] or "").strip() if self.count >= 0 else "1"
        return LogRow(
            text, (values[self.user] or "").strip(), parse_time(values[self.time] or ""), (values[self.role] or "").strip(),
            (values[self.warehouse] or "").strip(), (values[self.application] or "").strip(), int(count) if count.isdigit() else 1,
            values[self.accessed] or "", values[self.modified] or "",
        )
