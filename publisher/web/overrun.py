"""Ending a request from another thread when its query overruns the time limit.

In a gunicorn worker of ``publisher serve`` the embedded store evaluates a query right in
the request's thread (:class:`publisher.store.InlineEvaluator`), where pyoxigraph cannot
be interrupted. At the deadline its watchdog calls the function made here: it renders the
endpoint's usual 503 for the time limit (the app's own error handler and headers, in a
request context built from the same environ), writes it on the client's socket with
``Connection: close``, and shuts the socket down, so whatever the stuck thread writes
later goes nowhere. Only plain HTTP/1.x connections handed over by gunicorn qualify;
elsewhere (the development server, tests) there is no function and queries are handed
to a query thread instead.
"""
from __future__ import annotations

import io
import socket
from contextlib import contextmanager
from typing import Any, Callable, Iterator

from flask import Flask

from publisher.store import QueryTimeout, end_request


def request_ender(app: Flask, environ: dict) -> Callable[[str], None] | None:
    """How to end this request from another thread, or None when it cannot be."""
    client = environ.get("gunicorn.socket")
    if client is None or environ.get("SERVER_PROTOCOL") not in ("HTTP/1.0", "HTTP/1.1"):
        return None

    def end(message: str) -> None:
        try:
            client.sendall(_time_limit_answer(app, environ, message))
        finally:
            try:
                client.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    return end


def _time_limit_answer(app: Flask, environ: dict[str, Any], message: str) -> bytes:
    """The endpoint's answer to a query past the time limit, as HTTP/1.1 bytes."""
    environ = {key: value for key, value in environ.items() if key != "gunicorn.socket"}
    environ.update({"wsgi.input": io.BytesIO(b""), "CONTENT_LENGTH": "0"})
    with app.request_context(environ):
        response = app.process_response(app.handle_user_exception(QueryTimeout(message)))
        headers = response.get_wsgi_headers(environ)
        body = response.get_data()
    lines = [f"HTTP/1.1 {response.status}"]
    lines += [f"{name}: {value}" for name, value in headers.items()
              if name.lower() not in ("connection", "content-length")]
    lines += [f"Content-Length: {len(body)}", "Connection: close"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


@contextmanager
def endable(app: Flask, environ: dict) -> Iterator[None]:
    """Within the block, a query of the embedded store may end this request on overrun."""
    token = end_request.set(request_ender(app, environ))
    try:
        yield
    finally:
        end_request.reset(token)
