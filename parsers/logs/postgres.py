"""`lineage logs --from-postgres DSN`: pg_stat_statements read from a live server (psycopg, the `postgres` extra).

https://www.postgresql.org/docs/current/pgstatstatements.html: one row per (user, database, query),
with `calls`; it keeps no times, so first and last seen stay unknown. The DSN's password never
appears in a message or in the log's name.
"""

from __future__ import annotations

from collections.abc import Iterator

from lineage.errors import ConfigError
from lineage.observed import ObservedLog
from parsers.logs.ingest import Ingest, Known
from parsers.logs.layouts import BadRow, LogRow

_QUERY = (
    "SELECT r.rolname, d.datname, s.calls, s.query FROM pg_stat_statements s "
    "JOIN pg_roles r ON r.oid = s.userid JOIN pg_database d ON d.oid = s.dbid ORDER BY s.queryid, r.rolname, d.datname"
)


def read_pg_stat_statements(dsn: str, known: Known) -> ObservedLog:
    """Every pg_stat_statements row as a log row (its `calls` the executions)."""
    try:
        import psycopg
        from psycopg.conninfo import conninfo_to_dict
    except ImportError:
        raise ConfigError("--from-postgres needs psycopg", hint="pip install 'lineage[postgres]'") from None
    try:
        info = conninfo_to_dict(dsn)
    except psycopg.Error:
        raise ConfigError("--from-postgres: not a libpq connection string or URI") from None
    secret = str(info.get("password") or "")
    name = f"pg_stat_statements:{info.get('user') or ''}@{info.get('host') or 'localhost'}:{info.get('port') or 5432}/{info.get('dbname') or ''}"
    ingest = Ingest(name, "postgres", known)
    try:
        with psycopg.connect(dsn, connect_timeout=10, autocommit=True) as conn, conn.cursor() as cursor:
            cursor.execute(_QUERY)  # type: ignore[arg-type]
            ingest.add(_rows(cursor.fetchall()))
    except psycopg.Error as err:
        message = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise ConfigError(f"{name}: {message.replace(secret, '***') if secret else message}") from None
    return ingest.finish()


def _rows(rows: list[tuple[object, ...]]) -> Iterator[LogRow | BadRow]:
    for user, database, calls, query in rows:
        if query == "<insufficient privilege>":  # another user's query, hidden from a role without pg_read_all_stats
            yield BadRow("hidden: insufficient privilege")
        else:
            yield LogRow(str(query or ""), str(user), None, warehouse=str(database), count=int(str(calls)))
