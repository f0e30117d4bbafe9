"""Ending a request whose query overran, from another thread: the endpoint's own 503."""
from __future__ import annotations

import socket
import urllib.parse

from fixture_release import BASE
from publisher.web.overrun import request_ender


def _environ(client: socket.socket, protocol: str = "HTTP/1.1", accept: str = "") -> dict:
    from werkzeug.test import EnvironBuilder

    query = urllib.parse.urlencode({"query": "SELECT * WHERE { ?s ?p ?o }"})
    environ = EnvironBuilder(path="/sparql", query_string=query, base_url=BASE,
                             headers={"Accept": accept} if accept else {}).get_environ()
    environ.update({"gunicorn.socket": client, "SERVER_PROTOCOL": protocol})
    return environ


def _received(peer: socket.socket) -> bytes:
    data = b""
    while chunk := peer.recv(65536):
        data += chunk
    return data


def test_the_time_limit_answer_is_written_and_the_socket_closed(app):
    """The bytes on the socket are a whole HTTP/1.1 response: the endpoint's 503 with its
    message, negotiated type and common headers, a length, and Connection: close."""
    ours, peer = socket.socketpair()
    with ours, peer:
        end = request_ender(app, _environ(ours, accept="application/json"))
        end("the query did not finish within the time limit and was stopped")
        data = _received(peer)
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:])
    assert lines[0].startswith("HTTP/1.1 503")
    assert headers["Connection"] == "close" and int(headers["Content-Length"]) == len(body)
    assert headers["Content-Type"].startswith("application/json")
    assert headers["Access-Control-Allow-Origin"] == "*"
    assert b"time limit" in body.lower()
    try:
        ours.send(b"more")
        written_after = True
    except OSError:
        written_after = False
    assert not written_after          # what the stuck thread writes later goes nowhere


def test_no_ender_without_a_gunicorn_socket_or_over_http2(app):
    ours, peer = socket.socketpair()
    with ours, peer:
        environ = _environ(ours)
        del environ["gunicorn.socket"]
        assert request_ender(app, environ) is None
        assert request_ender(app, _environ(ours, protocol="HTTP/2")) is None
        assert request_ender(app, _environ(ours)) is not None
