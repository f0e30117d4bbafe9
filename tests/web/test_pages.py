"""HTML pages and their JSON: home, the project list (filters, facets, paging, shareable
URLs), project and other initiatives, organisations, people, concepts and schemes, documents,
the vocabulary; languages with a sticky switch and a visible fallback; translated interface;
escaping."""
from __future__ import annotations

import re
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.support.release import BASE, make_settings, write_release

TEMPLATES = Path(__file__).resolve().parents[2] / "publisher" / "web" / "templates"


def html(response) -> str:
    assert response.status_code == 200, response.data[:500]
    assert response.mimetype == "text/html"
    return response.data.decode()


def keys(projects: list[dict]) -> list[str]:
    return [p["iri"].rsplit("/", 1)[1] for p in projects]


# --------------------------------------------------------------------------- a richer site

SERIES = 60          # generated projects, so that the list has more than one page

RICH = """
<{base}graph/ontology> {{
  kd:Initiative a owl:Class ; rdfs:label "Kehittämiskokonaisuus"@fi, "Initiativ"@sv, "Initiative"@en .
  kd:Network a owl:Class ; rdfs:subClassOf kd:Initiative ; rdfs:label "Verkosto"@fi, "Nätverk"@sv, "Network"@en .
  kd:FundingProgramme a owl:Class ; rdfs:subClassOf kd:Initiative ;
    rdfs:label "Rahoitusohjelma"@fi, "Finansieringsprogram"@sv, "Funding programme"@en .
  <{base}def/themes> a skos:ConceptScheme ; skos:prefLabel "Teemat"@fi, "Teman"@sv, "Themes"@en ;
    skos:definition "Hankkeiden teemat."@fi, "Projektens teman."@sv, "Themes of the projects."@en ;
    skos:hasTopConcept <{base}id/theme/early-education>, <{base}id/theme/participation> .
  <{base}id/theme/early-education> skos:inScheme <{base}def/themes> ;
    skos:definition "Varhaiskasvatus ja päiväkodit."@fi ;
    skos:closeMatch <http://publications.europa.eu/resource/authority/data-theme/EDUC> .
  <{base}id/theme/participation> a skos:Concept ; skos:inScheme <{base}def/themes> ;
    skos:prefLabel "Osallisuus"@fi, "Delaktighet"@sv, "Participation"@en .
}}
<{base}graph/extra> {{
  <{base}id/organisation/vm> a org:Organization ; skos:prefLabel "Valtiovarainministeriö"@fi, "Finansministeriet"@sv .
  <{base}id/programme/kannustin> a kd:FundingProgramme ;
    skos:prefLabel "Kannustinjärjestelmä"@fi, "Incitamentssystemet"@sv, "Incentive scheme"@en ;
    dcterms:description "Finansministeriet beviljar statsunderstöd."@sv ;
    skos:definition "Valtionavustus kunnille."@fi, "Statsunderstöd till kommunerna."@sv, "A state grant to municipalities."@en ;
    <http://schema.org/funder> <{base}id/organisation/vm> ;
    kd:call <{base}id/programme/kannustin#call-2020> .
  <{base}id/programme/kannustin#call-2020> a kd:FundingCall ;
    rdfs:label "Kannustinjärjestelmän haku"@fi, "Utlysning"@sv, "Call"@en ; dcterms:date "2020"^^xsd:gYear .
  <{base}id/project/kaksikielinen> a kd:Project ;
    dcterms:title "Kaksikielinen hanke"@fi, "Tvåspråkigt projekt"@sv ;
    rdfs:label "Kaksikielinen hanke"@fi, "Tvåspråkigt projekt"@sv ;
    dcterms:description "Suomenkielinen kuvaus."@fi, "Svensk beskrivning."@sv ;
    kd:catalogueNumber 3 ; kd:status <{base}id/status/ongoing> ;
    kd:leadOrganisation <{base}id/organisation/179> ;
    dcterms:subject <{base}id/theme/participation> ;
    kd:themeAssignment <{base}id/project/kaksikielinen#theme-participation> ;
    <http://schema.org/funding> <{base}id/programme/kannustin> ;
    dcat:contactPoint <{base}id/person/anna-asiantuntija> ;
    prov:wasDerivedFrom <{base}id/document/004-f0ab20c46da3f21c> .
  <{base}id/project/kaksikielinen#theme-participation> a kd:ThemeAssignment ;
    kd:assignedTheme <{base}id/theme/participation> ;
    kd:assignedBy <{base}id/theme-rule/participation> ;
    kd:matchedText "'avustusta' 004_f0ab20c46da3f21c.txt:3" .
  <{base}id/theme-rule/participation> a kd:ThemeRule ; rdfs:label "Teemasääntö osallisuus"@fi .
  <{base}id/person/anna-asiantuntija> a vcard:Individual ; vcard:fn "Anna Asiantuntija" ;
    vcard:role "erityisasiantuntija"@fi ; vcard:hasTelephone <tel:+358401234567> ;
    vcard:hasEmail <mailto:anna@example.org> ; org:memberOf <{base}id/organisation/179> .
  <{base}id/initiative/verkosto> a kd:Network ; dcterms:title "Digitaalinen verkosto"@fi ;
    rdfs:label "Digitaalinen verkosto"@fi ; dcterms:subject <{base}id/theme/participation> ;
    dcat:contactPoint <{base}id/person/anna-asiantuntija> ;
    prov:wasDerivedFrom <{base}id/document/009-quoted> ;
    prov:qualifiedDerivation <{base}id/initiative/verkosto#derivation-3>,
                             <{base}id/initiative/verkosto#derivation-10> .
  <{base}id/initiative/verkosto#derivation-3> a prov:Derivation ;
    prov:entity <{base}id/document/009-quoted> ; kd:firstLine 3 ; kd:lastLine 4 ;
    kd:sourceText "Digitaalinen verkosto\\nKokoontuu kuukausittain." .
  <{base}id/initiative/verkosto#derivation-10> a prov:Derivation ;
    prov:entity <{base}id/document/009-quoted> ; kd:firstLine 10 ; kd:lastLine 10 ;
    kd:sourceText "Yhteyshenkilö: Anna Asiantuntija" .
  <{base}id/document/009-quoted> a foaf:Document ; dcterms:title "Lainattu sivu"@fi .
{series}
}}
"""

