"""The releases folder as served: which versions there are, the files of one with their media
types, sizes and checksums; names are checked before they touch the disk."""
from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from werkzeug.exceptions import NotFound

from publisher.i18n import N_
from publisher.store import read_release_info
from publisher.web.context import here, publisher

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")
FILE_TYPES = {
    ".trig": "application/trig",
    ".ttl": "text/turtle",
    ".nt": "application/n-triples",
    ".nq": "application/n-quads",
    ".gz": "application/gzip",
    ".jsonld": "application/ld+json",
    ".rdf": "application/rdf+xml",
    ".json": "application/json",
    ".html": "text/html",
    ".csv": "text/csv",
    ".txt": "text/plain",
    ".rdfp": "text/plain",
}
#: What each file is, in the listing (English ids, translated where shown).
DESCRIPTIONS = {
    "data.trig": N_("TriG, one named graph per source document"),
    "data.ttl": N_("Turtle, all graphs merged"),
    "data.nt.gz": N_("N-Triples, gzip"),
    "data.jsonld": N_("JSON-LD"),
    "context.jsonld": N_("JSON-LD context (of data.jsonld and /doc/…)"),
    "data.rdf": N_("RDF/XML"),
    "ontology.ttl": N_("vocabulary (OWL, SKOS)"),
    "shapes.ttl": N_("SHACL shapes"),
    "validation-report.ttl": N_("SHACL validation report"),
    "catalog.ttl": N_("DCAT-AP catalogue"),
    "void.ttl": N_("VoID description"),
    "SHA256SUMS": N_("checksums"),
    "changes.rdfp": N_("changes since the previous release (RDF Patch)"),
    "changes.json": N_("changes since the previous release, by resource"),
    "release.json": N_("release metadata"),
    "versions.nq.gz": N_("the versions of the resources that changed in this release "
                         "(N-Quads, one gzip member per resource)"),
    "versions.json": N_("where each version is in versions.nq.gz"),
}


def media_type(name: str) -> str:
    """The media type a release file is served as."""
    if name == "SHA256SUMS":
        return "text/plain"
    return FILE_TYPES.get(Path(name).suffix.lower(), "application/octet-stream")


def is_file_name(name: str) -> bool:
    """Whether ``name`` can be a release's file or version (no path, no hidden file)."""
    return bool(_NAME.fullmatch(name))


def _releases_dir() -> Path:
    return Path(os.path.realpath(publisher().release_path)).parent


def release_folder(version: str | None) -> Path:
    """The folder of release ``version`` (None: the one served); 404 when there is none."""
    if version is None:
        folder = publisher().release_dir()
        if folder is None:
            raise NotFound("No release has been built yet: run `publisher build`.")
        return folder
    if not _NAME.fullmatch(version):
        raise NotFound(f"No release {version!r}.")
    folder = _releases_dir() / version
    if not folder.is_dir() or not (folder / "release.json").exists() and not (
            folder / "data.trig").exists():
        raise NotFound(f"No release {version!r}.")
    return Path(os.path.realpath(folder))


def checksums(folder: Path) -> dict[str, str]:
    """File name → SHA-256 from the release's SHA256SUMS."""
    sums: dict[str, str] = {}
    try:
        for line in (folder / "SHA256SUMS").read_text(encoding="utf-8").splitlines():
            parts = line.strip().split()
            if len(parts) == 2 and re.fullmatch(r"[0-9a-f]{64}", parts[0]):
                sums[parts[1].lstrip("*")] = parts[0]
    except OSError:
        pass
    return sums


def listed_files(folder: Path, version_path: str) -> list[dict[str, Any]]:
    """The files of a release as a listing shows them (data files first)."""
    sums = checksums(folder)
    files = []
    for path in sorted(folder.iterdir(), key=lambda p: (not p.name.startswith("data."), p.name)):
        if not path.is_file() or path.name.startswith(".") or not _NAME.fullmatch(path.name):
            continue
        files.append({"name": path.name, "href": here().page(f"dumps/{version_path}{path.name}"),
                      "size": path.stat().st_size, "media_type": media_type(path.name),
                      "sha256": sums.get(path.name), "description": DESCRIPTIONS.get(path.name)})
    return files


def versions(latest: Path) -> list[dict[str, Any]]:
    """Every release in the releases folder, newest first; ``latest`` is the one served."""
    found = []
    for candidate in sorted(_releases_dir().iterdir(), reverse=True):
        if (candidate.is_dir() and not candidate.is_symlink()
                and not candidate.name.startswith(".") and _NAME.fullmatch(candidate.name)
                and (candidate / "release.json").exists()):
            info = read_release_info(candidate)
            found.append({"version": candidate.name, "built": info.get("built"),
                          "latest": candidate == latest,
                          "href": here().page(f"dumps/{candidate.name}/")})
    return found
