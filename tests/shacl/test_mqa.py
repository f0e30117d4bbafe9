"""The MQA score (publisher.shacl.mqa) on hand-written catalogues whose scores follow from the
methodology: `mqa/complete.ttl` meets every indicator, and for each indicator
`mqa/<indicator>.ru` (a SPARQL update of it) is the same catalogue without what that indicator
looks for. Each pair differs by exactly that indicator's weight, apart from the indicators the
methodology ties to it (no download URL can be reached when there is none …), named here."""
from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from publisher.shacl.mqa import (DIMENSIONS, INDICATORS, MAXIMUM, UrlStatus, assess, rating,
                                 read_dqv)
from publisher.shacl.mqa.assessment import MAX_DETAIL
from publisher.vocab import DQV, RDF_TYPE, SCHEMA

FIXTURES = Path(__file__).parent / "mqa"
COMPLETE = FIXTURES / "complete.ttl"
EX = "https://example.org/"
#: Indicators whose absence takes others with it, as the methodology defines them.
TIED = {
    "download-url": {"download-url-accessibility"},
    "format": {"non-proprietary", "machine-readable"},
    "licence-information": {"licence-vocabulary"},
    "access-restrictions": {"access-restrictions-vocabulary"},
    # DCAT-AP 2.1.1 itself requires dct:accessRights from the EU table
    "access-restrictions-vocabulary": {"dcat-ap-compliance"},
}


def answer(url: str) -> UrlStatus:
    """The test web: everything under https://example.org/ answers 200 but /gone/, 404."""
    if url.startswith(EX + "gone/"):
        return UrlStatus(404, error="Not Found")
    if url.startswith(EX):
        return UrlStatus(200, "text/csv")
    return UrlStatus(None, error="not fetched")


def catalogue(update: str | None = None, extra: str = "") -> list[ox.Triple]:
    store = ox.Store()
    store.load(COMPLETE.read_bytes() + extra.encode(), format=ox.RdfFormat.TURTLE)
    if update:
        store.update(update)
    return [q.triple for q in store]


def points(assessment) -> dict[str, int]:
    return {r.indicator: r.points for r in assessment.indicators}


def test_the_dimensions_sum_to_405() -> None:
    assert MAXIMUM == 405
    assert {d.id: d.maximum for d in DIMENSIONS} == {
        "findability": 100, "accessibility": 100, "interoperability": 110,
        "reusability": 75, "contextuality": 20}
    assert sum(i.weight for i in INDICATORS) == 405
    for dimension in DIMENSIONS:
        assert sum(i.weight for i in INDICATORS if i.dimension == dimension.id) == \
            dimension.maximum


def test_the_complete_catalogue_scores_405() -> None:
    assessment = assess(catalogue(), answer)
    assert assessment.shortfalls() == []
    assert (assessment.total, assessment.maximum, assessment.rating) == (405, 405, "excellent")
    assert assessment.dimensions == {d.id: (d.maximum, d.maximum) for d in DIMENSIONS}
    assert len(assessment.indicators) == len(INDICATORS) == 23


def test_every_indicator_has_its_fixture() -> None:
    assert sorted(p.stem for p in FIXTURES.glob("*.ru")) == sorted(i.id for i in INDICATORS)


@pytest.mark.parametrize("indicator", INDICATORS, ids=lambda i: i.id)
def test_each_indicator_pair_differs_by_its_weight(indicator) -> None:
    present = assess(catalogue(), answer)
    absent = assess(catalogue((FIXTURES / f"{indicator.id}.ru").read_text()), answer)
    before, after = points(present), points(absent)
    changed = {i for i in before if before[i] != after[i]}
    assert changed == {indicator.id} | TIED.get(indicator.id, set())
    assert before[indicator.id] - after[indicator.id] == indicator.weight
    (result,) = [r for r in absent.shortfalls() if r.indicator == indicator.id]
    assert (result.points, result.met, result.dimension) == (0, False, indicator.dimension)
    assert result.detail
    tied = sum(i.weight for i in INDICATORS if i.id in TIED.get(indicator.id, ()))
    assert present.total - absent.total == indicator.weight + tied