SERIES_PROJECT = """  <{base}id/project/sarja-{n:03d}> a kd:Project ; dcterms:title "Sarjahanke {n:03d}"@fi ;
    kd:catalogueNumber {n} ; kd:status <{base}id/status/ended> ;
    kd:leadOrganisation <{base}id/organisation/179> ; dcterms:subject <{base}id/theme/participation> ;
    <http://schema.org/funding> <{base}id/programme/kannustin> ."""


def write_rich_release(root: Path, series: int = SERIES):
    """The fixture data plus a programme, a scheme, a network, a bilingual project, a
    document without its text and `series` generated projects; returns the settings."""
    settings = make_settings(root)
    projects = "\n".join(SERIES_PROJECT.format(base=BASE, n=n) for n in range(1, series + 1))
    write_release(settings.releases_dir, extra_trig=RICH.format(base=BASE, series=projects))
    return settings


@contextmanager
def site(settings):
    """A test client on the base URI's host of an app serving the release of `settings`
    from its own embedded store."""
    from publisher.store import EmbeddedStore
    from publisher.web import create_app

    store = EmbeddedStore(settings)
    app = create_app(settings, store)

    class Client:
        def get(self, path, **kwargs):
            kwargs.setdefault("base_url", BASE)
            return app.test_client().get(path, **kwargs)

    try:
        yield Client()
    finally:
        store.close()


@pytest.fixture(scope="module")
def rich(tmp_path_factory):
    """A site with enough projects for the list to have two pages."""
    with site(write_rich_release(tmp_path_factory.mktemp("rich-site"))) as client:
        yield client


# --------------------------------------------------------------------------- home


