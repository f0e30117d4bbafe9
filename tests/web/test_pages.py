"""HTML pages and their JSON: home, projects with filters, project, municipality, concept,
document and vocabulary pages; languages with a visible fallback; escaping."""
from __future__ import annotations

import re

import pytest


def html(response) -> str:
    assert response.status_code == 200, response.data[:500]
    assert response.mimetype == "text/html"
    return response.data.decode()


def test_home(client):
    page = html(client.get("/", headers={"Accept": "text/html"}))
    assert "<strong>3</strong>" in page                 # projects
    for href in ('href="/sparql"', 'href="/dumps/"', 'href="/catalog"', 'href="/def/"',
                 'href="/projects"', 'href="/void"'):
        assert href in page
    data = client.get("/index.json").json
    assert data["counts"] == {"projects": 3, "municipalities": 3, "documents": 2,
                              "triples": data["counts"]["triples"]}
    assert data["counts"]["triples"] > 100
    assert data["release"]["version"] == "2024-05-01.1"
    assert client.get("/", headers={"Accept": "application/json"}).json["page"] == "home"


@pytest.mark.parametrize("query, expected", [
    ("", ["digitaalinen-asiointi", "kuntien-evaka", "digital-kundtjanst"]),
    ("?municipality=049", ["digitaalinen-asiointi", "kuntien-evaka"]),
    ("?region=06", ["kuntien-evaka", "digital-kundtjanst"]),
    ("?status=ended", ["digitaalinen-asiointi"]),
    ("?status=ongoing&municipality=837", ["kuntien-evaka", "digital-kundtjanst"]),
    ("?municipality=049&status=ended&region=01", ["digitaalinen-asiointi"]),
    ("?municipality=999", []),
    ("?region=99", []),
])
def test_project_filters(client, query, expected):
    data = client.get("/projects.json" + query).json
    assert [p["iri"].rsplit("/", 1)[1] for p in data["projects"]] == expected
    assert data["count"] == len(expected)
    page = html(client.get("/projects" + query, headers={"Accept": "text/html"}))
    for key in expected:
        assert f'href="/doc/project/{key}"' in page


def test_project_filter_options_and_bad_values(client):
    data = client.get("/projects.json?municipality=049").json
    municipalities = {o["key"]: o for o in data["options"]["municipality"]}
    assert set(municipalities) == {"049", "091", "837"}
    assert municipalities["049"]["selected"] is True
    assert {o["key"] for o in data["options"]["region"]} == {"01", "06"}
    assert {o["key"] for o in data["options"]["status"]} == {"ongoing", "ended"}
    bad = client.get("/projects?municipality=%3Cscript%3E", headers={"Accept": "text/html"})
    assert bad.status_code == 400 and b"<script>" not in bad.data


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
    assert "rivit 19–23" in page
    assert re.search(r'<span class="lineno">19</span> 2\. Kuntien eVaka', page)
    assert 'href="/doc/document/004-f0ab20c46da3f21c"' in page


def test_project_with_hash_iri_parts(client):
    page = html(client.get("/doc/project/digitaalinen-asiointi?lang=en"))
    assert "lines 5–9" in page and "Tavoite" in page
    assert "Ended" in page


def test_municipality_page(client):
    page = html(client.get("/doc/organisation/049?lang=sv"))
    assert '<html lang="sv">' in page
    assert "<h1><span lang=\"sv\">Esbo</span></h1>" in page
    assert "Projekt som kommunen leder (1)" in page
    assert "Projekt där kommunen deltar (1)" in page
    lead = page.split("Projekt som kommunen leder")[1].split("Projekt där kommunen deltar")[0]
    assert "kuntien-evaka" in lead and "digitaalinen-asiointi" not in lead
    assert "Nyland" in page and 'href="/projects?region=01&amp;lang=sv"' in page
    assert "http://uri.suomi.fi/codelist/jhs/kunta_1_20240101/code/049" in page
    data = client.get("/doc/organisation/837.json?lang=en").json
    assert data["page"] == "municipality"
    assert [p["iri"].rsplit("/", 1)[1] for p in data["lead_projects"]] == ["digital-kundtjanst"]
    assert [p["iri"].rsplit("/", 1)[1] for p in data["partner_projects"]] == ["kuntien-evaka"]
    assert data["region"]["label"]["value"] == "Pirkanmaa"


def test_concept_page(client):
    page = html(client.get("/doc/status/ongoing?lang=en"))
    assert "<h1><span lang=\"en\">Ongoing</span></h1>" in page
    assert "Käynnissä" in page and "Pågående" in page
    assert "The project is under way." in page
    assert 'href="/doc/project/kuntien-evaka"' in page                      # inverse link
    assert 'href="/doc/project/digital-kundtjanst"' in page


def test_document_page_shows_the_source_text(client):
    page = html(client.get("/doc/document/004-f0ab20c46da3f21c"))
    assert 'id="L19"' in page and "2. Kuntien eVaka" in page
    assert 'href="/doc/project/kuntien-evaka"' in page


def test_generic_page(client):
    page = html(client.get("/doc/person/meri-vainio?lang=en"))
    assert "Meri Vainio" in page and "mailto:meri.vainio@espoo.example" in page
    assert "contact point" in page                                         # inverse predicate


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


def test_fallback_is_visible(client):
    page = html(client.get("/projects?lang=fi"))
    swedish = re.search(r'<span lang="sv" class="fallback" title="[^"]+">Digital kundtjänst i '
                        r'Tammerfors</span><small class="lang-tag"[^>]*> \(sv\)</small>', page)
    assert swedish
    in_swedish = html(client.get("/doc/project/digital-kundtjanst?lang=sv"))
    assert '<div class="text" lang="sv">' in in_swedish and "fallback" not in in_swedish.split(
        "<h1>")[1].split("</h1>")[0]
    assert "<li>chatt</li><li>e-post</li>" in in_swedish


def test_vocabulary_page(client):
    page = html(client.get("/def/?lang=en", headers={"Accept": "text/html"}))
    assert 'id="Project"' in page and "A municipal digitalisation project." in page
    assert 'href="/def/leadOrganisation"' in page
    data = client.get("/ontology.json").json
    assert {c["curie"] for c in data["classes"]} >= {"kd:Project", "kd:Municipality"}
    term = html(client.get("/def/Project?lang=fi"))
    assert "Kuntien digitalisaatiohanke." in term and "schema:Project" in term


def test_every_page_has_json(client):
    for path in ("/", "/projects", "/doc/project/kuntien-evaka", "/doc/organisation/049",
                 "/doc/status/ongoing", "/def/", "/def/Project", "/dumps/"):
        response = client.get(path, headers={"Accept": "application/json"})
        assert response.status_code == 200, path
        assert response.mimetype == "application/json", path
        assert isinstance(response.json, dict) and response.json.get("page"), path


def test_no_script_links_from_data(client):
    page = html(client.get("/doc/project/digital-kundtjanst"))
    assert 'href="javascript:' not in page.lower()
    data = client.get("/doc/project/digital-kundtjanst.json").json
    assert data["pages"] == []
