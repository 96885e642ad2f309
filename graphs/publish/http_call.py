"""One bounded HTTP call: a total deadline, a cap on the answer's size, redirects followed on the same origin only.

urllib alone bounds none of these: its timeout is per socket operation, so a server that sends a
byte every few seconds holds a call forever; `read()` takes a body of any size; and its redirect
handler copies every header, `Authorization` included, to whatever host the `Location` names.
Connect, TLS handshake and `sendall` each spend at most the time left (CPython counts a whole
handshake or `sendall` against one timeout); every read of the answer, status line and headers
included, gets only what is left of the call's time. DNS resolution is the one step not bounded.
"""

from __future__ import annotations

import functools
import http.client
import io
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import Message
from typing import IO
from urllib.parse import urlsplit

from lineage.errors import ConfigError

TIMEOUT_ENV = "LINEAGE_HTTP_TIMEOUT"
DEFAULT_SECONDS = 60.0
MAX_BYTES = 10 * 2**20
_CHUNK = 2**16
_DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True, slots=True)
class HttpLimits:
    seconds: float = DEFAULT_SECONDS  # for the whole call: connect, send, redirects, the answer read to its end
    max_bytes: int = MAX_BYTES

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> HttpLimits:
        """The deadline from LINEAGE_HTTP_TIMEOUT (seconds); unset means 60."""
        text = env.get(TIMEOUT_ENV, "").strip()
        if not text:
            return cls()
        try:
            seconds = float(text)
        except ValueError:
            seconds = -1.0
        if not 0 < seconds <= 3600:
            raise ConfigError(f"{TIMEOUT_ENV} must be a number of seconds above 0 and up to 3600, not '{text}'")
        return cls(seconds)


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    headers: Message
    body: bytes


class Refused(Exception):
    """The call was cut short: a limit was reached, or what came back was not HTTP."""


class TimedOut(Refused):
    pass


class TooLarge(Refused):
    pass


class Malformed(Refused):
    """What came back is not a well-formed HTTP answer (too many or too long headers, a cut chunk)."""


class CrossOrigin(Refused):
    def __init__(self, origin: str) -> None:
        super().__init__(origin)
        self.origin = origin


def origin(url: str) -> str:
    """scheme://host:port, the port spelt out even when it is the scheme's default."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port or _DEFAULT_PORTS.get(scheme, 0)
    except ValueError:
        port = 0
    return f"{scheme}://{(parts.hostname or '').lower()}:{port}"


def same_origin(url: str, other: str) -> bool:
    return origin(url) == origin(other)


def call(request: urllib.request.Request, limits: HttpLimits) -> Answer:
    """Send `request` and read its answer whole within `limits`; an HTTP error status is an answer too.

    Raises a `Refused` when a limit cuts the call short or the answer is not HTTP, and OSError
    (urllib.error.URLError among them) when the server cannot be reached.
    """
    deadline = _Deadline(limits.seconds)
    opener = urllib.request.build_opener(_SameOrigin(), _HTTPHandler(deadline), _HTTPSHandler(deadline))
    try:
        try:
            response: http.client.HTTPResponse | urllib.error.HTTPError = opener.open(request, timeout=deadline.remaining())
        except urllib.error.HTTPError as err:
            response = err
        with response:
            return Answer(response.status or 0, response.headers, _read_capped(response, limits.max_bytes))
    except urllib.error.URLError as err:
        if isinstance(err.reason, TimeoutError):
            raise TimedOut() from None
        raise
    except TimeoutError:
        raise TimedOut() from None
    except http.client.HTTPException as err:
        raise Malformed(type(err).__name__) from None


def _read_capped(response: http.client.HTTPResponse | urllib.error.HTTPError, max_bytes: int) -> bytes:
    """The body, refused as soon as it passes `max_bytes`: declared or streamed, it is never held whole."""
    declared = response.headers.get("Content-Length") or ""
    if declared.strip().isdigit() and int(declared) > max_bytes:
        raise TooLarge()
    parts: list[bytes] = []
    size = 0
    while chunk := response.read(_CHUNK):
        size += len(chunk)
        if size > max_bytes:
            raise TooLarge()
        parts.append(chunk)
    return b"".join(parts)


class _Deadline:
    def __init__(self, seconds: float) -> None:
        self._end = time.monotonic() + seconds

    def remaining(self) -> float:
        left = self._end - time.monotonic()
        if left <= 0:
            raise TimeoutError("deadline passed")
        return left

    def arm(self, sock: socket.socket) -> socket.socket:
        sock.settimeout(self.remaining())
        return sock


class _ArmedReader(io.RawIOBase):
    """The response's socket reader, each read given only what is left of the call's time."""

    def __init__(self, raw: io.RawIOBase, sock: socket.socket, deadline: _Deadline) -> None:
        super().__init__()
        self._raw, self._sock, self._deadline = raw, sock, deadline

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int | None:  # type: ignore[override]
        self._deadline.arm(self._sock)
        return self._raw.readinto(buffer)

    def close(self) -> None:
        self._raw.close()  # releases the socket's reference, as the reader it replaces did
        super().close()


class _Response(http.client.HTTPResponse):
    def __init__(self, sock: socket.socket, *args: object, deadline: _Deadline, **kwargs: object) -> None:
        super().__init__(sock, *args, **kwargs)  # type: ignore[arg-type]
        # detach, not drop: dropping the old buffered reader would close the socket's file under us
        self.fp = io.BufferedReader(_ArmedReader(self.fp.detach(), sock, deadline))


class _Connection(http.client.HTTPConnection):
    """A connection whose connect, sends and reads all spend from one deadline."""

    def __init__(self, *args: object, deadline: _Deadline, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._deadline = deadline
        self.response_class = functools.partial(_Response, deadline=deadline)  # type: ignore[assignment]
        self._create_connection = self._connect_within

    def _connect_within(self, address: tuple[str, int], timeout: float, source: tuple[str, int] | None = None) -> socket.socket:
        # armed again once connected: the TLS handshake that follows gets only what is left
        return self._deadline.arm(socket.create_connection(address, self._deadline.remaining(), source))

    def send(self, data: object) -> None:
        if self.sock is not None:
            self._deadline.arm(self.sock)
        super().send(data)  # type: ignore[arg-type]


class _TLSConnection(_Connection, http.client.HTTPSConnection):
    pass


class _HTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, deadline: _Deadline) -> None:
        super().__init__()
        self._deadline = deadline

    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(functools.partial(_Connection, deadline=self._deadline), req)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, deadline: _Deadline) -> None:
        super().__init__()
        self._deadline = deadline

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(functools.partial(_TLSConnection, deadline=self._deadline), req, context=self._context)  # type: ignore[attr-defined]


class _SameOrigin(urllib.request.HTTPRedirectHandler):
    """Follows a redirect on the request's own origin; refuses one elsewhere before it is sent.

    urllib would resend every header there, the token in `Authorization` too.
    """

    def redirect_request(self, req: urllib.request.Request, fp: IO[bytes], code: int, msg: str, headers: http.client.HTTPMessage, newurl: str) -> urllib.request.Request | None:
        if not same_origin(req.full_url, newurl):
            fp.close()
            raise CrossOrigin(origin(newurl))
        return super().redirect_request(req, fp, code, msg, headers, newurl)
