"""A TCP forwarder on 127.0.0.1 between a client and a server, which cuts connections on command.

Tests put it between the Neo4j driver and the real server to lose the connection at a chosen
moment: when the client sends a given byte string (a Cypher query travels as UTF-8 text in a
Bolt RUN message), the connection is reset on both sides and those bytes never reach the server.
"""

from __future__ import annotations

import socket
import struct
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass
class Cut:
    """Reset a connection when the client sends `marker`: after letting `skip` sightings through, `times` times (-1: always)."""

    marker: bytes
    skip: int = 0
    times: int = 1
    then_down: bool = False  # after the cut, the server is gone: every connection is reset, now and later


class TcpProxy:
    def __init__(self, upstream: tuple[str, int]) -> None:
        self.upstream = upstream
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._listener.getsockname()[1]
        self._lock = threading.Lock()
        self._cut: Cut | None = None
        self._open: set[socket.socket] = set()
        self._threads: list[threading.Thread] = []
        self.down = False  # when set, every new connection is reset at once, as by a server that is gone
        self.cuts = 0  # connections reset because of a `Cut`
        self.refused = 0  # connections reset because the proxy was `down`

    def cut(self, rule: Cut | None) -> None:
        with self._lock:
            self._cut = rule

    def go_down(self) -> None:
        """From now on, as if the server were gone: reset every open connection and every new one."""
        self.down = True
        with self._lock:
            for sock in list(self._open):
                _reset(sock)
            self._open.clear()

    def start(self) -> None:
        self._spawn(self._accept)

    def close(self) -> None:
        _reset(self._listener)  # shutdown() wakes the accept() that close() alone would leave blocked
        with self._lock:
            for sock in list(self._open):
                _reset(sock)
            self._open.clear()
        for thread in self._threads:
            thread.join(timeout=5)

    def _spawn(self, target: object, *args: object) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True)  # type: ignore[arg-type]
        self._threads.append(thread)
        thread.start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return  # closed
            if self.down:
                with self._lock:
                    self.refused += 1
                _reset(client)
                continue
            try:
                server = socket.create_connection(self.upstream)
            except OSError:
                _reset(client)
                continue
            with self._lock:
                self._open |= {client, server}
            self._spawn(self._pump, client, server, True)
            self._spawn(self._pump, server, client, False)

    def _pump(self, source: socket.socket, sink: socket.socket, from_client: bool) -> None:
        tail = b""
        while True:
            try:
                data = source.recv(65536)
            except OSError:
                data = b""
            if not data:
                self._drop(source, sink)
                return
            rule = self._cut if from_client and self._should_cut(tail, data) else None
            if rule is not None:
                self._drop(source, sink)
                if rule.then_down:
                    self.go_down()
                return
            tail = (tail + data)[-4096:]
            try:
                sink.sendall(data)
            except OSError:
                self._drop(source, sink)
                return

    def _should_cut(self, tail: bytes, data: bytes) -> bool:
        with self._lock:
            rule = self._cut
            if rule is None or rule.times == 0:
                return False
            # a marker split between two reads counts, one wholly in the earlier read was counted then
            overlap = tail[len(tail) - len(rule.marker) + 1 :] if len(rule.marker) > 1 else b""
            if rule.marker not in overlap + data:
                return False
            if rule.skip > 0:
                rule.skip -= 1
                return False
            if rule.times > 0:
                rule.times -= 1
            self.cuts += 1
            return True

    def _drop(self, *socks: socket.socket) -> None:
        with self._lock:
            for sock in socks:
                if sock in self._open:
                    self._open.discard(sock)
                    _reset(sock)


def _reset(sock: socket.socket) -> None:
    """Close at once, with an RST where the kernel can: the peer sees the connection drop.

    shutdown() first: close() alone waits for the other pump thread's recv() on the same socket, so
    the server would not learn that its client is gone (and would keep the transaction open).
    """
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    sock.close()


@contextmanager
def proxy_to(uri: str) -> Iterator[TcpProxy]:
    """A running proxy to the server of a `bolt://host:port` URI; its own URI is `bolt://127.0.0.1:<proxy.port>`."""
    host, _, port = uri.split("://", 1)[1].rpartition(":")
    proxy = TcpProxy((host, int(port)))
    proxy.start()
    try:
        yield proxy
    finally:
        proxy.close()
