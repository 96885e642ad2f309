"""A local GitHub API stand-in: a real HTTP server on loopback that records every request and
answers like the comments endpoints (pages of 100, token checked, scripted failures), or as a
hostile server does: dripping its answer a byte at a time, streaming a body without end, or
redirecting elsewhere."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TypeVar
from urllib.parse import parse_qs, urlsplit

TOKEN = "ghp_test0123456789secret"


@dataclass(frozen=True)
class Drip:
    """Send each answer one byte every `interval` seconds, from its status line on or from its body on."""

    interval: float
    headers: bool


@dataclass(frozen=True)
class Flood:
    """Answer 200 with a body of JSON whitespace that never ends, or that declares and sends `declared` bytes."""

    declared: int | None = None


@dataclass(frozen=True)
class Recorded:
    method: str
    path: str
    authorization: str
    body: object


class GitHub(ThreadingHTTPServer):
    """GitHub's issue-comment endpoints on 127.0.0.1: records every request, answers as GitHub does."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.comments: list[dict[str, object]] = []
        self.requests: list[Recorded] = []
        self.failure: tuple[int, dict[str, str], dict[str, object]] | None = None
        self.page_size = 2  # GitHub pages too; small pages make the client follow Link headers
        self.link_host = ""  # when set, `next` links point there
        self.next_id = 1000
        self.moved: dict[str, str] = {}  # path prefix -> URL prefix it is redirected to (301), as for a renamed repository
        self.drip: Drip | None = None
        self.flood: Flood | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def add(self, body: str) -> dict[str, object]:
        comment: dict[str, object] = {"id": self.next_id, "body": body, "html_url": f"https://github.com/acme/shop/pull/7#issuecomment-{self.next_id}"}
        self.next_id += 1
        self.comments.append(comment)
        return comment


class _Handler(BaseHTTPRequestHandler):
    server: GitHub

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def do_PATCH(self) -> None:
        self._handle()

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length)) if length else None
        self.server.requests.append(Recorded(self.command, self.path, self.headers.get("Authorization") or "", body))
        if self.server.failure is not None:
            status, headers, payload = self.server.failure
            return self._send(status, payload, headers)
        for old, new in self.server.moved.items():
            if self.path.startswith(old):
                return self._send(301, {"message": "Moved Permanently"}, {"Location": new + self.path[len(old) :]})
        if self.server.flood is not None:
            return self._flood(self.server.flood.declared)
        if self.headers.get("Authorization") != f"Bearer {TOKEN}":
            return self._send(401, {"message": "Bad credentials", "documentation_url": "https://docs.github.com/rest"})
        url = urlsplit(self.path)
        if self.command == "GET" and url.path == "/repos/acme/shop/issues/7/comments":
            return self._page(int(parse_qs(url.query).get("page", ["1"])[0]))
        if self.command == "POST" and url.path == "/repos/acme/shop/issues/7/comments":
            return self._send(201, self.server.add(str(body["body"])))  # type: ignore[index]
        if self.command == "PATCH" and url.path.startswith("/repos/acme/shop/issues/comments/"):
            wanted = int(url.path.rsplit("/", 1)[1])
            for comment in self.server.comments:
                if comment["id"] == wanted:
                    comment["body"] = body["body"]  # type: ignore[index]
                    return self._send(200, comment)
        self._send(404, {"message": "Not Found", "documentation_url": "https://docs.github.com/rest"})

    def _page(self, page: int) -> None:
        size = self.server.page_size
        items = self.server.comments[(page - 1) * size : page * size]
        headers = {}
        if page * size < len(self.server.comments):
            host = self.server.link_host or self.server.url
            headers["Link"] = f'<{host}/repos/acme/shop/issues/7/comments?per_page=100&page={page + 1}>; rel="next"'
        self._send(200, items, headers)

    def _send(self, status: int, payload: object, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(payload).encode()
        fields = {"Content-Type": "application/json; charset=utf-8", "Content-Length": str(len(data)), **(headers or {})}
        head = f"HTTP/1.0 {status} {HTTPStatus(status).phrase}\r\n" + "".join(f"{k}: {v}\r\n" for k, v in fields.items()) + "\r\n"
        drip = self.server.drip
        if drip is None:
            self.wfile.write(head.encode() + data)
            return
        if not drip.headers:
            self.wfile.write(head.encode())
        try:
            for byte in (head.encode() if drip.headers else b"") + data:
                time.sleep(drip.interval)
                self.wfile.write(bytes([byte]))
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up waiting: what a bounded client does

    def _flood(self, declared: int | None) -> None:
        length = f"Content-Length: {declared}\r\n" if declared is not None else ""
        self.wfile.write(f"HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n{length}\r\n[".encode())
        chunk, sent = b" " * 2**16, 1
        try:
            while declared is None or sent < declared - 1:
                part = chunk[: None if declared is None else declared - 1 - sent]
                self.wfile.write(part)
                sent += len(part)
            self.wfile.write(b"]")
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client stopped reading: what a bounded client does


Served = TypeVar("Served", bound=ThreadingHTTPServer)


@contextmanager
def served(server: Served) -> Iterator[Served]:
    """SERVER answering on its loopback port from a thread, until the block ends."""
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@contextmanager
def github_stand_in() -> Iterator[GitHub]:
    with served(GitHub()) as server:
        yield server
