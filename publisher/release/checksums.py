"""SHA256SUMS of a release, and the files' SHA-256 digests the catalogue states too."""
from __future__ import annotations

import hashlib
from pathlib import Path

from publisher.release.atomic_write import write_atomically
from publisher.release.errors import CatalogError

CHECKSUMS_FILE = "SHA256SUMS"

_DIGESTS: dict[tuple[str, int, int], str] = {}


def file_sha256(path: Path) -> str:
    """The file's SHA-256, remembered while the file is unchanged (the catalogue and
    SHA256SUMS both need the dumps' digests; a large dump takes a while to read)."""
    stat = path.stat()
    key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns)
    known = _DIGESTS.get(key)
    if known is not None:
        return known
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    if len(_DIGESTS) > 256:
        _DIGESTS.clear()
    _DIGESTS[key] = digest.hexdigest()
    return _DIGESTS[key]


def write_checksums(release_dir: Path) -> Path:
    """Write `SHA256SUMS` (`sha256sum -c` format) for every other file of the release."""
    release_dir = Path(release_dir)
    target = release_dir / CHECKSUMS_FILE
    lines = []
    files = sorted(p.relative_to(release_dir).as_posix() for p in release_dir.rglob("*")
                   if p.is_file() and p != target and not p.name.startswith(f".{CHECKSUMS_FILE}."))
    for name in files:
        if "\n" in name or "\\" in name:
            raise CatalogError(f"file name not representable in {CHECKSUMS_FILE}: {name!r}")
        lines.append(f"{file_sha256(release_dir / name)}  {name}\n")
    write_atomically(target, "".join(lines).encode("utf-8"))
    return target
