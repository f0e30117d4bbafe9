"""Faults users met when serving from a store, reproduced against a real `publisher serve`.

Users found that a store without our release (an empty one, or one filled by other tools)
was served as a site with "0 projects" and status 200, and that a busy port was noticed only
after the terminal had said "serving at". Each test states the behaviour wanted, through
HTTP and the terminal only; every server is a subprocess on a free loopback port, and every
wait is bounded.
"""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.support.release import BASE, write_release
from tests.support.servers import free_port

ROOT = Path(__file__).resolve().parents[2]


def _command(site: Path, port: int, *args: str) -> subprocess.Popen:
    env = {key: value for key, value in os.environ.items() if not key.startswith("PUBLISHER_")}
    env.update(PYTHONPATH=str(ROOT), PUBLISHER_RELEASES_DIR=str(site / "releases"),
               PUBLISHER_DATA_DIR=str(site / "data"), PUBLISHER_BASE_URI=BASE)
    return subprocess.Popen([sys.executable, "-m", "publisher.cli", "serve", "--workers", "2",
                             "--host", "127.0.0.1", "--port", str(port), *args], env=env,
                            cwd=str(ROOT), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            start_new_session=True)


def _get(url: str, accept: str) -> tuple[int, str, str]:
    request = urllib.request.Request(url, headers={"Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, answer.headers.get_content_type(), answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get_content_type(), error.read().decode()


def _end(process: subprocess.Popen) -> str:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    return process.stdout.read().decode("utf-8", "replace")


@pytest.mark.timeout(120)
@pytest.mark.parametrize("contents", ["empty", "other tools' data"])
def test_a_store_without_our_release_is_served_as_503_not_as_an_empty_site(
        tmp_path, blank_oxigraph, contents):
    if contents != "empty":
        request = urllib.request.Request(
            blank_oxigraph.url + "/store?graph=http%3A%2F%2Fother.example%2Fg", method="PUT",
            data=b"<http://other.example/a> <http://other.example/b> \"c\" .\n",
            headers={"Content-Type": "application/n-triples"})
        urllib.request.urlopen(request, timeout=10).close()
    port = free_port()
    process = _command(tmp_path, port, "--store", "oxigraph+" + blank_oxigraph.url)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and process.poll() is None:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        health = None
        while time.monotonic() < deadline:      # the workers load the app
            try:
                status, _, body = _get(url + "/health", "application/json")
            except OSError:
                time.sleep(0.2)
                continue
            health = (status, json.loads(body))
            break
        replies = {path: _get(url + path, accept) for path, accept in (
            ("/", "text/html"), ("/projects?lang=en", "text/html"),
            ("/doc/project/kuntien-evaka", "text/turtle"),
            ("/sparql?query=SELECT%20%2A%20%7B%3Fs%20%3Fp%20%3Fo%7D",
             "application/sparql-results+json"))}
    finally:
        output = _end(process)
    assert health is not None and health[0] == 503, (health, output)
    assert health[1]["status"] == "no release" and "publisher load" in health[1]["command"]
    for path, (status, media, body) in replies.items():
        assert status == 503, (path, status, body[:300])
        assert "publisher load --store" in body, (path, body[:300])
        assert "0 projects" not in body and "0 hanketta" not in body
        assert str(blank_oxigraph.port) not in body
    assert replies["/"][1] == "text/html" and replies["/sparql?query=SELECT%20%2A%20%7B%3Fs"
                                                      "%20%3Fp%20%3Fo%7D"][1] == "text/plain"
    # the operator is told on the terminal, where the store's address may be named
    assert "warning: the data store holds no release of this site" in output


@pytest.mark.timeout(60)
def test_a_busy_port_is_reported_before_serving_and_exits_non_zero(tmp_path):
    write_release(tmp_path / "releases")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        process = _command(tmp_path, port)
        try:
            process.wait(timeout=30)
        finally:
            output = _end(process)
    assert process.returncode not in (0, None), output
    assert f"port {port} on 127.0.0.1 is in use" in output
    assert "serving" not in output.replace("cannot serve", "") and "Traceback" not in output
    assert "Listening at" not in output and "Booting worker" not in output