def test_home(client):
    page = html(client.get("/", headers={"Accept": "text/html"}))
    assert "<strong>3</strong>" in page                 # projects
    for href in ('href="/sparql"', 'href="/dumps/"', 'href="/catalog"', 'href="/def/"',
                 'href="/projects"', 'href="/void"', 'href="/shapes"'):
        assert href in page
    data = client.get("/index.json").json
    counts = data["counts"]
    assert (counts["projects"], counts["municipalities"], counts["documents"]) == (3, 3, 2)
    assert counts["people"] == 1 and counts["organisations"] == 1   # the kuntayhtymä
    assert counts["triples"] > 100
    assert data["release"]["version"] == "2024-05-01.1"
    statuses = {s["key"]: (s["count"], s["list_href"]) for s in data["statuses"]}
    assert statuses == {"ongoing": (2, "/projects?status=ongoing"),
                        "ended": (1, "/projects?status=ended")}
    assert [(t["key"], t["count"]) for t in data["themes"]] == [("early-education", 1)]
    assert {d["iri"].rsplit("/", 1)[1] for d in data["documents"]} == {
        "004-f0ab20c46da3f21c", "000-a99be5f9b8218adf"}
    assert 'href="/projects?status=ongoing"' in page and 'href="/doc/document/000-a99be5f9b8218adf"' in page
    assert client.get("/", headers={"Accept": "application/json"}).json["page"] == "home"


# --------------------------------------------------------------------------- the list of projects


@pytest.mark.parametrize("query, expected", [
    ("", ["digitaalinen-asiointi", "digital-kundtjanst", "kuntien-evaka"]),
    ("?municipality=049", ["digitaalinen-asiointi", "kuntien-evaka"]),
    ("?region=06", ["digital-kundtjanst", "kuntien-evaka"]),
    ("?status=ended", ["digitaalinen-asiointi"]),
    ("?theme=early-education", ["kuntien-evaka"]),
    ("?status=ongoing&municipality=837", ["digital-kundtjanst", "kuntien-evaka"]),
    ("?municipality=049&status=ended&region=01", ["digitaalinen-asiointi"]),
    ("?municipality=kuusiokuntien-sosiaali-ja-terveyskuntayhtyma", ["kuntien-evaka"]),
    ("?q=evaka", ["kuntien-evaka"]),
    ("?q=DIGITAL+tammerfors", ["digital-kundtjanst"]),
    ("?q=digital&status=ongoing", ["digital-kundtjanst"]),
    ("?municipality=999", []),
    ("?region=99", []),
    ("?municipality=&region=&status=&theme=&q=", ["digitaalinen-asiointi", "digital-kundtjanst",
                                                  "kuntien-evaka"]),
])
def test_project_filters(client, query, expected):
    data = client.get("/projects.json" + query).json
    assert keys(data["projects"]) == expected
    assert data["count"] == len(expected)
    page = html(client.get("/projects" + query, headers={"Accept": "text/html"}))
    for key in expected:
        assert f'href="/doc/project/{key}"' in page
    assert page.count('href="/doc/project/') == len(expected)


def test_facets_count_with_the_other_filters(client):
    everything = client.get("/projects.json").json["options"]
    assert {o["key"]: o["count"] for o in everything["municipality"]} == {
        "049": 2, "091": 1, "837": 2}
    assert {o["key"] for o in everything["region"]} == {"01", "06"}
    assert {o["key"]: o["count"] for o in everything["status"]} == {"ongoing": 2, "ended": 1}
    ended = client.get("/projects.json?status=ended").json["options"]
    assert {o["key"]: o["count"] for o in ended["municipality"]} == {"049": 1, "091": 1}
    assert {o["key"]: o["count"] for o in ended["status"]} == {"ongoing": 2, "ended": 1}
    selected = client.get("/projects.json?municipality=091&status=ongoing").json["options"]
    assert [(o["key"], o["count"], o["selected"]) for o in selected["municipality"]
            if o["key"] == "091"] == [("091", 0, True)]     # kept although it gives none
    page = html(client.get("/projects?status=ended"))
    assert '<option value="091">Helsinki (1)</option>' in page
    assert 'value="837"' not in page                       # would give no projects


