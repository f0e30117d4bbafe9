"""The dataset over time as a client sees it: three editions of the texts built into one chain
(tests/support/editions.py), served by the app; the event stream followed page by page, the
mementos and TimeMaps of RFC 7089, `410 Gone`, the history on the pages, the bad input."""
from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from publisher.history import VERSIONS_FILE, VERSIONS_INDEX
from publisher.patch import quad_lines
from publisher.store import EmbeddedStore
from publisher.vocab import ACTIVITY_STREAMS, DCTERMS, LDES, PROV, RDF_TYPE, TREE
from publisher.web import create_app
from publisher.web.history import PAGE_SIZE
from tests.support import editions as ed

BASE = ed.BASE
BEFORE_EVERYTHING = "Thu, 01 Jan 2026 00:00:00 GMT"


@pytest.fixture(scope="module")
def chain(edition_chain) -> dict[str, Path]:
    return edition_chain


@pytest.fixture(scope="module")
def site(chain):
    settings = ed.settings_for(chain["A"].parent.parent, "C")
    store = EmbeddedStore(settings)
    app = create_app(settings, store)
    app.config["TESTING"] = True
    yield app.test_client()
    store.close()


def get(site, path: str, **headers):
    return site.get(path, base_url=BASE, headers=headers)


def descriptions(release: Path) -> dict[str, set[ox.Triple]]:
    """Each resource's statements (its own and its `#` parts') in a release's dump."""
    found: dict[str, set[ox.Triple]] = {}
    data = b"".join(quad_lines(release / "data.trig"))
    for quad in ox.parse(data, format=ox.RdfFormat.N_QUADS):
        if isinstance(quad.subject, ox.NamedNode):
            found.setdefault(quad.subject.value.split("#", 1)[0], set()).add(quad.triple)
    return found


def follow_stream(site) -> tuple[list[dict], list]:
    """Every member of the stream, following `tree:relation`s from the view (each node once),
    in the order of their time; and each page's response, the root's first."""
    members, responses = [], []
    waiting, seen = [BASE + "ldes"], set()
    for _ in range(10_000):
        if not waiting:
            break
        url = waiting.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = get(site, url[len(BASE) - 1:], Accept="application/trig")
        assert response.status_code == 200, url
        responses.append(response)
        page = ox.Dataset(ox.parse(response.data, format=ox.RdfFormat.TRIG))
        if url == BASE + "ldes":
            views = [q.object.value for q in page if q.predicate.value == TREE + "view"]
            assert views == [url], "the stream's view is its root node, /ldes"
        for quad in page:
            if quad.predicate.value == TREE + "member":
                member = quad.object
                about = {q.predicate.value: q.object for q in page
                         if q.subject == member and isinstance(q.graph_name, ox.DefaultGraph)}
                members.append({"iri": member.value,
                                "of": about[DCTERMS + "isVersionOf"].value,
                                "time": about[PROV + "generatedAtTime"].value,
                                "type": about[RDF_TYPE].value,
                                "triples": {q.triple for q in page if q.graph_name == member}})
        waiting += sorted(q.object.value for q in page if q.predicate.value == TREE + "node")
    members.sort(key=lambda m: m["time"])
    return members, responses


@pytest.fixture(scope="module")
def stream(site):
    return follow_stream(site)


def test_the_first_release_is_every_resource_once(chain, stream) -> None:
    members, _ = stream
    first = json.loads((chain["A"] / VERSIONS_INDEX).read_text())
    in_a = [m for m in members if m["iri"].startswith(f"{BASE}version/{chain['A'].name}/")]
    assert len(in_a) == len(first["resources"]) == len(descriptions(chain["A"]))
    assert len({m["of"] for m in in_a}) == len(in_a)
    assert {m["type"] for m in in_a} == {ACTIVITY_STREAMS + "Create"}


def test_the_versions_file_is_one_gzip_stream_of_the_first_release(chain) -> None:
    """Any tool reads the versions whole (`zcat`); the index points at one member each."""
    quads = ox.parse(gzip.decompress((chain["A"] / VERSIONS_FILE).read_bytes()),
                     format=ox.RdfFormat.N_QUADS)
    found: dict[str, set[ox.Triple]] = {}
    for quad in quads:
        found.setdefault(quad.subject.value.split("#", 1)[0], set()).add(quad.triple)
    assert found == descriptions(chain["A"])
    index = json.loads((chain["A"] / VERSIONS_INDEX).read_text())["resources"]
    spans = sorted((offset, length) for _, offset, length in index.values())
    assert all(a + n == b for (a, n), (b, _) in zip(spans, spans[1:]))


