"""The embedded store: pyoxigraph on disk, one read-only database per release.

It follows ``releases/latest`` with a cheap ``stat`` per request. A new release's database
is loaded by a child process (:mod:`publisher.store.loader`) while the release before it
goes on answering; the switch is a pointer change, so readers never wait on a writer. The
serving process never opens a database itself: every query runs in a query process
(:mod:`publisher.store.time_limit`), which opens it read-only.
"""
from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

from publisher.config import Settings
import publisher.store.loader as loader
from publisher.store.base import Store
from publisher.store.errors import NoRelease, ReleaseMissing, StoreError
from publisher.store.results import QueryResult, Rewrite
from publisher.store.time_limit import QueryProcesses
from publisher.vocab import prefixes_for

log = logging.getLogger("publisher.store")
#: How long a failed load is left alone before the next request tries again.
RETRY_SECONDS = 60.0


@dataclass(frozen=True)
class _Database:
    release: loader.Release
    path: Path


class EmbeddedStore(Store):
    """pyoxigraph on disk, one read-only database per release, following ``latest``."""

    kind = "embedded"

    def __init__(self, settings: Settings, release: Path | str | None = None,
                 processes: QueryProcesses | None = None) -> None:
        super().__init__(settings)
        self.release_path = Path(release) if release else settings.releases_dir / "latest"
        self.root = Path(settings.data_dir) / "oxigraph"
        self.processes = processes or QueryProcesses.for_limits(settings.limits)
        self._current: _Database | None = None
        self._lock = threading.Lock()
        self._loads: dict[str, threading.Thread] = {}
        self._failures: dict[str, tuple[float, StoreError]] = {}
        self._seen: tuple[Any, loader.Release | None] | None = None

    # which release is served -------------------------------------------------
    def _glance(self) -> tuple[int, ...] | None:
        """Stats that change whenever ``latest`` is re-pointed (a new link is a new inode)
        or the release's ``release.json`` is rewritten; None when there is none."""
        try:
            link = os.lstat(self.release_path)
            info = os.stat(os.path.join(self.release_path, "release.json"))
        except OSError:
            return None
        return (link.st_ino, link.st_mtime_ns, info.st_dev, info.st_ino, info.st_mtime_ns,
                info.st_size)

    def _release(self) -> loader.Release | None:
        """The release the path leads to, identified again only when a glance changes."""
        glance = self._glance()
        seen = self._seen
        if glance is not None and seen is not None and seen[0] == glance:
            return seen[1]
        release = loader.identify(self.release_path)
        self._seen = (glance, release) if glance is not None else None
        return release

    def _database(self) -> _Database:
        """The database to answer from: the newest release's once it is loaded, the one
        before meanwhile."""
        release = self._release()
        current = self._current
        if release is None:
            if current is not None:
                return current          # the release folder vanished: keep answering
            raise ReleaseMissing(f"no release found at {self.release_path.name!r}; build one "
                                 "with `publisher build` (or `make build`)", "publisher build")
        if current is not None and current.release.key == release.key:
            return current
        path = self.root / release.key
        if path.is_dir():
            return self._switch(release, path)
        loading = self._load_in_background(release)
        if current is not None:
            return current
        if loading is not None:
            loading.join(self.settings.limits.query_timeout_seconds)
        if path.is_dir():
            return self._switch(release, path)
        failure = self._failures.get(release.key)
        if failure is not None:
            raise failure[1]
        raise NoRelease(f"release {release.version} is being loaded; try again in a few "
                        "seconds")

    def _switch(self, release: loader.Release, path: Path) -> _Database:
        with self._lock:
            current = self._current
            if current is None or current.release.key != release.key:
                self._current = _Database(release, path)
                keep = {release.key} | ({current.release.key} if current else set())
                loader.clean(self.root, keep)
            return self._current

    def _load_in_background(self, release: loader.Release) -> threading.Thread | None:
        """The thread loading ``release`` (started now if none runs); None while a failed
        load is left alone."""
        with self._lock:
            thread = self._loads.get(release.key)
            if thread is not None and thread.is_alive():
                return thread
            failure = self._failures.get(release.key)
            if failure is not None and time.monotonic() - failure[0] < RETRY_SECONDS:
                return None
            thread = threading.Thread(target=self._load, args=(release,), daemon=True,
                                      name=f"load-{release.key}")
            self._loads[release.key] = thread
            thread.start()
            return thread

    def _load(self, release: loader.Release) -> None:
        try:
            loader.prepare(release, self.root, self.settings.base_uri)
            self._failures.pop(release.key, None)
        except StoreError as error:
            log.error("%s", error)
            self._failures[release.key] = (time.monotonic(), error)

    def prepare(self) -> str:
        """Load the release served now (if needed) and switch to it; returns its version."""
        release = self._release()
        if release is None:
            raise NoRelease(f"no release found at {self.release_path}")
        database = self._switch(release, loader.prepare(release, self.root,
                                                        self.settings.base_uri))
        return database.release.version

    # the interface -----------------------------------------------------------
    @property
    def version(self) -> str | None:
        try:
            return self._database().release.version
        except NoRelease:
            return None

    def load_release(self, release_dir: Path | str) -> int:
        self.release_path = Path(release_dir)
        self._seen = None
        self.prepare()
        return loader.quads_in(self._database().path)

    def query(self, sparql: str, *, format: str | None = None, timeout: float | None = None,
              limit: int | None = None, default_graph_uris: Sequence[str] = (),
              named_graph_uris: Sequence[str] = (), rewrite: Rewrite = None,
              allow_service: bool | None = None, public: bool = False) -> QueryResult:
        info = self.check(sparql, allow_service)
        database = self._database()
        job = {"path": str(database.path), "sparql": sparql, "format": format, "limit": limit,
               "bounded": info.rows_within(limit), "cappable": info.cappable,
               "base_iri": self.query_base_iri,
               "default_graph_uris": list(default_graph_uris),
               "named_graph_uris": list(named_graph_uris), "rewrite": rewrite,
               "prefixes": prefixes_for(self.settings.base_uri) if format in (None, "turtle")
               else None}
        timeout = self.settings.limits.query_timeout_seconds if timeout is None else timeout
        return self.processes.run(job, timeout, admission=public)

    def close(self) -> None:
        self.processes.close()