def test_active_filters_are_shareable_and_removable(client):
    data = client.get("/projects.json?status=ongoing&municipality=837&lang=sv").json
    active = {f["name"]: f for f in data["active"]}
    assert active["municipality"]["label"] == "Tammerfors"
    assert active["municipality"]["remove_href"] == "/projects?status=ongoing&lang=sv"
    assert active["status"]["remove_href"] == "/projects?municipality=837&lang=sv"
    page = html(client.get("/projects?status=ongoing&municipality=837&lang=sv"))
    assert 'href="/projects?status=ongoing&amp;lang=sv"' in page
    assert 'href="/projects.json?municipality=837&amp;status=ongoing&amp;lang=sv"' in page
    assert '<input type="hidden" name="lang" value="sv">' in page


def test_project_filter_bad_values(client):
    for query, name in (("municipality=%3Cscript%3E", "municipality"), ("theme=a%20b", "theme"),
                        ("page=0", "page"), ("page=two", "page"), ("q=" + "x" * 101, "q")):
        bad = client.get("/projects?" + query, headers={"Accept": "text/html"})
        assert bad.status_code == 400, query
        assert f"The {name} " in bad.data.decode() and b"<script>" not in bad.data


def test_paging(rich):
    first = rich.get("/projects.json").json
    assert first["count"] == SERIES + 4 and len(first["projects"]) == 50
    assert first["paging"] == {"page": 1, "pages": 2, "size": 50, "first": 1, "last": 50,
                               "prev": None, "next": "/projects.json?page=2"}
    second = rich.get("/projects.json?page=2").json
    assert len(second["projects"]) == SERIES + 4 - 50
    assert second["paging"]["prev"] == "/projects.json" and second["paging"]["next"] is None
    assert not set(keys(first["projects"])) & set(keys(second["projects"]))
    filtered = rich.get("/projects?theme=participation&lang=en&page=2")
    page = html(filtered)
    assert "Showing 51–61 of 61" in page
    assert 'rel="prev" href="/projects?theme=participation&amp;lang=en"' in page
    beyond = rich.get("/projects.json?page=9").json
    assert beyond["projects"] == [] and beyond["count"] == SERIES + 4


def test_programme_filter(rich):
    funded = rich.get("/projects.json?programme=kannustin").json
    assert funded["count"] == SERIES + 1
    assert [o["key"] for o in funded["options"]["programme"]] == ["kannustin"]


# --------------------------------------------------------------------------- projects


def test_project_page(client):
    page = html(client.get("/doc/project/kuntien-evaka", headers={"Accept": "text/html"}))
    assert "<h1><span lang=\"fi\">Kuntien eVaka</span></h1>" in page
    assert "Käynnissä" in page                                     # status label
    assert "<li>avoin lähdekoodi</li><li>yhteinen kehittäminen</li>" in page
    assert "&lt;b&gt;monta&lt;/b&gt;" in page and "<b>monta</b>" not in page
    assert 'href="/doc/organisation/049"' in page and "Espoo" in page       # lead
    assert 'href="/doc/organisation/837"' in page and "Tampere" in page     # partner
    assert "Kuusiokuntien sosiaali- ja terveyskuntayhtymä" in page
    assert "Meri Vainio" in page and 'href="mailto:meri.vainio@espoo.example"' in page
    assert 'href="https://www.lampio.fi"' in page
    assert page.index("Mikä muuttuu?") < page.index("Hyödyt")               # section order
    assert 'href="/doc/theme/early-education"' in page
    assert '<a href="/doc/document/004-f0ab20c46da3f21c#L19">rivit 19–23</a>' in page
    assert re.search(r'<span class="lineno" aria-hidden="true">19</span> 2\. Kuntien eVaka', page)
    assert re.search(r'<span class="lineno" aria-hidden="true">23</span> Yhteyshenkilö: Meri', page)
    for fmt in ("ttl", "jsonld", "rdf", "nt", "json"):
        assert f'href="/doc/project/kuntien-evaka.{fmt}"' in page
    assert '<link rel="alternate" type="text/turtle" href="/doc/project/kuntien-evaka.ttl">' in page


def test_project_with_hash_iri_parts(client):
    page = html(client.get("/doc/project/digitaalinen-asiointi?lang=en"))
    assert "lines 5–9" in page and "Tavoite" in page
    assert "Ended" in page
    assert '<span class="lineno" aria-hidden="true">5</span> 1. Digitaalinen asiointi' in page


