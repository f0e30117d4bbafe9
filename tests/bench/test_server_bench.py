"""bench/server.py runs end to end on the small fixture release (a smoke run, not figures)."""
from __future__ import annotations

import pytest

from tests.support.bench import load_bench
from tests.support.release import write_release
from tests.support.required import require
from tests.support.servers import OXIGRAPH_MISSING, oxigraph_binary


@pytest.fixture(scope="module")
def figures(tmp_path_factory):
    require(oxigraph_binary(), OXIGRAPH_MISSING)
    release = write_release(tmp_path_factory.mktemp("bench-site") / "releases")
    bench = load_bench("server")
    results = bench.run(release, quick=True)
    return bench, results


def test_every_query_is_measured_on_every_side(figures):
    _, results = figures
    for section in ("sparql", "remote"):
        assert set(results[section]) == set(results["queries"])
        for name, entry in results[section].items():
            assert entry["rows"] > 0, name
            for side in ("oxigraph", "cold", "warm"):
                assert 0 < entry[side]["median_ms"] <= entry[side]["p95_ms"], (name, side)
                assert entry[side]["rps_4_clients"] > 0, (name, side)
            assert entry["cold_median_ratio"] == pytest.approx(
                entry["cold"]["median_ms"] / entry["oxigraph"]["median_ms"])


def test_doc_is_measured_against_the_same_bytes(figures):
    _, results = figures
    assert results["doc"]["path"].startswith("/doc/project/")
    for fmt in ("turtle", "jsonld", "html"):
        entry = results["doc"][fmt]
        assert entry["bytes"] > 100 and entry["ours_rps"] > 0 and entry["prerendered_rps"] > 0


def test_the_table_shows_every_section_and_the_bars(figures):
    bench, results = figures
    text = bench.table(results)
    for words in ("/sparql on the embedded store", "remote store", "pre-rendered",
                  "bar: SPARQL median", "bar: /doc Turtle", "rows_10000"):
        assert words in text
    assert isinstance(results["bars"]["sparql_cold_met"], bool)
