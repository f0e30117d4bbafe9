"""The history the web serves: the chain of releases that ends at the one served, with the
versions each keeps (`publisher/history.py`), indexed once per served release.

The event stream (`routes/ldes.py`) pages it, the mementos and TimeMaps
(`routes/memento.py`) look a resource up in it, the resource pages list a resource's versions.
"""
from __future__ import annotations

import logging
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pyoxigraph as ox
from werkzeug.exceptions import NotFound, ServiceUnavailable

from publisher.history import REMOVED, Version, VersionIndex, has_versions
from publisher.patch import VERSION, release_info
from publisher.web.context import publisher
from publisher.web.state import parse_time

#: Members per page of the event stream: a project's description is 30–80 triples, so a page
#: is some 5 000 triples (about 0.5 MB of Turtle) — one request a client parses in well under
#: a second — and the 30 000-record catalogue's first release is some 900 pages.
PAGE_SIZE = 100
#: Releases followed back from the served one at most (a loop in release.json ends there).
MAX_CHAIN = 10_000
#: What reading a damaged history file raises (truncated JSON or gzip, a missing key).
UNREADABLE = (OSError, ValueError, KeyError, TypeError, IndexError, zlib.error)

log = logging.getLogger(__name__)


class HistoryDamaged(ServiceUnavailable):
    """The history files of a release cannot be read: the stream and the mementos answer 503
    naming them; resource pages go on without their history."""


@dataclass(frozen=True)
class Page:
    """One page of the stream: a release's members from `start`, and the page after it."""

    release: str
    number: int
    members: list[str]
    next: tuple[str, int] | None
    built: str
    next_built: str | None


class History:
    """The releases of the chain ending at `latest` that keep versions, oldest first."""

    def __init__(self, latest: Path) -> None:
        folders: list[Path] = []
        folder: Path | None = latest
        seen: set[str] = set()
        while folder is not None and len(seen) < MAX_CHAIN and has_versions(folder):
            if folder.name in seen:
                break
            seen.add(folder.name)
            folders.append(folder)
            previous = (release_info(folder).get("previous") or {}).get("version")
            folder = (latest.parent / previous
                      if isinstance(previous, str) and VERSION.fullmatch(previous) else None)
        self.indexes = [VersionIndex(f) for f in reversed(folders)]
        #: The build time of the oldest release kept when older ones of the chain are gone
        #: (`release.keep`, or releases built before history was kept): no member before it
        #: is available, and the stream says so. None when the chain starts here.
        self.starting_from: str | None = (
            self.indexes[0].built if self.indexes and folder is not None else None)
        self._by_release = {index.release: index for index in self.indexes}
        self._versions: dict[str, list[Version]] = {}
        self._members: dict[str, list[str]] = {}
        for index in self.indexes:
            self._members[index.release] = list(index.entries)
            for iri in index.entries:
                version = index.version(iri)
                if version is not None:
                    self._versions.setdefault(iri, []).append(version)

    # ------------------------------------------------------------------ one resource

    def versions(self, iri: str) -> list[Version]:
        """The versions of a resource, oldest first (a removal is the last)."""
        return self._versions.get(iri, [])

    def mementos(self, iri: str) -> list[Version]:
        """The versions that hold a description (a removal holds none), oldest first."""
        return [v for v in self.versions(iri) if v.state != REMOVED]

    def version(self, release: str, iri: str) -> Version | None:
        index = self._by_release.get(release)
        return index.version(iri) if index is not None else None

    def at(self, iri: str, when: datetime) -> Version | None:
        """The version valid at `when`: the newest built at or before it, the first one when
        `when` is before every version (RFC 7089, 4.1.1); None for an unknown resource."""
        versions = self.versions(iri)
        chosen = versions[0] if versions else None
        for version in versions:
            built = parse_time(version.built)
            if built is not None and built <= when:
                chosen = version
        return chosen

    def removed(self, iri: str) -> Version | None:
        """The removal of a resource that is gone from the served release, with the version
        before it in `last_kept`; None when the resource is not removed."""
        versions = self.versions(iri)
        return versions[-1] if versions and versions[-1].state == REMOVED else None

    def triples(self, version: Version) -> list[ox.Triple]:
        """A version's statements (its resource's and those of its `#` parts)."""
        index = self._by_release[version.release]
        try:
            data = b"".join(index.lines(version))
            return ([q.triple for q in ox.parse(data, format=ox.RdfFormat.N_QUADS)]
                    if data else [])
        except (*UNREADABLE, SyntaxError) as error:
            raise _damaged(index.folder, error) from None

    # ------------------------------------------------------------------ the stream

    @property
    def releases(self) -> list[str]:
        return [index.release for index in self.indexes]

    def built(self, release: str) -> str:
        return self._by_release[release].built

    def page_count(self, release: str) -> int:
        members = self._members.get(release, [])
        return (len(members) + PAGE_SIZE - 1) // PAGE_SIZE

    def first_pages(self) -> list[tuple[str, str]]:
        """(release, build time) of every release with members: the view links each."""
        return [(r, self.built(r)) for r in self.releases if self.page_count(r)]

    def page(self, release: str, number: int) -> Page | None:
        """A page of the stream; None past the end of the release or for an unknown one.
        A page links only the next page of its own release, so it never changes once its
        release is published."""
        if release not in self._by_release or not 0 <= number < self.page_count(release):
            return None
        members = self._members[release][number * PAGE_SIZE:(number + 1) * PAGE_SIZE]
        following = (release, number + 1) if number + 1 < self.page_count(release) else None
        return Page(release, number, members, following, self.built(release),
                    self.built(release) if following else None)

    def member_versions(self, page: Page) -> Iterator[tuple[str, Version]]:
        for iri in page.members:
            version = self.version(page.release, iri)
            if version is not None:
                yield iri, version


def _damaged(folder: Path, error: BaseException) -> HistoryDamaged:
    log.warning("the history files of release %s cannot be read: %s", folder.name, error)
    return HistoryDamaged(f"The history of release {folder.name} (versions.json, "
                          f"versions.nq.gz) cannot be read ({type(error).__name__}): restore "
                          "the release folder or build again.")


def _read(latest: Path) -> History | HistoryDamaged:
    try:
        return History(latest)
    except UNREADABLE as error:
        return _damaged(latest, error)


def current_history() -> History:
    """The history of the release served, indexed once per release (a damaged one is
    found damaged once, too: 503 `HistoryDamaged`)."""
    latest = publisher().release_dir()
    if latest is None:
        raise NotFound("No release has been built yet: run `publisher build`.")
    found = publisher().cached("history", latest.name, lambda: _read(latest))
    if isinstance(found, HistoryDamaged):
        raise found
    return found


def readable_history() -> History | None:
    """The history where it can be read, for what can do without it (a resource page's
    versions, the 410 of a removed resource)."""
    try:
        return current_history()
    except HistoryDamaged:
        return None