def test_bilingual_project_shows_its_other_language(rich):
    finnish = html(rich.get("/doc/project/kaksikielinen?lang=fi"))
    description = finnish.split('class="description"')[1].split("</section>")[0]
    assert "Suomenkielinen kuvaus." in description
    assert "Muilla kielillä: ruotsi" in description and '<div class="text" lang="sv">' in description
    swedish = html(rich.get("/doc/project/kaksikielinen?lang=sv"))
    assert "<h1><span lang=\"sv\">Tvåspråkigt projekt</span></h1>" in swedish
    assert "På andra språk: finska" in swedish
    data = rich.get("/doc/project/kaksikielinen.json?lang=sv").json
    assert data["description"]["value"] == "Svensk beskrivning."
    assert [(d["lang"], d["value"]) for d in data["descriptions_other"]] == [
        ("fi", "Suomenkielinen kuvaus.")]


def test_theme_reasons_link_to_the_source_line(rich):
    data = rich.get("/doc/project/kaksikielinen.json").json
    [theme] = data["themes"]
    assert theme["label"]["value"] == "Osallisuus"
    assert theme["why"]["rule"]["label"]["value"] == "Teemasääntö osallisuus"
    [word] = theme["why"]["words"]
    assert (word["words"], word["line"]) == ("avustusta", 3)
    assert word["href"] == "/doc/document/004-f0ab20c46da3f21c#L3"
    page = html(rich.get("/doc/project/kaksikielinen"))
    assert "Miksi tämä teema?" in page and 'href="/doc/document/004-f0ab20c46da3f21c#L3"' in page
    assert 'href="/doc/programme/kannustin"' in page                      # its programme


def test_programme_page(rich):
    data = rich.get("/doc/programme/kannustin.json?lang=en").json
    assert data["page"] == "initiative"
    assert data["description"]["value"] == "A state grant to municipalities."  # asked language
    assert [d["lang"] for d in data["descriptions_other"]] == ["fi", "sv"]
    assert [c["label"]["value"] for c in data["calls"]] == ["Call"]
    assert data["calls"][0]["date"] == "2020"
    assert data["funded"] == {"count": SERIES + 1, "href": "/projects?programme=kannustin&lang=en"}
    # no English name: the Finnish one, marked as a fallback
    assert [(f["label"]["value"], f["label"]["fallback"]) for f in data["funders"]] == [
        ("Valtiovarainministeriö", True)]
    assert not any(g["predicate"]["iri"].endswith("/funding") for g in data["inverse"])
    page = html(rich.get("/doc/programme/kannustin?lang=en"))
    assert 'id="call-2020"' in page and "Call</span> (2020)" in page
    assert f'{SERIES + 1} projects' in page


def test_other_initiatives_use_the_initiative_page(rich):
    data = rich.get("/doc/initiative/verkosto.json").json
    assert data["page"] == "initiative"
    assert [t["label"]["value"] for t in data["themes"]] == ["Osallisuus"]
    assert [c["label"]["value"] for c in data["contacts"]] == ["Anna Asiantuntija"]


# --------------------------------------------------------------------------- organisations, people


def test_municipality_page(client):
    page = html(client.get("/doc/organisation/049?lang=sv"))
    assert '<html lang="sv">' in page
    assert "<h1><span lang=\"sv\">Esbo</span></h1>" in page
    assert "Projekt som kommunen leder (1)" in page
    assert "Projekt där kommunen deltar (1)" in page
    lead = page.split("Projekt som kommunen leder")[1].split("Projekt där kommunen deltar")[0]
    assert "kuntien-evaka" in lead and "digitaalinen-asiointi" not in lead
    assert "Nyland" in page and 'href="/projects?region=01&amp;lang=sv"' in page
    assert 'href="/projects?municipality=049&amp;lang=sv"' in page
    assert "http://uri.suomi.fi/codelist/jhs/kunta_1_20240101/code/049" in page
    data = client.get("/doc/organisation/837.json?lang=en").json
    assert data["page"] == "municipality"
    assert keys(data["lead_projects"]) == ["digital-kundtjanst"]
    assert keys(data["partner_projects"]) == ["kuntien-evaka"]
    assert data["region"]["label"]["value"] == "Pirkanmaa"


