"""A remote store's URLs: the engines' presets, the `[store]` table over them, and the URLs
refused. Fuseki and Virtuoso are not installed here: their presets are checked as URLs
(against the paths their documentation gives), Oxigraph's also end to end
(tests/store/test_remote_config.py)."""
from __future__ import annotations

from dataclasses import replace

import pytest

from publisher.config import Settings, use_store
from publisher.store import RemoteStore, open_store, store_endpoints
from publisher.store.endpoints import parse, shown


@pytest.mark.parametrize("spec, query, update, graph_store, auth, union", [
    # Oxigraph server: /query, /update, /store
    ("oxigraph+http://db.example:7878", "http://db.example:7878/query",
     "http://db.example:7878/update", "http://db.example:7878/store", "basic", True),
    ("http://db.example:7878/", "http://db.example:7878/query",
     "http://db.example:7878/update", "http://db.example:7878/store", "basic", True),
    ("http://db.example:7878/query", "http://db.example:7878/query",
     "http://db.example:7878/update", "http://db.example:7878/store", "basic", True),
    ("https://db.example/oxigraph", "https://db.example/oxigraph/query",
     "https://db.example/oxigraph/update", "https://db.example/oxigraph/store", "basic", True),
    # Fuseki: the dataset's query, update and data (read-write Graph Store) services
    ("fuseki+http://db.example:3030/kuntadigi", "http://db.example:3030/kuntadigi/query",
     "http://db.example:3030/kuntadigi/update", "http://db.example:3030/kuntadigi/data",
     "basic", True),
    ("FUSEKI+https://db.example/fuseki/ds/", "https://db.example/fuseki/ds/query",
     "https://db.example/fuseki/ds/update", "https://db.example/fuseki/ds/data", "basic",
     True),
    # Virtuoso: /sparql to read, the Digest-authenticated update and Graph Store endpoints
    # to load (its /sparql refuses updates to anyone but its own SPARQL role)
    ("virtuoso+http://db.example:8890", "http://db.example:8890/sparql",
     "http://db.example:8890/sparql-auth", "http://db.example:8890/sparql-graph-crud-auth",
     "digest", False),
])
def test_presets(spec, query, update, graph_store, auth, union):
    where = parse(spec)
    assert (where.query, where.update, where.graph_store) == (query, update, graph_store)
    assert where.auth == auth and where.union_default_graph is union


@pytest.mark.parametrize("spec, words", [
    ("ftp://example.org/", "unknown store 'ftp://example.org/'"),
    ("neptune+https://db.example", "no preset for 'neptune'"),
    ("fuseki+http://db.example:3030", "names no dataset"),
    ("fuseki+http://db.example:3030/", "names no dataset"),
    ("http://db.example:7878/?timeout=5", "query or fragment"),
    ("oxigraph+", "unknown store"),
    ("db.example:7878", "unknown store"),
])
def test_urls_refused_say_why(spec, words):
    with pytest.raises(ValueError, match=words) as refused:
        parse(spec)
    assert "fuseki+http://localhost:3030/DATASET" in str(refused.value) or \
        "query or fragment" in str(refused.value)


def test_credentials_in_a_url_are_refused_without_repeating_them():
    with pytest.raises(ValueError) as refused:
        parse("fuseki+https://admin:s3cret-pw@db.example/ds")
    message = str(refused.value)
    assert "PUBLISHER_STORE_USER" in message and "PUBLISHER_STORE_PASSWORD" in message
    assert "s3cret-pw" not in message and "admin" not in message
    assert "s3cret-pw" not in shown("https://admin:s3cret-pw@db.example/ds")


def test_the_store_table_overrides_single_urls():
    settings = Settings(store_url="fuseki+http://db.example:3030/ds",
                        store_update="http://db.example:3030/ds/update-with-acl",
                        store_graph_store="https://gsp.example/graphs/", store_auth="digest")
    where = store_endpoints(settings)
    assert where.query == "http://db.example:3030/ds/query"          # the preset's
    assert where.update == "http://db.example:3030/ds/update-with-acl"
    assert where.graph_store == "https://gsp.example/graphs"
    assert where.auth == "digest"
    store = open_store(settings.store_url, settings)
    assert isinstance(store, RemoteStore)
    assert (store.query_endpoint, store.update_endpoint, store.graph_store_endpoint) == (
        where.query, where.update, where.graph_store)


def test_a_store_named_on_the_command_line_is_its_preset_alone():
    settings = Settings(store_url="http://db.example:7878", store_query="http://x.example/q",
                        store_auth="digest")
    chosen = use_store(settings, "virtuoso+http://other.example:8890")
    where = store_endpoints(chosen)
    assert where.query == "http://other.example:8890/sparql" and where.auth == "digest"
    assert store_endpoints(use_store(settings, "http://db.example:7878")).auth == "basic"


@pytest.mark.parametrize("field, value, words", [
    ("store_query", "ftp://x.example/q", "[store] query"),
    ("store_graph_store", "https://u:p@x.example/gsp", "holds credentials"),
    ("store_auth", "bearer", "'basic' or 'digest'"),
])
def test_bad_table_values_are_named(field, value, words):
    settings = replace(Settings(store_url="http://db.example:7878"), **{field: value})
    with pytest.raises(ValueError) as refused:
        store_endpoints(settings)
    assert words in str(refused.value)
