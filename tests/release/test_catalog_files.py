"""catalog.ttl as written into a (tiny) release: read back whole, it passes the gate."""
from __future__ import annotations

import pytest
from rdflib import Graph

from publisher.release.dcat_check import validate_catalog
from tests.support.catalogue_release import write_catalogue_release


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    """A tiny release folder: the five dumps (written by pyoxigraph) and the side files."""
    return write_catalogue_release(tmp_path_factory.mktemp("releases"))


def test_written_catalogue_round_trips(release):
    parsed = Graph().parse(release["folder"] / "catalog.ttl", format="turtle")
    assert len(parsed) == len(release["catalog"])
    conforms, text = validate_catalog(parsed)
    assert conforms, text
