"""`/validate`: the form, the report by Accept with the same content as `publisher validate`,
resources of ours by URL (never fetched), and bad input: parse errors with line and column,
uploads above the limit, a validation past its time limit while the server answers others."""
from __future__ import annotations

import gzip
import html
import io
import json
import re
import shutil
import time
import threading
import urllib.error
import urllib.request
import uuid
from dataclasses import replace
from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from tests.support.required import IN_CI
from tests.support.browser import browser_binaries, console_errors, new_driver
from tests.support.release import BASE
from tests.support.servers import LiveServer

from publisher.config import PROJECT_ROOT
from publisher.shacl import validate_files

FIXTURES = PROJECT_ROOT / "tests" / "shacl" / "validation"
SKOS_DEFECTS = (FIXTURES / "skos-defects.ttl").read_text(encoding="utf-8")
SH_RESULT = URIRef("http://www.w3.org/ns/shacl#result")
NOTATION_SHAPES = (FIXTURES / "notation-shapes.ttl").read_text(encoding="utf-8")
# A steward's shape whose SPARQL joins every triple with every other twice over: it takes
# far longer than any time limit on a few hundred triples.
SLOW_SHAPES = """\
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<http://example.test/shapes/Slow> a sh:NodeShape ; sh:targetClass skos:ConceptScheme ;
    sh:sparql [ sh:message "slow" ; sh:select
        "SELECT $this WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . FILTER(STR(?c) = STR(?i) && ?a = ?d && false) }" ] .
"""


def post(client, data: dict, accept: str = "application/json", **kwargs):
    return client.post("/validate", data=data, headers={"Accept": accept}, **kwargs)


def report_of(response) -> dict:
    assert response.status_code == 200, response.get_data(as_text=True)
    return json.loads(response.get_data(as_text=True))


def cli_report(name: str, profiles: list[str], settings, lang: str = "en") -> dict:
    return validate_files([FIXTURES / name], settings, profiles=profiles, lang=lang).as_json()


def same_findings(web: dict, cli: dict) -> None:
    assert web["conforms"] == cli["conforms"] and web["counts"] == cli["counts"]
    assert web["resources"] == cli["resources"] and web["profiles"] == cli["profiles"]


# --------------------------------------------------------------------------- the form


def test_the_form_offers_paste_upload_url_profiles_and_own_shapes(client) -> None:
    response = client.get("/validate", headers={"Accept-Language": "sv"})
    assert response.status_code == 200 and response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    for field in ('name="data"', 'type="file" name="file"', 'type="url" name="url"',
                  'type="file" name="shapes"', 'name="input_format"', 'name="format"',
                  'name="lang"'):
        assert field in page, field
    for name, title in (("kuntadigi", "Kuntadigi-dataprofil"), ("vocabulary", "Vokabulärens kvalitet"),
                        ("dcat-ap-3", "DCAT-AP 3.0.1 (officiell)")):
        assert f'name="profile" value="{name}"' in page and title in page
    assert "Högst 10 MiB och 250,000 tripler" in page
    assert 'enctype="multipart/form-data"' in page and 'method="post"' in page


