"""`publisher serve`: gunicorn with its gevent worker (the default), or `--dev` Werkzeug's.

Why gevent: each connection is a greenlet, not a thread, so slow or idle clients cost a
socket and a little memory, never a worker's slot; gunicorn bounds the time a client may
take to send its request headers by ``keepalive`` seconds, and the number of connections per
worker by ``worker_connections``. Queries do not run in the worker (they run in query
processes, :mod:`publisher.store.time_limit`), so nothing blocks its event loop for long.
The master never opens a store: the embedded store's database is loaded by a child process
before the workers start, and each worker starts its own query processes.

Production by default: one worker per CPU this process may use; the port is tried before
anything says "serving", so a busy one is one clear line and exit status 2; Ctrl-C stops at
once and SIGTERM lets requests in flight finish for ``DRAIN_SECONDS``, both well within
2 s and without a worker killed (gunicorn's stock gevent worker waits for idle keep-alive
connections until its graceful timeout, then the master SIGKILLs it).
"""
from __future__ import annotations

import errno
import os
import resource
import signal
import socket
import sys
import time
from pathlib import Path
from typing import Any

import gevent
from gunicorn.app.base import BaseApplication
from gunicorn.workers.ggevent import GeventWorker

from publisher.config import Settings, use_store
from publisher.store import (EmbeddedStore, StoreError, is_embedded, open_store,
                             store_endpoints)
from publisher.web import create_app

#: Connections one worker holds at once (slow and idle ones included).
WORKER_CONNECTIONS = 1000
#: Seconds a client may take to send a request's headers, and an idle keep-alive may last.
HEADER_SECONDS = 5
#: After SIGTERM, how long a worker lets the requests in flight finish.
DRAIN_SECONDS = 1.0
#: How long the master waits for its workers to exit before it kills them (gunicorn's
#: graceful_timeout, whole seconds): past DRAIN_SECONDS, so it never has to.
STOP_SECONDS = 2


def default_workers() -> int:
    """One worker per CPU this process may run on (a container's or taskset's share)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def end_children() -> None:
    """Stop this process's children — a worker's query processes — as it exits: a runaway
    query cannot be asked to stop, and would otherwise run on after the server stopped."""
    for listing in Path("/proc/self/task").glob("*/children"):
        try:
            children = [int(pid) for pid in listing.read_text().split()]
        except (OSError, ValueError):
            continue
        for pid in children:
            try:
                os.kill(pid, signal.SIGTERM)
            except OSError:
                pass


def _has_release(path: Path) -> bool:
    return (path / "data.trig").is_file()


def _no_release_message(path: Path) -> str:
    return (f"error: no release to serve at {path}.\n"
            "Build one first:\n"
            "    publisher build        (or: make build)\n"
            "then run `publisher serve` again (`make serve` does both). To serve another "
            "folder use --release DIR; to serve a remote SPARQL store use --store URL.\n")


def port_problem(host: str, port: int) -> str | None:
    """Why ``host:port`` cannot be listened on (in use, no permission, no such address), or
    None; tried with the options gunicorn and Werkzeug listen with, then let go."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM,
                                   flags=socket.AI_PASSIVE)
    except socket.gaierror as error:
        return f"the host {host!r} cannot be listened on ({error.strerror})"
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
            probe.listen(1)
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                return (f"port {port} on {host} is in use (another `publisher serve`?): stop "
                        "that server, or choose another port with --port (make serve "
                        "PORT=…)")
            if error.errno == errno.EACCES:
                return (f"no permission to listen on port {port}: use a port above 1023, "
                        "or a reverse proxy in front")
            return f"cannot listen on {host}:{port}: {error.strerror or error}"
    return None


