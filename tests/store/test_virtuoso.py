"""Virtuoso open source as a store: `publisher load --store virtuoso+URL` with its Digest
credentials, and the answers it gives its own way read as every other store's."""
from __future__ import annotations

import json

import pyoxigraph as ox

from publisher.cli import main
from publisher.store import RemoteStore
from publisher.store.virtuoso import mend_json
from tests.support.release import BASE


def test_cli_loads_a_release_into_virtuoso(virtuoso_server, virtuoso_settings, monkeypatch,
                                           capsys):
    monkeypatch.setenv("PUBLISHER_BASE_URI", BASE)
    monkeypatch.setenv("PUBLISHER_STORE_USER", virtuoso_server.user)
    monkeypatch.setenv("PUBLISHER_STORE_PASSWORD", virtuoso_server.password)
    release = virtuoso_settings.releases_dir / "latest"
    assert main(["load", "--store", virtuoso_server.store_url, "--release", str(release)]) == 0
    assert "loaded" in capsys.readouterr().err
    store = RemoteStore(virtuoso_server.store_url, virtuoso_settings)
    assert store.version == "2024-05-01.1"
    assert BASE + "graph/reference" in store.named_graphs()
    store.close()


def test_cli_names_refused_credentials(virtuoso_server, virtuoso_settings, monkeypatch,
                                       capsys):
    monkeypatch.setenv("PUBLISHER_BASE_URI", BASE)
    monkeypatch.setenv("PUBLISHER_STORE_USER", virtuoso_server.user)
    monkeypatch.setenv("PUBLISHER_STORE_PASSWORD", "not-the-password")
    release = virtuoso_settings.releases_dir / "latest"
    assert main(["load", "--store", virtuoso_server.store_url, "--release", str(release)]) == 2
    error = capsys.readouterr().err
    assert "refused" in error and "PUBLISHER_STORE_PASSWORD" in error
    assert "not-the-password" not in error


def test_the_engine_s_own_graphs_are_never_in_an_answer(virtuoso_store):
    graphs = virtuoso_store.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
    names = {row["g"].value for row in graphs}
    assert names and all(name.startswith(BASE + "graph/") for name in names)
    types = virtuoso_store.select("SELECT DISTINCT ?t WHERE { ?s a ?t }")
    assert not [row for row in types if "openlinksw" in row["t"].value]


def test_ask_and_blank_nodes_read_as_the_standard_says():
    ask = (b'{ "head": { "link": [], "vars": ["__ASK_RETVAL"] }, "results": { "bindings": '
           b'[ { "__ASK_RETVAL": { "type": "typed-literal", "value": "0" } } ] } }')
    assert json.loads(mend_json(ask, "ASK")) == {"head": {}, "boolean": False}
    rows = (b'{ "head": { "vars": ["s"] }, "results": { "bindings": [ { "s": { "type": '
            b'"bnode", "value": "nodeID://b10007" } } ] } }')
    parsed = ox.parse_query_results(mend_json(rows, "SELECT"), ox.QueryResultsFormat.JSON)
    assert [solution["s"] for solution in parsed] == [ox.BlankNode("b10007")]
