"""publisher.shacl.catalogue_check: a DCAT catalogue checked as a harvester would — planted
faults served by a real loopback server each reported, our own release's catalogue without a
URL fault, foreign URLs never asked without --allow-network, each URL asked once, and the
catalogue-check profile of /validate (our URLs from the release's files, nothing fetched)."""
from __future__ import annotations

import hashlib
import json
import socket
import threading

import pytest

from publisher.shacl import UnreadableInput
from publisher.shacl.catalogue_check import (Access, CheckOptions, OwnSite, check_catalogue,
                                             render)
from publisher.shacl.catalogue_check.declared import algorithm_of, declared_in, media_type_of
from publisher.shacl.catalogue_check.shapes import declared_versions
from publisher.shacl.inputs import INPUT_FORMATS, parse_bytes
from publisher.store import EmbeddedStore
from publisher.vocab import DCAT_AP_2, DCAT_AP_3
from publisher.web import create_app
from tests.support.catalogue_faults import (DATA, EU_LICENCE, FAULTS, OWN_LICENCE,
                                            faulty_catalogue)
from tests.support.catalogue_release import BASE, VERSION, write_catalogue_release
from tests.support.release import make_settings, write_release
from tests.support.servers import LiveServer

DESCRIPTION = "http://purl.org/dc/terms/description"


def by_code(report: dict, code: str) -> list[dict]:
    return [f for f in report["findings"] if f["code"] == code]


@pytest.fixture(scope="module")
def faulty(tmp_path_factory, project_settings):
    """The planted faults, checked once: (report JSON, requests the server heard, root)."""
    with faulty_catalogue(tmp_path_factory.mktemp("faulty")) as server:
        report = check_catalogue(server.root + "/catalog.ttl", project_settings,
                                 CheckOptions(Access()))
        yield report, report.as_json(), list(server.requests), server.root


def test_each_planted_fault_is_reported_and_the_status_is_1(faulty) -> None:
    report, found, _, root = faulty
    assert report.status == 1 and found["status"] == 1 and not found["conforms"]
    gone = by_code(found, "status")
    assert [(f["url"], f["severity"], f["role"]) for f in gone] == [
        (root + FAULTS["gone"], "Violation", "download")]
    assert "answers HTTP 404" in gone[0]["message"]
    checksum = by_code(found, "checksum")
    assert [(f["url"], f["severity"]) for f in checksum] == [(root + FAULTS["bad-checksum"],
                                                              "Violation")]
    assert hashlib.sha256(b"something else").hexdigest() in checksum[0]["message"]
    size = by_code(found, "byte_size")
    assert [(f["url"], f["severity"]) for f in size] == [(root + FAULTS["bad-size"],
                                                          "Violation")]
    assert size[0]["message"] == "has 40 bytes; dcat:byteSize says 140"
    licence = by_code(found, "licence")
    assert [(f["subject"], f["severity"]) for f in licence] == [(root + "/id/bad-size",
                                                                 "Warning")]
    assert OWN_LICENCE in licence[0]["message"]
    assert not any(EU_LICENCE in f["message"] for f in found["findings"])
    # the dataset without a description, in both DCAT-AP versions
    for run in found["shacl"]:
        undescribed = [r for resource in run["resources"] for r in resource["results"]
                       if r["focus"] == root + "/id/undescribed" and r["path"] in
                       ("dcterms:description", DESCRIPTION)]
        assert undescribed and undescribed[0]["severity"] == "Violation", run["profile"]
    assert [run["profile"] for run in found["shacl"]] == ["dcat-ap-3", "dcat-ap-2.1.1"]


def test_the_sound_distribution_has_no_finding_and_its_url_answers(faulty) -> None:
    _, found, _, root = faulty
    fine = root + "/files/data.ttl"
    assert not [f for f in found["findings"] if f["url"] == fine]
    url = next(u for u in found["urls"] if u["url"] == fine)
    assert (url["status"], url["media_type"], url["size"], url["via"]) == (
        200, "text/turtle", len(DATA.encode()), "loopback")
    assert url["digests"] == {"sha256": hashlib.sha256(DATA.encode()).hexdigest()}
    assert {r["role"] for r in url["roles"]} == {"access", "download"}


