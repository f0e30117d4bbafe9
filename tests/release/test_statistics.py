"""The counts of a (tiny) release, against independent rdflib counts."""
from __future__ import annotations

from collections import Counter

import pytest
from rdflib import URIRef
from rdflib.namespace import RDF

from publisher.release.statistics import compute_statistics, store_from_release
from tests.support.catalogue_release import (BASE, graph_sizes, union_triples,
                                             write_catalogue_release)


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    """A tiny release folder: the five dumps (written by pyoxigraph) and the side files."""
    return write_catalogue_release(tmp_path_factory.mktemp("releases"))


def test_statistics_equal_independent_rdflib_counts(release):
    stats = release["statistics"]
    triples = union_triples(release["folder"])
    assert stats.triples == len(triples)
    assert stats.distinct_subjects == len({s for s, _, _ in triples})
    assert stats.distinct_objects == len({o for _, _, o in triples})
    assert stats.entities == len({s for s, _, _ in triples if isinstance(s, URIRef)})
    assert stats.properties == {str(p): n for p, n in Counter(p for _, p, _ in triples).items()}
    classes = Counter(o for s, p, o in triples if p == RDF.type)
    assert stats.classes == {str(c): n for c, n in classes.items()}
    assert stats.graphs == graph_sizes(release["folder"])
    # The duplicated triple (Espoo's type and Finnish label, in both graphs) counts once.
    assert sum(stats.graphs.values()) == stats.triples + 2


def test_examples_list_projects_first(release):
    examples = release["statistics"].examples
    assert examples[:2] == [f"{BASE}id/project/joto", f"{BASE}id/project/kuntien-evaka"]
    assert f"{BASE}id/organisation/espoo" in examples
    assert len(examples) == len(set(examples)) <= 5


def test_entities_restricted_to_uri_space(release):
    stats = compute_statistics(release["store"], uri_space=f"{BASE}id/project/")
    assert stats.entities == 2


def test_statistics_of_a_store_loaded_from_the_release(release):
    store = store_from_release(release["folder"])
    assert compute_statistics(store) == release["statistics"]
