"""Answers rendered once per release and replayed.

A release never changes once published, so the same request on the same release gets the
same bytes. One cache per process keeps such answers in a bounded LRU: :func:`answered` /
:func:`remember` keep a representation (a /doc page in one format and language, a SPARQL
result) keyed by its ETag — which :func:`publisher.web.common.etag_for` derives from the
release version — plus the host and path it was asked on, so any request negotiating the
same representation reuses it. Beyond it, ``ETag`` and ``Cache-Control`` let a reverse
proxy or a CDN keep answers too.

A new release gives new keys, so old answers are never replayed; they age out. The cache is
derived state only: any process can drop it at any time and processes behind a load
balancer need not agree, so the app still scales out. ``PUBLISHER_RESPONSE_CACHE_BYTES``
(default 64 MiB, 0 turns caching off) is the memory per process.
"""
from __future__ import annotations

import os
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Callable, Hashable

from flask import Response, current_app, request

from publisher.web.common import not_modified

DEFAULT_MAX_BYTES = 64 * 1024 * 1024
DEFAULT_MAX_ENTRY_BYTES = 8 * 1024 * 1024
_ENVIRONMENT = "PUBLISHER_RESPONSE_CACHE_BYTES"
_EXTENSION = "publisher.render-cache"
#: Headers of a rendered answer worth replaying (the rest is added per request).
_KEPT = {"content-type", "etag", "cache-control", "last-modified", "vary", "link",
         "content-location", "x-result-truncated", "x-result-limit"}


@dataclass(frozen=True)
class Rendered:
    """What is replayed: status, body and the headers that belong to the representation."""

    status: int
    body: bytes
    headers: tuple[tuple[str, str], ...]

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


def configured_max_bytes(settings: Any) -> int:
    """Memory per process for the cache: ``PUBLISHER_RESPONSE_CACHE_BYTES`` when set (it
    overrides the file, as every PUBLISHER_ variable does), else ``limits.response_cache_bytes``,
    else 64 MiB."""
    raw = os.environ.get(_ENVIRONMENT, "").strip()
    if raw:
        try:
            return int(raw)
        except ValueError:
            raise ValueError(f"{_ENVIRONMENT}={raw!r} is not a number of bytes") from None
    configured = getattr(getattr(settings, "limits", None), "response_cache_bytes", None)
    return configured if isinstance(configured, int) else DEFAULT_MAX_BYTES


def render_cache() -> RenderCache:
    """The app's cache, made on first use from its settings."""
    extensions = current_app.extensions
    cache = extensions.get(_EXTENSION)
    if cache is None:
        settings = extensions["publisher"].settings
        cache = extensions.setdefault(_EXTENSION,
                                      RenderCache(configured_max_bytes(settings)))
    return cache


def request_key(kind: str, etag: str | None, *parts: Hashable) -> tuple | None:
    """The key of this request's answer: the ETag (release and representation), the host
    and path it was asked on (links in pages depend on them), and ``parts``."""
    if not etag:
        return None
    return (kind, etag, request.host_url, request.full_path, *parts)


def answered(etag: str | None, key: tuple | None) -> Response | None:
    """A 304 when the client already holds this representation, else the remembered
    answer, else None (the caller renders it)."""
    unchanged = not_modified(etag)
    return unchanged if unchanged is not None else replay(key)


def replay(key: tuple | None) -> Response | None:
    """The remembered answer for ``key``, or None."""
    if key is None:
        return None
    entry = render_cache().get(key)
    if entry is None:
        return None
    response = Response(entry.body, status=entry.status)
    response.headers.clear()
    for name, value in entry.headers:
        response.headers.add(name, value)
    return response


def remember(key: tuple | None, response: Response) -> Response:
    """Keep a successful, complete answer for ``key``; returns the response unchanged."""
    if key is None or response.status_code != 200 or response.direct_passthrough:
        return response
    headers = tuple((name, value) for name, value in response.headers.items()
                    if name.lower() in _KEPT)
    render_cache().put(key, Rendered(response.status_code, response.get_data(), headers))
    return response


def answer_once(kind: str, etag: str | None, render: Callable[[], Response]) -> Response:
    """The answer for this request: a 304 or the remembered answer when there is one,
    else ``render()`` (which sets the caching headers), remembered for the release."""
    key = request_key(kind, etag)
    hit = answered(etag, key)
    return hit if hit is not None else remember(key, render())
