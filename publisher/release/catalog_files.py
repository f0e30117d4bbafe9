"""Writing a release's `catalog.ttl` and its DCAT-AP 2.1.1 form `catalog-dcat-ap-2.1.1.ttl`
(each after its DCAT-AP gate) and `void.ttl`.

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
from publisher.release.dcat import Coverage, build_catalog
from publisher.release.dcat_ap2 import to_dcat_ap2
from publisher.release.dcat_check import validate_catalog
from publisher.release.errors import CatalogInvalid
from publisher.release.statistics import DatasetStatistics
from publisher.release.void import build_void
from publisher.vocab import CATALOG_DCAT_AP2_FILE, CATALOG_FILE
VOID_FILE = "void.ttl"


def write_catalogue(settings: "Settings", version: str, release_dir: Path,
                    issued: datetime, modified: datetime,
                    statistics: DatasetStatistics,
                    coverage: Coverage | None = None) -> tuple[Graph, Graph]:
    """Build the catalogue and its DCAT-AP 2.1.1 form, gate each with its official DCAT-AP
    shapes (CatalogInvalid when one does not conform), then write `catalog.ttl`,
    `catalog-dcat-ap-2.1.1.ttl` and `void.ttl`; returns the catalogue and VoID graphs."""
    release_dir = Path(release_dir)
    catalog = build_catalog(settings, version, release_dir, issued, modified, statistics,
                            coverage=coverage)
    conforms, report = validate_catalog(catalog, settings)
    if not conforms:
        raise CatalogInvalid(report)
    catalog_2 = to_dcat_ap2(catalog, release_dir)
    conforms, report = validate_catalog(catalog_2, settings, profile="dcat-ap-2")
    if not conforms:
        raise CatalogInvalid(report)
    void = build_void(settings, version, release_dir, statistics)
    write_atomically(release_dir / CATALOG_FILE, catalog.serialize(format="turtle").encode())
    write_atomically(release_dir / CATALOG_DCAT_AP2_FILE,
                     catalog_2.serialize(format="turtle").encode())
    write_atomically(release_dir / VOID_FILE, void.serialize(format="turtle").encode())
    return catalog, void
