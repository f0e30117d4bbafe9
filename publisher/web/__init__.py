"""The linked-data web app: SPARQL, dereferenceable URIs, HTML pages, dumps.

`create_app(settings=None, store=None)` builds a Flask app from the configuration and a
:class:`publisher.store.Store`; the app keeps no state of its own beyond the store, so any
number of processes can serve it behind a load balancer.
"""
from __future__ import annotations

import logging
import os
import re
from pathlib import Path
from typing import Any

from flask import Flask, Response, request
from werkzeug.exceptions import HTTPException, MethodNotAllowed, RequestEntityTooLarge

from publisher.config import Settings, load_settings
from publisher.store import (NoRelease, QueryMemoryLimit, QueryRefused, QuerySyntaxError,
                             QueryTimeout, QueryTooComplex, Store, StoreError,
                             StoreUnavailable, open_store)

MAX_URL_LENGTH = 8192
#: Seconds a client may take for each read of its request body: a body sent a byte at a
#: time, or a chunk size announced and never sent, must not hold a connection for ever.
BODY_SECONDS = 10
_BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_HOST = re.compile(r"(?:[A-Za-z0-9_.-]{1,253}|\[[0-9A-Fa-f:.]{2,45}\])(?::\d{1,5})?")
log = logging.getLogger("publisher.web")
#: Headers every answer carries (unless the view set them): CORS for scripts on other
#: sites, and no content sniffing.
COMMON_HEADERS = (
    ("Access-Control-Allow-Origin", "*"),
    ("Access-Control-Expose-Headers", "ETag, Content-Length, Content-Range, Content-Location, "
                                      "Link, Retry-After, X-Result-Truncated, X-Result-Limit"),
    ("X-Content-Type-Options", "nosniff"),
)


def _rewrite_setting(settings: Settings, explicit: bool | None) -> bool:
    if explicit is not None:
        return explicit
    configured = getattr(settings, "rewrite_links", None)
    if isinstance(configured, bool):
        return configured
    env = os.environ.get("PUBLISHER_REWRITE_LINKS")
    if env is not None:
        return env.strip().lower() in {"1", "true", "yes", "on"}
    return True


def create_app(settings: Settings | None = None, store: Store | None = None, *,
               release: Path | str | None = None, rewrite_links: bool | None = None) -> Flask:
    """The app factory. `release` serves a given release folder instead of
    `releases/latest`; `rewrite_links` (default on) maps links onto the host answering."""
    from publisher.web import dumps, pages, resources, sparql, validation
    from publisher.web.common import Publisher

    settings = settings or load_settings()
    release_path = Path(release) if release else settings.releases_dir / "latest"
    if store is None:
        store = open_store(settings.store_url, settings, release=release)
    app = Flask(__name__)
    app.config.update(
        MAX_CONTENT_LENGTH=settings.limits.request_max_bytes,
        MAX_FORM_MEMORY_SIZE=settings.limits.request_max_bytes,
        JSON_SORT_KEYS=False,
    )
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.extensions["publisher"] = Publisher(settings, store, release_path,
                                            _rewrite_setting(settings, rewrite_links))
    for blueprint in (sparql.bp, resources.bp, pages.bp, dumps.bp, validation.bp):
        app.register_blueprint(blueprint)
    _install_guards(app)
    _install_error_handlers(app)
    return app


def url_refusal(environ: dict, path: str) -> tuple[int, str] | None:
    """What is wrong with the request's URL as sent (too long: 414; a malformed
    percent-encoding: 400), or None."""
    raw = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    query = environ.get("QUERY_STRING", "")
    length = len(raw) if raw else len(path) + len(query)
    if length > MAX_URL_LENGTH:
        return 414, (f"The URL is longer than {MAX_URL_LENGTH} characters; send long "
                     "queries with POST.")
    if (raw and _BAD_PERCENT.search(raw)) or _BAD_PERCENT.search(query):
        return 400, "The URL has a malformed percent-encoding."
    return None


