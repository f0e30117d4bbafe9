"""`publisher serve`: gunicorn with its gevent worker (the default), or `--dev` Werkzeug's.

Why gevent: each connection is a greenlet, not a thread, so slow or idle clients cost a
socket and a little memory, never a worker's slot; gunicorn bounds the time a client may
take to send its request headers by ``keepalive`` seconds, and the number of connections per
worker by ``worker_connections``. Queries do not run in the worker (they run in query
processes, :mod:`publisher.store.time_limit`), so nothing blocks its event loop for long.
The master never opens a store: the embedded store's database is loaded by a child process
before the workers start, and each worker starts its own query processes.
"""
from __future__ import annotations

import resource
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

from gunicorn.app.base import BaseApplication

from publisher.config import Settings
from publisher.store import EmbeddedStore, StoreError
from publisher.web import create_app

#: Connections one worker holds at once (slow and idle ones included).
WORKER_CONNECTIONS = 1000
#: Seconds a client may take to send a request's headers, and an idle keep-alive may last.
HEADER_SECONDS = 5


def _has_release(path: Path) -> bool:
    return (path / "data.trig").is_file()


def _no_release_message(path: Path) -> str:
    return (f"error: no release to serve at {path}.\n"
            "Build one first:\n"
            "    publisher build        (or: make build)\n"
            "then run `publisher serve` again (`make serve` does both). To serve another "
            "folder use --release DIR; to serve a remote SPARQL store use --store URL.\n")


def serve(settings: Settings, host: str = "127.0.0.1", port: int = 8000,
          release: str | Path | None = None, store_url: str | None = None, workers: int = 2,
          quiet: bool = False) -> int:
    """Serve the app; returns an exit status (2: nothing to serve or bad options).
    ``workers`` 0 runs the development server."""
    if store_url:
        settings = replace(settings, store_url=store_url)
    release_path = Path(release) if release else settings.releases_dir / "latest"
    embedded = settings.store_url.strip().lower() == "embedded"
    if not embedded and not settings.store_url.strip().startswith(("http://", "https://")):
        sys.stderr.write(f"error: unknown store {settings.store_url!r}: use 'embedded' or the "
                         "http(s) URL of a SPARQL store (--store URL)\n")
        return 2
    if embedded and not _has_release(release_path):
        sys.stderr.write(_no_release_message(release_path))
        return 2
    if workers < 0:
        sys.stderr.write("error: --workers must be 0 (development server) or more\n")
        return 2
    version = None
    if embedded:
        # The database is loaded (by a child process) before any worker starts.
        try:
            version = EmbeddedStore(settings, release=release).prepare()
        except StoreError as error:
            sys.stderr.write(f"error: {error}\n")
            return 2
    if not quiet:
        where = f"http://{host}:{port}/"
        what = f"release {version}" if version else "a remote SPARQL store"
        mode = f"gunicorn, {workers} gevent workers" if workers else "development server"
        sys.stderr.write(f"serving {what} at {where} ({mode}); base URI {settings.base_uri}\n")
    if workers:
        _open_files_as_allowed()
        PublisherApplication(settings, host, port, release, workers, quiet).run()
        return 0
    from werkzeug.serving import run_simple  # noqa: PLC0415 - the development server only

    run_simple(host, port, create_app(settings, release=release), threaded=True,
               use_reloader=False, use_debugger=False)
    return 0


def _open_files_as_allowed() -> None:
    """Raise the soft limit of open files to the hard one: every connection is a file."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or soft < hard:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard if hard != resource.RLIM_INFINITY
                                                        else max(soft, 65536), hard))
        except (ValueError, OSError):
            pass


def gunicorn_options(settings: Settings, bind: str, workers: int,
                     quiet: bool) -> dict[str, Any]:
    """The gunicorn settings of ``publisher serve`` (also for a deployment's own
    gunicorn command line: the README lists them)."""
    return {
        "bind": bind,
        "workers": workers,
        "worker_class": "gevent",
        "worker_connections": WORKER_CONNECTIONS,
        "keepalive": HEADER_SECONDS,
        # A worker whose event loop is stuck this long is replaced (queries run elsewhere).
        "timeout": int(settings.limits.query_timeout_seconds) + 30,
        "graceful_timeout": 10,
        "preload_app": False,
        "accesslog": None if quiet else "-",
        "loglevel": "warning" if quiet else "info",
        "limit_request_line": 8190,
        "limit_request_fields": 100,
        "limit_request_field_size": 8190,
    }


class PublisherApplication(BaseApplication):
    """Gunicorn running the app factory in each worker (no preloading: nothing of the
    app, and no store, exists before the fork)."""

    def __init__(self, settings: Settings, host: str, port: int,
                 release: str | Path | None, workers: int, quiet: bool) -> None:
        self.settings = settings
        self.release = release
        self.options = gunicorn_options(settings, f"{host}:{port}", workers, quiet)
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            if key in self.cfg.settings and value is not None:
                self.cfg.set(key, value)

    def load(self) -> Any:
        return create_app(self.settings, release=self.release)