def test_lead_projects_follow_the_catalogue_numbers(rich):
    data = rich.get("/doc/organisation/179.json").json
    numbers = [p["number"] for p in data["lead_projects"]]
    assert numbers == sorted(numbers) and numbers[:3] == [1, 2, 3]
    assert [m["label"]["value"] for m in data["members"]] == ["Anna Asiantuntija"]


def test_organisation_page(client):
    data = client.get(
        "/doc/organisation/kuusiokuntien-sosiaali-ja-terveyskuntayhtyma.json?lang=en").json
    assert data["page"] == "organisation" and data["code"] is None
    assert keys(data["partner_projects"]) == ["kuntien-evaka"]
    page = html(client.get("/doc/organisation/kuusiokuntien-sosiaali-ja-terveyskuntayhtyma"
                           "?lang=en"))
    assert "Projects the organisation takes part in (1)" in page
    assert "Projects led by" not in page


def test_person_page(client, rich):
    page = html(client.get("/doc/person/meri-vainio?lang=en"))
    assert "<h1><span>Meri Vainio</span></h1>" in page
    assert 'href="mailto:meri.vainio@espoo.example"' in page and "Espoon kaupunki" in page
    contact_for = page.split("Contact for")[1]
    assert 'href="/doc/project/kuntien-evaka?lang=en"' in contact_for
    data = rich.get("/doc/person/anna-asiantuntija.json").json
    assert data["page"] == "person"
    assert [o["label"]["value"] for o in data["organisations"]] == ["Jyväskylä"]
    assert data["telephones"] == ["+358401234567"]
    assert [r["value"] for r in data["roles"]] == ["erityisasiantuntija"]
    assert {c["iri"].rsplit("/", 1)[1] for c in data["contact_for"]} == {"kaksikielinen",
                                                                         "verkosto"}


# --------------------------------------------------------------------------- concepts


def test_concept_page(client):
    page = html(client.get("/doc/status/ongoing?lang=en"))
    assert "<h1><span lang=\"en\">Ongoing</span></h1>" in page
    assert "Käynnissä" in page and "Pågående" in page
    assert "The project is under way." in page
    assert 'href="/doc/project/kuntien-evaka?lang=en"' in page
    assert 'href="/doc/project/digital-kundtjanst?lang=en"' in page
    assert 'href="/projects?status=ongoing&amp;lang=en"' in page
    assert 'href="/doc/status/scheme?lang=en"' in page                    # its scheme
    data = client.get("/doc/status/ongoing.json").json
    assert keys(data["projects"]) == ["digital-kundtjanst", "kuntien-evaka"]
    assert [s["iri"].rsplit("/", 1)[1] for s in data["schemes"]] == ["scheme"]
    assert not any(g["predicate"]["iri"].endswith("#status") or g["predicate"]["iri"].endswith(
        "/status") for g in data["inverse"])                # listed as projects, not again


def test_concept_scheme_page(client):
    data = client.get("/doc/status/scheme.json?lang=en").json
    concepts = {c["iri"].rsplit("/", 1)[1]: c for c in data["scheme_concepts"]}
    assert set(concepts) == {"ongoing", "ended"}
    assert concepts["ongoing"]["count"] == 2 and concepts["ongoing"]["top"] is True
    assert concepts["ended"]["list_href"] == "/projects?status=ended&lang=en"
    page = html(client.get("/doc/status/scheme?lang=en"))
    assert "Concepts (2)" in page and "2 projects" in page


def test_scheme_in_the_vocabulary_and_matches(rich):
    page = html(rich.get("/def/themes?lang=en"))
    assert "Concepts (2)" in page
    assert 'href="/projects?theme=participation&amp;lang=en"' in page
    concept = rich.get("/doc/theme/early-education.json?lang=en").json
    [match] = concept["mappings"]
    assert match["predicate"]["label"]["value"] == "close match"
    assert match["targets"][0]["label"]["value"] == "data-theme EDUC"
    theme = rich.get("/doc/theme/participation.json").json
    assert theme["projects_href"] == "/projects?theme=participation"
    assert [i["label"]["value"] for i in theme["other_initiatives"]] == ["Digitaalinen verkosto"]
    assert not any(g["predicate"]["iri"].endswith("assignedTheme") for g in theme["inverse"])