def test_each_url_is_asked_once_by_the_checks_and_the_mqa(faulty) -> None:
    _, found, requests, root = faulty
    assert found["quality"]["total"] > 0 and found["quality"]["maximum"] == 405
    assert requests.count(("GET", "/catalog.ttl")) == 1
    for path in ("/files/data.ttl", "/files/data.nt"):
        # HEAD, then GET for the body its checksum needs: once each
        assert requests.count(("HEAD", path)) == 1 and requests.count(("GET", path)) == 1, path
    # a byte size alone: the HEAD's Content-Length tells it, no GET
    assert requests.count(("HEAD", "/files/figures.csv")) == 1
    assert requests.count(("GET", "/files/figures.csv")) == 0
    # HEAD answered 404: a GET makes sure, as a harvester would
    assert requests.count(("HEAD", FAULTS["gone"])) == 1
    assert requests.count(("GET", FAULTS["gone"])) == 1


def test_the_report_reads_in_text_html_and_json(faulty) -> None:
    report, found, _, root = faulty
    text = render(found, "text", "en")
    assert text.startswith("Catalogue check: Does not conform: Violations ")
    assert "answers HTTP 404" in text and root + FAULTS["gone"] in text
    page = render(found, "html", "en")
    assert page.startswith("<!doctype html>") and 'data-code="checksum"' in page
    assert json.loads(render(found, "json", "en"))["status"] == 1
    finnish = render(report.as_json("fi"), "text", "fi")
    assert finnish.startswith("Luettelon tarkistus: Ei vastaa muotoja")
    assert "vastaa HTTP-tilalla 404" in finnish


# --------------------------------------------------------------------------- our own catalogue


@pytest.fixture(scope="module")
def our_release(tmp_path_factory) -> dict:
    return write_catalogue_release(tmp_path_factory.mktemp("releases"))


def test_our_release_catalogue_has_no_url_fault(our_release, project_settings) -> None:
    folder = our_release["folder"]
    options = CheckOptions(Access(own=OwnSite(BASE, folder)), quality=False)
    for source in (str(folder / "catalog.ttl"), BASE + "catalog"):   # a file, or our URL
        found = check_catalogue(source, project_settings, options).as_json()
        url_faults = [f for f in found["findings"] if f["role"] in ("access", "download")
                      and f["severity"] != "Info"]
        assert url_faults == []
        dumps = [u for u in found["urls"] if "/dumps/" in u["url"]]
        assert len(dumps) == 5 and all(u["status"] == 200 and u["via"] == "release"
                                       for u in dumps)
        for url in dumps:
            name = url["url"].rsplit("/", 1)[1]
            assert url["url"] == f"{BASE}dumps/{VERSION}/{name}"
            assert url["digests"]["sha256"] == hashlib.sha256(
                (folder / name).read_bytes()).hexdigest()
        sparql = next(f for f in found["findings"] if f["url"] == BASE + "sparql")
        assert sparql["severity"] == "Info" and sparql["code"] == "not_checked"
        assert found["shacl"][0]["profile"] == "dcat-ap-3" and found["shacl"][0]["conforms"]


def test_a_dump_missing_from_the_release_is_a_404(our_release, project_settings,
                                                   tmp_path) -> None:
    text = (our_release["folder"] / "catalog.ttl").read_text(encoding="utf-8")
    moved = tmp_path / "catalog.ttl"
    moved.write_text(text.replace(f"dumps/{VERSION}/data.rdf", f"dumps/{VERSION}/gone.rdf"),
                     encoding="utf-8")
    found = check_catalogue(str(moved), project_settings, CheckOptions(
        Access(own=OwnSite(BASE, our_release["folder"])), quality=False,
        profiles=("dcat-ap-3",))).as_json()
    assert [(f["url"], f["message"]) for f in by_code(found, "status")] == [
        (f"{BASE}dumps/{VERSION}/gone.rdf", "answers HTTP 404")]


# --------------------------------------------------------------------------- the network


FOREIGN = """\
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
<https://partner.example.test/dataset> a dcat:Dataset ; dct:title "Partner"@en ;
  dct:description "Partner data."@en ;
  dcat:distribution [ a dcat:Distribution ;
    dcat:accessURL <https://partner.example.test/data.csv> ;
    dcat:downloadURL <{redirect}> , <ftp://partner.example.test/data.csv> ] .
"""


