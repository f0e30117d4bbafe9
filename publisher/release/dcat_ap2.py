"""The DCAT-AP 2.1.1 form of a release's catalogue.

data.europa.eu converts what it harvests to DCAT-AP 2.1.1 and grades that form (MQA), and
CKAN-based portals read it with their DCAT-AP 2 profile; the release writes it beside the
3.0.1 catalogue (`catalog-dcat-ap-2.1.1.ttl`, served at `/catalog` by content negotiation
by profile). It is the same description; only what the two specifications model
differently is converted (DCAT-AP 3.0.0's change log, "Data model adaptations … compared to
DCAT-AP 2.1.1", and the 2.1.1 shapes):

- the version of a dataset is `owl:versionInfo` in 2.1.1; `dcat:version` is DCAT 3's;
- `dcat:byteSize` is an `xsd:decimal` in 2.1.1 (3.0.0 aligned it with DCAT 3's
  `xsd:nonNegativeInteger`);
- a checksum's algorithm must be SHA-1 in 2.1.1 (its Checksum shape holds
  `sh:hasValue spdx:checksumAlgorithm_sha1`): the SHA-1 of each dump file replaces the
  SHA-256;
- the record and the catalogue conform to DCAT-AP 2.1.1, not 3.0.1.

Everything else the catalogue uses (dct:accessRights, dct:rights, dct:temporal with
dcat:startDate/endDate, dcatap:availability, the EU tables) means the same in both.
"""
from __future__ import annotations

import hashlib
from pathlib import Path
from urllib.parse import urlsplit

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, OWL, RDF, XSD

from publisher.release.dcat import DCAT_VERSION, SPDX, add_texts
from publisher.release.errors import CatalogError
from publisher.vocab import DCAT_AP_2, DCAT_AP_3

SHA1 = SPDX.checksumAlgorithm_sha1
PROFILE_TITLE = {"fi": "DCAT-AP 2.1.1 -sovellusprofiili",
                 "sv": "Tillämpningsprofilen DCAT-AP 2.1.1",
                 "en": "DCAT-AP 2.1.1 application profile"}


def file_sha1(path: Path) -> str:
    digest = hashlib.sha1(usedforsecurity=False)
    with Path(path).open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _dump_file(catalog: Graph, distribution: object, release_dir: Path) -> Path:
    """The release file a distribution's download URL names (its last path segment)."""
    url = catalog.value(distribution, DCAT.downloadURL)
    name = urlsplit(str(url)).path.rsplit("/", 1)[-1] if url is not None else ""
    path = release_dir / name
    if not name or not path.is_file():
        raise CatalogError(f"no release file for the checksum of {distribution} "
                           f"(download URL {url})")
    return path


def to_dcat_ap2(catalog: Graph, release_dir: Path) -> Graph:
    """The DCAT-AP 2.1.1 form of a 3.0.1 catalogue built by `build_catalog` for the release
    in `release_dir` (whose dump files give the SHA-1 checksums)."""
    release_dir = Path(release_dir)
    old_profile, new_profile = URIRef(DCAT_AP_3), URIRef(DCAT_AP_2)
    checksums = {checksum: _dump_file(catalog, distribution, release_dir)
                 for distribution, checksum in catalog.subject_objects(SPDX.checksum)}
    g = Graph()
    for prefix, namespace in catalog.namespaces():
        g.bind(prefix, namespace)
    g.bind("owl", OWL)
    for s, p, o in catalog:
        if s == old_profile:
            continue                              # described anew below
        if o == old_profile:
            o = new_profile
        if p == DCAT_VERSION:
            p = OWL.versionInfo
        elif p == DCAT.byteSize:
            o = Literal(int(o), datatype=XSD.decimal)
        elif s in checksums and p == SPDX.algorithm:
            o = SHA1
        elif s in checksums and p == SPDX.checksumValue:
            o = Literal(file_sha1(checksums[s]), datatype=XSD.hexBinary, normalize=False)
        g.add((s, p, o))
    if (None, SPDX.algorithm, SHA1) in g:
        g.add((SHA1, RDF.type, SPDX.ChecksumAlgorithm))
    if not any(True for _ in g.triples((None, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))):
        g.remove((SPDX.checksumAlgorithm_sha256, None, None))
    if (None, DCTERMS.conformsTo, new_profile) in g:
        g.add((new_profile, RDF.type, DCTERMS.Standard))
        add_texts(g, new_profile, DCTERMS.title, PROFILE_TITLE)
    return g
