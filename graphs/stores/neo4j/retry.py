"""How the Neo4j store rides out a lost connection: which failures deserve a retry, how often, how patiently.

A write transaction is all-or-nothing on the server, so a retry re-runs the whole of it in a new
transaction (`Neo4jStore` keeps what it wrote so far for that). Only `neo4j_store` imports this.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from neo4j.exceptions import DriverError, Neo4jError, ServiceUnavailable, SessionExpired

from lineage.errors import ConfigError

RETRIES_ENV = "LINEAGE_NEO4J_RETRIES"
BACKOFF_ENV = "LINEAGE_NEO4J_BACKOFF"
DEFAULT_RETRIES = 3
DEFAULT_BACKOFF = 0.5  # seconds before the first retry; 0.5, 1, 2: a restarting server gets 3.5 s
CEILING = 8.0


@dataclass(frozen=True, slots=True)
class Retry:
    """Up to `retries` re-runs after a transient failure, the first after `backoff` seconds, then doubling."""

    retries: int = DEFAULT_RETRIES
    backoff: float = DEFAULT_BACKOFF

    def delay(self, done: int) -> float:
        """Seconds to wait before the retry that follows `done` earlier ones."""
        return min(CEILING, self.backoff * (1 << min(done, 16)))

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Retry:
        """From LINEAGE_NEO4J_RETRIES (a count) and LINEAGE_NEO4J_BACKOFF (seconds); unset means the defaults."""
        return cls(int(_number(env, RETRIES_ENV, "a whole number", DEFAULT_RETRIES)), _number(env, BACKOFF_ENV, "a number of seconds", DEFAULT_BACKOFF))


def _number(env: Mapping[str, str], name: str, what: str, default: float) -> float:
    text = env.get(name, "").strip()
    if not text:
        return default
    try:
        value = int(text) if isinstance(default, int) else float(text)
    except ValueError:
        value = -1
    if not 0 <= value <= 1000:
        raise ConfigError(f"{name} must be {what} from 0 to 1000, not '{text}'")
    return value


def transient(err: Exception) -> bool:
    """Worth re-running the transaction: the connection went away, or the server says try again.

    That includes IncompleteCommit (the connection dropped while a commit was answered), which the
    driver calls not retryable because the commit may have landed: ours only replace each source's
    facts with the same facts, so running the transaction a second time leaves the same graph.
    """
    if isinstance(err, (ServiceUnavailable, SessionExpired)):
        return True
    return isinstance(err, (Neo4jError, DriverError)) and err.is_retryable()
