"""One build at a time per releases folder, and the clean-up of what killed builds left.

The lock is an exclusive `flock` on `<releases>/.build.lock`. The kernel drops it when the
process holding it ends, however it ends (`kill -9` too), so a lock nobody holds means no
build is running: every staging folder there is then a leftover and can go. The file itself
stays (deleting a lock file lets two builds lock two different files).

A second build does not wait: it stops at once with exit status 2. A build takes seconds to
minutes, a scheduler or a person can simply run it again, and a build queued behind another
of the same texts would only publish the same data twice.
"""
from __future__ import annotations

import fcntl
import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

LOCK_NAME = ".build.lock"
#: Folders and links a build makes in the releases folder before publishing.
STAGING_PREFIX = ".staging-"
LINK_PREFIX = ".latest-"


class BuildRunning(Exception):
    """Another build holds the lock of this releases folder."""

    def __init__(self, releases_dir: Path, holder: str) -> None:
        super().__init__(f"another build is running in {releases_dir}")
        self.releases_dir = releases_dir
        self.holder = holder

    def explain(self) -> str:
        holder = f" ({self.holder})" if self.holder else ""
        return (f"error: another build is running in {self.releases_dir}{holder}; nothing was "
                f"done: run the build again when that one has finished")


@contextmanager
def build_lock(releases_dir: Path) -> Iterator[None]:
    """Hold the releases folder's build lock for the block, or raise BuildRunning at once."""
    releases_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(releases_dir / LOCK_NAME, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BuildRunning(releases_dir, _holder(fd)) from None
        started = datetime.now(timezone.utc).replace(microsecond=0).isoformat()
        note = f"pid {os.getpid()}, started {started.replace('+00:00', 'Z')}".encode()
        os.ftruncate(fd, 0)
        os.pwrite(fd, note, 0)          # only for the message of a build turned away
        yield
    finally:
        os.close(fd)                    # closing the last descriptor releases the lock


def _holder(fd: int) -> str:
    """What the running build wrote about itself (empty if it has not written it yet)."""
    try:
        return os.pread(fd, 200, 0).decode("utf-8", "replace").strip()
    except OSError:
        return ""


def remove_leftovers(releases_dir: Path, notice: Callable[[str], None]) -> None:
    """Remove the staging folders and temporary links of builds that did not finish; call
    only with the build lock held (then no build is writing them). Says what went, as a
    killed build's staging folder can hold hundreds of megabytes."""
    for path in sorted(releases_dir.iterdir()):
        name = path.name
        if name.startswith(LINK_PREFIX) and path.is_symlink():
            path.unlink()
            notice(f"removed {path}: the link of a build that did not finish")
        elif name.startswith(STAGING_PREFIX) and path.is_dir() and not path.is_symlink():
            size = folder_size(path)
            shutil.rmtree(path, ignore_errors=True)
            if path.exists():           # e.g. a dump writer of the killed build still adds files
                shutil.rmtree(path, ignore_errors=True)
            if path.exists():
                notice(f"could not remove all of {path} (left by a build that did not finish); "
                       f"the next build tries again")
            else:
                notice(f"removed {path} ({megabytes(size)}): the staging folder of a build "
                       f"that did not finish")


def folder_size(path: Path) -> int:
    """Bytes of the files under a folder (what removing it gives back)."""
    total = 0
    for folder, _, files in os.walk(path):
        for name in files:
            try:
                total += os.lstat(os.path.join(folder, name)).st_size
            except OSError:
                pass
    return total


def megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"
