"""The DCAT-AP 3.0.1 catalogue of a (tiny) release."""
from __future__ import annotations

import hashlib

import pytest
from rdflib import Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF

from publisher.release.dcat import build_catalog, contact_email
from publisher.release.dcat_check import validate_catalog
from publisher.release.errors import CatalogError
from tests.support.catalogue_release import (BASE, DCAT, DUMPS, ISSUED, MODIFIED, SPDX, VERSION,
                                             XSD, settings_for, write_catalogue_release)


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    """A tiny release folder: the five dumps (written by pyoxigraph) and the side files."""
    return write_catalogue_release(tmp_path_factory.mktemp("releases"))


def test_every_dump_has_a_distribution_with_real_size_and_checksum(release):
    g, folder = release["catalog"], release["folder"]
    dataset = URIRef(f"{BASE}dataset/projects")
    by_url = {str(g.value(d, DCAT.downloadURL)): d for d in g.objects(dataset, DCAT.distribution)
              if g.value(d, DCAT.downloadURL) is not None}
    assert set(by_url) == {f"{BASE}dumps/{VERSION}/{name}" for name in DUMPS}
    for name in DUMPS:
        dist = by_url[f"{BASE}dumps/{VERSION}/{name}"]
        data = (folder / name).read_bytes()
        assert dist == URIRef(f"{BASE}dataset/projects/distribution/{name.replace('.', '-')}")
        assert g.value(dist, DCAT.accessURL) == g.value(dist, DCAT.downloadURL)
        size = g.value(dist, DCAT.byteSize)
        assert size.datatype == XSD.nonNegativeInteger and int(size) == len(data)
        checksum = g.value(dist, SPDX.checksum)
        assert (checksum, RDF.type, SPDX.Checksum) in g
        assert g.value(checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
        value = g.value(checksum, SPDX.checksumValue)
        assert value.datatype == XSD.hexBinary
        assert str(value) == hashlib.sha256(data).hexdigest()
        assert g.value(dist, DCTERMS.license) == URIRef(release["settings"].licence)
        assert g.value(dist, DCTERMS.format).startswith(
            "http://publications.europa.eu/resource/authority/file-type/")


def test_media_types_formats_and_compression(release):
    g = release["catalog"]
    iana = "http://www.iana.org/assignments/media-types/"
    ft = "http://publications.europa.eu/resource/authority/file-type/"
    expected = {
        "data-ttl": ("text/turtle", "RDF_TURTLE"),
        "data-nt-gz": ("application/n-triples", "RDF_N_TRIPLES"),
        "data-jsonld": ("application/ld+json", "JSON_LD"),
        "data-rdf": ("application/rdf+xml", "RDF_XML"),
        "data-trig": ("application/trig", "RDF_TRIG"),
    }
    for slug, (media, code) in expected.items():
        dist = URIRef(f"{BASE}dataset/projects/distribution/{slug}")
        assert g.value(dist, DCAT.mediaType) == URIRef(iana + media)
        assert g.value(dist, DCTERMS.format) == URIRef(ft + code)
        compress = g.value(dist, DCAT.compressFormat)
        assert compress == (URIRef(iana + "application/gzip") if slug == "data-nt-gz" else None)


def test_catalogue_dataset_and_service(release):
    g = release["catalog"]
    cat, dataset = URIRef(f"{BASE}catalog"), URIRef(f"{BASE}dataset/projects")
    assert (cat, RDF.type, DCAT.Catalog) in g and (cat, DCAT.dataset, dataset) in g
    for subject in (cat, dataset):
        for predicate in (DCTERMS.title, DCTERMS.description):
            assert {v.language for v in g.objects(subject, predicate)} == {"fi", "sv", "en"}
    assert any("Ministry of Finance" in str(t) for t in g.objects(dataset, DCTERMS.title))
    assert g.value(dataset, URIRef(str(DCAT) + "version")) == Literal(VERSION)
    modified = g.value(dataset, DCTERMS.modified)
    assert modified.datatype == XSD.dateTime and str(modified) == "2026-11-24T23:15:00Z"
    auth = "http://publications.europa.eu/resource/authority/"
    assert URIRef(auth + "data-theme/GOVE") in set(g.objects(dataset, DCAT.theme))
    assert set(g.objects(dataset, DCTERMS.language)) == {URIRef(auth + "language/FIN"),
                                                         URIRef(auth + "language/SWE")}
    assert g.value(dataset, DCTERMS.spatial) == URIRef(auth + "country/FIN")
    assert g.value(dataset, DCTERMS.accrualPeriodicity) == URIRef(auth + "frequency/IRREG")
    contact = g.value(dataset, DCAT.contactPoint)
    vcard = Namespace("http://www.w3.org/2006/vcard/ns#")
    assert g.value(contact, vcard.hasEmail) == URIRef("mailto:data@kuntadigi.example")
    publisher = g.value(dataset, DCTERMS.publisher)
    assert Literal("Valtiovarainministeriö", lang="fi") in set(
        g.objects(publisher, URIRef("http://xmlns.com/foaf/0.1/name")))
    service = g.value(cat, DCAT.service)
    assert g.value(service, DCAT.endpointURL) == URIRef(f"{BASE}sparql")
    assert g.value(service, DCAT.servesDataset) == dataset
    assert g.value(service, DCTERMS.conformsTo) == URIRef(
        "https://www.w3.org/TR/sparql11-protocol/")
    accessed = [d for d in g.objects(dataset, DCAT.distribution)
                if g.value(d, DCAT.accessService) == service]
    assert len(accessed) == 1 and g.value(accessed[0], DCAT.accessURL) == URIRef(f"{BASE}sparql")


def test_unknown_controlled_vocabulary_code_fails_the_build(release, tmp_path):
    settings = settings_for(tmp_path, licence=(
        "http://publications.europa.eu/resource/authority/licence/NO_SUCH_LICENCE"))
    with pytest.raises(CatalogError):
        build_catalog(settings, VERSION, release["folder"], ISSUED, MODIFIED,
                      release["statistics"])


def test_other_base_uri(release, tmp_path):
    settings = settings_for(tmp_path, base_uri="https://example.org/kd/")
    g = build_catalog(settings, VERSION, release["folder"], ISSUED, MODIFIED,
                      release["statistics"])
    dist = URIRef("https://example.org/kd/dataset/projects/distribution/data-trig")
    assert g.value(dist, DCAT.downloadURL) == URIRef(
        f"https://example.org/kd/dumps/{VERSION}/data.trig")
    assert contact_email("https://example.org/kd/") == "mailto:data@example.org"
    conforms, text = validate_catalog(g)
    assert conforms, text
