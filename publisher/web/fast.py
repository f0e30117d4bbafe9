"""The plain SPARQL GET, answered without Flask.

Most requests to an endpoint are one shape: ``GET /sparql?query=…`` with an ``Accept``
header, on the host of the base URI. For a lookup that takes Oxigraph 0.1 ms to evaluate,
Flask's request machinery and our generic hooks cost several times that. This WSGI layer
answers exactly that shape itself, with the pieces the endpoint uses (the lexical scan,
content negotiation, the ETag, the store, the result headers), and gives every other
request to the app unchanged: other methods and parameters, conditional requests, another
host (links to rewrite), anything the guards or the protocol checks would refuse.

Errors are the endpoint's to answer: when the store raises, the request goes on to Flask
with the error attached (``FAILED_QUERY``), and the endpoint raises it instead of running
the query again, so a syntax error or a time limit gets the usual response. The tests
check that both ways give the same answers.
"""
from __future__ import annotations

import urllib.parse
from typing import Any, Callable, Iterable

from flask import Flask

from publisher.store import inspect_query
from publisher.web import COMMON_HEADERS, url_refusal
from publisher.web.common import Publisher
from publisher.web.overrun import endable
from publisher.web.sparql import FAILED_QUERY, answer_etag, choose_format, result_headers

_PATHS = ("/sparql", "/sparql/")
_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")


class SparqlFastPath:
    """WSGI middleware answering plain ``GET /sparql?query=…`` requests (see the module)."""

    def __init__(self, wsgi_app: Callable, app: Flask) -> None:
        self.wsgi_app = wsgi_app
        self.app = app
        self.pub: Publisher = app.extensions["publisher"]
        base = urllib.parse.urlsplit(self.pub.settings.base_uri)
        # Only where the app would not rewrite links: the base URI's own host, at "/".
        plain_host = base.path in ("", "/") and not base.netloc.endswith((":80", ":443"))
        self.host = base.netloc.lower() if plain_host else None

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        answer = self._answer(environ) if self._plain(environ) else None
        if answer is None:
            return self.wsgi_app(environ, start_response)
        headers, body = answer
        start_response("200 OK", headers)
        return [body]

    def _plain(self, environ: dict) -> bool:
        """The request shape answered here; all else is the app's."""
        query_string = environ.get("QUERY_STRING", "")
        path = environ.get("PATH_INFO")
        return (environ.get("REQUEST_METHOD") == "GET"
                and path in _PATHS and not environ.get("SCRIPT_NAME")
                and self.host is not None
                and environ.get("HTTP_HOST", "").lower() == self.host
                and query_string.startswith("query=") and "&" not in query_string
                and url_refusal(environ, path) is None
                and not environ.get("CONTENT_LENGTH") and "HTTP_TRANSFER_ENCODING" not in environ
                and "HTTP_IF_NONE_MATCH" not in environ)

    def _answer(self, environ: dict) -> tuple[list[tuple[str, str]], bytes] | None:
        """The headers and body of the answer, or None to let the app answer."""
        try:
            query = urllib.parse.unquote_plus(environ["QUERY_STRING"][6:], errors="strict")
        except UnicodeDecodeError:
            return None
        info = inspect_query(query)
        limits = self.pub.settings.limits
        if (not query.strip() or info.is_update or info.form not in _FORMS
                or (info.uses_service and not limits.allow_service)):
            return None
        try:
            fmt = choose_format(info.result_kind, None, environ.get("HTTP_ACCEPT"))
            version = self.pub.store.version
        except Exception:  # noqa: BLE001 - a 406, a 400 or a store that is down: the app's
            return None
        if fmt is None or version is None:
            return None
        try:
            with endable(self.app, environ):
                result = self.pub.store.query(
                    query, format=fmt, timeout=limits.query_timeout_seconds,
                    limit=limits.result_limit, allow_service=limits.allow_service)
        except Exception as error:  # noqa: BLE001 - answered by the app's error handlers
            environ[FAILED_QUERY] = error
            return None
        etag = answer_etag(version, query, fmt, [], [], None)
        headers = result_headers(self.pub, result, etag)
        headers += [("Content-Length", str(len(result.body))), *COMMON_HEADERS]
        return headers, result.body


def install_sparql_fast_path(app: Any) -> Any:
    """Put a :class:`SparqlFastPath` in front of a Flask app made by ``create_app``."""
    app.wsgi_app = SparqlFastPath(app.wsgi_app, app)
    return app