class Listener:
    """A loopback port that records who connects and answers with a redirect to a foreign
    host (bounded: at most 20 connections, 10 s)."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.sock.settimeout(10)
        self.port = self.sock.getsockname()[1]
        self.accepted = 0
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        for _ in range(20):
            try:
                connection, _ = self.sock.accept()
            except OSError:
                return
            self.accepted += 1
            with connection:
                connection.recv(65536)
                connection.sendall(b"HTTP/1.1 302 Found\r\nLocation: https://partner.example."
                                   b"test/moved.csv\r\nContent-Length: 0\r\n\r\n")

    def close(self) -> None:
        self.sock.close()
        self.thread.join(timeout=5)


@pytest.fixture()
def no_dns(monkeypatch):
    """Name lookups recorded and refused: a foreign host is never looked up, let alone asked."""
    looked_up: list[str] = []
    real = socket.getaddrinfo

    def lookup(host, *args, **kwargs):
        if host not in ("127.0.0.1", "localhost", "::1"):
            looked_up.append(host)
            raise socket.gaierror("no lookups in this test")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", lookup)
    return looked_up


def test_foreign_urls_are_not_checked_without_the_network_flag(project_settings, tmp_path,
                                                                no_dns) -> None:
    listener = Listener()
    try:
        path = tmp_path / "partner.ttl"
        path.write_text(FOREIGN.format(redirect=f"http://127.0.0.1:{listener.port}/data.csv"),
                        encoding="utf-8")
        found = check_catalogue(str(path), project_settings,
                                CheckOptions(Access(), quality=False)).as_json()
    finally:
        listener.close()
    assert no_dns == []
    skipped = {u["url"]: u["skipped"] for u in found["urls"]}
    assert skipped["https://partner.example.test/data.csv"] == "network_off"
    assert skipped["ftp://partner.example.test/data.csv"] == "scheme"
    moved = next(f for f in found["findings"] if f["url"].startswith("http://127.0.0.1"))
    assert moved["code"] == "unreachable" and moved["severity"] == "Violation"
    assert "https://partner.example.test/moved.csv" in moved["message"]
    assert "--allow-network" in moved["message"]
    assert listener.accepted >= 1            # the loopback URL was asked; the foreign never


def test_the_network_flag_lets_the_check_ask_foreign_hosts(project_settings, tmp_path,
                                                           no_dns) -> None:
    path = tmp_path / "partner.ttl"
    path.write_text(FOREIGN.format(redirect="https://partner.example.test/old.csv"),
                    encoding="utf-8")
    found = check_catalogue(str(path), project_settings,
                            CheckOptions(Access(network=True), quality=False)).as_json()
    assert "partner.example.test" in no_dns          # it tried: the lookup was refused here
    url = next(u for u in found["urls"] if u["url"] == "https://partner.example.test/data.csv")
    assert url["checked"] and url["problem"] == "connection"


# --------------------------------------------------------------------------- reading


def test_what_a_catalogue_declares_is_read_as_written() -> None:
    text = f"""\
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix spdx: <http://spdx.org/rdf/terms#> .
<{BASE}d> a dcat:Distribution ; dcat:downloadURL <{BASE}x> ; dcat:byteSize "12" ;
  dcat:mediaType <https://www.iana.org/assignments/media-types/text/csv> ;
  spdx:checksum [ spdx:algorithm <https://spdx.org/rdf/terms#checksumAlgorithm_sha1> ;
                  spdx:checksumValue "ABC" ] ,
                [ spdx:algorithm "SHA-256" ; spdx:checksumValue "def" ] ,
                [ spdx:algorithm spdx:checksumAlgorithm_sha512 ; spdx:checksumValue "0" ] .
"""
    parsed = parse_bytes(text.encode(), "d.ttl", INPUT_FORMATS["turtle"])
    declared = declared_in(parsed.triples)
    (d,) = declared.distributions
    assert d.media_types == ("text/csv",) and d.byte_size == "12"
    assert sorted((c.algorithm or "", c.value) for c in d.checksums) == [
        ("", "0"), ("sha1", "abc"), ("sha256", "def")]
    assert declared.needs()[BASE + "x"].algorithms == {"sha1", "sha256"}
    assert media_type_of("text/turtle; charset=utf-8") == "text/turtle"
    assert algorithm_of("http://spdx.org/rdf/terms#checksumAlgorithm_md5") == "md5"


def test_what_is_no_dcat_catalogue_cannot_be_checked(project_settings, tmp_path) -> None:
    path = tmp_path / "concepts.ttl"
    path.write_text("<http://example.test/a> a <http://www.w3.org/2004/02/skos/core#Concept> .",
                    encoding="utf-8")
    with pytest.raises(UnreadableInput, match="no DCAT catalogue"):
        check_catalogue(str(path), project_settings, CheckOptions(Access()))
    with pytest.raises(UnreadableInput, match="is a check, not a set of shapes"):
        check_catalogue(str(path), project_settings,
                        CheckOptions(Access(), profiles=("catalogue-check",)))


# --------------------------------------------------------------------------- on the web


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The app on a release of the web tests, with the embedded store; and its settings."""
    root = tmp_path_factory.mktemp("site")
    write_release(root / "releases")
    settings = make_settings(root)
    store = EmbeddedStore(settings)
    app = create_app(settings, store)
    yield app, settings
    if "validation_processes" in app.extensions:
        app.extensions["validation_processes"].close()
    store.close()


