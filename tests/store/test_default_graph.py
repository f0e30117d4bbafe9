"""The default graph is the RDF merge of the named graphs: a set. Every store, the dumps and
the release's counts agree, and a triple held by two named graphs comes back once from the
default graph (twice, once per graph, from GRAPH ?g) — on the fixture release, on one
built for this purpose, and on the real release built from the bundled texts."""
from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from publisher.config import PROJECT_ROOT
from publisher.store import EmbeddedStore, RemoteStore
from tests.support.release import BASE, make_settings, write_release

EVAKA = BASE + "id/project/kuntien-evaka"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def dump_triples(release: Path) -> int:
    """Distinct triples of the release's N-Triples dump (the union, one line each)."""
    with gzip.open(release / "data.nt.gz") as dump:
        lines = {line.strip() for line in dump if line.strip()}
    return len(lines)


def count(store, sparql: str = COUNT) -> int:
    return int(store.select(sparql)[0]["n"].value)


def test_count_over_the_default_graph_is_the_dumps_count(store, settings):
    release = settings.releases_dir / "latest"
    info = json.loads((release / "release.json").read_text(encoding="utf-8"))
    assert count(store) == dump_triples(release) == info["triples"]


@pytest.fixture(params=["embedded", "remote"])
def shared_triple_store(request, tmp_path):
    """A store holding a release where one triple (Kuntien eVaka's label) is in two named
    graphs."""
    settings = make_settings(tmp_path)
    extra = (f'<{BASE}graph/extra> {{ <{EVAKA}> <{LABEL}> "Kuntien eVaka"@fi . }}\n')
    write_release(settings.releases_dir, "v-shared", extra_trig=extra)
    if request.param == "embedded":
        store = EmbeddedStore(settings)
    else:
        server = request.getfixturevalue("blank_oxigraph")
        store = RemoteStore(server.url, settings)
        store.load_release(settings.releases_dir / "latest")
    yield store, settings
    store.close()


def test_a_triple_in_two_named_graphs_comes_back_once(shared_triple_store):
    store, settings = shared_triple_store
    labels = store.select(f'SELECT ?l WHERE {{ <{EVAKA}> <{LABEL}> ?l }}')
    assert [row["l"].value for row in labels] == ["Kuntien eVaka"]
    per_graph = store.select(f'SELECT ?g WHERE {{ GRAPH ?g {{ <{EVAKA}> <{LABEL}> ?l }} }}')
    assert sorted(row["g"].value for row in per_graph) == [
        BASE + "graph/004-f0ab20c46da3f21c", BASE + "graph/extra"]
    assert count(store) == dump_triples(settings.releases_dir / "latest")
    # a FROM of one graph, and a protocol dataset, still choose the default graph
    only = f"SELECT (COUNT(*) AS ?n) FROM <{BASE}graph/extra> WHERE {{ ?s ?p ?o }}"
    assert count(store, only) == 1
    result = store.query(COUNT, format="json", default_graph_uris=[BASE + "graph/extra"])
    assert json.loads(result.body)["results"]["bindings"][0]["n"]["value"] == "1"


@pytest.fixture(scope="module")
def real_release(tmp_path_factory) -> Path:
    """The release built from the bundled texts, as `publisher build` makes it."""
    root = tmp_path_factory.mktemp("real")
    env = {key: value for key, value in os.environ.items() if not key.startswith("PUBLISHER_")}
    env.update(PUBLISHER_RELEASES_DIR=str(root / "releases"),
               PUBLISHER_DATA_DIR=str(root / "data"), PYTHONPATH=str(PROJECT_ROOT))
    done = subprocess.run([sys.executable, "-m", "publisher.cli", "--quiet", "build"],
                          env=env, cwd=PROJECT_ROOT, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    return root / "releases" / "latest"


@pytest.mark.parametrize("kind", ["embedded", "remote"])
def test_the_real_release_counts_the_same_everywhere(real_release, kind, request, tmp_path):
    """The bundled texts' release: its triples counted over the default graph equal the
    dump's and release.json's on both stores, though some triples sit in several graphs."""
    settings = make_settings(tmp_path)
    if kind == "embedded":
        store = EmbeddedStore(settings, release=real_release)
    else:
        store = RemoteStore(request.getfixturevalue("blank_oxigraph").url, settings)
        store.load_release(real_release)
    try:
        info = json.loads((real_release / "release.json").read_text(encoding="utf-8"))
        assert count(store) == dump_triples(real_release) == info["triples"]
        quads = count(store, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
                             f"FILTER(?g != <{BASE}graph/release>) }}")
        assert quads > info["triples"]            # shared triples: the case that mattered
        shared = store.select("SELECT ?s ?p ?o WHERE { GRAPH ?a { ?s ?p ?o } "
                              "GRAPH ?b { ?s ?p ?o } FILTER(STR(?a) < STR(?b)) } LIMIT 1")
        triple = shared[0]
        once = store.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ {_term(triple['s'])} "
                            f"{_term(triple['p'])} {_term(triple['o'])} }}")
        assert once[0]["n"].value == "1"
    finally:
        store.close()


def _term(term) -> str:
    """A pyoxigraph term as SPARQL text (its N-Triples form)."""
    return str(term)
