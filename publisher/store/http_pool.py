"""Keep-alive HTTP connections to one remote store, a bounded number of them.

Opening a TCP connection per query cost more than the query itself (4.8× a direct answer
for a lookup). A pool keeps up to ``size`` ``http.client`` connections to the store's host;
a request takes an idle one (or opens one while fewer than ``size`` exist, else waits for
one within its deadline) and gives it back only once the answer's body was read to its
end. A body left unread — a result cut at the row limit, an error, a timeout — closes the
connection instead, so no later request reads the rest of someone else's answer. An idle
connection the server closed meanwhile fails on its first use: the request is sent once
more on a fresh connection (only then: a fresh connection's failure is the store's).
"""
from __future__ import annotations

import http.client
import queue
import socket
import threading
import time
from typing import Mapping
from urllib.parse import urlsplit

#: Failures of a reused connection that mean "the server closed it while idle".
_STALE = (http.client.RemoteDisconnected, http.client.BadStatusLine, ConnectionResetError,
          ConnectionAbortedError, BrokenPipeError)


class PoolTimeout(TimeoutError):
    """No connection or no answer within the request's deadline."""


class Reply:
    """An answer being read. ``close()`` gives the connection back when the body was read
    to its end, and closes it otherwise; reads past the deadline raise PoolTimeout."""

    def __init__(self, pool: "Pool", connection: http.client.HTTPConnection,
                 response: http.client.HTTPResponse, deadline: float) -> None:
        self.pool = pool
        self.connection = connection
        self.response = response
        self.deadline = deadline
        self.status = response.status
        self.headers = response.headers
        self._done = False

    def header(self, name: str) -> str:
        return self.headers.get(name) or ""

    def read(self, size: int = -1) -> bytes:
        """Up to ``size`` bytes of the body (all of it by default) within the deadline."""
        if size is None or size < 0:
            chunks = []
            while True:
                chunk = self.read(65536)
                if not chunk:
                    return b"".join(chunks)
                chunks.append(chunk)
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise PoolTimeout("no answer within the time limit")
        sock = self.connection.sock
        if sock is not None:
            sock.settimeout(remaining)
        try:
            return self.response.read(size) if size else b""
        except socket.timeout:
            raise PoolTimeout("no answer within the time limit") from None

    def readinto(self, buffer) -> int:          # for readers that fill a buffer
        data = self.read(len(buffer))
        buffer[:len(data)] = data
        return len(data)

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        if self._done:
            return
        self._done = True
        if self.response.length == 0 and not self.response.isclosed():
            self.response.close()       # read to its end: the connection is free again
        if self.response.isclosed() and self.response.length in (0, None) \
                and not self.response.will_close:
            self.pool.give_back(self.connection)
        else:
            self.pool.discard(self.connection)

    def __enter__(self) -> "Reply":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class Pool:
    """Up to ``size`` keep-alive connections to the host of ``url``."""

    def __init__(self, url: str, size: int = 8) -> None:
        parts = urlsplit(url)
        self.https = parts.scheme.lower() == "https"
        self.host = parts.hostname or "localhost"
        self.port = parts.port or (443 if self.https else 80)
        self.size = max(1, size)
        self._idle: queue.LifoQueue[http.client.HTTPConnection] = queue.LifoQueue()
        self._count = 0
        self._cond = threading.Condition()
        self.opened = 0                     # connections opened in the pool's life

    # connections -----------------------------------------------------------
    def _take(self, deadline: float) -> tuple[http.client.HTTPConnection, bool]:
        """An idle connection (reused: True) or a new one; PoolTimeout past the deadline."""
        with self._cond:
            while True:
                try:
                    return self._idle.get_nowait(), True
                except queue.Empty:
                    pass
                if self._count < self.size:
                    self._count += 1
                    break
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise PoolTimeout("every connection to the store is busy")
                self._cond.wait(remaining)
        kind = http.client.HTTPSConnection if self.https else http.client.HTTPConnection
        self.opened += 1
        connection = kind(self.host, self.port, timeout=max(0.001, deadline - time.monotonic()))
        try:
            connection.connect()
            # http.client writes the head and the body in two sends: without NODELAY the
            # body waits for the store's delayed ACK of the head (milliseconds per query)
            connection.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except BaseException:
            self.discard(connection)
            raise
        return connection, False

    def give_back(self, connection: http.client.HTTPConnection) -> None:
        with self._cond:
            self._idle.put(connection)
            self._cond.notify()

    def discard(self, connection: http.client.HTTPConnection) -> None:
        connection.close()
        with self._cond:
            self._count -= 1
            self._cond.notify()

    @property
    def idle(self) -> int:
        return self._idle.qsize()

    def close(self) -> None:
        """Close the idle connections (busy ones close when their request ends)."""
        while True:
            try:
                connection = self._idle.get_nowait()
            except queue.Empty:
                return
            self.discard(connection)

    # requests --------------------------------------------------------------
    def open(self, method: str, target: str, body: bytes | None, headers: Mapping[str, str],
             timeout: float) -> Reply:
        """Send one request and return its answer once its head arrived, within
        ``timeout`` seconds (the body's reads share that deadline). Raises PoolTimeout, or
        OSError / http.client.HTTPException when the store fails. Close the reply."""
        deadline = time.monotonic() + timeout
        for attempt in (0, 1):
            connection, reused = self._take(deadline)
            try:
                connection.timeout = max(0.001, deadline - time.monotonic())
                if connection.sock is not None:
                    connection.sock.settimeout(connection.timeout)
                connection.request(method, target, body=body, headers=dict(headers))
                response = connection.getresponse()
            except _STALE:
                self.discard(connection)
                if reused and attempt == 0:
                    continue
                raise
            except socket.timeout:
                self.discard(connection)
                raise PoolTimeout("no answer within the time limit") from None
            except BaseException:
                self.discard(connection)
                raise
            return Reply(self, connection, response, deadline)
        raise AssertionError("unreachable")

    def request(self, method: str, target: str, body: bytes | None, headers: Mapping[str, str],
                timeout: float) -> tuple[int, http.client.HTTPMessage, bytes]:
        """Send one request and read its whole answer: (status, headers, body)."""
        with self.open(method, target, body, headers, timeout) as reply:
            return reply.status, reply.headers, reply.read()