def serve(settings: Settings, host: str = "127.0.0.1", port: int = 8000,
          release: str | Path | None = None, store_url: str | None = None,
          workers: int | None = None, quiet: bool = False, dev: bool = False) -> int:
    """Serve the app until Ctrl-C or SIGTERM; returns an exit status (2: nothing to serve,
    the port busy, or bad options). ``workers`` None: one per CPU; 0 (or ``dev``): the
    development server."""
    if store_url:
        settings = use_store(settings, store_url)
    release_path = Path(release) if release else settings.releases_dir / "latest"
    embedded = is_embedded(settings.store_url)
    if not embedded:
        try:
            store_endpoints(settings)
        except ValueError as error:
            sys.stderr.write(f"error: {error} (--store URL)\n")
            return 2
    if embedded and not _has_release(release_path):
        sys.stderr.write(_no_release_message(release_path))
        return 2
    workers = default_workers() if workers is None else workers
    if workers < 0:
        sys.stderr.write("error: --workers must be 1 or more (or --dev)\n")
        return 2
    dev = dev or workers == 0
    problem = port_problem(host, port)
    if problem:
        sys.stderr.write(f"error: cannot serve at http://{host}:{port}/: {problem}\n")
        return 2
    version = None
    if embedded:
        # The database is loaded (by a child process) before any worker starts.
        try:
            version = EmbeddedStore(settings, release=release).prepare()
        except StoreError as error:
            sys.stderr.write(f"error: {error}\n")
            return 2
    else:
        _say_what_the_store_holds(settings)
    if not quiet:
        where = f"http://{host}:{port}/"
        what = f"release {version}" if version else "a remote SPARQL store"
        mode = "development server" if dev else f"gunicorn, {workers} gevent " + (
            "worker" if workers == 1 else "workers")
        sys.stderr.write(f"serving {what} at {where} ({mode}); base URI {settings.base_uri}; "
                         "stop with Ctrl-C\n")
    if not dev:
        _open_files_as_allowed()
        PublisherApplication(settings, host, port, release, workers, quiet).run()
        return 0
    return _serve_dev(settings, host, port, release)


def _say_what_the_store_holds(settings: Settings) -> None:
    """On the terminal (never to the public): whether the remote store answers and holds a
    release of ours; the site answers 503 until it does, so this is a warning."""
    store = open_store(settings.store_url, settings)
    try:
        store.probe()
    except StoreError as error:
        sys.stderr.write(f"warning: {error}; every page answers 503 until it is fixed\n")
    finally:
        store.close()


def _serve_dev(settings: Settings, host: str, port: int, release: str | Path | None) -> int:
    """Werkzeug's development server; SIGTERM stops it as Ctrl-C does."""
    from werkzeug.serving import run_simple  # noqa: PLC0415 - the development server only

    def interrupt(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)
    app = create_app(settings, release=release)
    try:
        run_simple(host, port, app, threaded=True, use_reloader=False, use_debugger=False)
    except KeyboardInterrupt:
        pass
    finally:
        end_children()
        app.extensions["publisher"].store.close()
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


class PublisherWorker(GeventWorker):
    """Gunicorn's gevent worker with a short, quiet stop.

    Ctrl-C sends SIGINT to every process of the terminal's group: the worker leaves it to
    the master, which asks each worker once (a second signal during the exit made gevent
    print a traceback). On SIGTERM it stops taking requests, lets those in flight finish
    for DRAIN_SECONDS and exits, closing idle keep-alive connections instead of waiting out
    their keep-alive time; its query processes end with it."""

    busy = 0

    def init_signals(self) -> None:
        super().init_signals()
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        # gevent's own signal watchers run at once; Python-level handlers waited for the
        # event loop's next turn (up to a second)
        gevent.signal_handler(signal.SIGTERM, self._stop, DRAIN_SECONDS)
        gevent.signal_handler(signal.SIGQUIT, self._stop, 0.0)

    def handle_request(self, listener_name: Any, req: Any, sock: Any, addr: Any) -> Any:
        self.busy += 1
        try:
            return super().handle_request(listener_name, req, sock, addr)
        finally:
            self.busy -= 1

    def _stop(self, drain: float) -> None:
        """Stop taking requests, let those in flight finish for ``drain`` seconds, exit."""
        self.alive = False
        deadline = time.monotonic() + drain
        while self.busy and time.monotonic() < deadline:
            gevent.sleep(0.02)
        end_children()
        sys.exit(0)


def gunicorn_options(settings: Settings, bind: str, workers: int,
                     quiet: bool) -> dict[str, Any]:
    """The gunicorn settings of ``publisher serve`` (also for a deployment's own
    gunicorn command line: the README lists them)."""
    return {
        "bind": bind,
        "workers": workers,
        "worker_class": PublisherWorker,
        "worker_connections": WORKER_CONNECTIONS,
        "keepalive": HEADER_SECONDS,
        # A worker whose event loop is stuck this long is replaced (queries run elsewhere).
        "timeout": int(settings.limits.query_timeout_seconds) + 30,
        "graceful_timeout": STOP_SECONDS,
        "preload_app": False,
        "accesslog": None if quiet else "-",
        "loglevel": "warning" if quiet else "info",
        "limit_request_line": 8190,
        "limit_request_fields": 100,
        "limit_request_field_size": 8190,
        # gunicorn 27's control socket (one path per user) would clash between servers
        "control_socket_disable": True,
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
