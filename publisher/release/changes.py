"""The changeset of a release against the one before it: `changes.rdfp` (RDF Patch) and
`changes.json` (resources added, removed and changed, by type).

Both are computed from the canonical dumps (`data.trig` of each release, as sorted N-Quads)
by one merge of two sorted files, so the work is linear and memory bounded. The two sorts
run beside the build, not after it: the previous release's in a process of its own from the
build's start (`OldCanonical`), this release's by the dump writer once `data.trig` is written
(`dumps.CANONICAL_FILE`); what is left for the changeset step is the merge. A previous
release whose checksums fail is not compared with: a wrong changeset is worse than none.
The first release has none: an all-adds patch would repeat the dump, which is the start.
"""
from __future__ import annotations

import json
import multiprocessing
import os
import queue
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from publisher.build.generations import BUILD_GRAPH_FILE, GENERATIONS_FILE
from publisher.patch import (PATCH_FILE, SUMMARY_FILE, Changes, canonical_nquads, diff,
                             patch_id, write_patch)
from publisher.release.checksums import CHECKSUMS_FILE, file_sha256
from publisher.release.dumps import CANONICAL_FILE

TRIG = "data.trig"
NT_GZ = "data.nt.gz"


@dataclass(frozen=True)
class Previous:
    """The release before this one, as release.json names it."""

    version: str
    nt_sha256: str | None
    verified: bool
    why_not: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {"version": self.version, "data.nt.gz": {"sha256": self.nt_sha256},
                "verified": self.verified}


def previous_release(releases_dir: Path) -> tuple[Path, Previous] | None:
    """The release `latest` points at, checked against its SHA256SUMS (the dumps the
    changeset reads); None before the first release."""
    link = releases_dir / "latest"
    if not link.is_symlink() and not link.exists():
        return None
    folder = Path(os.path.realpath(link))
    if not folder.is_dir():
        return folder, Previous(folder.name, None, False, f"{folder} is missing")
    sums: dict[str, str] = {}
    try:
        for line in (folder / CHECKSUMS_FILE).read_text(encoding="utf-8").splitlines():
            digest, _, name = line.partition("  ")
            sums[name] = digest
    except (OSError, UnicodeDecodeError) as error:
        return folder, Previous(folder.name, None, False, f"no readable {CHECKSUMS_FILE} ({error})")
    problems = []
    actual: dict[str, str | None] = {}
    for name in (TRIG, NT_GZ):
        path = folder / name
        actual[name] = file_sha256(path) if path.is_file() else None
        if actual[name] is None:
            problems.append(f"{name} is missing")
        elif sums.get(name) != actual[name]:
            problems.append(f"{name} does not match its checksum in {CHECKSUMS_FILE}")
    for name in (GENERATIONS_FILE, BUILD_GRAPH_FILE):
        if name in sums and ((folder / name).is_file() is False
                             or file_sha256(folder / name) != sums[name]):
            problems.append(f"{name} does not match its checksum in {CHECKSUMS_FILE}")
    return folder, Previous(folder.name, actual[NT_GZ], not problems,
                            "; ".join(problems) or None)


#: Where the changeset's work files go in the staging folder (removed when it is written).
SCRATCH = ".changes"


