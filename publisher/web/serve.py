"""`publisher serve`: the development server, or gunicorn with `--workers N`."""
from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

from publisher.config import Settings


def _has_release(path: Path) -> bool:
    return (path / "data.trig").is_file()


def _no_release_message(path: Path) -> str:
    return (f"error: no release to serve at {path}.\n"
            "Build one first:\n"
            "    publisher build        (or: make build)\n"
            "then run `publisher serve` again (`make serve` does both). To serve another "
            "folder use --release DIR; to serve a remote SPARQL store use --store URL.\n")


def serve(settings: Settings, host: str = "127.0.0.1", port: int = 8000,
          release: str | Path | None = None, store_url: str | None = None, workers: int = 0,
          quiet: bool = False) -> int:
    """Serve the app; returns an exit status (2: nothing to serve or bad options)."""
    from publisher.store import StoreError, open_store

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
    if embedded:
        # Load (or find) the database once before the workers start, so they only open it.
        try:
            probe = open_store("embedded", settings, release=release)
            version = probe.version
            probe.close()
        except StoreError as error:
            sys.stderr.write(f"error: {error}\n")
            return 2
    else:
        version = None
    if not quiet:
        where = f"http://{host}:{port}/"
        what = f"release {version}" if version else f"store {settings.store_url}"
        mode = f"gunicorn, {workers} workers" if workers else "development server"
        sys.stderr.write(f"serving {what} at {where} ({mode}); base URI {settings.base_uri}\n")
    if workers:
        return _gunicorn(settings, host, port, release, workers, quiet)
    from werkzeug.serving import run_simple

    app = production_app(settings, release)

    run_simple(host, port, app, threaded=True, use_reloader=False, use_debugger=False)
    return 0


def production_app(settings: Settings | None = None, release: str | Path | None = None):
    """The app as served: ``create_app`` behind the plain-GET SPARQL path and, in front of
    both, the cache of finished answers."""
    from publisher.web import create_app
    from publisher.web.cache import install_front_cache
    from publisher.web.fast import install_sparql_fast_path

    return install_front_cache(install_sparql_fast_path(create_app(settings, release=release)))


def _gunicorn(settings: Settings, host: str, port: int, release: str | Path | None,
              workers: int, quiet: bool) -> int:
    from gunicorn.app.base import BaseApplication

    class PublisherApplication(BaseApplication):
        """Gunicorn running the app factory in each worker (no preloading: every worker
        opens the store itself, after the fork)."""

        def __init__(self) -> None:
            self.options: dict[str, Any] = {
                "bind": f"{host}:{port}",
                "workers": workers,
                "worker_class": "publisher.web.worker.KeepAliveWorker",
                "threads": 4,
                "timeout": int(settings.limits.query_timeout_seconds) + 30,
                "graceful_timeout": 10,
                "preload_app": False,
                "accesslog": None if quiet else "-",
                "loglevel": "warning" if quiet else "info",
                "limit_request_line": 8190,
            }
            super().__init__()

        def load_config(self) -> None:
            for key, value in self.options.items():
                if key in self.cfg.settings and value is not None:
                    self.cfg.set(key, value)

        def load(self):
            return production_app(settings, release)

    PublisherApplication().run()
    return 0
