"""SHA256SUMS of a (tiny) release, checked with sha256sum."""
from __future__ import annotations

import shutil
import subprocess

import pytest

from publisher.release.checksums import write_checksums
from tests.support.catalogue_release import DUMPS, write_catalogue_release


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    """A tiny release folder: the five dumps (written by pyoxigraph) and the side files."""
    return write_catalogue_release(tmp_path_factory.mktemp("releases"))


def test_checksums_verify_with_sha256sum(release):
    folder, sums = release["folder"], release["sums"]
    assert sums == folder / "SHA256SUMS"
    names = [line.split("  ", 1)[1] for line in sums.read_text().splitlines()]
    expected = sorted(p.name for p in folder.iterdir() if p.name != "SHA256SUMS")
    assert names == expected
    assert {"catalog.ttl", "void.ttl", *DUMPS} <= set(names)
    if shutil.which("sha256sum") is None:
        pytest.skip("sha256sum not installed")
    done = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=folder,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count(": OK") == len(names)


def test_checksums_detect_a_changed_file(tmp_path):
    (tmp_path / "a.txt").write_text("one\n")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.txt").write_text("two\n")
    sums = write_checksums(tmp_path)
    assert [line.split("  ")[1] for line in sums.read_text().splitlines()] == \
        ["a.txt", "sub/b.txt"]
    if shutil.which("sha256sum") is None:
        pytest.skip("sha256sum not installed")
    (tmp_path / "a.txt").write_text("changed\n")
    done = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=tmp_path,
                          capture_output=True, text=True, check=False)
    assert done.returncode != 0
