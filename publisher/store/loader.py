"""Loading a release into the embedded store's database, in a process of its own.

Each release's ``data.trig`` is bulk-loaded once into ``<root>/<key>`` (the key: the
release's version and a fingerprint of its ``release.json`` and of the database layout),
written into a temporary folder and renamed into place under a lock all processes share, so
readers only ever open finished databases, read-only. The named graphs are loaded as they
are, and their union once more into the default graph, which queries read: RDF merge is a
set, and pyoxigraph's union-of-graphs option would count a triple once per graph holding it
(it costs about as much load time again and 1.5–2× the disk). The loading runs in a child process started for it: a
RocksDB store does not survive a ``fork()`` (an on-disk store opened before a fork hangs
in ``bulk_load`` afterwards), and a serving process must never hold a writable store — it
is how a release swap once stopped every request.
"""
from __future__ import annotations

import fcntl
import gc
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import pyoxigraph as ox

from publisher.store.base import read_release_info, release_marker
from publisher.store.errors import NoRelease, StoreError

_SAFE = re.compile(r"[^A-Za-z0-9._-]+")
_PACKAGE_PARENT = str(Path(__file__).resolve().parents[2])
DATABASE_INFO = "publisher-release.json"
#: What a database holds, in the key: a database of an older layout (no union in the
#: default graph) is loaded again, never read as if it had one.
LAYOUT = "union-default-graph-1"
#: Loading folders older than this belong to a loader that died; they are removed.
STALE_SECONDS = 3600


@dataclass(frozen=True)
class Release:
    """A release folder as the embedded store sees it."""

    folder: Path
    key: str
    info: dict[str, Any]

    @property
    def version(self) -> str:
        return str(self.info.get("version"))


def identify(release_path: Path) -> Release | None:
    """The release a path (often the ``latest`` link) leads to, with the key of its
    database; None when there is no release there."""
    real = Path(os.path.realpath(release_path))
    try:
        stat = os.stat(real / "release.json")
        signature: Any = (stat.st_mtime_ns, stat.st_size)
    except OSError:
        try:
            stat = os.stat(real / "data.trig")
        except OSError:
            return None
        signature = ("trig", stat.st_mtime_ns, stat.st_size)
    info = read_release_info(real)
    fingerprint = hashlib.sha256(repr(signature).encode() + LAYOUT.encode()
                                 + json.dumps(info, sort_keys=True).encode()).hexdigest()[:12]
    key = f"{_SAFE.sub('_', str(info.get('version')))[:80]}-{fingerprint}"
    return Release(real, key, info)


def prepare(release: Release, root: Path, base_uri: str) -> Path:
    """The database of ``release`` under ``root``, loaded first (in a child process) when
    it is not there yet."""
    target = root / release.key
    if target.is_dir():
        return target
    trig = release.folder / "data.trig"
    if not trig.is_file():
        raise NoRelease(f"release {release.folder.name!r} has no data.trig")
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [_PACKAGE_PARENT, env.get("PYTHONPATH")]))
    done = subprocess.run(
        [sys.executable, "-c", "from publisher.store.loader import main; main()",
         str(trig), str(root), release.key, base_uri,
         json.dumps(release.info, ensure_ascii=False)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    if done.returncode != 0 or not target.is_dir():
        reason = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise StoreError(f"release {release.folder.name!r} could not be loaded: "
                         f"{reason[-1] if reason else f'exit status {done.returncode}'}")
    return target


def quads_in(database: Path) -> int:
    """How many quads of ``data.trig`` a database holds (recorded when it was loaded)."""
    try:
        return int(json.loads((database / DATABASE_INFO).read_text(encoding="utf-8"))["quads"])
    except (OSError, ValueError, KeyError, TypeError):
        return 0


def load(trig: Path, root: Path, key: str, base_uri: str, info: dict[str, Any]) -> None:
    """Bulk-load ``trig`` and the release marker into ``root/key``, once: under the shared
    lock, into a temporary folder renamed into place when complete."""
    target = root / key
    root.mkdir(parents=True, exist_ok=True)
    with open(root / ".lock", "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if target.is_dir():
                return
            temp = root / f".{key}.tmp-{os.getpid()}"
            shutil.rmtree(temp, ignore_errors=True)
            try:
                writer = ox.Store(str(temp))
                writer.bulk_load(path=str(trig), format=ox.RdfFormat.TRIG)
                quads = len(writer)
                writer.bulk_extend(union_of(trig))
                writer.extend(release_marker(base_uri, str(info.get("version")),
                                             info.get("built")))
                writer.flush()
                del writer
                gc.collect()
            except BaseException:
                gc.collect()
                shutil.rmtree(temp, ignore_errors=True)
                raise
            (temp / DATABASE_INFO).write_text(json.dumps({**info, "quads": quads},
                                                         ensure_ascii=False), encoding="utf-8")
            os.rename(temp, target)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def union_of(trig: Path) -> Iterator[ox.Quad]:
    """Every triple of ``trig`` as a quad of the default graph; the store keeps each once."""
    for quad in ox.parse(path=str(trig), format=ox.RdfFormat.TRIG):
        yield ox.Quad(quad.subject, quad.predicate, quad.object)


def clean(root: Path, keep: set[str], spare: int = 2) -> None:
    """Remove the loading folders of dead loaders and all databases but those in ``keep``
    and the ``spare`` newest others (a worker may still answer from the one before)."""
    try:
        entries = [path for path in root.iterdir() if path.is_dir()]
    except OSError:
        return
    now = time.time()
    stale = [p for p in entries if p.name.startswith(".") and ".tmp-" in p.name
             and now - p.stat().st_mtime > STALE_SECONDS]
    others = sorted((p for p in entries if not p.name.startswith(".") and p.name not in keep),
                    key=lambda p: p.stat().st_mtime, reverse=True)
    for path in stale + others[spare:]:
        shutil.rmtree(path, ignore_errors=True)


def main() -> None:   # pragma: no cover - runs in a child process
    """``trig root key base_uri info-json``: load one release, or say why not on stderr."""
    trig, root, key, base_uri, info = sys.argv[1:6]
    try:
        load(Path(trig), Path(root), key, base_uri, json.loads(info))
    except SyntaxError as error:
        sys.stderr.write(f"{Path(trig).name} does not parse: {error}\n")
        sys.exit(3)
    except OSError as error:
        sys.stderr.write(f"cannot write the database: {error.strerror or error}\n")
        sys.exit(3)
