"""Fixtures for the web tests: a small release, both stores, the app and live servers.

The `store` fixture is parametrised: every test using it (or `app`, `client`, `live`) runs once
against the embedded pyoxigraph store and once against a real Oxigraph server started on a
free loopback port (the `oxigraph` binary from the PyPI package of that name).
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from fixture_release import BASE, make_settings, write_release  # noqa: E402,F401

from publisher.config import Settings  # noqa: E402

IN_CI = bool(os.environ.get("CI"))


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def oxigraph_binary() -> str | None:
    beside = Path(sys.executable).parent / "oxigraph"
    if beside.is_file():
        return str(beside)
    return shutil.which("oxigraph")


class OxigraphServer:
    """An `oxigraph serve` process that tests can stop and start again on the same port."""

    def __init__(self, binary: str, location: Path) -> None:
        self.binary = binary
        self.location = location
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [self.binary, "serve", "--location", str(self.location),
             "--bind", f"127.0.0.1:{self.port}"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.url + "/query?query=ASK%7B%7D", timeout=1):
                    return
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError("oxigraph server exited")
                time.sleep(0.05)
        raise RuntimeError("oxigraph server did not start")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None


@pytest.fixture(scope="session")
def release_root(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("site")
    write_release(root / "releases")
    return root


@pytest.fixture(scope="session")
def settings(release_root) -> Settings:
    return make_settings(release_root)


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory):
    binary = oxigraph_binary()
    if binary is None:
        if IN_CI:
            pytest.fail("the oxigraph server binary is missing (pip install oxigraph)")
        pytest.skip("the oxigraph server binary is not installed (pip install oxigraph)")
    server = OxigraphServer(binary, tmp_path_factory.mktemp("oxigraph-server"))
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def embedded_store(settings):
    from publisher.store import EmbeddedStore

    store = EmbeddedStore(settings)
    yield store
    store.close()


@pytest.fixture(scope="session")
def remote_store(settings, oxigraph_server):
    from publisher.store import RemoteStore

    store = RemoteStore(oxigraph_server.url, settings)
    store.load_release(settings.releases_dir / "latest")
    yield store
    store.close()


@pytest.fixture(scope="session", params=["embedded", "remote"])
def store(request):
    return request.getfixturevalue(f"{request.param}_store")


@pytest.fixture(scope="session")
def app(store, settings):
    from publisher.web import create_app

    application = create_app(settings, store)
    application.config["TESTING"] = True
    return application


def _base_client_class():
    from flask.testing import FlaskClient

    class BaseUriClient(FlaskClient):
        """Requests go to the base URI's host unless a base_url is given."""

        def open(self, *args, **kwargs):
            if not (args and isinstance(args[0], str) and "://" in args[0]):
                kwargs.setdefault("base_url", BASE)
            return super().open(*args, **kwargs)

    return BaseUriClient


@pytest.fixture()
def client(app):
    """A test client on the base URI's host: no link rewriting."""
    return _base_client_class()(app, app.response_class, use_cookies=False)


@pytest.fixture()
def local_client(app):
    """A test client on another host (http://localhost/): links are rewritten."""
    return app.test_client(use_cookies=False)


class LiveServer:
    def __init__(self, app) -> None:
        from werkzeug.serving import make_server

        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.port = self.server.server_port
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.thread.join(timeout=5)


@pytest.fixture(scope="session")
def live(app):
    """The app behind a real HTTP server (werkzeug, threaded) on a free loopback port."""
    server = LiveServer(app)
    yield server
    server.stop()
