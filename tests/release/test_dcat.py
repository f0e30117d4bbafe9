"""The DCAT-AP 3.0.1 catalogue of a (tiny) release, and what the data.europa.eu MQA and the
recommended properties ask of it, filled in from the release's data."""
from __future__ import annotations

import hashlib
from datetime import date

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF, RDFS, SKOS

from publisher.config import PROJECT_ROOT
from publisher.release.dcat import build_catalog, contact_email, release_coverage
from publisher.release.dcat_check import validate_catalog
from publisher.release.errors import CatalogError
from publisher.vocab import DCAT_AP_3
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


# --------------------------------------------------------------------------- what MQA asks for

KD = f"{BASE}def/"
CODES = "http://uri.suomi.fi/codelist/jhs/kunta_1_20240101"
FUNDED = f"""
@prefix kd: <{KD}> .
@prefix schema: <http://schema.org/> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<{BASE}graph/catalogue> {{
  <{BASE}id/project/a> a kd:Project ; schema:funding <{BASE}id/programme/p> ;
      kd:leadOrganisation <{BASE}id/organisation/049> ;
      kd:partnerMunicipality <{BASE}id/organisation/091> .
  <{BASE}id/project/b> a kd:Project ; schema:funding <{BASE}id/programme/p> ;
      kd:leadOrganisation <{BASE}id/organisation/049> ;
      kd:partnerOrganisation <{BASE}id/organisation/kuntaliitto> .
  <{BASE}id/programme/p> kd:call <{BASE}id/programme/p#call-1>, <{BASE}id/programme/p#call-2> .
  <{BASE}id/programme/p#call-1> dcterms:date "{{first}}"^^xsd:gYear .
  <{BASE}id/programme/p#call-2> dcterms:date "{{last}}"^^xsd:gYear .
  <{BASE}id/programme/unused#call> dcterms:date "1999"^^xsd:gYear .
  <{BASE}id/organisation/049> kd:municipalityCode <{CODES}/code/049> .
  <{BASE}id/organisation/091> kd:municipalityCode <{CODES}/code/091> .
  <{BASE}id/organisation/998> kd:municipalityCode <{CODES}/code/998> .
  <{CODES}/code/049> skos:inScheme <{CODES}> ;
      skos:prefLabel "Espoo"@fi, "Esbo"@sv, "Espoo"@en, "Espoo"@de .
  <{CODES}/code/091> skos:inScheme <{CODES}> ;
      skos:prefLabel "Helsinki"@fi, "Helsingfors"@sv, "Helsinki"@en .
}}
"""


def funded_store(first: int, last: int) -> ox.Store:
    store = ox.Store()
    store.load(FUNDED.replace("{first}", str(first)).replace("{last}", str(last)).encode(), format=ox.RdfFormat.TRIG)
    return store


def test_coverage_is_read_from_the_data():
    coverage = release_coverage(funded_store(2019, 2020), BASE)
    assert coverage.years == (2019, 2020)       # the unused programme's 1999 is not theirs
    assert coverage.period == (date(2019, 1, 1), date(2020, 12, 31))
    assert [p.iri for p in coverage.places] == [f"{CODES}/code/049", f"{CODES}/code/091"]
    assert dict(coverage.places[1].labels) == {"fi": "Helsinki", "sv": "Helsingfors",
                                               "en": "Helsinki"}
    later = release_coverage(funded_store(2021, 2023), BASE)
    assert later.period == (date(2021, 1, 1), date(2023, 12, 31))
    assert release_coverage(funded_store(2019, 2020), "https://other.example/").years is None


@pytest.fixture(scope="module")
def covered(release):
    coverage = release_coverage(funded_store(2019, 2020), BASE)
    return build_catalog(release["settings"], VERSION, release["folder"], ISSUED, MODIFIED,
                         release["statistics"], coverage=coverage)


def test_temporal_and_spatial_coverage(covered):
    g = covered
    dataset = URIRef(f"{BASE}dataset/projects")
    period = g.value(dataset, DCTERMS.temporal)
    assert (period, RDF.type, DCTERMS.PeriodOfTime) in g
    assert g.value(period, DCAT.startDate) == Literal(date(2019, 1, 1), datatype=XSD.date)
    assert g.value(period, DCAT.endDate) == Literal(date(2020, 12, 31), datatype=XSD.date)
    auth = "http://publications.europa.eu/resource/authority/"
    places = set(g.objects(dataset, DCTERMS.spatial))
    assert places == {URIRef(auth + "country/FIN"), URIRef(f"{CODES}/code/049"),
                      URIRef(f"{CODES}/code/091")}
    for place in places:
        assert (place, RDF.type, DCTERMS.Location) in g
        assert {label.language for label in g.objects(place, SKOS.prefLabel)} == {"fi", "sv", "en"}
    assert {t.language for t in g.objects(URIRef(CODES), DCTERMS.title)} == {"fi", "sv", "en"}
    conforms, text = validate_catalog(g)
    assert conforms, text


