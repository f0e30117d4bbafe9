"""The SPARQL editor's example queries, as the page shows them in fi, sv and en, run through the
endpoint on both stores: every one answers, and every name, label and title it selects is bound
and not empty (in the page's language where the data has it, else by the fallback fi, sv, en)."""
from __future__ import annotations

import json
import re

import pyoxigraph as ox
import pytest
from flask import Flask

from publisher.i18n import LANGUAGES
from publisher.web.routes.sparql import example_queries, label_in
from tests.support.release import BASE

NAMED = re.compile(r"name|label|title", re.IGNORECASE)


def shown_examples(client, lang: str) -> list[dict[str, str]]:
    page = client.get(f"/sparql?lang={lang}", headers={"Accept": "text/html"})
    assert page.status_code == 200
    found = re.search(r'<script type="application/json" id="sparql-examples">(.*?)</script>',
                      page.data.decode(), re.S)
    assert found
    return json.loads(found[1])


def run(client, query: str):
    return client.post("/sparql", data=query.encode(), headers={
        "Content-Type": "application/sparql-query",
        "Accept": "application/sparql-results+json, text/turtle;q=0.9"})


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_example_answers_with_every_name_filled(client, lang):
    examples = shown_examples(client, lang)
    assert len(examples) == 5
    assert sum("COALESCE" in e["query"] for e in examples) == 3      # the three that name
    for example in examples:
        response = run(client, example["query"])
        assert response.status_code == 200, (example["title"], response.data[:300])
        if response.mimetype == "text/turtle":       # the CONSTRUCT
            triples = list(ox.parse(response.data, format=ox.RdfFormat.TURTLE))
            assert triples, example["title"]
            continue
        answer = json.loads(response.data)
        rows = answer["results"]["bindings"]
        assert rows, example["title"]
        for row in rows:
            for column in (v for v in answer["head"]["vars"] if NAMED.search(v)):
                assert row.get(column, {}).get("value", "").strip(), (example["title"], row)


def names_by_iri(client, lang: str, index: int, iri_column: str, name_column: str):
    answer = json.loads(run(client, shown_examples(client, lang)[index]["query"]).data)
    return {row[iri_column]["value"]: (row[name_column]["value"],
                                       row[name_column].get("xml:lang"))
            for row in answer["results"]["bindings"]}


def test_names_come_in_the_page_language_else_by_the_fallback(client):
    espoo, tampere = BASE + "id/organisation/049", BASE + "id/organisation/837"
    municipalities = {lang: names_by_iri(client, lang, 1, "municipality", "name")
                      for lang in LANGUAGES}
    assert municipalities["fi"][espoo] == ("Espoo", "fi")
    assert municipalities["sv"][espoo] == ("Esbo", "sv")
    assert municipalities["en"][espoo] == ("Espoo", "en")            # the English label
    assert municipalities["en"][tampere] == ("Tampere", "en")
    projects = {lang: names_by_iri(client, lang, 0, "project", "name") for lang in LANGUAGES}
    swedish_only = BASE + "id/project/digital-kundtjanst"
    finnish_only = BASE + "id/project/kuntien-evaka"
    assert projects["fi"][swedish_only] == ("Digital kundtjänst i Tammerfors", "sv")  # fallback
    assert projects["en"][finnish_only] == ("Kuntien eVaka", "fi")                    # fallback
    assert projects["sv"][swedish_only][1] == "sv"
    statuses = names_by_iri(client, "sv", 2, "status", "label")
    assert statuses[BASE + "id/status/ongoing"] == ("Pågående", "sv")


@pytest.mark.parametrize("lang, expected", [
    ("fi", ("Paikka", "fi")),         # Finnish first
    ("sv", ("Plats", "sv")),          # the page's language first
    ("en", ("Paikka", "fi")),         # no English: Finnish before Swedish
])
def test_the_fallback_order_is_page_language_then_fi_sv_en(lang, expected):
    """label_in on a real store: a place named only in some languages."""
    store = ox.Store()
    place = ox.NamedNode("https://example.test/place")
    pref = ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel")
    for text, tag in (("Plats", "sv"), ("Paikka", "fi")):
        store.add(ox.Quad(place, pref, ox.Literal(text, language=tag)))
    query = ("PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\nSELECT ?name WHERE {\n"
             f"  VALUES ?place {{ <{place.value}> }}\n{label_in('?place', 'name', lang)}\n}}")
    [row] = list(store.query(query))
    assert (row["name"].value, row["name"].language) == expected


def test_the_examples_follow_the_page_language(app: Flask):
    with app.test_request_context("/sparql?lang=sv"):
        swedish = example_queries("sv")[1]["query"]
    assert swedish.index('"sv"') < swedish.index('"fi"') < swedish.index('"en"')
