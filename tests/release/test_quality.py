"""The release's metadata quality: URLs of ours decided against the release's files and the
site's routes, the score into the build report and into catalog.ttl as DQV (still passing the
DCAT-AP 3.0.1 gate), every shortfall named in a warning."""
from __future__ import annotations

import json
from dataclasses import replace

import pyoxigraph as ox
import pytest
from rdflib import Graph

from publisher.release.checksums import file_sha256
from publisher.release.dcat_check import validate_catalog
from publisher.release.publish import build_release, write_metadata
from publisher.release.quality import (SITE_ROUTES, assess_release, assessed_file, quality_base,
                                       release_url_checker)
from publisher.shacl.mqa import INDICATORS, MAXIMUM, read_dqv
from tests.support.catalogue_release import (BASE, ISSUED, MODIFIED, VERSION,
                                             write_catalogue_release)


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    return write_catalogue_release(tmp_path_factory.mktemp("releases"))


@pytest.fixture()
def check(release):
    return release_url_checker(release["settings"], VERSION, release["folder"])


def test_a_download_url_of_ours_is_a_file_of_the_release(check) -> None:
    found = check(f"{BASE}dumps/{VERSION}/data.nt.gz")
    assert (found.status, found.media_type) == (200, "application/gzip")
    assert check(f"{BASE}dumps/{VERSION}/data.ttl").media_type == "text/turtle"
    assert check(f"{BASE}dumps/data.ttl").status == 200             # latest: this release
    missing = check(f"{BASE}dumps/{VERSION}/data.csv")
    assert missing.status == 404 and "no file data.csv in this release" in missing.error
    assert check(f"{BASE}dumps/20000101T000000Z/data.ttl").status == 404
    for hostile in (f"{BASE}dumps/../release.json", f"{BASE}dumps/{VERSION}/../x",
                    f"{BASE}dumps/{VERSION}/.hidden", f"{BASE}dumps/a/b/c"):
        assert check(hostile).status == 404, hostile


def test_an_access_url_of_ours_is_a_route_the_site_serves(check) -> None:
    assert check(f"{BASE}sparql").status == 200
    assert check(f"{BASE}catalog").status == 200
    assert check(f"{BASE}").status == 200
    assert check(f"{BASE}no-such-page").status == 404
    page = check(f"{BASE}doc/project/joto")
    assert page.status is None and "does not ask the store" in page.error


def test_a_foreign_url_is_not_fetched_at_build_time(check) -> None:
    answer = check("https://example.org/data.csv")
    assert answer.status is None and answer.error.startswith("not fetched at build time")


def test_the_site_routes_are_paths_under_the_base() -> None:
    assert all(not route.startswith("/") for route in SITE_ROUTES)


def test_write_metadata_scores_the_catalogue_into_the_report_and_the_catalogue(
        release) -> None:
    folder, settings = release["folder"], release["settings"]
    said: list[str] = []
    write_metadata(folder, settings, VERSION, release["store"], ISSUED, MODIFIED,
                   release["statistics"], said.append)
    expected = assess_release(settings, VERSION, folder)
    report = json.loads((folder / "build-report.json").read_text(encoding="utf-8"))["quality"]
    assert (report["total"], report["maximum"]) == (expected.total, MAXIMUM)
    assert report["assessed"] == assessed_file(folder).name
    (dataset,) = report["datasets"]
    assert [i["indicator"] for i in dataset["indicators"]] == [i.id for i in INDICATORS]
    # the catalogue carries the measurements and still passes its gate
    catalog = Graph().parse(folder / "catalog.ttl", format="turtle")
    conforms, text = validate_catalog(catalog, settings)
    assert conforms, text
    triples = list(ox.parse(path=str(folder / "catalog.ttl"), format=ox.RdfFormat.TURTLE))
    (measured,) = read_dqv(triples)
    assert (measured.dataset, measured.total) == (f"{BASE}dataset/projects", expected.total)
    assert any(t.subject.value.startswith(quality_base(BASE)) for t in triples)
    # a warning names every shortfall; the checksums cover the catalogue as rewritten
    shortfalls = expected.shortfalls()
    assert len(said) == (len(shortfalls) + 1 if shortfalls else 0)
    for result in shortfalls:
        assert any(f"({result.indicator}, {result.dimension}, 0/{result.weight})" in line
                   for line in said)
    sums = (folder / "SHA256SUMS").read_text(encoding="utf-8")
    assert f"{file_sha256(folder / 'catalog.ttl')}  catalog.ttl" in sums


def test_our_catalogue_scores_full_marks(project_settings, tmp_path) -> None:
    """The goal: the catalogue a build of the bundled texts publishes meets every indicator
    (its build report says so, and nothing falls short)."""
    said: list[str] = []
    built = build_release(replace(project_settings, releases_dir=tmp_path / "releases"),
                          notice=said.append)
    report = json.loads((built.path / "build-report.json").read_text(encoding="utf-8"))
    quality = report["quality"]
    shortfalls = [f"{s['indicator']}: {s['detail']}" for s in quality["shortfalls"]]
    assert (quality["total"], quality["rating"], shortfalls) == (405, "excellent", [])
    assert not [line for line in said if "MQA" in line]
    (measured,) = read_dqv(list(ox.parse(path=str(built.path / "catalog.ttl"),
                                         format=ox.RdfFormat.TURTLE)))
    assert measured.total == 405
