"""A real harvester reads `/catalog`: CKAN's DCAT extension (ckanext-dcat), the parser
CKAN-based portals such as avoindata.fi harvest DCAT-AP with, given the catalogue of a release
of the bundled texts as a client gets it over HTTP, in DCAT-AP 3.0.1 (the default, read with
its `euro_dcat_ap_3` profile) and in DCAT-AP 2.1.1 (asked for by `Accept-Profile`, read with
`euro_dcat_ap_2`). Every dataset and distribution must come out with what a portal shows:
title, description, licence, format, download URL and checksum (the real file's), temporal
and spatial coverage, access rights.

The parser runs in a child process (tests/support/ckan_reader.py): it imports CKAN, whose
module-level state stays out of this test run.
"""
from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import tomllib
import urllib.request
from urllib.parse import urlsplit

import pytest

from publisher.config import PROJECT_ROOT
from publisher.store import EmbeddedStore
from publisher.vocab import DCAT_AP_2, DCAT_AP_3
from publisher.web import create_app
from tests.support.servers import LiveServer

READER = PROJECT_ROOT / "tests" / "support" / "ckan_reader.py"
AUTHORITY = "http://publications.europa.eu/resource/authority/"
#: (how the client asks, the profile the answer must name, ckanext-dcat's profile, checksum)
ASKED = {
    "dcat-ap-3": ({}, DCAT_AP_3, "euro_dcat_ap_3", ("sha256", hashlib.sha256)),
    "dcat-ap-2": ({"Accept-Profile": f"<{DCAT_AP_2}>"}, DCAT_AP_2, "euro_dcat_ap_2",
                  ("sha1", hashlib.sha1)),
}


@pytest.fixture(scope="module")
def harvested(bundled_release, tmp_path_factory):
    """The release of the bundled texts, served over HTTP; /catalog fetched in both profiles
    and read by ckanext-dcat. Returns (settings, release folder, {token: datasets})."""
    settings = bundled_release
    root = tmp_path_factory.mktemp("harvest-reader")
    store = EmbeddedStore(settings)
    server = LiveServer(create_app(settings, store))
    try:
        requests = []
        for token, (headers, uri, profile, _) in ASKED.items():
            request = urllib.request.Request(server.url + "/catalog",
                                             headers={"Accept": "text/turtle", **headers})
            with urllib.request.urlopen(request, timeout=30) as answer:
                assert answer.headers["Content-Profile"] == f"<{uri}>"
                requests.append({"profile": profile, "turtle": answer.read().decode("utf-8")})
    finally:
        server.stop()
        store.close()
    child = subprocess.run([sys.executable, str(READER)], input=json.dumps(requests),
                           capture_output=True, text=True, timeout=240, cwd=root)
    assert child.returncode == 0, child.stderr[-3000:]
    read = json.loads(child.stdout)
    return settings, settings.releases_dir / "latest", {
        token: entry["datasets"] for token, entry in zip(ASKED, read)}


def extras(dataset: dict) -> dict:
    return {extra["key"]: extra["value"] for extra in dataset["extras"]}


def programme_years() -> tuple[int, int]:
    programme = tomllib.loads((PROJECT_ROOT / "mappings" / "programme.toml").read_text())
    years = [call["year"] for call in programme["programme"]["calls"]]
    return min(years), max(years)


@pytest.mark.parametrize("token", list(ASKED))
def test_every_dataset_is_read_whole(harvested, token):
    settings, folder, read = harvested
    datasets = read[token]
    assert len(datasets) == 1
    for dataset in datasets:
        assert dataset["title"] and dataset["notes"]
        found = extras(dataset)
        first, last = programme_years()
        assert found["temporal_start"] == f"{first}-01-01"
        assert found["temporal_end"] == f"{last}-12-31"
        assert found["spatial_uri"].startswith((AUTHORITY + "country/FIN",
                                                settings.municipality_codelist + "/code/"))
        assert found["access_rights"] == AUTHORITY + "access-right/PUBLIC"
        assert found["publisher_name"] and found["contact_email"]
        assert json.loads(found["theme"]) and json.loads(found["language"])
        version = json.loads((folder / "release.json").read_text())["version"]
        assert dataset["version"] == version
        tags = {tag["name"] for tag in dataset["tags"]}
        assert {"kunnat", "kommuner", "municipalities"} <= tags


@pytest.mark.parametrize("token", list(ASKED))
def test_every_distribution_is_read_whole(harvested, token):
    settings, folder, read = harvested
    algorithm, digest = ASKED[token][3]
    resources = read[token][0]["resources"]
    dumps = [r for r in resources if r.get("download_url")]
    assert {urlsplit(r["download_url"]).path.rsplit("/", 1)[1] for r in dumps} == {
        "data.ttl", "data.nt.gz", "data.jsonld", "data.rdf", "data.trig"}
    for resource in resources:
        assert resource["name"] and resource["description"]
        assert resource["license"] == settings.licence
        assert resource["format"].startswith(AUTHORITY + "file-type/")
        assert resource["rights"]
    for resource in dumps:
        name = urlsplit(resource["download_url"]).path.rsplit("/", 1)[1]
        assert resource["hash_algorithm"].endswith("checksumAlgorithm_" + algorithm)
        assert resource["hash"] == digest((folder / name).read_bytes()).hexdigest()
        assert int(resource["size"]) == (folder / name).stat().st_size
        assert resource["mimetype"].startswith("http://www.iana.org/assignments/media-types/")
    # The distributions without a file: the SPARQL endpoint and the event stream, each
    # reached through its service (a service has no download URL, size or checksum to state).
    services = sorted((r for r in resources if not r.get("download_url")),
                      key=lambda r: r["access_url"])
    assert [urlsplit(r["access_url"]).path for r in services] == ["/ldes", "/sparql"]
    assert all(r["access_services"] for r in services)