def test_a_distribution_indicator_counts_the_best_distribution() -> None:
    """Identical content with several distributions: per dimension, the one with most points."""
    weak = f"""
        <{EX}dataset> <http://www.w3.org/ns/dcat#distribution> <{EX}a-weak-one> .
        <{EX}a-weak-one> a <http://www.w3.org/ns/dcat#Distribution> ;
            <http://www.w3.org/ns/dcat#accessURL> <{EX}gone/weak> ."""
    both = assess(catalogue(extra=weak), answer)
    assert both.total == 405
    assert {r.subject for r in both.indicators if r.indicator == "format"} == {EX + "distribution"}
    alone = assess(catalogue(f"""
        DELETE WHERE {{ <{EX}dataset> <http://www.w3.org/ns/dcat#distribution> <{EX}distribution> }}
        """, extra=weak), answer)
    assert alone.dimensions["accessibility"] == (0, 100)
    assert alone.dimensions["interoperability"] == (30, 110)        # DCAT-AP compliance only
    assert alone.dimensions["contextuality"] == (10, 20)            # the dataset's dates


def test_a_dataset_without_distributions_gets_none_of_their_points() -> None:
    assessment = assess(catalogue(
        f"DELETE WHERE {{ <{EX}dataset> <http://www.w3.org/ns/dcat#distribution> ?d }}"), answer)
    lost = [r for r in assessment.shortfalls() if r.detail == "the dataset has no distribution"]
    assert sum(r.weight for r in lost) == 100 + 80 + 30 + 10       # all distribution indicators
    assert assessment.total == 405 - 220


def test_a_catalogue_scores_the_mean_of_its_datasets() -> None:
    second = f"""
        <{EX}catalog> <http://www.w3.org/ns/dcat#dataset> <{EX}other> .
        <{EX}other> a <http://www.w3.org/ns/dcat#Dataset> ;
            <http://purl.org/dc/terms/title> "Other"@en ;
            <http://purl.org/dc/terms/description> "Only keywords."@en ;
            <http://www.w3.org/ns/dcat#keyword> "other"@en ."""
    assessment = assess(catalogue(extra=second), answer)
    scores = {d.dataset: d.total for d in assessment.datasets}
    assert scores == {EX + "dataset": 405, EX + "other": 30 + 30}   # keywords and compliance
    assert assessment.total == round((405 + 60) / 2)
    assert assessment.dimensions["findability"] == (round((100 + 30) / 2), 100)
    assert {r.dataset for r in assessment.shortfalls()} == {EX + "other"}


@pytest.mark.parametrize(("points_", "expected"), [
    (405, "excellent"), (351, "excellent"), (350, "good"), (221, "good"),
    (220, "sufficient"), (121, "sufficient"), (120, "bad"), (0, "bad")])
def test_ratings_follow_the_methodology(points_: int, expected: str) -> None:
    assert rating(points_) == expected


@pytest.mark.parametrize(("status", "accessible"), [
    (UrlStatus(200), True), (UrlStatus(204), True), (UrlStatus(301), True),
    (UrlStatus(399), True), (UrlStatus(400), False), (UrlStatus(404), False),
    (UrlStatus(500), False), (UrlStatus(None, error="timed out"), False)])
def test_a_url_is_accessible_with_a_2xx_or_3xx_status(status: UrlStatus,
                                                      accessible: bool) -> None:
    assessment = assess(catalogue(), lambda url: status)
    assert points(assessment)["access-url-accessibility"] == (50 if accessible else 0)


def test_each_url_is_asked_once_and_a_failing_checker_is_that_urls_answer() -> None:
    asked: list[str] = []

    def broken(url: str) -> UrlStatus:
        asked.append(url)
        raise ConnectionError("no route to host")

    extra = f"<{EX}distribution> <http://www.w3.org/ns/dcat#accessURL> <{EX}stops.csv> ."
    assessment = assess(catalogue(extra=extra), broken)
    assert sorted(asked) == [EX + "stops", EX + "stops.csv"]
    (access,) = [r for r in assessment.shortfalls() if r.indicator == "access-url-accessibility"]
    assert "ConnectionError: no route to host" in access.detail


