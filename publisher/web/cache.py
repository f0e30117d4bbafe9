"""HTTP caching tied to the release: ETags, the headers that let clients and proxies keep an
answer, 304s, and the one answer cache of the process.

A release never changes once published, so the same request on the same release gets the
same bytes. One cache per process keeps such answers in a bounded LRU, keyed by their ETag
— which :func:`etag_of` derives from the release version — plus the host and path they were
asked on, so any request negotiating the same representation reuses them. Beyond it,
``ETag`` and ``Cache-Control`` let a reverse proxy or a CDN keep answers too.

A new release gives new keys, so old answers are never replayed; they age out. The cache is
derived state only: any process can drop it at any time and processes behind a load
balancer need not agree, so the app still scales out. ``PUBLISHER_RESPONSE_CACHE_BYTES``
(default 64 MiB, 0 turns caching off) is the memory per process.

Framework-neutral: Flask routes use it through :mod:`publisher.web.answers`, the SPARQL
protocol function (:mod:`publisher.web.sparql_protocol`) directly.
"""
from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Hashable, Iterable

from werkzeug.http import parse_etags, unquote_etag

DEFAULT_MAX_BYTES = 64 * 1024 * 1024
DEFAULT_MAX_ENTRY_BYTES = 8 * 1024 * 1024
#: Seconds a client or a proxy may keep an answer of the release without asking again.
CACHE_SECONDS = 300
#: Headers of a rendered answer worth replaying (the rest is added per request).
_KEPT = {"content-type", "etag", "cache-control", "last-modified", "vary", "link",
         "content-location", "content-profile", "x-result-truncated", "x-result-limit"}


def etag_of(version: str, *parts: Any) -> str:
    """The ETag of a representation of release ``version`` described by ``parts``."""
    seed = "\x1f".join([version, *[str(p) for p in parts]])
    return hashlib.sha256(seed.encode()).hexdigest()[:24]


def cache_headers(etag: str, last_modified: str | None) -> list[tuple[str, str]]:
    """What makes an answer of the release cacheable: its ETag, max-age, Last-Modified."""
    headers = [("ETag", f'"{etag}"'), ("Cache-Control", f"public, max-age={CACHE_SECONDS}")]
    if last_modified:
        headers.append(("Last-Modified", last_modified))
    return headers


def unchanged(etag: str | None, method: str, if_none_match: str | None) -> bool:
    """Whether the client's If-None-Match already names this representation (then: 304)."""
    return bool(etag) and method in {"GET", "HEAD"} and parse_etags(if_none_match).contains(etag)


#: What a 304 leaves out of the answer's headers: it has no content (RFC 9110, 15.4.5).
_CONTENT_HEADERS = {"content-type", "content-length", "content-encoding", "content-range"}


def conditional(answer: "Rendered", method: str, if_none_match: str | None) -> "Rendered":
    """The answer, or, when the client already holds it, a 304 with the answer's headers
    (ETag, Vary, Content-Location, Cache-Control, Last-Modified, Link …) and no content."""
    etag = next((value for name, value in answer.headers if name.lower() == "etag"), None)
    if answer.status != 200 or etag is None:
        return answer
    if not unchanged(unquote_etag(etag)[0], method, if_none_match):
        return answer
    return Rendered(304, b"", tuple((name, value) for name, value in answer.headers
                                    if name.lower() not in _CONTENT_HEADERS))


@dataclass(frozen=True)
class Rendered:
    """What is replayed: status, body and the headers that belong to the representation."""

    status: int
    body: bytes
    headers: tuple[tuple[str, str], ...]

    @classmethod
    def of(cls, status: int, body: bytes, headers: Iterable[tuple[str, str]]) -> Rendered:
        """An answer with only the headers worth replaying."""
        return cls(status, body, tuple((name, value) for name, value in headers
                                       if name.lower() in _KEPT))

    @property
    def size(self) -> int:
        return len(self.body) + sum(len(k) + len(v) for k, v in self.headers) + 64


class RenderCache:
    """A thread-safe LRU of rendered answers bounded by bytes."""

    def __init__(self, max_bytes: int = DEFAULT_MAX_BYTES,
                 max_entry_bytes: int = DEFAULT_MAX_ENTRY_BYTES) -> None:
        self.max_bytes = max(0, max_bytes)
        self.max_entry_bytes = min(max_entry_bytes, self.max_bytes)
        self._entries: OrderedDict[Hashable, tuple[Rendered, int]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable) -> Rendered | None:
        with self._lock:
            kept = self._entries.get(key)
            if kept is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return kept[0]

    def put(self, key: Hashable, entry: Rendered) -> bool:
        """Keep ``entry`` unless it is bigger than an entry may be; evict the oldest. The
        key counts too: a long query string can outweigh a short answer."""
        size = entry.size + _key_size(key)
        if size > self.max_entry_bytes:
            return False
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= old[1]
            self._entries[key] = (entry, size)
            self._bytes += size
            while self._bytes > self.max_bytes and self._entries:
                _, (_, evicted) = self._entries.popitem(last=False)
                self._bytes -= evicted
        return True

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0

    @property
    def bytes_used(self) -> int:
        return self._bytes

    def __len__(self) -> int:
        return len(self._entries)


def _key_size(key: Hashable) -> int:
    parts = key if isinstance(key, tuple) else (key,)
    return 64 + sum(len(part) if isinstance(part, (str, bytes)) else 16 for part in parts)
