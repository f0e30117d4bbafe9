"""The changeset of a release against the one before it: `changes.rdfp` (RDF Patch) and
`changes.json` (resources added, removed and changed, by type).

Both are computed from the canonical dumps (`data.trig` of each release, as sorted N-Quads)
by one merge of two sorted files, so the work is linear and memory bounded. A previous
release whose checksums fail is not compared with: a wrong changeset is worse than none.
The first release has none: an all-adds patch would repeat the dump, which is the start.
"""
from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from publisher.build.generations import BUILD_GRAPH_FILE, GENERATIONS_FILE
from publisher.patch import (PATCH_FILE, SUMMARY_FILE, Changes, canonical_nquads, diff,
                             patch_id, write_patch)
from publisher.release.checksums import CHECKSUMS_FILE, file_sha256

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


def write_changeset(staging: Path, version: str, previous: tuple[Path, Previous] | None,
                    prefer_types: str, notice: Callable[[str], None],
                    canonical: Path | None = None) -> dict[str, Any] | None:
    """changes.rdfp and changes.json in `staging` against the previous release; returns the
    summary for the build report, or None when there is no changeset (and says why).
    `canonical`: where to leave this release's canonical N-Quads for the next step (made
    here when there is a changeset, else left for the caller to make)."""
    if previous is None:
        return None
    folder, info = previous
    if not info.verified:
        notice(f"warning: no changeset: the previous release {info.version} is corrupt or "
               f"incomplete ({info.why_not}); publishing without changes.rdfp")
        return None
    scratch = staging / ".changes"
    scratch.mkdir(exist_ok=True)
    try:
        started = time.monotonic()
        # the two releases' N-Quads side by side: the dump writers are done, a core is free
        with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
            old = pool.submit(canonical_nquads, folder / TRIG, scratch / "old.nq")
            new_digest = canonical_nquads(staging / TRIG, scratch / "new.nq")
            old_digest = old.result()
        with (scratch / "deletes").open("wb") as deletes, (scratch / "adds").open("wb") as adds:
            changes: Changes = diff(scratch / "old.nq", scratch / "new.nq", deletes, adds,
                                    prefer_types)
        with (scratch / PATCH_FILE).open("wb") as out, \
                (scratch / "deletes").open("rb") as deletes, \
                (scratch / "adds").open("rb") as adds:
            write_patch(out, patch_id(new_digest), patch_id(old_digest), deletes, adds)
        summary = changes.summary(info.version, version)
        summary["seconds"] = round(time.monotonic() - started, 3)
        os.replace(scratch / PATCH_FILE, staging / PATCH_FILE)
        if canonical is not None:
            os.replace(scratch / "new.nq", canonical)
        (staging / SUMMARY_FILE).write_text(
            json.dumps({k: v for k, v in summary.items() if k != "seconds"},
                       ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        return summary
    except (OSError, SyntaxError, ValueError, BrokenProcessPool) as error:
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
