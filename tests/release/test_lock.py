"""The build lock and the clean-up of killed builds' leftovers (`publisher/build_lock.py`)."""
from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from publisher.release.lock import LOCK_NAME, BuildRunning, build_lock, remove_leftovers


def test_a_second_holder_is_turned_away_at_once_and_told_who_holds_it(tmp_path: Path) -> None:
    releases = tmp_path / "releases"
    with build_lock(releases):
        started = time.monotonic()
        with pytest.raises(BuildRunning) as refused:
            with build_lock(releases):
                pytest.fail("two holders of one build lock")
        assert time.monotonic() - started < 1.0, "a second build must not wait"
    message = refused.value.explain()
    assert "another build is running" in message and str(releases) in message
    assert f"pid {os.getpid()}" in message
    with build_lock(releases):     # released when the block ends
        pass


def test_the_lock_of_a_killed_holder_is_free(tmp_path: Path) -> None:
    """The kernel drops an flock when its process dies, even by SIGKILL: no stale lock."""
    releases = tmp_path / "releases"
    releases.mkdir()
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import fcntl, os, sys, time\n"
         f"fd = os.open({str(releases / LOCK_NAME)!r}, os.O_RDWR | os.O_CREAT)\n"
         "fcntl.flock(fd, fcntl.LOCK_EX)\n"
         "print('locked', flush=True)\n"
         "time.sleep(60)\n"], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(BuildRunning):
            with build_lock(releases):
                pass
    finally:
        holder.kill()
        holder.wait(timeout=30)
        holder.stdout.close()
    with build_lock(releases):
        fd = os.open(releases / LOCK_NAME, os.O_RDWR)
        try:           # held by us now: another open file description cannot take it
            with pytest.raises(BlockingIOError):
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        finally:
            os.close(fd)


def test_leftovers_go_and_releases_stay(tmp_path: Path) -> None:
    releases = tmp_path / "releases"
    release = releases / "20240101T000000Z"
    release.mkdir(parents=True)
    (release / "release.json").write_text("{}")
    (releases / "latest").symlink_to(release.name)
    stale = releases / ".staging-20240102T000000Z-123-abcd"
    (stale / ".graphs").mkdir(parents=True)
    (stale / ".graphs" / "chunk-00000.nt").write_bytes(b"x" * 1_500_000)
    (releases / ".latest-20240102T000000Z").symlink_to(release.name)
    (releases / ".staging-a-file").write_text("not a folder we made")
    said: list[str] = []
    remove_leftovers(releases, said.append)
    assert sorted(p.name for p in releases.iterdir()) == [
        ".staging-a-file", "20240101T000000Z", "latest"]
    assert (releases / "latest").resolve() == release.resolve()
    assert any(str(stale) in line and "1.5 MB" in line for line in said), said
    assert any(".latest-20240102T000000Z" in line for line in said), said
    assert len(said) == 2