class OldCanonical:
    """The previous release's canonical N-Quads, sorted in a process of its own while the
    build runs; `result` waits for them (their digest), `cancel` stops the process."""

    def __init__(self, folder: Path, staging: Path) -> None:
        self.path = staging / SCRATCH / "old.nq"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        context = multiprocessing.get_context("spawn")
        self._answer = context.Queue(1)
        self._process = context.Process(target=_sort_into, daemon=True,
                                        args=(folder / TRIG, self.path, self._answer))
        self._process.start()

    @classmethod
    def start(cls, previous: tuple[Path, Previous] | None,
              staging: Path) -> "OldCanonical | None":
        """Started only for a previous release that passed its checks."""
        if previous is None or not previous[1].verified:
            return None
        return cls(previous[0], staging)

    def result(self) -> str:
        """The digest; OSError when the process failed or died."""
        try:
            while True:
                alive = self._process.is_alive()
                try:
                    ok, value = self._answer.get(timeout=1)
                    break
                except queue.Empty:
                    if not alive:           # it died without an answer (killed, no memory)
                        raise OSError("sorting the previous release's quads stopped "
                                      f"(exit code {self._process.exitcode})") from None
        finally:
            self._process.join(timeout=10)
        if not ok:
            raise OSError(f"sorting the previous release's quads failed: {value}")
        return value

    def cancel(self) -> None:
        if self._process.is_alive():
            self._process.kill()
        self._process.join(timeout=10)


def _sort_into(trig: Path, target: Path, answer) -> None:
    """The process's work: (True, digest) or (False, why) on `answer`."""
    try:
        answer.put((True, canonical_nquads(trig, target)))
    except (OSError, SyntaxError, ValueError) as error:
        answer.put((False, f"{type(error).__name__}: {error}"))


def write_changeset(staging: Path, version: str, previous: tuple[Path, Previous] | None,
                    prefer_types: str, notice: Callable[[str], None],
                    old: OldCanonical | None = None) -> dict[str, Any] | None:
    """changes.rdfp and changes.json in `staging` against the previous release; returns the
    summary for the build report, or None when there is no changeset (and says why).
    This release's canonical N-Quads are the dump writer's (`CANONICAL_FILE`, made here when
    missing) and stay for the versions step; the previous one's come from `old`."""
    if previous is None:
        return None
    folder, info = previous
    if not info.verified:
        notice(f"warning: no changeset: the previous release {info.version} is corrupt or "
               f"incomplete ({info.why_not}); publishing without changes.rdfp")
        return None
    scratch = staging / SCRATCH
    scratch.mkdir(exist_ok=True)
    canonical = staging / CANONICAL_FILE
    try:
        started = time.monotonic()
        old = old or OldCanonical(folder, staging)
        new_digest = (file_sha256(canonical) if canonical.is_file()
                      else canonical_nquads(staging / TRIG, canonical))
        old_digest = old.result()
        with (scratch / "deletes").open("wb") as deletes, (scratch / "adds").open("wb") as adds:
            changes: Changes = diff(old.path, canonical, deletes, adds, prefer_types)
        with (scratch / PATCH_FILE).open("wb") as out, \
                (scratch / "deletes").open("rb") as deletes, \
                (scratch / "adds").open("rb") as adds:
            write_patch(out, patch_id(new_digest), patch_id(old_digest), deletes, adds)
        summary = changes.summary(info.version, version)
        summary["seconds"] = round(time.monotonic() - started, 3)
        os.replace(scratch / PATCH_FILE, staging / PATCH_FILE)
        (staging / SUMMARY_FILE).write_text(
            json.dumps({k: v for k, v in summary.items() if k != "seconds"},
                       ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        return summary
    except (OSError, SyntaxError, ValueError) as error:
        notice(f"warning: no changeset against release {info.version}: {error}")
        for name in (PATCH_FILE, SUMMARY_FILE):
            (staging / name).unlink(missing_ok=True)
        return None
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def remove_old_releases(releases_dir: Path, keep: int, current: str,
                        notice: Callable[[str], None]) -> list[str]:
    """Keep the `keep` newest releases (0: all); never the one just published."""
    if keep <= 0:
        return []
    releases = sorted((p for p in releases_dir.iterdir()
                       if p.is_dir() and not p.is_symlink() and not p.name.startswith(".")
                       and (p / "release.json").is_file()), key=lambda p: p.name)
    removed = []
    for folder in releases[:max(len(releases) - keep, 0)]:
        if folder.name == current:
            continue
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder.name)
    if removed:
        notice(f"removed {len(removed)} old release(s) (release.keep = {keep}): "
               + ", ".join(removed))
    return removed