def test_the_stream_replayed_gives_the_latest_release(chain, stream) -> None:
    members, _ = stream
    latest: dict[str, dict] = {}
    for member in members:                   # in stream order: later versions overwrite
        latest[member["of"]] = member
    now = descriptions(chain["C"])
    alive = {iri: m for iri, m in latest.items() if m["type"] != ACTIVITY_STREAMS + "Delete"}
    assert set(alive) == set(now)
    for iri, member in alive.items():
        assert member["triples"] == now[iri], iri
    assert latest[ed.REMOVED_IRI]["type"] == ACTIVITY_STREAMS + "Delete"
    assert latest[ed.REMOVED_C_IRI]["type"] == ACTIVITY_STREAMS + "Delete"


def test_later_releases_carry_only_what_changed(chain, stream) -> None:
    members, _ = stream
    b = [m["of"] for m in members if f"/version/{chain['B'].name}/" in m["iri"]]
    assert ed.RETITLED_IRI in b and ed.ENDED_IRI in b and set(ed.ADDED_IRIS) <= set(b)
    assert len(b) < len(descriptions(chain["B"])) / 2
    untouched = f"{BASE}id/theme/kasvatus-ja-koulutus"
    assert untouched not in b


def test_pages_are_small_linked_by_time_and_immutable_but_the_newest(site, stream) -> None:
    members, responses = stream
    assert responses[0].headers["Cache-Control"] == "public, max-age=60"
    assert len(responses) > 3
    for response in responses[1:]:
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert response.headers["ETag"]
        again = site.get(response.request.path, base_url=BASE,
                         headers={"If-None-Match": response.headers["ETag"],
                                  "Accept": "application/trig"})
        assert again.status_code == 304
    for response in responses:
        assert response.data.count(b"tree#member") <= PAGE_SIZE
    stream_root = ox.Dataset(ox.parse(get(site, "/ldes").data, format=ox.RdfFormat.TRIG))
    described = {q.predicate.value: q.object.value for q in stream_root
                 if q.subject.value == BASE + "ldes"}
    assert described[LDES + "timestampPath"] == PROV + "generatedAtTime"
    assert described[LDES + "versionOfPath"] == DCTERMS + "isVersionOf"
    assert described[LDES + "versionDeleteObject"] == ACTIVITY_STREAMS + "Delete"
    times = [m["time"] for m in members]
    assert times == sorted(times)


def mementos(site, iri: str) -> list[str]:
    path = "/timemap/" + iri[len(BASE):]
    response = get(site, path)
    assert response.status_code == 200
    assert response.mimetype == "application/link-format"
    return re.findall(r'<([^>]+)>; rel="[^"]*memento[^"]*"', response.get_data(as_text=True))


def test_the_renamed_project_has_two_mementos_an_untouched_resource_one(chain, site) -> None:
    renamed = mementos(site, ed.RETITLED_IRI)
    assert [m.split("/")[4] for m in renamed][:2] == [chain["A"].name, chain["B"].name]
    old, new = (get(site, m[len(BASE) - 1:] + ".ttl") for m in renamed[:2])
    assert ed.RETITLED_TITLES[0] in old.get_data(as_text=True)
    assert ed.RETITLED_TITLES[1] in new.get_data(as_text=True)
    assert len(mementos(site, f"{BASE}id/theme/kasvatus-ja-koulutus")) == 1


def test_accept_datetime_before_the_first_release_gives_the_first_memento(chain, site) -> None:
    response = get(site, "/doc/project/" + ed.RETITLED_IRI.rsplit("/", 1)[1],
                   **{"Accept-Datetime": BEFORE_EVERYTHING})
    assert response.status_code == 302
    assert f"/version/{chain['A'].name}/id/project/" in response.headers["Location"]
    assert "accept-datetime" in response.headers["Vary"].lower()
    assert 'rel="original"' in response.headers["Link"]


def test_a_memento_in_every_format_and_language(chain, site) -> None:
    path = f"/version/{chain['A'].name}/" + ed.RETITLED_IRI[len(BASE):]
    for accept in ("text/turtle", "application/ld+json", "application/rdf+xml",
                   "application/n-triples", "application/json", "text/html"):
        response = get(site, path, Accept=accept)
        assert response.status_code == 200, accept
        assert response.headers["Memento-Datetime"].endswith("GMT")
        links = response.headers["Link"]
        for rel in ('rel="original"', 'rel="timegate"', 'rel="timemap"'):
            assert rel in links
    for lang, words in (("fi", "Tämä on resurssi"), ("sv", "Detta är resursen"),
                        ("en", "This is the resource")):
        page = get(site, path, Accept="text/html", **{"Accept-Language": lang})
        assert words in page.get_data(as_text=True)


def test_a_removed_resource_is_gone_with_a_link_to_its_last_memento(chain, site) -> None:
    response = get(site, "/doc/project/" + ed.REMOVED_IRI.rsplit("/", 1)[1],
                   Accept="text/turtle")
    assert response.status_code == 410
    last = re.search(r'<([^>]+)>; rel="last memento"', response.headers["Link"]).group(1)
    assert f"/version/{chain['A'].name}/" in last
    assert get(site, last[len(BASE) - 1:], Accept="text/turtle").status_code == 200


