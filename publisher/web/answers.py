"""Answering a Flask request from the release: its ETag, a 304, the remembered answer, or a
new one that is remembered (:mod:`publisher.web.cache` holds them)."""
from __future__ import annotations

from typing import Any, Callable, Hashable

from flask import Response, current_app, request

from publisher.web.cache import Rendered, RenderCache, cache_headers, conditional, etag_of
from publisher.web.context import publisher, store

_EXTENSION = "publisher.render-cache"


def release_version() -> str | None:
    """The store's release version; a store that is down or slow fails the request here
    (503), before any real work."""
    return store().version


def etag_for(*parts: Any) -> str | None:
    version = release_version()
    return None if version is None else etag_of(version, *parts)


def response_of(answer: Rendered) -> Response:
    """A framework-neutral answer as a Flask response (a 304 keeps no content type)."""
    response = Response(answer.body, status=answer.status, headers=list(answer.headers))
    if answer.status == 304:
        response.headers.pop("Content-Type", None)
    return response


def for_this_request(answer: Rendered) -> Response:
    """The answer, or its 304 when the request's If-None-Match names it."""
    return response_of(conditional(answer, request.method, request.headers.get("If-None-Match")))


def cacheable(response: Response, etag: str | None, vary: list[str] | None = None) -> Response:
    if etag:
        for name, value in cache_headers(etag, publisher().last_modified()):
            response.headers[name] = value
    if vary:
        if "Vary" in response.headers:
            for header in vary:
                response.vary.add(header)
        else:
            response.headers["Vary"] = ", ".join(vary)
    return response


def render_cache() -> RenderCache:
    """The app's answer cache, made on first use from its settings."""
    extensions = current_app.extensions
    cache = extensions.get(_EXTENSION)
    if cache is None:
        settings = extensions["publisher"].settings
        cache = extensions.setdefault(_EXTENSION,
                                      RenderCache(settings.limits.response_cache_bytes))
    return cache


def request_key(kind: str, etag: str | None, *parts: Hashable) -> tuple | None:
    """The key of this request's answer: the ETag (release and representation), the host
    and path it was asked on (links in pages depend on them), and ``parts``."""
    if not etag:
        return None
    return (kind, etag, request.host_url, request.full_path, *parts)


def answered(etag: str | None, key: tuple | None) -> Response | None:
    """The remembered answer for ``key`` (its 304 when the client holds it), or None: the
    caller renders it."""
    if key is None:
        return None
    entry = render_cache().get(key)
    return None if entry is None else for_this_request(entry)


def remember(key: tuple | None, response: Response) -> Response:
    """Keep a successful, complete answer for ``key``; returns it, or its 304 when the
    client already holds it (the 304 carries the answer's headers)."""
    if response.status_code != 200 or response.direct_passthrough:
        return response
    answer = Rendered.of(200, response.get_data(), response.headers.items())
    if key is not None:
        render_cache().put(key, answer)
    if conditional(answer, request.method, request.headers.get("If-None-Match")) is answer:
        return response
    return for_this_request(answer)


def answer_once(kind: str, etag: str | None, render: Callable[[], Response]) -> Response:
    """The answer for this request: a 304 or the remembered answer when there is one,
    else ``render()`` (which sets the caching headers), remembered for the release."""
    key = request_key(kind, etag)
    hit = answered(etag, key)
    return hit if hit is not None else remember(key, render())
