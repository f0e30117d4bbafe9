"""Bad input gets a clean 4xx with a message, never a 500 or a traceback; a remote store that
is down or slow gets a 503 with Retry-After, and the app recovers when the store is back."""
from __future__ import annotations

import http.client
import socket
import threading
import time
from dataclasses import replace

import pytest

from tests.support.servers import LiveServer, raw_request


def assert_clean(status: int, body: bytes, expected: set[int]) -> None:
    assert status in expected, body[:300]
    assert b"Traceback" not in body and b"File \"/" not in body


@pytest.mark.parametrize("target", [
    b"/doc/project/%zz",
    b"/doc/project/%E4%F6",
    b"/sparql?query=ASK%20%7B%7D%E4",
    b"/sparql?query=%",
    b"/projects?status=%ff%fe",
    b"/%C0%AF%C0%AF",
    b"/dumps/%2e%2e/%2e%2e/etc/passwd",
    b"/no/such/route",
    b"/doc/../../etc/passwd",
])
def test_malformed_urls(live, target):
    status, body = raw_request(live.port, b"GET " + target + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                               b"Connection: close\r\n\r\n")
    assert_clean(status, body, {400, 404})


def test_over_long_url(live):
    status, body = raw_request(live.port, b"GET /sparql?query=" + b"A" * 9000 +
                               b" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
    assert_clean(status, body, {414})


def test_over_long_body(live, app):
    limit = app.config["MAX_CONTENT_LENGTH"]
    connection = http.client.HTTPConnection("127.0.0.1", live.port, timeout=10)
    connection.request("POST", "/sparql", body=b"query=" + b"A" * (limit + 10),
                       headers={"Content-Type": "application/x-www-form-urlencoded"})
    response = connection.getresponse()
    body = response.read()
    assert_clean(response.status, body, {413})
    connection.close()


def test_over_long_chunked_body(live, app):
    limit = app.config["MAX_CONTENT_LENGTH"]
    chunk = b"A" * 65536
    payload = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk)
                       for _ in range(limit // len(chunk) + 2)) + b"0\r\n\r\n"
    status, body = raw_request(live.port, b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                               b"Content-Type: application/sparql-query\r\n"
                               b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n" + payload)
    assert_clean(status, body, {413})


@pytest.mark.parametrize("accept, statuses", [
    ("text/turtle," * 500, {400}),
    (";;;,,,", {406}),
    ("text/html;q=abc", {406}),
    ("*/*;q=-1", {406}),
    ("\x01\x02", {406}),
    ("a/b/c/d/e", {406}),
    ("*", {200}),
    ("text/turtle;q=0.000001", {200, 406}),
])
@pytest.mark.parametrize("path", ["/doc/project/kuntien-evaka", "/sparql?query=ASK%7B%7D",
                                  "/catalog"])
def test_absurd_accept_headers(client, accept, statuses, path):
    if accept == "text/turtle;q=0.000001":       # acceptable, barely: not for ASK results
        statuses = {406} if path.startswith("/sparql") else {200}
    response = client.get(path, headers={"Accept": accept})
    assert_clean(response.status_code, response.data, statuses)


def test_absurd_accept_language_and_host(client):
    response = client.get("/", headers={"Accept": "text/html",
                                        "Accept-Language": "x" * 5000 + ";q=zz"})
    assert response.status_code == 200
    bad_host = client.get("/doc/project/kuntien-evaka.ttl",
                          base_url='http://bad"<host>/')
    assert_clean(bad_host.status_code, bad_host.data, {400})


def test_methods_and_bodies(client):
    assert_clean(*_r(client.patch("/doc/project/kuntien-evaka")), {405})
    assert_clean(*_r(client.delete("/dumps/data.ttl")), {405})
    assert_clean(*_r(client.post("/sparql", data=b"\xff\xfe\x00",
                                 content_type="application/x-www-form-urlencoded")), {400})
    assert_clean(*_r(client.post("/sparql", data=b"query=ASK%7B%7D&query",
                                 content_type="application/x-www-form-urlencoded")), {400})
    json_404 = client.get("/nothing", headers={"Accept": "application/json"})
    assert json_404.status_code == 404 and json_404.json["status"] == 404
    html_404 = client.get("/nothing", headers={"Accept": "text/html"})
    assert html_404.status_code == 404 and b"<h1>404" in html_404.data


def _r(response):
    return response.status_code, response.data


# --------------------------------------------------------------------------- remote store


def test_remote_store_down_then_back(remote_store, settings, oxigraph_server):
    from publisher.web import create_app

    client = create_app(settings, remote_store).test_client()
    assert client.get("/doc/organisation/049.ttl").status_code == 200
    oxigraph_server.stop()
    try:
        time.sleep(remote_store.version_cache_seconds + 0.1)
        for path, accept in (("/doc/organisation/049.ttl", None),
                             ("/doc/organisation/049", "text/html"),
                             ("/sparql?query=ASK%7B%7D", None), ("/projects", "text/html"),
                             ("/", "text/html"), ("/sitemap.xml", None)):
            response = client.get(path, headers={"Accept": accept} if accept else {})
            assert_clean(response.status_code, response.data, {503})
            assert int(response.headers["Retry-After"]) > 0, path
        health = client.get("/health")
        assert health.status_code == 503 and health.json["status"] == "unavailable"
    finally:
        oxigraph_server.start()
    assert client.get("/doc/organisation/049.ttl").status_code == 200
    assert client.get("/health").status_code == 200


def test_remote_store_slow(settings):
    """A store that accepts connections but never answers: 503 within the probe time,
    saying the store does not answer, without its address."""
    from publisher.store import RemoteStore
    from publisher.web import create_app

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    accepted = []
    stop = threading.Event()

    def accept_and_hang() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept_and_hang, daemon=True)
    thread.start()
    slow_settings = replace(settings, limits=replace(settings.limits, query_timeout_seconds=0.5))
    store = RemoteStore(f"http://127.0.0.1:{listener.getsockname()[1]}", slow_settings)
    client = create_app(slow_settings, store).test_client()
    try:
        start = time.monotonic()
        page = client.get("/doc/organisation/049", headers={"Accept": "text/html"})
        assert_clean(page.status_code, page.data, {503})
        assert page.headers["Retry-After"]
        query = client.get("/sparql?query=ASK%7B%7D")
        assert_clean(query.status_code, query.data, {503})
        assert b"does not answer" in query.data         # the store, not the query
        port = str(listener.getsockname()[1]).encode()
        assert port not in query.data and port not in page.data
        assert time.monotonic() - start < 5
    finally:
        stop.set()
        thread.join(2)
        for connection in accepted:
            connection.close()
        listener.close()


def test_no_release_yet(tmp_path):
    from tests.support.release import make_settings
    from publisher.store import EmbeddedStore
    from publisher.web import create_app

    settings = make_settings(tmp_path)
    store = EmbeddedStore(settings)
    client = create_app(settings, store).test_client()
    for path, accept in (("/", "text/html"), ("/doc/project/kuntien-evaka", "text/html"),
                         ("/sparql?query=ASK%7B%7D", "*/*"), ("/projects", "text/html")):
        response = client.get(path, headers={"Accept": accept})
        assert_clean(response.status_code, response.data, {503})
        assert b"publisher build" in response.data
    assert client.get("/dumps/data.ttl").status_code == 404
    assert client.get("/health").status_code == 503
    store.close()


def test_an_http_1_1_request_without_host_is_refused(live):
    status, body = raw_request(live.port, b"GET /health HTTP/1.1\r\nConnection: close\r\n\r\n")
    assert status == 400 and b"Host header" in body
    status, _ = raw_request(live.port, b"GET /health HTTP/1.0\r\n\r\n")
    assert status == 200


def test_live_server_still_serves_after_all_that(live):
    server = LiveServer.__name__      # the session server kept running through the bad input
    status, body = raw_request(live.port, b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                               b"Connection: close\r\n\r\n")
    assert status == 200 and server
