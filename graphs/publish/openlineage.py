"""Posting OpenLineage events to a server (Marquez, or any OpenLineage HTTP endpoint) through the
HTTP transport of the `openlineage-python` client (the `openlineage` extra).

The events are the dicts `graphs/render/openlineage.py` builds: the transport serialises them as they are.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from lineage.errors import ConfigError, LineageError

INSTALL = "pip install 'lineage[openlineage]'"


@dataclass(frozen=True, slots=True)
class Endpoint:
    url: str  # the server, e.g. http://localhost:5000; events go to its api/v1/lineage
    api_key: str = ""  # sent as a bearer token; from OPENLINEAGE_API_KEY, never printed
    seconds: float = 60.0  # each request's timeout


def post_events(events: Sequence[dict[str, object]], endpoint: Endpoint) -> int:
    """Post each event in turn; stops at the first the server refuses. Returns how many were posted."""
    try:
        from openlineage.client.transport.http import ApiKeyTokenProvider, HttpConfig, HttpTransport, TokenProvider
    except ImportError:
        raise ConfigError("--url needs the OpenLineage client, which is not installed", hint=INSTALL) from None
    import requests

    auth = ApiKeyTokenProvider({"apiKey": endpoint.api_key}) if endpoint.api_key else TokenProvider({})
    try:
        transport = HttpTransport(HttpConfig(url=endpoint.url, timeout=endpoint.seconds, auth=auth))
    except ValueError:
        raise ConfigError(f"--url '{endpoint.url}' is not an http(s) URL") from None
    posted = 0
    try:
        for event in events:
            transport.emit(event)  # type: ignore[arg-type]  # a plain dict: the client's Serde takes it as it is
            posted += 1
    except requests.RequestException as err:
        raise LineageError(f"{endpoint.url}: event {posted + 1} of {len(events)} not posted: {_reason(err)} ({posted} posted before it)") from None
    finally:
        transport.close()
    return posted


def _reason(err: Exception) -> str:
    import requests

    if isinstance(err, requests.HTTPError) and err.response is not None:
        return f"the server answered {err.response.status_code} {err.response.reason}"
    return type(err).__name__