@pytest.fixture()
def web(site):
    return site[0].test_client()


def test_our_urls_are_checked_against_a_running_server(site) -> None:
    app, settings = site
    server = LiveServer(app)
    try:
        found = check_catalogue(BASE + "catalog", settings, CheckOptions(
            Access(server=server.url, own=OwnSite(BASE, None)), quality=False,
            profiles=("dcat-ap-3",))).as_json()
    finally:
        server.stop()
    assert found["input"]["name"] == BASE + "catalog" and found["input"]["format"] == "Turtle"
    (url,) = found["urls"]
    assert (url["via"], url["status"], url["media_type"]) == ("server", 200, "text/turtle")
    assert url["head"]["method"] == "HEAD" and not by_code(found, "status")


def post(client, data: dict, accept: str = "application/json", lang: str = "en"):
    return client.post(f"/validate?lang={lang}", data=data, headers={"Accept": accept},
                       base_url=BASE)


def test_the_web_checks_our_catalogue_from_the_release_files(web) -> None:
    answer = post(web, {"url": BASE + "catalog", "profile": "catalogue-check"})
    assert answer.status_code == 200, answer.get_data(as_text=True)
    found = json.loads(answer.get_data(as_text=True))
    assert found["web"] and not found["network"]
    (url,) = found["urls"]
    assert url["via"] == "release" and url["status"] == 200
    assert answer.headers["X-Validation-Conforms"] == "false"      # its tiny catalogue fails


def test_the_web_never_asks_other_urls(web, tmp_path) -> None:
    listener = Listener()
    try:
        catalogue = FOREIGN.format(redirect=f"http://127.0.0.1:{listener.port}/data.csv")
        answer = post(web, {"data": catalogue, "profile": "catalogue-check"})
    finally:
        listener.close()
    found = json.loads(answer.get_data(as_text=True))
    assert listener.accepted == 0
    assert {u["skipped"] for u in found["urls"]} == {"web_offline", "scheme"}


def test_the_web_page_of_the_check_is_in_the_page_language(web) -> None:
    answer = post(web, {"url": BASE + "catalog", "profile": "catalogue-check"},
                  accept="text/html", lang="fi")
    page = answer.get_data(as_text=True)
    assert answer.status_code == 200 and "<h1>Luettelon tarkistus</h1>" in page
    assert "julkaisun tiedostot" in page


def test_the_check_is_chosen_alone_and_answers_html_or_json(web) -> None:
    both = post(web, {"url": BASE + "catalog", "profile": ["catalogue-check", "dcat-ap-3"]})
    assert both.status_code == 400 and "choose it alone" in both.get_data(as_text=True)
    turtle = post(web, {"url": BASE + "catalog", "profile": "catalogue-check"},
                  accept="text/turtle")
    assert turtle.status_code == 406
    form = web.get("/validate", base_url=BASE).get_data(as_text=True)
    assert 'value="catalogue-check"' in form


def _claims(conforms_to: str) -> list:
    text = f"""@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> .
<http://example.org/c> a dcat:Catalog ; dct:conformsTo <{conforms_to}> .
<http://example.org/r> a dcat:CatalogRecord ; dct:conformsTo <http://example.org/other> ."""
    return parse_bytes(text.encode(), "c.ttl", INPUT_FORMATS["turtle"]).triples


def test_a_catalogue_is_judged_by_the_dcat_ap_version_it_declares() -> None:
    assert declared_versions(_claims(DCAT_AP_3)) == ["dcat-ap-3"]
    assert declared_versions(_claims(DCAT_AP_2)) == ["dcat-ap-2.1.1"]
    assert declared_versions(_claims("http://example.org/own-profile")) == []
