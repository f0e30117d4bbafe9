"""The app's state: configuration, the store, the release served and what is kept per release.

Framework-neutral (no request in sight), so the SPARQL protocol function can take it as it is.
"""
from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import format_datetime
from pathlib import Path
from typing import Any

from publisher.config import Settings
from publisher.store import Store, read_release_info


@dataclass
class Publisher:
    """App-level state: configuration, the store, where the release files are."""

    settings: Settings
    store: Store
    release_path: Path
    rewrite_links: bool = True
    _cache: dict[str, Any] = field(default_factory=dict)
    _computing: dict[str, threading.Lock] = field(default_factory=dict)

    def release_dir(self) -> Path | None:
        """The release folder served, resolved again only when the link (or folder) given
        as ``release_path`` changes: a re-pointed link is a new inode."""
        try:
            link = os.lstat(self.release_path)
            glance: Any = (link.st_ino, link.st_mtime_ns)
        except OSError:
            glance = None
        cached = self._cache.get("release_dir")
        if glance is not None and cached is not None and cached[0] == glance:
            real = cached[1]
        else:
            real = Path(os.path.realpath(self.release_path))
            self._cache["release_dir"] = (glance, real)
        return real if real.is_dir() else None

    def release_info(self) -> dict[str, Any]:
        """release.json of the release served, read again only when the file changes."""
        folder = self.release_dir()
        if folder is None:
            return {}
        try:
            stat = os.stat(folder / "release.json")
            signature: tuple[Any, ...] = (str(folder), stat.st_mtime_ns, stat.st_size)
        except OSError:
            signature = (str(folder), None, None)
        cached = self._cache.get("release_info")
        if cached is not None and cached[0] == signature:
            return cached[1]
        info = read_release_info(folder)
        self._cache["release_info"] = (signature, info)
        return info

    def last_modified(self) -> str | None:
        """``Last-Modified`` of the release served (when it was built), formatted once."""
        info = self.release_info()
        cached = self._cache.get("last_modified")
        if cached is not None and cached[0] is info:
            return cached[1]
        modified = parse_time(info.get("built"))
        header = (format_datetime(modified.astimezone(timezone.utc), usegmt=True)
                  if modified else None)
        self._cache["last_modified"] = (info, header)
        return header

    def cached(self, key: str, version: str | None, compute):
        """A value computed once per store version (e.g. the ontology's labels, the index
        of all projects); concurrent requests wait for the one computing it instead of each
        running the same heavy queries."""
        entry = self._cache.get(key)
        if entry is not None and entry[0] == version:
            return entry[1]
        with self._computing.setdefault(key, threading.Lock()):
            entry = self._cache.get(key)
            if entry is not None and entry[0] == version:
                return entry[1]
            value = compute()
            self._cache[key] = (version, value)
            return value


def parse_time(text: Any) -> datetime | None:
    """A release's build time (`…Z`) as an aware datetime; None when it is not one."""
    if not text:
        return None
    try:
        value = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        return None
    return value if value.tzinfo is not None else None
