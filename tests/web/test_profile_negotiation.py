"""Content negotiation by profile: `_profile` and `Accept-Profile` read as W3C "Content
Negotiation by Profile" describes them (tokens or `<URI>`s, q-values, `*`, the query argument
before the header), the 406 that names what it judged, bounds on hostile values, and the
answer's headers; then `/catalog` in both its profiles and its list of profiles."""
from __future__ import annotations

import json

import pyoxigraph as ox
import pytest
from flask import Flask
from werkzeug.exceptions import BadRequest, NotAcceptable

from publisher.vocab import DCAT_AP_2, DCAT_AP_3
from publisher.web.profile_negotiation import (Profile, negotiate_profile, profile_headers,
                                               wants_alternates)

THREE = Profile("dcat-ap-3", "https://example.org/profile/three", "Three")
TWO = Profile("dcat-ap-2", "https://example.org/profile/two", "Two")
OFFERED = (THREE, TWO)
bare = Flask(__name__)


def chosen(query: str = "", header: str | None = None) -> Profile:
    headers = {"Accept-Profile": header} if header is not None else {}
    with bare.test_request_context("/r" + query, headers=headers):
        return negotiate_profile(OFFERED, THREE)


def test_nothing_asked_gives_the_default() -> None:
    assert chosen() == THREE
    assert chosen(header="") == THREE


@pytest.mark.parametrize("header", [
    "<https://example.org/profile/two>",
    "dcat-ap-2",
    "<https://example.org/profile/three>;q=0.5, <https://example.org/profile/two>;q=0.9",
    "<urn:example:other>;q=1.0, <https://example.org/profile/two>;q=0.2",
    "<https://example.org/profile/two> ; q=1, *;q=0.1",
    "*;q=0.3, dcat-ap-2;q=0.4",
])
def test_the_header_chooses_by_weight(header: str) -> None:
    assert chosen(header=header) == TWO


def test_ties_go_to_the_clients_order_then_the_default() -> None:
    assert chosen(header="dcat-ap-2, dcat-ap-3") == TWO
    assert chosen(header="dcat-ap-3, dcat-ap-2") == THREE
    assert chosen(header="*") == THREE


def test_a_zero_weight_refuses_a_profile() -> None:
    assert chosen(header="dcat-ap-3;q=0, *") == TWO
    with pytest.raises(NotAcceptable):
        chosen(header="dcat-ap-3;q=0, dcat-ap-2;q=0.000")


def test_a_uri_with_a_comma_stays_whole() -> None:
    odd = Profile("odd", "https://example.org/p?a=1,2", "Odd")
    with bare.test_request_context("/r", headers={"Accept-Profile": "<https://example.org/p?a=1,2>"}):
        assert negotiate_profile((THREE, odd), THREE) == odd


def test_the_query_argument_comes_before_the_header() -> None:
    assert chosen("?_profile=dcat-ap-2", header="dcat-ap-3") == TWO
    assert chosen("?_profile=%3Chttps://example.org/profile/two%3E") == TWO
    assert chosen("?_profile=https://example.org/profile/two") == TWO
    # an ordered list: the first offered wins
    assert chosen("?_profile=nope,dcat-ap-2,dcat-ap-3") == TWO


def test_alt_asks_for_the_list() -> None:
    for query in ("?_profile=alt", "?_profile=all"):
        with bare.test_request_context("/r" + query):
            assert wants_alternates()
            assert negotiate_profile(OFFERED, THREE) == THREE
    with bare.test_request_context("/r?_profile=dcat-ap-2"):
        assert not wants_alternates()


@pytest.mark.parametrize("query,header,named", [
    ("?_profile=dcat-ap-9", None, "_profile: dcat-ap-9"),
    ("", "<urn:example:nothing>", "Accept-Profile: <urn:example:nothing>"),
    ("", "dcat-ap-9;q=1, dcat-ap-3;q=0", "Accept-Profile: dcat-ap-9;q=1, dcat-ap-3;q=0"),
])
def test_406_names_what_was_judged_and_what_is_offered(query, header, named) -> None:
    with pytest.raises(NotAcceptable) as caught:
        chosen(query, header)
    message = caught.value.description
    assert message.startswith(named)
    assert "<https://example.org/profile/three> (dcat-ap-3)" in message
    assert caught.value.available == [THREE.uri, TWO.uri]


@pytest.mark.parametrize("query,header", [
    ("?_profile=" + "x" * 100_000, None),
    ("", "<" + "x" * 100_000 + ">"),
    ("", ", ".join(f"p{n}" for n in range(40))),
    ("", "<urn:example:open"),
    ("", "dcat-ap-2;q=2"),
    ("", "dcat-ap-2;q=0.12345"),
])
def test_hostile_values_are_refused_clearly(query, header) -> None:
    with pytest.raises(BadRequest) as caught:
        chosen(query, header)
    assert len(caught.value.description) < 400


def test_headers_name_the_profile_and_map_the_tokens() -> None:
    headers = profile_headers(TWO)
    assert headers == {"Content-Profile": "<https://example.org/profile/two>",
                       "Link": '<https://example.org/profile/two>; rel="profile"'}
    mapped = profile_headers(TWO, OFFERED)["Link"]
    assert ('<http://www.w3.org/ns/dx/prof/Profile>; rel="type"; token="dcat-ap-3"; '
            'anchor="https://example.org/profile/three"') in mapped


# --------------------------------------------------------------------------- /catalog


