"""Writing a release's `catalog.ttl` (after its DCAT-AP gate) and `void.ttl`.

The order in a build is:

    statistics = compute_statistics(store)              # statistics: SPARQL aggregates
    write_catalogue(...)                                # dcat, dcat_check (the gate), void
    write_checksums(release_dir)                        # checksums: last, it covers every file
"""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

from rdflib import Graph

from publisher.config import Settings
from publisher.release.atomic_write import write_atomically
from publisher.release.dcat import build_catalog
from publisher.release.dcat_check import validate_catalog
from publisher.release.errors import CatalogInvalid
from publisher.release.statistics import DatasetStatistics
from publisher.release.void import build_void

CATALOG_FILE = "catalog.ttl"
VOID_FILE = "void.ttl"


def write_catalogue(settings: "Settings", version: str, release_dir: Path,
                    issued: datetime, modified: datetime,
                    statistics: DatasetStatistics) -> tuple[Graph, Graph]:
    """Build the catalogue, gate it with the official DCAT-AP shapes (CatalogInvalid when it
    does not conform), then write `catalog.ttl` and `void.ttl`; returns both graphs."""
    release_dir = Path(release_dir)
    catalog = build_catalog(settings, version, release_dir, issued, modified, statistics)
    conforms, report = validate_catalog(catalog, settings)
    if not conforms:
        raise CatalogInvalid(report)
    void = build_void(settings, version, release_dir, statistics)
    write_atomically(release_dir / CATALOG_FILE, catalog.serialize(format="turtle").encode())
    write_atomically(release_dir / VOID_FILE, void.serialize(format="turtle").encode())
    return catalog, void