def _install_guards(app: Flask) -> None:
    @app.before_request
    def refuse_malformed_requests() -> Response | None:
        from publisher.web.common import error_response

        refused = url_refusal(request.environ, request.path)
        if refused is not None:
            return error_response(*refused)
        if "\ufffd" in request.path:
            return error_response(400, "The URL path is not valid UTF-8.")
        if (request.environ.get("SERVER_PROTOCOL") == "HTTP/1.1"
                and not request.environ.get("HTTP_HOST")):
            return error_response(400, "An HTTP/1.1 request needs a Host header.")
        if not _HOST.fullmatch(request.host or ""):
            return error_response(400, "The Host header is not a valid host name.")
        if request.method in ("POST", "PUT", "PATCH"):
            _bound_body_reads(request.environ)
        declared = request.content_length
        limit = request.max_content_length     # an endpoint may have raised it (uploads)
        if declared is not None and limit and declared > limit:
            return error_response(413, f"The request body is larger than {limit} bytes.")
        return None

    @app.after_request
    def common_headers(response: Response) -> Response:
        headers = response.headers
        for name, value in COMMON_HEADERS[:2]:
            headers.setdefault(name, value)
        if request.method == "OPTIONS":
            headers["Access-Control-Allow-Methods"] = "GET, HEAD, POST, OPTIONS"
            headers["Access-Control-Allow-Headers"] = (
                request.headers.get("Access-Control-Request-Headers")
                or "Accept, Content-Type, If-None-Match")[:512]
            headers["Access-Control-Max-Age"] = "86400"
        headers.setdefault(*COMMON_HEADERS[2])
        if response.mimetype == "text/html":
            headers.setdefault(
                "Content-Security-Policy",
                "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
                "font-src 'self' data:; connect-src 'self'; frame-ancestors 'self'; "
                "base-uri 'self'; form-action 'self'")
            headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        return response


def _bound_body_reads(environ: dict) -> None:
    """Give each read of the body BODY_SECONDS (gunicorn hands the app the connection as
    ``gunicorn.socket``; under another server its own timeouts apply)."""
    connection = environ.get("gunicorn.socket")
    if connection is not None:
        connection.settimeout(BODY_SECONDS)


def _install_error_handlers(app: Flask) -> None:
    from publisher.web.common import error_response

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response:
        headers: dict[str, str] = {}
        if isinstance(error, MethodNotAllowed) and error.valid_methods:
            headers["Allow"] = ", ".join(error.valid_methods)
        message = error.description or ""
        if isinstance(error, RequestEntityTooLarge):
            message = f"The request body is larger than {request.max_content_length} bytes."
        extra: dict[str, Any] = {}
        available = getattr(error, "available", None)
        if available:
            extra["available"] = available
        return error_response(error.code or 500, message, headers, extra)

    @app.errorhandler(TimeoutError)
    def body_too_slow(error: TimeoutError) -> Response:
        return error_response(408, f"The request body did not arrive within {BODY_SECONDS} s.",
                              {"Connection": "close"})

    @app.errorhandler(QuerySyntaxError)
    def syntax_error(error: QuerySyntaxError) -> Response:
        return error_response(400, f"Query syntax error: {error}")

    @app.errorhandler(QueryRefused)
    def refused(error: QueryRefused) -> Response:
        return error_response(403, str(error))

    @app.errorhandler(QueryTooComplex)
    def too_complex(error: QueryTooComplex) -> Response:
        return error_response(400, str(error))

    @app.errorhandler(QueryMemoryLimit)
    def memory_limit(error: QueryMemoryLimit) -> Response:
        return error_response(503, f"Query memory limit exceeded: {error}. Simplify the "
                                   "query, or add a LIMIT without ORDER BY.")

    @app.errorhandler(QueryTimeout)
    def timeout(error: QueryTimeout) -> Response:
        if request.blueprint == "sparql":
            return error_response(503, f"Query time limit exceeded: {error}. Simplify the "
                                       "query or add a LIMIT.")
        # a page's own (small) query timed out: the store is slow or overloaded
        return error_response(503, f"The data store is too slow right now: {error}",
                              {"Retry-After": "10"})

    @app.errorhandler(StoreUnavailable)
    def unavailable(error: StoreUnavailable) -> Response:
        if isinstance(error, NoRelease):
            message = f"{error}"
        else:
            message = f"The data store is unavailable right now: {error}"
        return error_response(503, message, {"Retry-After": str(error.retry_after)})

    @app.errorhandler(StoreError)
    def store_error(error: StoreError) -> Response:
        log.warning("store error: %s", error)
        return error_response(502, f"The data store could not answer: {error}")

    @app.errorhandler(ValueError)
    def value_error(error: ValueError) -> Response:
        log.info("bad input: %s", error)
        return error_response(400, f"The request cannot be handled: {error}")

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> Response:
        log.exception("unexpected error")
        return error_response(500, "An unexpected error happened; it has been logged.")


__all__ = ["create_app"]