def test_catalog_is_dcat_ap_3_by_default(client) -> None:
    response = client.get("/catalog", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    assert response.headers["Content-Profile"] == f"<{DCAT_AP_3}>"
    assert f'<{DCAT_AP_3}>; rel="profile"' in response.headers["Link"]
    assert {"Accept", "Accept-Profile"} <= {v.strip() for v in response.headers["Vary"].split(",")}


@pytest.mark.parametrize("how", [
    {"headers": {"Accept-Profile": f"<{DCAT_AP_2}>"}},
    {"headers": {"Accept-Profile": f"<{DCAT_AP_3}>;q=0.4, <{DCAT_AP_2}>;q=0.8"}},
    {"query_string": {"_profile": "dcat-ap-2"}},
    {"query_string": {"_profile": f"<{DCAT_AP_2}>"}},
])
def test_catalog_in_dcat_ap_2(client, how) -> None:
    headers = {"Accept": "text/turtle", **how.get("headers", {})}
    response = client.get("/catalog", headers=headers, query_string=how.get("query_string"))
    assert response.status_code == 200
    assert response.headers["Content-Profile"] == f"<{DCAT_AP_2}>"
    assert f'<{DCAT_AP_2}>; rel="profile"' in response.headers["Link"]
    triples = list(ox.parse(response.data, format=ox.RdfFormat.TURTLE))
    assert any(t.predicate.value == "http://www.w3.org/2002/07/owl#versionInfo" for t in triples)
    default = client.get("/catalog", headers={"Accept": "text/turtle"})
    assert default.data != response.data


def test_the_two_profiles_have_their_own_etags(client) -> None:
    three = client.get("/catalog.ttl")
    two = client.get("/catalog.ttl", headers={"Accept-Profile": "dcat-ap-2"})
    assert three.headers["ETag"] != two.headers["ETag"]
    again = client.get("/catalog.ttl", headers={"Accept-Profile": "dcat-ap-2",
                                                "If-None-Match": two.headers["ETag"]})
    assert again.status_code == 304


def test_catalog_406_names_the_profile_asked(client) -> None:
    response = client.get("/catalog", headers={"Accept": "application/json",
                                               "Accept-Profile": "<urn:example:geodcat>"})
    assert response.status_code == 406
    body = json.loads(response.data)
    assert "Accept-Profile: <urn:example:geodcat>" in body["message"]
    assert body["available"] == [DCAT_AP_3, DCAT_AP_2]
    response = client.get("/catalog?_profile=geodcat", headers={"Accept": "text/plain"})
    assert response.status_code == 406 and b"_profile: geodcat" in response.data


def test_catalog_refuses_a_huge_profile_value(client) -> None:
    huge = client.get("/catalog", headers={"Accept-Profile": "x" * 100_000,
                                           "Accept": "text/plain"})
    assert huge.status_code == 400 and b"at most 2048 are read" in huge.data
    # 100 kB in the URL stops at the site's URL limit; under it, at ours
    assert client.get("/catalog?_profile=" + "x" * 100_000).status_code == 414
    long = client.get("/catalog?_profile=" + "x" * 5_000, headers={"Accept": "text/plain"})
    assert long.status_code == 400 and b"_profile is 5000 characters long" in long.data


def test_the_media_type_argument_goes_with_the_profile(client) -> None:
    response = client.get("/catalog?_profile=dcat-ap-2&_mediatype=application/n-triples",
                          headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert response.content_type.startswith("application/n-triples")
    assert response.headers["Content-Profile"] == f"<{DCAT_AP_2}>"
    assert client.get("/catalog?_profile=dcat-ap-2&_mediatype=image/png").status_code == 406


@pytest.mark.parametrize("lang,words", [("fi", "Tämän resurssin profiilit"),
                                        ("sv", "Den här resursens profiler"),
                                        ("en", "Profiles of this resource")])
def test_alt_lists_the_profiles_as_a_page(client, lang, words) -> None:
    response = client.get(f"/catalog?_profile=alt&lang={lang}", headers={"Accept": "text/html"})
    assert response.status_code == 200 and response.content_type.startswith("text/html")
    page = response.data.decode()
    assert words in page
    assert DCAT_AP_3 in page and DCAT_AP_2 in page
    assert "/catalog?_profile=dcat-ap-2&amp;_mediatype=text%2Fturtle" in page
    assert 'rel="canonical"' in response.headers["Link"]
    assert f'profile="{DCAT_AP_2}"' in response.headers["Link"]


def test_alt_lists_the_profiles_as_rdf(client) -> None:
    response = client.get("/catalog?_profile=alt", headers={"Accept": "text/turtle"})
    assert response.status_code == 200 and response.content_type.startswith("text/turtle")
    triples = list(ox.parse(response.data, format=ox.RdfFormat.TURTLE))
    altr = "http://www.w3.org/ns/dx/connegp/altr#"
    defaults = [t for t in triples if t.predicate.value == altr + "hasDefaultRepresentation"]
    assert len(defaults) == 1
    conforms = {t.object.value for t in triples
                if t.predicate.value == "http://purl.org/dc/terms/conformsTo"}
    assert conforms == {DCAT_AP_3, DCAT_AP_2}
    tokens = {t.object.value for t in triples
              if t.predicate.value == "http://www.w3.org/ns/dx/prof/hasToken"}
    assert tokens == {"dcat-ap-3", "dcat-ap-2"}
    as_jsonld = client.get("/catalog?_profile=alt&_mediatype=application/ld+json")
    assert as_jsonld.content_type.startswith("application/ld+json")
