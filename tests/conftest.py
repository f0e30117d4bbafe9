"""The suite's fixtures: a small release, both stores, the app and live servers.

The `store` fixture is parametrised: every test using it (or `app`, `client`, `live`) runs once
against the embedded pyoxigraph store, once against a real Oxigraph server started on a
free loopback port (the `oxigraph` binary from the PyPI package of that name) and once
against a Virtuoso open source server (Debian's `virtuoso-opensource`), likewise.
"""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from publisher.config import Settings, load_settings
from publisher.release.publish import build_release
from tests.support.release import BASE, make_settings, write_release  # noqa: F401
from tests.support.required import require
from tests.support.servers import (OXIGRAPH_MISSING, VIRTUOSO_MISSING, LiveServer,
                                   OxigraphServer, VirtuosoServer, oxigraph_binary,
                                   virtuoso_binary)


def pytest_configure(config) -> None:
    config.addinivalue_line("markers", "browser: runs a headless Chromium (skipped without one "
                                       "unless CI is set)")


@pytest.fixture(scope="session")
def release_root(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("site")
    write_release(root / "releases")
    return root


@pytest.fixture(scope="session")
def settings(release_root) -> Settings:
    return make_settings(release_root)


@pytest.fixture(scope="session")
def bundled_release(tmp_path_factory) -> Settings:
    """The release of the bundled texts, built once as `publisher build` builds it; the
    tests that use it only read it (each opens its own store on it)."""
    root = tmp_path_factory.mktemp("bundled-site")
    settings = replace(load_settings(environ={}), releases_dir=root / "releases",
                       data_dir=root / "data")
    build_release(settings)
    return settings


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory):
    binary = require(oxigraph_binary(), OXIGRAPH_MISSING)
    server = OxigraphServer(binary, tmp_path_factory.mktemp("oxigraph-server"))
    server.start()
    yield server
    server.stop()


@pytest.fixture()
def blank_oxigraph(tmp_path, oxigraph_server):
    """A second, empty Oxigraph server for one test (the session's holds the release)."""
    server = OxigraphServer(oxigraph_server.binary, tmp_path / "blank-oxigraph")
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


@pytest.fixture(scope="session")
def virtuoso_server(tmp_path_factory):
    """One Virtuoso open source server for the session (Debian's virtuoso-opensource)."""
    binary = require(virtuoso_binary(), VIRTUOSO_MISSING)
    server = VirtuosoServer(binary, tmp_path_factory.mktemp("virtuoso"))
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def virtuoso_settings(settings, virtuoso_server):
    """The suite's settings with the Virtuoso administrator's credentials (loading)."""
    return replace(settings, store_user=virtuoso_server.user,
                   store_password=virtuoso_server.password)


@pytest.fixture(scope="session")
def virtuoso_store(virtuoso_settings, virtuoso_server):
    from publisher.store import RemoteStore

    store = RemoteStore(virtuoso_server.store_url, virtuoso_settings)
    store.load_release(virtuoso_settings.releases_dir / "latest")
    yield store
    store.close()


@pytest.fixture(scope="session", params=["embedded", "remote", "virtuoso"])
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


@pytest.fixture(scope="session")
def live(app):
    """The app behind a real HTTP server (werkzeug, threaded) on a free loopback port."""
    server = LiveServer(app)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def project_settings() -> Settings:
    """The project's own settings (its shapes, ontology and texts), without the environment."""
    return load_settings(environ={})


@pytest.fixture(scope="session")
def edition_chain(tmp_path_factory) -> dict[str, Path]:
    """Editions A, B and C of the texts (tests/support/editions.py) built into one chain of
    releases: their folders by edition (`latest` → C)."""
    from tests.support.editions import build_chain

    return build_chain(tmp_path_factory.mktemp("edition-chain"))