def test_the_form_is_cacheable_per_language(client) -> None:
    first = client.get("/validate", headers={"Accept-Language": "fi"})
    again = client.get("/validate", headers={"Accept-Language": "fi",
                                             "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert client.get("/validate?lang=en").headers["ETag"] != first.headers["ETag"]


# --------------------------------------------------------------------------- reports


def test_pasted_text_gives_the_same_report_as_the_command_line(client, settings) -> None:
    web = report_of(post(client, {"data": SKOS_DEFECTS, "profile": "vocabulary", "lang": "fi"}))
    cli = cli_report("skos-defects.ttl", ["vocabulary"], settings, lang="fi")
    same_findings(web, cli)
    assert web["inputs"] == [{"name": "pasted text", "triples": cli["inputs"][0]["triples"]}]


def test_the_report_by_accept(client) -> None:
    form = {"data": SKOS_DEFECTS, "profile": "vocabulary", "lang": "sv"}
    html = post(client, form, "text/html")
    assert html.status_code == 200 and html.mimetype == "text/html"
    page = html.get_data(as_text=True)
    assert "Uppfyller inte formerna: Fel 15 · Varningar 6 · Informationer 0" in page
    assert page.count('<section class="resource-results">') == 14
    assert html.headers["X-Validation-Conforms"] == "false" and "Accept" in html.headers["Vary"]
    turtle = post(client, form, "text/turtle")
    assert turtle.mimetype == "text/turtle"
    graph = Graph().parse(data=turtle.get_data(as_text=True), format="turtle")
    assert len(set(graph.objects(None, SH_RESULT))) == 21
    jsonld = post(client, form, "application/ld+json")
    assert jsonld.mimetype == "application/ld+json"
    assert len(Graph().parse(data=jsonld.get_data(as_text=True), format="json-ld")) == len(graph)
    assert post(client, {**form, "format": "turtle"}, "text/html").mimetype == "text/turtle"
    refused = post(client, form, "image/png")
    assert refused.status_code == 406


def test_an_uploaded_file_and_own_shapes(client, settings) -> None:
    uploads = {"file": (open(FIXTURES / "dcat-defects.ttl", "rb"), "record.ttl"),
               "profile": "dcat-ap-3", "lang": "en"}
    web = report_of(post(client, uploads, content_type="multipart/form-data"))
    same_findings(web, cli_report("dcat-defects.ttl", ["dcat-ap-3"], settings))
    assert web["inputs"][0]["name"] == "record.ttl"
    own = {"file": (open(FIXTURES / "skos-defects.ttl", "rb"), "../../escape/themes.ttl"),
           "shapes": (io.BytesIO(NOTATION_SHAPES.encode()), "my-shapes.ttl"), "lang": "fi"}
    report = report_of(post(client, own, content_type="multipart/form-data"))
    assert report["profiles"] == ["my-shapes.ttl"] and report["inputs"][0]["name"] == "themes.ttl"
    messages = {r["message"] for res in report["resources"] for r in res["results"]}
    assert messages == {"Käsitteeltä puuttuu koodi"}
    assert report["counts"]["Violation"] == 13        # each of the 13 concepts of the fixture


def test_a_raw_rdf_body(client, settings) -> None:
    response = client.post("/validate?profile=vocabulary&lang=en", data=SKOS_DEFECTS.encode(),
                           headers={"Content-Type": "text/turtle", "Accept": "application/json"})
    same_findings(report_of(response), cli_report("skos-defects.ttl", ["vocabulary"], settings))
    wrong = client.post("/validate", data=b"a,b\n1,2\n", headers={"Content-Type": "text/csv"})
    assert wrong.status_code == 415 and "text/turtle" in wrong.get_data(as_text=True)


def test_the_format_is_detected_from_the_content(client) -> None:
    jsonld = '{"@id": "http://example.test/a", "@type": "http://www.w3.org/2004/02/skos/core#Concept"}'
    report = report_of(post(client, {"data": jsonld, "profile": "vocabulary"}))
    assert report["inputs"] == [{"name": "pasted text", "triples": 1}]
    assert report["counts"]["Violation"] == 4             # no preferred label in fi, sv, en; no scheme


# --------------------------------------------------------------------------- resources of ours


def test_a_resource_of_ours_by_url_is_read_from_the_store(client) -> None:
    iri = BASE + "id/project/kuntien-evaka"
    report = report_of(post(client, {"url": iri}))
    assert report["profiles"] == ["kuntadigi"]
    assert report["inputs"][0]["name"] == iri
    assert {r["focus"] for r in report["resources"]} <= {iri}     # only that resource
    doc = report_of(post(client, {"url": BASE + "doc/project/kuntien-evaka.html"}))
    assert doc["resources"] == report["resources"]
    by_get = report_of(client.get("/validate", query_string={"url": iri},
                                  headers={"Accept": "application/json"}))
    assert by_get["resources"] == report["resources"]


def test_the_vocabulary_and_the_catalogue_by_url_get_their_profiles(client) -> None:
    ontology = report_of(post(client, {"url": BASE + "ontology"}))
    assert ontology["profiles"] == ["vocabulary"] and ontology["inputs"][0]["triples"] > 50
    catalogue = report_of(post(client, {"url": BASE + "catalog"}))
    assert catalogue["profiles"] == ["dcat-ap-3"]
    chosen = report_of(post(client, {"url": BASE + "ontology", "profile": "kuntadigi"}))
    assert chosen["profiles"] == ["kuntadigi"]


def test_a_url_on_this_server_maps_onto_the_base(local_client) -> None:
    response = local_client.post("/validate", data={"url": "http://localhost/doc/organisation/049"},
                                 headers={"Accept": "application/json"})
    report = report_of(response)
    assert report["inputs"][0]["name"] == BASE + "id/organisation/049"


@pytest.mark.parametrize("url,words", [
    ("http://169.254.169.254/latest/meta-data/", "is not a resource of this service"),
    ("https://data.kuntadigi.example.evil.test/id/project/x", "is not a resource of this service"),
    ("file:///etc/passwd", "is not a resource of this service"),
    (BASE + "sparql", "is not a resource URL"),
    (BASE + "id/project/ei-ole", "There is no resource"),
])
def test_urls_outside_our_resources_are_refused(client, url: str, words: str) -> None:
    response = post(client, {"url": url})
    assert response.status_code == 400
    assert words in json.loads(response.get_data(as_text=True))["message"]


@pytest.mark.parametrize("rest", [
    "graph/reference> { ?s ?p ?o } SERVICE <http://127.0.0.1:9/sparql> { ?a ?b ?c } GRAPH <"
    + BASE + "graph/reference",
    "graph/reference> { ?s ?p ?o . ?a ?b ?c . ?d ?e ?f } GRAPH <" + BASE + "graph/reference",
    "id/project/x> ?p ?o } #", "def/Project%3E",
])
def test_a_url_carrying_sparql_is_refused_before_any_query(client, rest: str) -> None:
    response = post(client, {"url": BASE + rest})
    message = json.loads(response.get_data(as_text=True))["message"]
    assert response.status_code == 400 and "A valid address is" in message
    assert f"{BASE}id/project/kuntien-evaka" in message


# --------------------------------------------------------------------------- bad input


def test_pasted_data_nested_past_the_limit_is_a_400_with_its_line(client) -> None:
    deep = '{"@id": "http://e/s",\n "http://e/p": ' + "[" * 200 + '"x"' + "]" * 200 + "}"
    response = post(client, {"data": deep})
    body = json.loads(response.get_data(as_text=True))
    assert response.status_code == 400 and (body["line"], body["where"]) == (2, "data")
    assert body["message"].startswith("pasted text:2: JSON objects and arrays nest more than 128 "
                                      "deep")


def test_a_parse_error_is_a_400_with_line_and_column(client) -> None:
    broken = "@prefix ex: <http://example.test/> .\nex:a ex:b ex:c .\nex:a ex:b \"open .\n"
    response = post(client, {"data": broken})
    assert response.status_code == 400
    body = json.loads(response.get_data(as_text=True))
    assert (body["line"], body["column"], body["where"]) == (3, 11, "data")
    assert body["message"].startswith("pasted text:3:11: not valid Turtle (line 3, column 11)")
    page = post(client, {"data": broken}, "text/html").get_data(as_text=True)
    assert "liitetty teksti, rivi 3, sarake 11" in page           # the form, in the page's language


def test_a_file_of_another_format_than_its_name_says(client) -> None:
    upload = {"file": (io.BytesIO(b'{"@id": "http://e/a", "http://e/p": "x"}'),
                       "data.ttl")}
    response = post(client, upload, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "looks like JSON-LD, not Turtle" in json.loads(response.get_data(as_text=True))["message"]


def test_own_shapes_that_do_not_parse_are_a_400_naming_them(client) -> None:
    upload = {"data": SKOS_DEFECTS,
              "shapes": (io.BytesIO(NOTATION_SHAPES.replace("] .", "]]").encode()),
                         "mine.ttl")}
    response = post(client, upload, content_type="multipart/form-data")
    body = json.loads(response.get_data(as_text=True))
    assert response.status_code == 400 and body["where"] == "shapes"
    assert body["message"].startswith("mine.ttl:")


@pytest.mark.parametrize("form,words", [
    ({}, "Give exactly one thing to validate"),
    ({"data": "  "}, "Give exactly one thing to validate"),
    ({"data": SKOS_DEFECTS, "url": BASE + "ontology"}, "2 given"),
    ({"data": SKOS_DEFECTS, "profile": "qskos"}, "Unknown profile 'qskos'"),
    ({"data": "@prefix ex: <http://e/> ."}, "without a single triple"),
    ({"data": SKOS_DEFECTS, "input_format": "csv"}, "unknown input format"),
])
def test_missing_or_contradictory_input_is_a_400(client, form: dict, words: str) -> None:
    response = post(client, form)
    assert response.status_code == 400 and words in response.get_data(as_text=True)


def test_too_many_triples_is_a_413(client) -> None:
    blanks = "<http://e/a> <http://e/p> " + ", ".join(["[]"] * 260_000) + " ."
    response = client.post("/validate", data=blanks.encode(),
                           headers={"Content-Type": "text/turtle", "Accept": "application/json"})
    assert response.status_code == 413
    assert "more than 250,000 triples" in response.get_data(as_text=True)


# --------------------------------------------------------------------------- a real server


@pytest.fixture(scope="module")
def limited(settings, embedded_store):
    """The app behind a real HTTP server with a small upload limit and a short time limit."""
    from publisher.web import create_app

    limits = replace(settings.limits, upload_max_bytes=200_000, validation_timeout_seconds=3)
    app = create_app(replace(settings, limits=limits), embedded_store)
    server = LiveServer(app)
    yield server
    server.stop()
    if "validation_processes" in app.extensions:
        app.extensions["validation_processes"].close()


def http(url: str, body: bytes | None = None, headers: dict | None = None,
         timeout: float = 60) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, data=body, headers=headers or {},
                                     method="POST" if body is not None else "GET")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def multipart(fields: dict[str, tuple[str, bytes] | str]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        if isinstance(value, tuple):
            filename, content = value
            head = (f'Content-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                    "Content-Type: application/octet-stream\r\n\r\n")
            parts.append(f"--{boundary}\r\n{head}".encode() + content + b"\r\n")
        else:
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                         f"{value}\r\n".encode())
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def padded(size: int) -> bytes:
    """Valid Turtle of about `size` bytes (a comment pads it)."""
    body = SKOS_DEFECTS.encode()
    return body + b"\n#" + b"x" * max(0, size - len(body) - 3) + b"\n"


def test_an_upload_above_the_limit_is_a_413_and_one_below_is_validated(limited) -> None:
    body, content_type = multipart({"file": ("big.ttl", padded(300_000)), "profile": "vocabulary"})
    status, _, answer = http(limited.url + "/validate", body,
                             {"Content-Type": content_type, "Accept": "application/json"})
    assert status == 413
    assert "upload limit of 200,000 bytes" in json.loads(answer)["message"]
    body, content_type = multipart({"file": ("fits.ttl", padded(150_000)), "profile": "vocabulary"})
    status, _, answer = http(limited.url + "/validate", body,
                             {"Content-Type": content_type, "Accept": "application/json"})
    assert status == 200 and json.loads(answer)["counts"]["Violation"] == 15


def test_a_200_mb_upload_is_refused_before_it_is_read(live) -> None:
    """The default limits: the declared length alone is enough for a 413."""
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", live.port, timeout=30)
    connection.putrequest("POST", "/validate")
    for name, value in (("Content-Type", "text/turtle"), ("Content-Length", str(200 * 1000 * 1000)),
                        ("Accept", "application/json")):
        connection.putheader(name, value)
    connection.endheaders(SKOS_DEFECTS.encode())
    response = connection.getresponse()
    assert response.status == 413
    assert "larger than" in json.loads(response.read())["message"]
    connection.close()


def test_a_raw_body_above_the_limit_is_a_413(limited) -> None:
    status, _, answer = http(limited.url + "/validate", padded(250_000),
                             {"Content-Type": "text/turtle", "Accept": "application/json"})
    assert status == 413 and "upload limit" in json.loads(answer)["message"]


def test_a_validation_past_its_time_limit_is_stopped_while_others_are_answered(limited) -> None:
    body, content_type = multipart({"data": SKOS_DEFECTS, "shapes": ("slow.ttl", SLOW_SHAPES.encode())})
    outcome: dict = {}

    def slow() -> None:
        outcome["answer"] = http(limited.url + "/validate", body,
                                 {"Content-Type": content_type, "Accept": "application/json"})

    thread = threading.Thread(target=slow)
    thread.start()
    answered_meanwhile = []
    while thread.is_alive() and len(answered_meanwhile) < 3:
        status, _, _ = http(limited.url + "/health", timeout=10)
        answered_meanwhile.append(status)
    thread.join(timeout=60)
    assert answered_meanwhile and set(answered_meanwhile) == {200}
    assert len(answered_meanwhile) == 3, "the slow validation ended before the others were answered"
    status, headers, answer = outcome["answer"]
    assert status == 503 and "time limit (3 s) exceeded" in json.loads(answer)["message"]
    # the stopped worker was replaced: the next validation works
    status, _, answer = http(limited.url + "/validate?profile=vocabulary", SKOS_DEFECTS.encode(),
                             {"Content-Type": "text/turtle", "Accept": "application/json"})
    assert status == 200 and json.loads(answer)["counts"]["Violation"] == 15


def test_uploads_are_not_written_under_the_clients_name(limited, tmp_path: Path) -> None:
    name = f"kd-upload-{uuid.uuid4().hex}.ttl"
    body, content_type = multipart({"file": (f"../../../../tmp/{name}", SKOS_DEFECTS.encode()),
                                    "profile": "vocabulary"})
    status, _, answer = http(limited.url + "/validate", body,
                             {"Content-Type": content_type, "Accept": "application/json"})
    assert status == 200 and json.loads(answer)["inputs"][0]["name"] == name
    assert not Path("/tmp", name).exists() and not (PROJECT_ROOT / name).exists()


# --------------------------------------------------------------------------- /shapes


def test_the_shapes_page_summarises_every_profile(client) -> None:
    response = client.get("/shapes", headers={"Accept": "text/html", "Accept-Language": "fi"})
    assert response.status_code == 200 and response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    for name, title in (("kuntadigi", "Kuntadigi-tietoprofiili"),
                        ("vocabulary", "Sanaston laatu (OWL, RDFS, SKOS)"),
                        ("dcat-ap-3", "DCAT-AP 3.0.1 (virallinen)")):
        assert f'id="profile-{name}"' in page and title in page
        assert f'href="/shapes/{name}.ttl"' in page
    assert "Suositettava termi puuttuu kieleltä …" in page          # a vocabulary check in Finnish
    assert "sh:minCount 1" in page and "dcat:accessURL" in page      # the official shapes, in brief
    assert "Accept" in response.headers["Vary"]


def test_the_shapes_rdf_and_each_profile_as_rdf(client) -> None:
    release = client.get("/shapes", headers={"Accept": "text/turtle"})
    assert release.mimetype == "text/turtle" and "sh:NodeShape" in release.get_data(as_text=True)
    vocabulary = client.get("/shapes/vocabulary.ttl")
    graph = Graph().parse(data=vocabulary.get_data(as_text=True), format="turtle")
    assert (URIRef(BASE + "def/shapes/vocabulary/BroaderCycle"), None, None) in graph
    jsonld = client.get("/shapes/dcat-ap-3", headers={"Accept": "application/ld+json"})
    assert jsonld.mimetype == "application/ld+json"
    html = client.get("/shapes/kuntadigi", headers={"Accept": "text/html"})
    assert html.status_code == 303 and html.headers["Location"].endswith("/shapes#profile-kuntadigi")
    assert client.get("/shapes/qskos.ttl").status_code == 404


# --------------------------------------------------------------------------- in a browser


def _browser_or_skip() -> None:
    if browser_binaries()[0] is None and not IN_CI:
        pytest.skip("chromium is not installed (the browser tests run whenever CI is set)")


def wait_for(driver, selector: str):
    """The element once the page that has it has loaded (a validation takes a moment)."""
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, 60).until(ec.presence_of_element_located(("css selector", selector)))


@pytest.mark.browser
def test_the_form_in_a_browser(limited) -> None:
    _browser_or_skip()
    driver = new_driver("sv")
    try:
        driver.get(limited.url + "/validate")
        assert driver.find_element("css selector", "h1").text == "Validering"
        driver.find_element("id", "v-data").send_keys(SKOS_DEFECTS)
        driver.find_element("css selector", "input[name=profile][value=vocabulary]").click()
        driver.find_element("css selector", "form.validate button[type=submit]").click()
        summary = wait_for(driver, ".validation-report .summary").text
        assert summary == "Uppfyller inte formerna: Fel 15 · Varningar 6 · Informationer 0"
        rows = driver.find_elements("css selector", ".validation-report table.results tbody tr")
        assert len(rows) == 21
        assert console_errors(driver) == []
        driver.find_element("link text", "Ny validering").click()
        wait_for(driver, "#v-url")
        driver.find_element("id", "v-url").send_keys("http://elsewhere.test/data.ttl")
        driver.find_element("css selector", "form.validate button[type=submit]").click()
        assert "is not a resource of this service" in wait_for(driver, ".error-message").text
    finally:
        driver.quit()
        shutil.rmtree(driver.profile_dir, ignore_errors=True)


# --------------------------------------------------------------------------- gzip, on a real server

ZEROS = gzip.compress(b"\x00" * (100 * 1000 * 1000), compresslevel=9)    # 100 MB in about 100 kB


def parts(fields: dict[str, str | tuple[str, bytes, dict[str, str]]]) -> tuple[bytes, str]:
    """A multipart body whose file parts carry headers of their own."""
    boundary = uuid.uuid4().hex
    out = []
    for name, value in fields.items():
        if isinstance(value, tuple):
            filename, content, headers = value
            head = "".join(f"{k}: {v}\r\n" for k, v in {
                "Content-Disposition": f'form-data; name="{name}"; filename="{filename}"',
                "Content-Type": "application/octet-stream", **headers}.items())
            out.append(f"--{boundary}\r\n{head}\r\n".encode() + content + b"\r\n")
        else:
            out.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                       f"{value}\r\n".encode())
    return b"".join(out) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def validated(server, body: bytes, headers: dict[str, str], query: str = "") -> tuple[int, dict]:
    status, _, answer = http(server.url + "/validate" + query, body,
                             {"Accept": "application/json", **headers})
    return status, json.loads(answer)


def test_our_release_dump_uploaded_as_nt_gz(live, settings) -> None:
    """data.nt.gz of the served release, told by its name, gives the report its Turtle gives."""
    folder = settings.releases_dir / "latest"
    body, content_type = parts({"file": ("data.nt.gz", (folder / "data.nt.gz").read_bytes(),
                                         {"Content-Type": "application/gzip"}),
                                "profile": "kuntadigi"})
    status, packed = validated(live, body, {"Content-Type": content_type})
    assert status == 200, packed
    body, content_type = parts({"file": ("data.ttl", (folder / "data.ttl").read_bytes(), {}),
                                "profile": "kuntadigi"})
    status, turtle = validated(live, body, {"Content-Type": content_type})
    assert status == 200 and packed["inputs"][0]["name"] == "data.nt.gz"
    assert packed["inputs"][0]["triples"] == turtle["inputs"][0]["triples"] > 50
    assert packed["resources"] == turtle["resources"] and packed["counts"] == turtle["counts"]


@pytest.mark.parametrize("how", ["by name", "by magic bytes", "part Content-Encoding",
                                 "request Content-Encoding", "form Content-Encoding"])
def test_gzip_is_read_however_it_is_told(live, how: str) -> None:
    packed = gzip.compress(SKOS_DEFECTS.encode())
    if how == "request Content-Encoding":
        status, report = validated(live, packed, {"Content-Type": "text/turtle",
                                                  "Content-Encoding": "gzip"}, "?profile=vocabulary")
    elif how == "form Content-Encoding":
        body, content_type = parts({"data": SKOS_DEFECTS, "profile": "vocabulary"})
        status, report = validated(live, gzip.compress(body), {"Content-Type": content_type,
                                                               "Content-Encoding": "gzip"})
    else:
        name, headers = {"by name": ("skos.ttl.gz", {}), "by magic bytes": ("skos", {}),
                         "part Content-Encoding": ("skos.ttl", {"Content-Encoding": "gzip"})}[how]
        body, content_type = parts({"file": (name, packed, headers), "profile": "vocabulary"})
        status, report = validated(live, body, {"Content-Type": content_type})
    assert status == 200, report
    assert report["counts"] == {"Violation": 15, "Warning": 6, "Info": 0}


@pytest.mark.parametrize("name,content,words", [
    ("zeros.nt.gz", ZEROS, "decompresses to more than 200,000 bytes"),
    ("nested.gz", gzip.compress(ZEROS), "decompresses to more than 200,000 bytes"),
])
def test_a_zip_bomb_is_a_413_naming_the_limit_at_once(limited, name: str, content: bytes,
                                                      words: str) -> None:
    started = time.monotonic()
    body, content_type = parts({"file": (name, content, {}), "profile": "vocabulary"})
    status, answer = validated(limited, body, {"Content-Type": content_type})
    assert status == 413 and words in answer["message"]
    assert "limits.upload_max_bytes" in answer["message"]
    assert time.monotonic() - started < 10
    status, report = validated(limited, gzip.compress(SKOS_DEFECTS.encode()),
                               {"Content-Type": "text/turtle", "Content-Encoding": "gzip"},
                               "?profile=vocabulary")
    assert status == 200 and report["counts"]["Violation"] == 15


def test_a_gzip_encoded_request_that_expands_past_the_limit_is_a_413(limited) -> None:
    body, content_type = parts({"file": ("zeros.nt", b"0" * 10_000_000, {})})
    assert len(gzip.compress(body)) < 100_000
    status, answer = validated(limited, gzip.compress(body), {"Content-Type": content_type,
                                                               "Content-Encoding": "gzip"})
    assert status == 413 and "decompresses to more than" in answer["message"]
    assert "limits.upload_max_bytes" in answer["message"]


def test_codings_we_do_not_read_and_false_gzip_are_refused(live) -> None:
    status, answer = validated(live, SKOS_DEFECTS.encode(), {"Content-Type": "text/turtle",
                                                             "Content-Encoding": "br"})
    assert status == 415 and "only gzip" in answer["message"]
    status, answer = validated(live, SKOS_DEFECTS.encode(), {"Content-Type": "text/turtle",
                                                             "Content-Encoding": "gzip"})
    assert status == 400 and "declared gzip-compressed" in answer["message"]
    body, content_type = parts({"file": ("skos.ttl", SKOS_DEFECTS.encode(),
                                         {"Content-Encoding": "gzip"})})
    status, answer = validated(live, body, {"Content-Type": content_type})
    assert status == 400 and "'skos.ttl' is declared gzip-compressed" in answer["message"]
    status, answer = validated(live, gzip.compress(SKOS_DEFECTS.encode())[:-30],
                               {"Content-Type": "text/turtle"})
    assert status == 400 and "not a valid gzip file" in answer["message"]


# --------------------------------------------------------------------------- the form keeps the work


def html_post(server, fields: dict, lang: str | None, accept_language: str = "fi") -> tuple[int, str]:
    body, content_type = parts(fields)
    query = f"?lang={lang}" if lang else ""
    status, _, answer = http(server.url + "/validate" + query, body,
                             {"Content-Type": content_type, "Accept-Language": accept_language,
                              "Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    return status, answer.decode("utf-8")


def textarea(page: str) -> str:
    """What the form's textarea holds, as a browser reads it (its first line break dropped)."""
    found = re.search(r'<textarea id="v-data"[^>]*>(.*?)</textarea>', page, re.DOTALL)
    assert found, "no textarea"
    return html.unescape(found.group(1).removeprefix("\n"))


def error_of(page: str) -> str:
    found = re.search(r'<section class="validation-error".*?</section>', page, re.DOTALL)
    assert found, "no error on the page"
    return html.unescape(re.sub(r"<[^>]+>", "", found.group()))


BROKEN = "\n@prefix ex: <http://example.test/> .\nex:a ex:b ex:c .\nex:a ex:b \"open .\n"


def test_a_parse_error_comes_back_on_the_form_in_the_page_language(live) -> None:
    fields = {"data": BROKEN, "profile": "vocabulary", "input_format": "turtle", "lang": "en",
              "format": "html"}
    status, page = html_post(live, fields, "sv")
    assert status == 400 and '<html lang="sv"' in page
    message = error_of(page)
    assert "400 Felaktig begäran" in message
    assert "inklistrad text, rad 4, kolumn 11: inte giltig Turtle" in message
    assert textarea(page) == BROKEN                          # kept as typed, first line break too
    assert '<form class="validate" method="post" action="/validate?lang=sv"' in page
    assert 'value="vocabulary" checked' in page and 'value="kuntadigi">' in page
    assert '<option value="turtle" selected>' in page and '<option value="en" selected>' in page
    assert '<option value="html" selected>' in page
    finnish = error_of(html_post(live, fields, "fi")[1])
    assert "liitetty teksti, rivi 4, sarake 11: ei kelvollista Turtle-muotoa" in finnish
    english = error_of(html_post(live, fields, "en")[1])
    assert "pasted text, line 4, column 11: not valid Turtle" in english


def test_the_language_of_the_page_follows_accept_language_without_lang(live) -> None:
    status, page = html_post(live, {"data": BROKEN}, None, accept_language="sv")
    assert status == 400 and "inklistrad text, rad 4" in error_of(page)
    assert 'action="/validate?lang=sv"' in page


def test_an_upload_too_large_is_a_413_on_the_form(limited) -> None:
    status, page = html_post(limited, {"file": ("big.ttl", padded(300_000), {}),
                                       "profile": "dcat-ap-3"}, "fi")
    assert status == 413
    message = error_of(page)
    assert "413 Pyyntö on liian suuri" in message or "413" in message
    assert "lähetysraja 200,000 tavua" in message and "limits.upload_max_bytes" in message
    status, page = html_post(limited, {"file": ("zeros.nt.gz", ZEROS, {}), "profile": "vocabulary"},
                             "fi")
    assert status == 413 and "purettuna yli 200,000 tavua" in error_of(page)
    assert "zeros.nt.gz" in error_of(page) and "valitse se uudelleen" in error_of(page)
    assert 'value="vocabulary" checked' in page


def test_binary_input_is_refused_on_the_form_naming_what_it_is(live) -> None:
    png = b"\x89PNG\r\n\x1a\n" + b"\x00\x01\x02" * 40
    status, page = html_post(live, {"file": ("picture.ttl", png, {})}, "en")
    assert status == 400
    assert "picture.ttl: a PNG file, not RDF text" in error_of(page)
    assert "choose it again" in error_of(page)


def test_an_unknown_profile_is_named_on_the_form(live) -> None:
    status, page = html_post(live, {"data": SKOS_DEFECTS, "profile": "qskos"}, "fi")
    assert status == 400 and "Tuntematon profiili 'qskos'" in error_of(page)
    assert textarea(page) == SKOS_DEFECTS


def test_control_bytes_are_never_shown_raw(live) -> None:
    pasted = "@prefix ex: <http://example.test/> .\nex:a ex:b \"bell\x07 esc\x1b[2J nul\x00\" .\n"
    status, page = html_post(live, {"data": pasted, "profile": "qskos\x1b[31m"}, "en")
    assert status == 400
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", page)
    assert "bell\\x07 esc\\x1b[2J nul\\x00" in textarea(page)
    assert "Unknown profile 'qskos\\x1b[31m'" in error_of(page)
    status, page = html_post(live, {"data": pasted, "profile": "vocabulary"}, "en")
    assert status == 400 and not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", page)
    assert "a NUL byte at byte" in error_of(page)


def test_programs_still_get_json_errors_in_english(live) -> None:
    body, content_type = parts({"data": BROKEN})
    status, answer = validated(live, body, {"Content-Type": content_type, "Accept-Language": "fi"})
    assert status == 400 and answer["message"].startswith("pasted text:4:11: not valid Turtle")
    assert (answer["line"], answer["column"]) == (4, 11)


def test_the_form_and_the_report_link_carry_the_page_language(live) -> None:
    status, _, form = http(live.url + "/validate?lang=sv", headers={"Accept": "text/html"})
    assert status == 200 and 'action="/validate?lang=sv"' in form.decode()
    status, page = html_post(live, {"data": SKOS_DEFECTS, "profile": "vocabulary", "lang": "en"}, "sv")
    assert status == 200 and '<html lang="sv"' in page
    assert '<section class="validation-report" lang="en"' in page
    assert 'href="/validate?lang=sv"' in page


# --------------------------------------------------------------------------- wrapping in the report


def test_the_report_breaks_iris_after_slashes_never_between_letters(client) -> None:
    report = post(client, {"data": (FIXTURES / "skos-relations.ttl").read_text(encoding="utf-8"),
                           "profile": "vocabulary", "lang": "fi"}, "text/html").get_data(as_text=True)
    assert "<code>http://<wbr>example.test/<wbr>rel/<wbr>cycleA</code>" in report
    assert "http://<wbr>example.test/<wbr>rel/<wbr>cycleA → http://<wbr>example.test/<wbr>rel/<wbr>cycleB" in report
    assert '<td class="message" data-label="Viesti">' in report
    style = next(s for s in re.findall(r"<style>(.*?)</style>", report, re.DOTALL)
                 if ".validation-report table.results" in s)
    assert "break-all" not in style and "anywhere" not in style
    assert "overflow-wrap:break-word" in style
    css = (PROJECT_ROOT / "publisher" / "web" / "static" / "style.css").read_text(encoding="utf-8")
    rule = re.search(r"[^}]*\.validation-report td[^{]*\{([^}]*)\}", css)
    assert rule and "overflow-wrap: break-word" in rule.group(1)


def test_nesting_past_the_limit_is_named_on_the_form_in_the_page_language(live) -> None:
    deep = '{"@id": "http://e/s",\n "http://e/p": ' + "[" * 200 + '"x"' + "]" * 200 + "}"
    status, page = html_post(live, {"data": deep, "input_format": "jsonld"}, "fi")
    assert status == 400
    assert "liitetty teksti, rivi 2: sisäkkäin yli 128 tasoa" in error_of(page)
    assert "(limits.parse_max_depth)" in error_of(page) and textarea(page) == deep


def test_our_own_compacted_json_ld_validates_as_published(client, settings) -> None:
    """An upload of the release's data.jsonld (it names our context): read with the served
    release's context, not refused for a context that is never fetched."""
    data = (settings.releases_dir / "latest" / "data.jsonld").read_bytes()
    uploads = {"file": (io.BytesIO(data), "data.jsonld"), "profile": "kuntadigi", "lang": "en"}
    report = report_of(post(client, uploads, content_type="multipart/form-data"))
    assert report["inputs"][0]["name"] == "data.jsonld" and report["inputs"][0]["triples"] > 0
