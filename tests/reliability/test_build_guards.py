"""`publisher build` attacked the way a deployment can be: an empty or cut source text, two
builds at once, builds killed half-way, a full disk and other operating-system errors.

Every test runs the real CLI in a child process on a small copy of the bundled texts (the
first projects of the catalogue and the shortest page), starting from one good release that
is built once for the module and copied; each asserts what a user sees (exit status, the
message on stderr even with --quiet) and that `releases/latest` still serves the release it
served, intact (its checksums verify).
"""
from __future__ import annotations

import fcntl
import gzip
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from publisher.config import PROJECT_ROOT

SOURCES = PROJECT_ROOT / "mappings" / "sources"
#: The catalogue's first 14 projects (up to the line before "1. Kaupunki taskussa"), and a
#: cut of it to its first 3: a fall of far more than the default 20 %.
GOOD_LINES, CUT_LINES = 113, 40
CONFIG = """\
releases_dir = "releases"

[[sources]]
path = "src/cat.txt"
extractor = "catalogue"
title = "Testiluettelo"

[[sources]]
path = "src/page.txt"
extractor = "page"
language = "sv"
"""
TIMEOUT = 120          # seconds for one build of these texts (a few on an idle machine)


def lines_of(path: Path, count: int) -> str:
    return "".join(path.read_text(encoding="utf-8").splitlines(keepends=True)[:count])


def build(work: Path, *args: str, env: dict[str, str] | None = None,
          preexec_fn: Callable[[], None] | None = None) -> subprocess.CompletedProcess:
    """`publisher --config work/publisher.toml build --quiet ARGS` in a child process."""
    return subprocess.run(
        [sys.executable, "-m", "publisher.cli", "--config", str(work / "publisher.toml"),
         "build", "--quiet", *args], capture_output=True, text=True, cwd=PROJECT_ROOT,
        timeout=TIMEOUT, env={**os.environ, **(env or {})}, preexec_fn=preexec_fn)


def start_build(work: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "publisher.cli", "--config", str(work / "publisher.toml"),
         "build", "--quiet"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        cwd=PROJECT_ROOT)