def test_a_foreign_url_not_fetched_says_so() -> None:
    assessment = assess(catalogue(), lambda url: UrlStatus(None, error="not fetched at build"))
    (download,) = [r for r in assessment.shortfalls()
                   if r.indicator == "download-url-accessibility"]
    assert "no answer (not fetched at build)" in download.detail


def test_details_are_bounded() -> None:
    long_url = EX + "gone/" + "x" * 5000
    assessment = assess(catalogue(f"""
        DELETE {{ <{EX}distribution> <http://www.w3.org/ns/dcat#accessURL> ?u }}
        INSERT {{ <{EX}distribution> <http://www.w3.org/ns/dcat#accessURL> <{long_url}> }}
        WHERE {{ <{EX}distribution> <http://www.w3.org/ns/dcat#accessURL> ?u }}"""), answer)
    assert all(len(r.detail) <= MAX_DETAIL for r in assessment.indicators)


def test_a_catalogue_without_datasets_scores_nothing() -> None:
    assessment = assess([], answer)
    assert (assessment.total, assessment.rating, assessment.indicators) == (0, "bad", [])
    assert assessment.to_json()["notes"] == ["no dcat:Dataset in the catalogue"]


def test_the_json_names_each_dataset_dimension_and_indicator() -> None:
    document = assess(catalogue(FIXTURES.joinpath("rights.ru").read_text()), answer).to_json()
    assert (document["total"], document["maximum"], document["rating"]) == (400, 405, "excellent")
    assert document["dimensions"]["contextuality"] == {"points": 15, "maximum": 20}
    (dataset,) = document["datasets"]
    assert dataset["dataset"] == EX + "dataset" and len(dataset["indicators"]) == 23
    assert document["shortfalls"] == [{
        "dataset": EX + "dataset", "indicator": "rights", "dimension": "contextuality",
        "weight": 5, "points": 0, "met": False, "subject": EX + "distribution",
        "detail": "no dct:rights"}]


def test_the_dqv_says_what_the_assessment_says() -> None:
    assessment = assess(catalogue(FIXTURES.joinpath("file-size.ru").read_text()), answer)
    base = EX + "catalog/quality#"
    triples = assessment.to_dqv(base)
    measurements = {t.subject for t in triples if t.predicate.value == RDF_TYPE
                    and t.object.value == DQV + "QualityMeasurement"}
    assert len(measurements) == 23 + 5 + 1                 # indicators, dimensions, total
    assert all(m.value.startswith(base) for m in measurements)
    metrics = {t.subject.value for t in triples if t.predicate.value == RDF_TYPE
               and t.object.value == DQV + "Metric"}
    for indicator in INDICATORS:
        metric = f"{base}metric-{indicator.id}"
        assert metric in metrics
        described = {(t.predicate.value, t.object.value) for t in triples
                     if t.subject.value == metric}
        assert (DQV + "inDimension", f"{base}dimension-{indicator.dimension}") in described
        assert (SCHEMA + "maxValue", str(indicator.weight)) in described
    (read,) = read_dqv(triples)
    assert (read.dataset, read.total, read.rating) == (EX + "dataset", 400, "excellent")
    assert dict((d, p) for d, p, _ in read.dimensions) == {
        k: p for k, (p, _) in assessment.dimensions.items()}
    assert {m.indicator: m.points for m in read.indicators} == points(assessment)
    (size,) = [m for m in read.indicators if m.indicator == "file-size"]
    assert (size.met, size.subject, size.weight) == (False, EX + "distribution", 5)


def test_reading_dqv_ignores_measurements_of_other_metrics() -> None:
    triples = list(ox.parse(f"""
        @prefix dqv: <{DQV}> .
        <{EX}dataset> dqv:hasQualityMeasurement <{EX}m> .
        <{EX}m> dqv:isMeasurementOf <{EX}someone-elses-metric> ; dqv:value 3 .
        """.encode(), format=ox.RdfFormat.TURTLE))
    assert read_dqv(triples) == []
