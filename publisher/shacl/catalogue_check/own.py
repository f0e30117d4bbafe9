"""Our own URLs answered from the release's files, as the web app serves them, without a
request: `{base}dumps/<name>` is a file of the release served, `{base}dumps/<version>/<name>`
one of that version beside it, `{base}catalog` the release's catalogue. A URL under the base
URI (or under another root this service answers at) is ours; its size, media type and
checksums come from the file, read in steps up to the same byte bound as a download."""
from __future__ import annotations

import hashlib
import mimetypes
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from publisher.shacl.catalogue_check.fetching import CHUNK, Fetched
from publisher.shacl.compression import GZIP_SUFFIXES
from publisher.shacl.inputs import INPUT_FORMATS

#: a release's file or version name, as the web app accepts it
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")
_DUMP = re.compile(r"dumps/(?:(?P<version>[^/]+)/)?(?P<name>[^/]+)")
#: the files of ours that are not dumps, by the path that serves them
_PAGES = {"catalog": "catalog.ttl", "void": "void.ttl"}


@dataclass(frozen=True)
class OwnSite:
    """This service: its base URI, other roots it answers at, and the release served
    (`version`: its name under `dumps/`, when its folder is not named so — a release being
    built)."""

    base_uri: str
    release_dir: Path | None
    roots: tuple[str, ...] = ()
    version: str | None = None

    def is_ours(self, url: str) -> bool:
        return any(url.startswith(root) for root in (self.base_uri, *self.roots))

    def rest_of(self, url: str) -> str:
        """What follows the base URI (or another root) in a URL of ours."""
        root = next(r for r in (self.base_uri, *self.roots) if url.startswith(r))
        return url[len(root):]

    def path_of(self, url: str) -> str:
        """The path below the base URI (or another root) of a URL of ours."""
        return self.rest_of(url).split("#", 1)[0].split("?", 1)[0]

    def release_file(self, url: str) -> Path | None | Literal[False]:
        """The release file a URL of ours serves; False when the URL names a release file
        that is not there (the web app answers 404); None when it is no release file."""
        path = self.path_of(url)
        if path in _PAGES:
            if self.release_dir is None:
                return False
            file = self.release_dir / _PAGES[path]
            return file if file.is_file() else False
        match = _DUMP.fullmatch(path)
        if match is None:
            return None
        version, name = match.group("version"), match.group("name")
        if self.release_dir is None or not _NAME.fullmatch(name) or (
                version is not None and not _NAME.fullmatch(version)):
            return False
        folder = (self.release_dir if version in (None, self.version)
                  else self.release_dir.parent / version)
        file = folder / name
        return file if file.is_file() else False


def media_type(name: str) -> str:
    """The media type a release file is served as: an RDF syntax by its extension, gzip,
    else what the standard library knows."""
    lowered = name.lower()
    if lowered.endswith(GZIP_SUFFIXES):
        return "application/gzip"
    suffix = Path(lowered).suffix
    found = next((f for f in INPUT_FORMATS.values() if suffix in f.suffixes), None)
    if found is not None:
        return found.media_types[0]
    if name == "SHA256SUMS":
        return "text/plain"
    return mimetypes.guess_type(lowered)[0] or "application/octet-stream"


def answer(url: str, file: Path | None, max_bytes: int, bytes_setting: str,
           algorithms: tuple[str, ...] = (), keep_body: bool = False) -> Fetched:
    """What the web app would answer for `url`, from `file` (None: no such file, 404)."""
    result = Fetched(url=url, method="GET", final_url=url, via="release")
    if file is None:
        result.status = 404
        return result
    result.status, result.media_type = 200, media_type(file.name)
    result.length = file.stat().st_size
    if result.length > max_bytes:
        result.problem, result.bound = "too_large_announced", bytes_setting
        result.params = {"length": f"{result.length:,}", "limit": f"{max_bytes:,}",
                         "setting": bytes_setting}
        return result
    hashes = {name: hashlib.new(name) for name in algorithms}
    kept = bytearray()
    with file.open("rb") as stream:
        while chunk := stream.read(CHUNK):
            for digest in hashes.values():
                digest.update(chunk)
            if keep_body:
                kept += chunk
    result.size = result.length
    result.digests = {name: digest.hexdigest() for name, digest in hashes.items()}
    result.body = bytes(kept) if keep_body else None
    return result
