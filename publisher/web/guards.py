"""What every request passes before its view and every answer after it: malformed URLs and
hosts are refused, a body gets a time per read, and answers carry CORS and security headers."""
from __future__ import annotations

import re

from flask import Flask, Response, request

from publisher.web.errors import error_response

MAX_URL_LENGTH = 8192
#: Seconds a client may take for each read of its request body: a body sent a byte at a
#: time, or a chunk size announced and never sent, must not hold a connection for ever.
BODY_SECONDS = 10
_BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_HOST = re.compile(r"(?:[A-Za-z0-9_.-]{1,253}|\[[0-9A-Fa-f:.]{2,45}\])(?::\d{1,5})?")
#: Headers every answer carries (unless the view set them): CORS for scripts on other
#: sites, and no content sniffing.
COMMON_HEADERS = (
    ("Access-Control-Allow-Origin", "*"),
    ("Access-Control-Expose-Headers", "ETag, Content-Length, Content-Range, Content-Location, "
                                      "Link, Retry-After, X-Result-Truncated, X-Result-Limit, "
                                      "Content-Profile"),
    ("X-Content-Type-Options", "nosniff"),
)


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


def install_guards(app: Flask) -> None:
    @app.before_request
    def refuse_malformed_requests() -> Response | None:
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

    @app.errorhandler(TimeoutError)
    def body_too_slow(error: TimeoutError) -> Response:
        return error_response(408, f"The request body did not arrive within {BODY_SECONDS} s.",
                              {"Connection": "close"})

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
