"""Error answers: every failure becomes a clean HTML, JSON or plain-text answer with its status,
never a traceback; the handlers map store errors onto HTTP statuses. A store without our
release answers 503 with a page of its own that says what is missing and the command that
fixes it, rather than a site of "0 projects"."""
from __future__ import annotations

import json
import logging
from typing import Any

from flask import Flask, Response, render_template, request
from markupsafe import escape
from werkzeug.exceptions import HTTPException, MethodNotAllowed, RequestEntityTooLarge
from werkzeug.http import HTTP_STATUS_CODES

from publisher.i18n import N_, texts, translate
from publisher.store import (NoRelease, QueryMemoryLimit, QueryRefused, QuerySyntaxError,
                             QueryTimeout, QueryTooComplex, ReleaseMissing, StoreError,
                             StoreUnavailable)
from publisher.web.context import page_globals, publisher
from publisher.web.negotiation import negotiate

log = logging.getLogger("publisher.web")
#: What an error can be answered as (an HTML page for browsers, JSON for programs).
_OFFERS = [("text/plain", "text"), ("text/html", "html"), ("application/json", "json"),
           ("application/xhtml+xml", "html"), ("application/sparql-results+json", "json"),
           ("application/ld+json", "json")]
#: The error page's title for the statuses a visitor meets (others keep werkzeug's English).
ERROR_TITLES = {400: N_("Bad request"), 404: N_("Not found"), 405: N_("Method not allowed"),
                406: N_("Not acceptable"), 413: N_("Request too large"), 414: N_("URL too long"),
                500: N_("Server error"), 502: N_("The data store did not answer"),
                503: N_("Service unavailable")}


def error_response(status: int, message: str, headers: dict[str, str] | None = None,
                   extra: dict[str, Any] | None = None) -> Response:
    """An error as HTML (for browsers), JSON or plain text — never a traceback."""
    try:
        kind = negotiate(_OFFERS, request.headers.get("Accept")) or "text"
    except HTTPException:
        kind = "text"
    title = HTTP_STATUS_CODES.get(status, "Error")
    if kind == "html":
        try:
            context = page_globals()
            shown = translate(context["lang"], ERROR_TITLES[status]) if status in ERROR_TITLES \
                else title
            body = render_template("error.html", status=status, title=shown, message=message,
                                   page="error", **context)
        except Exception:  # noqa: BLE001 - the error page must not fail
            body = f"<!doctype html><title>{status}</title><p>{escape(message)}</p>"
        response = Response(body, status=status, mimetype="text/html")
    elif kind == "json":
        payload = {"error": title, "status": status, "message": message, **(extra or {})}
        response = Response(json.dumps(payload, ensure_ascii=False), status=status,
                            mimetype="application/json")
    else:
        response = Response(f"{status} {title}: {message}\n", status=status,
                            mimetype="text/plain")
    for name, value in (headers or {}).items():
        response.headers[name] = value
    response.headers["Cache-Control"] = "no-store"
    return response


#: A page for browsers, JSON for a page's JSON; a SPARQL or RDF client gets the text.
_MISSING_OFFERS = [("text/plain", "text"), ("text/html", "html"),
                   ("application/xhtml+xml", "html"), ("application/json", "json")]
#: What is missing, and how to fix it, by the kind of store (for people, in three languages).
MISSING = {
    "embedded": (N_("No release of this site has been built yet."),
                 N_("Build one on the server with: %(command)s")),
    "remote": (N_("The data store of this site holds no release of it: it is empty, or it "
                  "holds data that other tools loaded."),
               N_("Load the release into it on the server with: %(command)s (URL: the "
                  "address of the store this site is configured with)")),
}


def release_missing(error: ReleaseMissing) -> Response:
    """503 for every page and answer while the store holds no release of ours: what is
    missing and the command that fixes it (never the store's address), as a page in the
    site's template, JSON or plain text."""
    context = page_globals()
    lang = context["lang"]
    kind = "embedded" if publisher().store.kind == "embedded" else "remote"
    what, fix = (texts(lang).gettext(text, command=error.command) for text in MISSING[kind])
    headers = {"Retry-After": str(error.retry_after), "Cache-Control": "no-store"}
    try:
        kind_asked = negotiate(_MISSING_OFFERS, request.headers.get("Accept")) or "text"
    except HTTPException:
        kind_asked = "text"
    if request.path.endswith(".json"):
        kind_asked = "json"
    if kind_asked == "html":
        body = render_template("release_missing.html", status=503, store_kind=kind,
                               command=error.command, page="error", **context)
        return Response(body, status=503, mimetype="text/html", headers=headers)
    if kind_asked == "json":
        payload = {"error": HTTP_STATUS_CODES[503], "status": 503, "missing": "release",
                   "message": f"{what} {fix}", "command": error.command}
        return Response(json.dumps(payload, ensure_ascii=False), status=503,
                        mimetype="application/json", headers=headers)
    return Response(f"503 {HTTP_STATUS_CODES[503]}: {what}\n{fix}\n", status=503,
                    mimetype="text/plain", headers=headers)


def install_error_handlers(app: Flask) -> None:
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
        if isinstance(error, ReleaseMissing):
            return release_missing(error)
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