# --------------------------------------------------------------------------- documents, others


def test_document_page_shows_the_source_text(client):
    page = html(client.get("/doc/document/004-f0ab20c46da3f21c"))
    assert 'id="L19"' in page and "2. Kuntien eVaka" in page
    assert 'href="/doc/project/kuntien-evaka"' in page
    data = client.get("/doc/document/004-f0ab20c46da3f21c.json").json
    derived = {d["iri"].rsplit("/", 1)[1]: d["spans"] for d in data["derived"]}
    assert derived["kuntien-evaka"] == [{"first": 19, "last": 23, "single": False,
                                         "href": "/doc/document/004-f0ab20c46da3f21c#L19"}]
    assert [d["label"]["value"] for d in data["derived"]][:1] == [
        "Digitaalinen asiointi Helsingissä"]                 # in the order of the text
    assert len(data["lines"]) == 25


def test_document_without_its_text_shows_the_quoted_lines(rich):
    data = rich.get("/doc/document/009-quoted.json").json
    assert data["text_complete"] is False
    assert data["lines"] == [
        {"gap": True, "first": 1, "last": 2},
        {"number": 3, "text": "Digitaalinen verkosto"},
        {"number": 4, "text": "Kokoontuu kuukausittain."},
        {"gap": True, "first": 5, "last": 9},
        {"number": 10, "text": "Yhteyshenkilö: Anna Asiantuntija"}]
    page = html(rich.get("/doc/document/009-quoted?lang=en"))
    assert "… lines 5–9 are not in the data …" in page and 'id="L10"' in page
    initiative = html(rich.get("/doc/initiative/verkosto?lang=en"))
    assert 'id="derivation-3"' in initiative
    assert '<a href="/doc/document/009-quoted?lang=en#L10">line 10</a>' in initiative


def test_generic_page(client):
    page = html(client.get("/doc/build/test-1?lang=en"))
    assert "Build test-1" in page and "2024-05-01T12:00:00Z" in page
    assert 'href="/doc/project/kuntien-evaka?lang=en"' in page                # inverse link


def test_person_page_is_not_generic(client):
    data = client.get("/doc/person/meri-vainio.json").json
    assert data["page"] == "person"


# --------------------------------------------------------------------------- languages


def test_languages_follow_accept_language_and_the_switch(client):
    swedish = client.get("/doc/status/ended", headers={"Accept": "text/html",
                                                       "Accept-Language": "sv-FI,sv;q=0.9"})
    assert '<html lang="sv">' in html(swedish) and "Avslutat" in swedish.data.decode()
    assert "Accept-Language" in swedish.headers["Vary"]
    english = client.get("/doc/status/ended?lang=en", headers={"Accept-Language": "sv"})
    assert "Ended" in html(english)
    assert "Accept-Language" not in english.headers.get("Vary", "")
    default = html(client.get("/doc/status/ended", headers={"Accept-Language": "de"}))
    assert '<html lang="fi">' in default and "Päättynyt" in default
    switch = html(client.get("/projects?status=ongoing&lang=fi"))
    assert 'href="/projects?status=ongoing&amp;lang=sv"' in switch
    assert '<a href="/projects?status=ongoing&amp;lang=sv" hreflang="sv" lang="sv">svenska</a>' in switch


def test_a_chosen_language_sticks_while_navigating(client):
    chosen = html(client.get("/doc/project/kuntien-evaka?lang=sv"))
    assert 'href="/doc/organisation/049?lang=sv"' in chosen
    assert 'href="/projects?lang=sv"' in chosen and 'href="/def/?lang=sv"' in chosen
    assert 'href="/doc/document/004-f0ab20c46da3f21c?lang=sv#L19"' in chosen
    assert 'href="/doc/project/kuntien-evaka.ttl"' in chosen                 # data stays neutral
    negotiated = html(client.get("/doc/project/kuntien-evaka",
                                 headers={"Accept-Language": "sv"}))
    menu = negotiated.split('<nav class="main"')[1].split('<nav class="languages"')[0]
    assert 'href="/doc/organisation/049"' in negotiated and "?lang=" not in menu
    json = client.get("/doc/project/kuntien-evaka.json?lang=sv").json
    assert json["lead"][0]["url"] == BASE + "doc/organisation/049"         # canonical in JSON


