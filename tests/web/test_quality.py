"""`/catalog/quality`: the MQA score of the release's catalogue, read from its DQV measurements,
as a page in fi, sv and en, as JSON and as RDF by `Accept` or extension."""
from __future__ import annotations

import pyoxigraph as ox
import pytest
import rdflib

from publisher.release.quality import SITE_ROUTES
from publisher.shacl.mqa import INDICATORS, UrlStatus, assess
from publisher.vocab import DQV
from tests.support.release import BASE, CATALOG, QUALITY_POINTS

TOTAL = sum(QUALITY_POINTS.values())          # 75: "bad"


def test_the_test_release_carries_what_assess_gives_its_catalogue() -> None:
    text = CATALOG.format(base=BASE, version="2024-05-01.1")
    triples = list(ox.parse(text.encode(), format=ox.RdfFormat.TURTLE))
    assessment = assess(triples, lambda url: UrlStatus(200))
    assert {r.indicator: r.points for r in assessment.indicators if r.points} == QUALITY_POINTS
    assert (assessment.total, assessment.rating) == (TOTAL, "bad")


@pytest.mark.parametrize(("lang", "heading", "score", "dimension", "indicator", "unmet"), [
    ("fi", "Metatietojen laatu", "75 / 405 pistettä, arvio: Huono", "Saavutettavuus",
     "Latausosoite (downloadURL)", "ei täyty"),
    ("sv", "Metadatakvalitet", "75 av 405 poäng, betyg: Dålig", "Tillgänglighet",
     "Nedladdnings-URL (downloadURL)", "inte uppfyllt"),
    ("en", "Metadata quality", "75 of 405 points, rating: Bad", "Accessibility",
     "DownloadURL", "not met"),
])
def test_the_page_in_each_language(client, lang, heading, score, dimension, indicator,
                                   unmet) -> None:
    response = client.get(f"/catalog/quality?lang={lang}", headers={"Accept": "text/html"})
    assert response.status_code == 200 and response.mimetype == "text/html"
    page = response.data.decode()
    assert f"<h1>{heading}</h1>" in page and score in page
    assert f">{dimension}</a>" in page and f"{dimension} · 50/100" in page
    assert indicator in page and unmet in page
    assert 'href="https://data.europa.eu/mqa/methodology"' in page
    assert "Kuntien digitalisaatiohankkeet" in page or "Municipal digitalisation" in page
    assert page.count('class="met"') == len(QUALITY_POINTS)
    assert page.count('class="unmet"') == len(INDICATORS) - len(QUALITY_POINTS)


def test_the_page_as_json(client) -> None:
    document = client.get("/catalog/quality.json?lang=en").get_json()
    (dataset,) = document["datasets"]
    assert (dataset["dataset"], dataset["total"], dataset["maximum"], dataset["rating"]) == (
        f"{BASE}dataset", TOTAL, 405, "bad")
    dimensions = {d["dimension"]: (d["points"], d["maximum"]) for d in dataset["dimensions"]}
    assert dimensions == {"findability": (0, 100), "accessibility": (50, 100),
                          "interoperability": (20, 110), "reusability": (0, 75),
                          "contextuality": (5, 20)}
    indicators = {i["indicator"]: i for d in dataset["dimensions"] for i in d["indicators"]}
    assert len(indicators) == 23
    assert indicators["download-url"]["computed_on"] == f"{BASE}dataset/distribution/ttl"
    assert indicators["download-url"]["met"] and not indicators["keyword-usage"]["met"]


@pytest.mark.parametrize(("accept", "parser"), [
    ("text/turtle", "turtle"), ("application/ld+json", "json-ld"),
    ("application/rdf+xml", "xml"), ("application/n-triples", "nt")])
def test_the_measurements_as_rdf(client, accept, parser) -> None:
    response = client.get("/catalog/quality", headers={"Accept": accept})
    assert response.status_code == 200 and response.mimetype == accept
    assert "Accept" in response.headers.get("Vary", "")
    graph = rdflib.Graph().parse(data=response.data, format=parser)
    dqv = rdflib.Namespace(DQV)
    measurements = set(graph.objects(rdflib.URIRef(f"{BASE}dataset"),
                                     dqv.hasQualityMeasurement))
    assert len(measurements) == 23 + 5 + 1
    values = {str(m).rsplit("-score", 1)[-1]: int(graph.value(m, dqv.value))
              for m in measurements if "-score" in str(m)}
    assert values == {"": TOTAL, "-findability": 0, "-accessibility": 50,
                      "-interoperability": 20, "-reusability": 0, "-contextuality": 5}
    assert sum(int(graph.value(m, dqv.value)) for m in measurements
               if "-score" not in str(m)) == TOTAL
    metric = rdflib.URIRef(f"{BASE}catalog/quality#metric-keyword-usage")
    assert (metric, rdflib.RDF.type, dqv.Metric) in graph
    assert graph.value(metric, dqv.inDimension) == rdflib.URIRef(
        f"{BASE}catalog/quality#dimension-findability")
    assert (None, rdflib.URIRef("http://purl.org/dc/terms/title"), None) not in graph


def test_every_dqv_iri_leads_to_its_place_on_the_page(client) -> None:
    """Measurements, metrics, dimensions and the category are fragments of this page."""
    turtle = client.get("/catalog/quality.ttl").data
    graph = rdflib.Graph().parse(data=turtle, format="turtle")
    ours = {str(s) for s in graph.subjects() if str(s).startswith(f"{BASE}catalog/quality#")}
    assert len(ours) == 1 + 5 + 5 + 1 + 23 + 29          # category, dimensions, metrics …
    page = client.get("/catalog/quality?lang=en", headers={"Accept": "text/html"}).data.decode()
    missing = [iri for iri in ours if f'id="{iri.rsplit("#", 1)[1]}"' not in page]
    assert missing == []


def test_extensions_and_refusals(client) -> None:
    turtle = client.get("/catalog/quality.ttl")
    assert turtle.mimetype == "text/turtle" and "Vary" not in turtle.headers
    assert client.get("/catalog/quality.nt").mimetype == "application/n-triples"
    assert client.get("/catalog/quality.xyz").status_code == 404
    assert client.get("/catalog/quality", headers={"Accept": "image/png"}).status_code == 406


def test_a_repeated_request_is_not_modified(client) -> None:
    first = client.get("/catalog/quality?lang=en", headers={"Accept": "text/html"})
    again = client.get("/catalog/quality?lang=en", headers={
        "Accept": "text/html", "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


def test_links_follow_the_host(local_client) -> None:
    turtle = local_client.get("/catalog/quality.ttl").data.decode()
    assert "<http://localhost/catalog/quality#metric-keyword-usage>" in turtle
    assert BASE not in turtle


@pytest.mark.parametrize("route", sorted(SITE_ROUTES))
def test_every_route_the_build_counts_as_served_is_served(client, route) -> None:
    """publisher.release.quality decides access URLs of ours by this list."""
    response = client.get("/" + route, headers={"Accept": "text/html"})
    assert response.status_code in (200, 301, 302, 303), (route, response.status_code)
