"""Answers rendered once per release: the one answer cache of the app."""
from __future__ import annotations

import urllib.parse

import pytest

from tests.support.release import BASE, make_settings, write_release
from publisher.web.answers import render_cache
from publisher.web.cache import Rendered, RenderCache

EVAKA_DOC = "/doc/project/kuntien-evaka"
PROJECTS = f"SELECT ?p WHERE {{ ?p a <{BASE}def/Project> }} ORDER BY ?p"


def fresh_app(settings, store):
    """A new app on the shared store, so that its cache starts empty."""
    from publisher.web import create_app

    return create_app(settings, store)


def client_of(app):
    from flask.testing import FlaskClient

    class OnBase(FlaskClient):
        def open(self, *args, **kwargs):
            kwargs.setdefault("base_url", BASE)
            return super().open(*args, **kwargs)

    return OnBase(app, app.response_class, use_cookies=False)


def entry(size: int) -> Rendered:
    return Rendered(200, b"x" * size, (("Content-Type", "text/plain"),))


# --------------------------------------------------------------------------- the LRU


def test_lru_is_bounded_by_bytes_and_keeps_the_recent():
    cache = RenderCache(max_bytes=1000, max_entry_bytes=600)
    for name in "abc":
        assert cache.put(name, entry(150))
    assert cache.get("a") is not None          # a is now the most recent
    cache.put("d", entry(150))                  # over 1000 bytes: b, the oldest, goes
    assert cache.get("b") is None and cache.get("a") and cache.get("c") and cache.get("d")
    assert cache.bytes_used <= 1000
    assert not cache.put("big", entry(700))     # larger than an entry may be
    assert cache.get("big") is None
    assert not cache.put("q" * 700, entry(10))  # a long key weighs as much as a body
    cache.clear()
    assert len(cache) == 0 and cache.bytes_used == 0


def test_cache_size_from_the_environment():
    """The configuration is the one reader of PUBLISHER_*: the cache takes its size from it."""
    from publisher.config import load_settings

    sized = load_settings(environ={"PUBLISHER_RESPONSE_CACHE_BYTES": "12345"})
    assert sized.limits.response_cache_bytes == 12345
    with pytest.raises(ValueError, match="PUBLISHER_RESPONSE_CACHE_BYTES='lots' is not an? int"):
        load_settings(environ={"PUBLISHER_RESPONSE_CACHE_BYTES": "lots"})


# --------------------------------------------------------------------------- inside the app


def test_doc_is_rendered_once_per_representation(settings, store):
    app = fresh_app(settings, store)
    client = client_of(app)
    first = client.get(EVAKA_DOC, headers={"Accept": "text/turtle"})
    cache = app.extensions["publisher.render-cache"]
    hits = cache.hits
    again = client.get(EVAKA_DOC, headers={"Accept": "text/turtle;q=0.9, text/html;q=0.1"})
    assert cache.hits == hits + 1
    assert again.data == first.data and again.headers["ETag"] == first.headers["ETag"]
    assert again.headers["Vary"] == first.headers["Vary"]
    other = client.get(EVAKA_DOC, headers={"Accept": "application/ld+json"})
    assert other.data != first.data and other.mimetype == "application/ld+json"
    by_extension = client.get(EVAKA_DOC + ".ttl")
    assert by_extension.data == first.data
    assert "Content-Location" not in by_extension.headers       # not negotiated: own entry
    finnish = client.get(EVAKA_DOC, headers={"Accept": "text/html", "Accept-Language": "fi"})
    swedish = client.get(EVAKA_DOC, headers={"Accept": "text/html", "Accept-Language": "sv"})
    assert b'lang="fi"' in finnish.data and b'lang="sv"' in swedish.data


def test_remembered_answers_still_honour_if_none_match(settings, store):
    client = client_of(fresh_app(settings, store))
    etag = client.get(EVAKA_DOC + ".ttl").headers["ETag"]
    assert client.get(EVAKA_DOC + ".ttl", headers={"If-None-Match": etag}).status_code == 304


def test_sparql_get_is_remembered_post_is_not(settings, store):
    app = fresh_app(settings, store)
    client = client_of(app)
    query = "/sparql?" + urllib.parse.urlencode({"query": PROJECTS})
    first = client.get(query)
    cache = render_cache_of(app)
    hits = cache.hits
    assert client.get(query).data == first.data and cache.hits == hits + 1
    stored = len(cache)
    posted = client.post("/sparql", data={"query": PROJECTS})
    assert posted.headers["Cache-Control"] == "no-store" and len(cache) == stored


def render_cache_of(app) -> RenderCache:
    with app.app_context():
        return render_cache()


def test_a_new_release_is_never_answered_from_the_old(tmp_path):
    """The old release answers while the new one loads (readers never wait), and every
    answer's ETag belongs to the data it carries: once the new data shows, so does a new
    ETag, and no cached answer of the old release comes back after the switch."""
    import time

    from publisher.store import EmbeddedStore

    settings = make_settings(tmp_path)
    write_release(settings.releases_dir, "2024-05-01.1")
    store = EmbeddedStore(settings)
    try:
        app = fresh_app(settings, store)
        client = client_of(app)
        before = client.get(EVAKA_DOC + ".ttl")
        count = "/sparql?" + urllib.parse.urlencode({"query": "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"})
        counted = client.get(count).json["results"]["bindings"][0]["n"]["value"]
        write_release(settings.releases_dir, "2024-06-01.1", extra_trig=(
            f"<{BASE}graph/extra> {{ <{BASE}id/project/kuntien-evaka> "
            f"<http://purl.org/dc/terms/alternative> \"Uusi nimi\"@fi . }}"))
        deadline = time.monotonic() + 5
        while True:
            after = client.get(EVAKA_DOC + ".ttl")
            renamed = "Uusi nimi" in after.data.decode()
            assert renamed == (after.headers["ETag"] != before.headers["ETag"])
            if renamed or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        assert renamed, "the new release was not served within 5 s"
        assert "Uusi nimi" not in before.data.decode()
        recounted = client.get(count).json["results"]["bindings"][0]["n"]["value"]
        assert int(recounted) == int(counted) + 1
        assert "Uusi nimi" in client.get(EVAKA_DOC + ".ttl").data.decode()
    finally:
        store.close()