@pytest.fixture(scope="module")
def baseline(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace with the small texts and one good release, built once."""
    work = tmp_path_factory.mktemp("baseline")
    (work / "src").mkdir()
    (work / "src" / "cat.txt").write_text(
        lines_of(SOURCES / "004_f0ab20c46da3f21c.txt", GOOD_LINES), encoding="utf-8")
    shutil.copy(SOURCES / "003_b6cfa8369f6eadbc.txt", work / "src" / "page.txt")
    (work / "publisher.toml").write_text(CONFIG, encoding="utf-8")
    done = build(work)
    assert done.returncode == 0, done.stderr
    return work


@pytest.fixture
def work(baseline: Path, tmp_path: Path) -> Path:
    """A private copy of the baseline workspace (texts, configuration, the release)."""
    copy = tmp_path / "work"
    shutil.copytree(baseline, copy, symlinks=True)
    return copy


def published(releases: Path) -> dict[str, object]:
    """What a reader of the releases folder sees; asserts the release `latest` points at
    is whole: its release.json names it and every checksum verifies."""
    latest = releases / "latest"
    target = os.readlink(latest)
    info = json.loads((latest / "release.json").read_text(encoding="utf-8"))
    assert info["version"] == target
    check = subprocess.run(["sha256sum", "--quiet", "-c", "SHA256SUMS"], cwd=latest,
                           capture_output=True, text=True, timeout=60)
    assert check.returncode == 0, check.stdout + check.stderr
    return {"latest": target, "projects": info["projects"],
            "releases": sorted(p.name for p in releases.iterdir() if not p.name.startswith("."))}


def leftovers(releases: Path) -> list[str]:
    return sorted(p.name for p in releases.iterdir()
                  if p.name.startswith((".staging-", ".latest-")))


def one_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in stderr, stderr
    return lines[0]


# ---------------------------------------------------------------- 1. no data loss published

@pytest.mark.parametrize("source, extractor", [("cat.txt", "catalogue"), ("page.txt", "page")])
def test_an_empty_source_is_refused_and_latest_kept(work: Path, source: str,
                                                    extractor: str) -> None:
    releases = work / "releases"
    before = published(releases)
    (work / "src" / source).write_text("", encoding="utf-8")
    done = build(work)
    assert done.returncode == 1, done.stderr
    message = one_line(done.stderr)
    assert message.startswith("build refused: ")
    assert f"{work / 'src' / source} ({extractor} extractor) yields no" in message
    assert "--allow-shrink" in message and done.stdout == ""
    assert published(releases) == before and leftovers(releases) == []
    if source == "page.txt":                     # the user may mean it: then it is published
        allowed = build(work, "--allow-shrink")
        assert allowed.returncode == 0, allowed.stderr
        after = published(releases)
        assert after["latest"] != before["latest"] and Path(allowed.stdout.strip()).name == after["latest"]


def test_a_cut_catalogue_is_refused_with_the_counts_and_the_threshold(work: Path) -> None:
    releases = work / "releases"
    before = published(releases)
    report = json.loads((releases / "latest" / "build-report.json").read_text(encoding="utf-8"))
    good = {d["document"]: d["counts"]["records"] for d in report["documents"]}
    (work / "src" / "cat.txt").write_text(
        lines_of(SOURCES / "004_f0ab20c46da3f21c.txt", CUT_LINES), encoding="utf-8")
    done = build(work)
    assert done.returncode == 1, done.stderr
    message = one_line(done.stderr)
    assert f"the project count would fall from {before['projects']} (release {before['latest']}" in message
    assert "more than limits.max_shrink_percent = 20 %" in message
    assert f"cat.txt {good['cat.txt']} → " in message and "page.txt" not in message
    after_count = int(message.split(" to ", 1)[1].split(",", 1)[0])
    assert after_count < before["projects"] * 0.8
    assert published(releases) == before and leftovers(releases) == []
    # the threshold is the configured one: raised to 90 %, the same texts are published
    done = build(work, env={"PUBLISHER_LIMITS_MAX_SHRINK_PERCENT": "90"})
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert published(releases)["projects"] == after_count


# ---------------------------------------------------------------- 2. one build at a time

def test_two_builds_started_together_give_one_release_and_a_clear_refusal(work: Path) -> None:
    """Before the lock both chose the same staging folder and both failed. Now one builds;
    the other is turned away at once (exit 2) unless the first was already done."""
    releases = work / "releases"
    before = published(releases)
    stale = releases / ".staging-20200101T000000Z"         # a killed build's folder
    stale.mkdir()
    (stale / "data.ttl").write_bytes(b"#" * 1_000_000)
    first, second = start_build(work), start_build(work)
    outcomes = []
    for process in (first, second):
        out, err = process.communicate(timeout=TIMEOUT)
        outcomes.append((process.returncode, out, err))
    codes = sorted(code for code, _, _ in outcomes)
    assert codes in ([0, 0], [0, 2]), outcomes
    for code, out, err in outcomes:
        assert "Traceback" not in err
        if code == 2:
            assert "another build is running in" in one_line(err) and out == ""
    removal = [line for _, _, err in outcomes for line in err.splitlines() if "removed" in line]
    assert len(removal) == 1 and str(stale) in removal[0] and "1.0 MB" in removal[0]
    after = published(releases)
    assert after["latest"] != before["latest"] and leftovers(releases) == []


def test_a_build_while_the_lock_is_held_stops_at_once_and_touches_nothing(work: Path) -> None:
    releases = work / "releases"
    before = published(releases)
    stale = releases / ".staging-20200101T000000Z"
    stale.mkdir()
    fd = os.open(releases / ".build.lock", os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        started = time.monotonic()
        done = build(work)
        elapsed = time.monotonic() - started
    finally:
        os.close(fd)
    assert done.returncode == 2, done.stderr
    assert "another build is running" in one_line(done.stderr)
    assert elapsed < 30                    # it does not wait for the lock (a build is ~2 s)
    assert stale.is_dir(), "a folder of a running build must not be removed"
    assert published(releases) == before


def orphans(marker: str) -> list[int]:
    """Processes (other than this one) whose command line names `marker`: the dump writers
    of a killed build, which run in their own session and outlive it."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if marker in (entry / "cmdline").read_bytes().decode("utf-8", "replace"):
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def stop_orphans(marker: str) -> None:
    """Kill, by pid, the writer processes a killed build of this test left, and wait until
    they are gone (bounded)."""
    deadline = time.monotonic() + 30
    while (pids := orphans(marker)) and time.monotonic() < deadline:
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        time.sleep(0.05)
    assert not orphans(marker)


@pytest.mark.skipif(not Path("/proc/self/cmdline").exists(), reason="needs /proc")
def test_a_build_killed_at_any_point_leaves_latest_valid_and_the_next_cleans_up(
        work: Path) -> None:
    """kill -9 at five points of a build (each found by what the build has written so far);
    after each `latest` is whole, and the next build removes what the killed ones left."""
    releases = work / "releases"
    before = published(releases)

    def staging() -> list[Path]:
        return [p for p in releases.glob(".staging-*") if p.is_dir()]

    points: dict[str, Callable[[], bool]] = {
        "staging folder made": lambda: bool(staging()),
        "graph files written": lambda: any(any((s / ".graphs").glob("chunk-*")) for s in staging()),
        "dumps being written": lambda: any((s / "data.trig").exists() for s in staging()),
        "build report written": lambda: any((s / "build-report.json").exists() for s in staging()),
        "release.json written": lambda: any((s / "release.json").exists() for s in staging()),
    }
    killed = []
    for name, reached in points.items():
        process = start_build(work)
        deadline = time.monotonic() + TIMEOUT
        while process.poll() is None and not reached() and time.monotonic() < deadline:
            time.sleep(0.001)
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            killed.append(name)
        process.communicate(timeout=TIMEOUT)
        stop_orphans(str(releases))
        state = published(releases)               # whole, whichever it points at
        if name in killed[:3]:                    # long before publication: the old one
            assert state["latest"] == before["latest"], name
    assert killed[:3] == list(points)[:3], killed   # the long stages are always hit
    left = leftovers(releases)
    assert left, "killed builds leave staging folders"
    done = build(work)
    assert done.returncode == 0, done.stderr
    said = done.stderr.splitlines()
    assert all(any(name in line and "removed" in line for line in said) for name in left), said
    assert leftovers(releases) == [] and published(releases)["latest"] != before["latest"]


# ---------------------------------------------------------------- 3. I/O errors: exit 2

def make_folder_of_catalogue(work: Path) -> tuple[Path, str]:
    path = work / "src" / "cat.txt"
    path.unlink()
    path.mkdir()
    return path, "Is a directory [EISDIR]"


def remove_page(work: Path) -> tuple[Path, str]:
    path = work / "src" / "page.txt"
    path.unlink()
    return path, "No such file or directory [ENOENT]"


def loop_page(work: Path) -> tuple[Path, str]:
    """A link that leads to itself: an OS error that root meets too (a mode-000 file
    does not stop root, and CI runs as root)."""
    path = work / "src" / "page.txt"
    path.unlink()
    path.symlink_to(path.name)
    return path, "Too many levels of symbolic links [ELOOP]"


@pytest.mark.parametrize("breaks", [make_folder_of_catalogue, remove_page, loop_page])
def test_an_unreadable_source_exits_2_with_one_line(work: Path, breaks) -> None:
    releases = work / "releases"
    before = published(releases)
    path, reason = breaks(work)
    done = build(work)
    assert done.returncode == 2, done.stderr
    assert one_line(done.stderr) == (f"error: {path}: {reason}; nothing was published, "
                                     f"releases/latest is unchanged")
    assert published(releases) == before and leftovers(releases) == []


def union_size(release: Path) -> int:
    """Bytes of the release's N-Triples union: the largest file a build writes (in the dump
    writer process); the build process's own files are each smaller."""
    return len(gzip.decompress((release / "data.nt.gz").read_bytes()))


@pytest.mark.parametrize("where", ["build process", "dump writer"])
def test_a_file_size_limit_exits_2_and_keeps_latest(work: Path, where: str) -> None:
    """The disk is full, for real but without filling the machine's disk: the build runs
    under RLIMIT_FSIZE, so the kernel refuses a write past the limit. Python ignores
    SIGXFSZ, so the write fails with EFBIG ("File too large") exactly where a full disk
    fails with ENOSPC. 64 KiB stops the build process at its first graph file; just under
    the size of the N-Triples union lets the build process write all its files and stops
    the dump writer process, whose error comes back to the build as text."""
    releases = work / "releases"
    before = published(releases)
    limit = 64 * 1024 if where == "build process" else union_size(releases / "latest") - 1

    def limited() -> None:
        import resource
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    done = build(work, preexec_fn=limited)
    assert done.returncode == 2, done.stderr
    assert one_line(done.stderr) == (f"error: cannot write the release into {releases}: File "
                                     f"too large [EFBIG]; nothing was published, "
                                     f"releases/latest is unchanged")
    assert published(releases) == before and leftovers(releases) == []


FULL_DISK = """\
import json, os, shutil, subprocess, sys
disk, work, out = sys.argv[1:4]
subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", disk], check=True)
shutil.copytree(os.path.join(work, "releases"), os.path.join(disk, "releases"), symlinks=True)
free = os.statvfs(disk).f_bavail * os.statvfs(disk).f_frsize
with open(os.path.join(disk, "filler"), "wb") as filler:
    os.posix_fallocate(filler.fileno(), 0, free - 256 * 1024)
releases = os.path.join(disk, "releases")
done = subprocess.run([sys.executable, "-m", "publisher.cli", "--config",
                       os.path.join(work, "publisher.toml"), "build", "--quiet"],
                      capture_output=True, text=True, timeout=120,
                      env={**os.environ, "PUBLISHER_RELEASES_DIR": releases})
latest = os.path.join(releases, "latest")
check = subprocess.run(["sha256sum", "--quiet", "-c", "SHA256SUMS"], cwd=latest,
                       capture_output=True, text=True)
json.dump({"code": done.returncode, "stdout": done.stdout, "stderr": done.stderr,
           "releases": releases, "latest": os.readlink(latest), "sums": check.returncode,
           "left": sorted(os.listdir(releases))}, open(out, "w"))
"""


def tmpfs_in_user_namespace(tmp_path: Path) -> bool:
    """Whether this machine lets an unprivileged process mount a tmpfs of its own."""
    if shutil.which("unshare") is None or shutil.which("mount") is None:
        return False
    probe = tmp_path / "probe"
    probe.mkdir()
    tried = subprocess.run(["unshare", "-rm", "mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs",
                            str(probe)], capture_output=True, timeout=30)
    return tried.returncode == 0


def test_a_full_disk_exits_2_and_keeps_latest(work: Path, tmp_path: Path) -> None:
    """A real ENOSPC: the releases folder is put on a 16 MB tmpfs mounted in a user and mount
    namespace of our own (`unshare -rm`, no root needed and nothing mounted outside it),
    filled but for 256 KiB; the build and all checks run inside it, as the mount ends with
    the namespace."""
    if not tmpfs_in_user_namespace(tmp_path):
        pytest.skip("unprivileged user namespaces cannot mount a tmpfs here")
    before = published(work / "releases")
    disk = tmp_path / "disk"
    disk.mkdir()
    driver, out = tmp_path / "full_disk.py", tmp_path / "result.json"
    driver.write_text(FULL_DISK, encoding="utf-8")
    subprocess.run(["unshare", "-rm", sys.executable, str(driver), str(disk), str(work),
                    str(out)], check=True, timeout=TIMEOUT, cwd=PROJECT_ROOT)
    result = json.loads(out.read_text(encoding="utf-8"))
    assert result["code"] == 2, result["stderr"]
    message = one_line(result["stderr"])
    assert message.startswith("error: ") and "No space left on device [ENOSPC]" in message
    assert message.endswith("nothing was published, releases/latest is unchanged")
    assert result["releases"] in message and result["stdout"] == ""
    assert result["latest"] == before["latest"] and result["sums"] == 0
    assert result["left"] == [".build.lock", before["latest"], "latest"]