@pytest.mark.parametrize("lang,added,removed", [
    ("fi", "Lisätyt väitteet", "Poistetut väitteet"),
    ("sv", "Tillagda påståenden", "Borttagna påståenden"),
    ("en", "Statements added", "Statements removed")])
def test_the_history_says_what_changed_in_words(chain, site, lang, added, removed) -> None:
    key = ed.RETITLED_IRI.rsplit("/", 1)[1]
    page = get(site, f"/doc/project/{key}", Accept="text/html",
               **{"Accept-Language": lang}).get_data(as_text=True)
    assert 'class="history"' in page and chain["A"].name in page and chain["B"].name in page
    compared = get(site, f"/timemap/id/project/{key}.html?from={chain['A'].name}"
                         f"&to={chain['B'].name}", **{"Accept-Language": lang})
    text = compared.get_data(as_text=True)
    assert compared.status_code == 200 and added in text and removed in text
    section = text[text.index('class="comparison"'):]
    assert ed.RETITLED_TITLES[0] in section and ed.RETITLED_TITLES[1] in section
    visible = re.sub(r"<[^>]+>", " ", section)          # what people read: labels, not IRIs
    assert "http://purl.org/dc/terms/title" not in visible and "http" not in visible


def test_the_home_page_says_what_changed(chain, site) -> None:
    page = get(site, "/", Accept="text/html", **{"Accept-Language": "en"})
    text = page.get_data(as_text=True)
    assert "What changed in this release" in text
    assert f"changes?since={chain['B'].name}" in text and 'href="/ldes"' in text


@pytest.mark.parametrize("path,headers,status", [
    ("/doc/project/kuntien-evaka", {"Accept-Datetime": "yesterday"}, 400),
    ("/doc/project/kuntien-evaka", {"Accept-Datetime": "x" * 5000}, 400),
    ("/version/20200101T000000Z/id/project/kuntien-evaka", {}, 404),
    ("/version/not-a-release/id/project/kuntien-evaka", {}, 404),
    ("/timemap/id/project/no-such-project", {}, 404),
    ("/timemap/id/project/kuntien-evaka.html?from=1&to=2", {}, 400),
    ("/ldes/20200101T000000Z/0", {}, 404),
    ("/ldes/not-a-version/0", {}, 404),
    ("/ldes", {"Accept": "image/png"}, 406),
])
def test_bad_input_is_a_clear_4xx(site, path, headers, status) -> None:
    response = get(site, path, **headers)
    assert response.status_code == status
    assert b"Traceback" not in response.data


def test_page_numbers_past_the_end(chain, site) -> None:
    for number in ("999", "99999999999999999999", "-1", "x"):
        response = get(site, f"/ldes/{chain['C'].name}/{number}")
        assert response.status_code == 404, number


def test_a_chain_whose_first_release_is_gone_declares_where_its_stream_starts(
        chain, tmp_path) -> None:
    """`release.keep` removed A: the root says `ldes:startingFrom` B's build time (the
    current LDES retention policy), links no page of A, and the resources B and C left
    alone answer their TimeMap without a memento rather than failing."""
    ed.chain_without_first(chain, tmp_path)
    settings = ed.settings_for(tmp_path, "A")
    store = EmbeddedStore(settings)
    try:
        app = create_app(settings, store)
        app.config["TESTING"] = True
        client = app.test_client()
        root = ox.Dataset(ox.parse(get(client, "/ldes").data, format=ox.RdfFormat.TRIG))
        policies = [q.object for q in root if q.predicate.value == LDES + "retentionPolicy"]
        assert len(policies) == 1
        starting = [q.object for q in root
                    if q.subject == policies[0] and q.predicate.value == LDES + "startingFrom"]
        built_b = json.loads((chain["B"] / VERSIONS_INDEX).read_text())["built"]
        assert [(s.value, s.datatype.value) for s in starting] == [
            (built_b, "http://www.w3.org/2001/XMLSchema#dateTime")]
        linked = {q.object.value for q in root if q.predicate.value == TREE + "node"}
        assert not any(f"/ldes/{chain['A'].name}/" in iri for iri in linked)
        assert any(f"/ldes/{chain['B'].name}/" in iri for iri in linked)
        assert get(client, f"/ldes/{chain['A'].name}/0").status_code == 404
        for answer in (get(client, "/timemap/id/theme/kasvatus-ja-koulutus"),
                       get(client, "/doc/theme/kasvatus-ja-koulutus",
                           **{"Accept-Datetime": BEFORE_EVERYTHING})):
            assert answer.status_code == 404
            assert f"built before {built_b} were removed".encode() in answer.data
        assert get(client, "/doc/theme/kasvatus-ja-koulutus").status_code == 200
    finally:
        store.close()


def test_a_whole_chain_declares_no_retention(site) -> None:
    root = get(site, "/ldes").data
    assert b"retentionPolicy" not in root and b"startingFrom" not in root