def test_fallback_is_visible(client):
    page = html(client.get("/projects?lang=fi"))
    swedish = re.search(r'<span lang="sv" class="fallback" title="([^"]+)">Digital kundtjänst i '
                        r'Tammerfors</span><small class="lang-tag" title="[^"]+"><span '
                        r'aria-hidden="true"> \(sv\)</span><span class="visually-hidden"> ([^<]+)'
                        r'</span></small>', page)
    assert swedish and swedish[1] == swedish[2] == (
        "Ei saatavilla valitulla kielellä; näytetään ruotsiksi.")
    in_swedish = html(client.get("/doc/project/digital-kundtjanst?lang=sv"))
    assert '<div class="text" lang="sv">' in in_swedish and "fallback" not in in_swedish.split(
        "<h1>")[1].split("</h1>")[0]
    assert "<li>chatt</li><li>e-post</li>" in in_swedish
    description = html(client.get("/doc/project/digital-kundtjanst?lang=en"))
    assert '<p class="fallback-note">Not available in the chosen language; shown in Swedish.</p>' \
        in description


def test_templates_take_their_texts_from_the_catalogues():
    """Interface texts are gettext calls (tests/i18n checks every one is translated), not keys
    of a table of our own."""
    calls = 0
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text()
        assert not re.search(r"""\b(t|vt|rt)\(\s*['"]""", text), template
        calls += len(re.findall(r"""\b(?:_|ngettext|pgettext)\(\s*['"]""", text))
    assert calls > 100


def test_error_pages_speak_the_language(client):
    page = client.get("/doc/project/ei-ole?lang=sv", headers={"Accept": "text/html"})
    assert page.status_code == 404
    body = page.data.decode()
    assert '<html lang="sv">' in body and "404 Sidan hittades inte" in body
    assert 'href="/projects?lang=sv"' in body
    plain = client.get("/doc/project/ei-ole", headers={"Accept": "application/json"})
    assert plain.json["error"] == "Not Found"


def test_vocabulary_page(client):
    page = html(client.get("/def/?lang=en", headers={"Accept": "text/html"}))
    assert 'id="Project"' in page and "A municipal digitalisation project." in page
    assert 'href="/def/leadOrganisation?lang=en"' in page
    assert 'href="#classes"' in page and 'href="#properties"' in page
    assert "Hanke</span><small class=\"lang-tag\"> (Finnish)" in page        # all languages
    data = client.get("/ontology.json").json
    assert {c["curie"] for c in data["classes"]} >= {"kd:Project", "kd:Municipality"}
    term = html(client.get("/def/Project?lang=fi"))
    assert "Kuntien digitalisaatiohanke." in term and "schema:Project" in term
    assert "Ett digitaliseringsprojekt i kommunerna." in term
    properties = term.split("Tämän luokan ominaisuudet")[1].split("</dd>")[0]
    assert 'href="/def/status?lang=fi"' in properties
    municipality = client.get("/def/Municipality.json?lang=en").json
    assert [p["curie"] for p in municipality["properties_with_range"]] == [
        "kd:partnerMunicipality"]


def test_every_page_has_json(client):
    for path in ("/", "/projects", "/doc/project/kuntien-evaka", "/doc/organisation/049",
                 "/doc/status/ongoing", "/doc/person/meri-vainio", "/doc/build/test-1",
                 "/doc/document/004-f0ab20c46da3f21c", "/def/", "/def/Project", "/dumps/"):
        response = client.get(path, headers={"Accept": "application/json"})
        assert response.status_code == 200, path
        assert response.mimetype == "application/json", path
        assert isinstance(response.json, dict) and response.json.get("page"), path


def test_no_script_links_from_data(client):
    page = html(client.get("/doc/project/digital-kundtjanst"))
    assert 'href="javascript:' not in page.lower()
    data = client.get("/doc/project/digital-kundtjanst.json").json
    assert data["pages"] == []