def test_without_coverage_no_temporal_and_finland_only(release):
    g, dataset = release["catalog"], URIRef(f"{BASE}dataset/projects")
    assert g.value(dataset, DCTERMS.temporal) is None
    assert set(g.objects(dataset, DCTERMS.spatial)) == {
        URIRef("http://publications.europa.eu/resource/authority/country/FIN")}


def test_access_rights_rights_and_conformance(covered):
    g = covered
    cat, dataset = URIRef(f"{BASE}catalog"), URIRef(f"{BASE}dataset/projects")
    public = URIRef("http://publications.europa.eu/resource/authority/access-right/PUBLIC")
    assert g.value(dataset, DCTERMS.accessRights) == public
    assert (public, SKOS.inScheme,
            URIRef("http://publications.europa.eu/resource/authority/access-right")) in g
    assert {label.language for label in g.objects(public, SKOS.prefLabel)} == {"fi", "sv", "en"}
    rights = g.value(cat, DCTERMS.rights)
    assert (rights, RDF.type, DCTERMS.RightsStatement) in g
    assert {label.language for label in g.objects(rights, RDFS.label)} == {"fi", "sv", "en"}
    conforms = set(g.objects(dataset, DCTERMS.conformsTo))
    assert conforms == {URIRef(f"{BASE}def/"), URIRef(f"{BASE}shapes")}
    for standard in conforms:
        assert (standard, RDF.type, DCTERMS.Standard) in g
    record = g.value(cat, DCAT.record)
    assert g.value(record, FOAF.primaryTopic) == dataset
    assert g.value(record, DCTERMS.conformsTo) == URIRef(DCAT_AP_3)
    assert g.value(dataset, FOAF.page) == URIRef(f"{BASE}def/")
    assert g.value(dataset, DCAT.landingPage) == URIRef(BASE)


def test_themes_come_from_the_eu_table(covered, release):
    tables = Graph().parse(PROJECT_ROOT / "mappings" / "reference" / "eu" / "data-theme.ttl")
    dataset = URIRef(f"{BASE}dataset/projects")
    themes = set(covered.objects(dataset, DCAT.theme))
    assert len(themes) >= 2
    for theme in themes:
        assert (theme, SKOS.inScheme,
                URIRef("http://publications.europa.eu/resource/authority/data-theme")) in tables
        assert {label.language for label in covered.objects(theme, SKOS.prefLabel)} == {
            "fi", "sv", "en"}


def test_every_distribution_has_what_mqa_scores(covered):
    """The distribution indicators of data.europa.eu's MQA: access and download URL, format
    and media type from the vocabularies, licence, rights, size, dates; plus availability."""
    g, dataset = covered, URIRef(f"{BASE}dataset/projects")
    distributions = list(g.objects(dataset, DCAT.distribution))
    assert len(distributions) == len(DUMPS) + 2          # + the SPARQL endpoint, the stream
    availability = URIRef("http://data.europa.eu/r5r/availability")
    for dist in distributions:
        for predicate in (DCAT.accessURL, DCTERMS.format, DCAT.mediaType, DCTERMS.license,
                          DCTERMS.rights, DCTERMS.issued, DCTERMS.modified, availability,
                          DCTERMS.title, DCTERMS.description):
            assert g.value(dist, predicate) is not None, (dist, predicate)
        if g.value(dist, DCAT.accessService) is None:     # a dump, not the endpoint
            for predicate in (DCAT.downloadURL, DCAT.byteSize, SPDX.checksum):
                assert g.value(dist, predicate) is not None, (dist, predicate)
    for predicate in (DCAT.keyword, DCAT.theme, DCAT.contactPoint, DCTERMS.publisher,
                      DCTERMS.accessRights, DCTERMS.temporal, DCTERMS.spatial, DCTERMS.issued,
                      DCTERMS.modified, DCTERMS.accrualPeriodicity):
        assert g.value(dataset, predicate) is not None, predicate
    assert {k.language for k in g.objects(dataset, DCAT.keyword)} == {"fi", "sv", "en"}
