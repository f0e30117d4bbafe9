"""bench/remote.py runs end to end on the small fixture release (a smoke run, not figures):
our app and the forwarding server in front of one Oxigraph server, both measured."""
from __future__ import annotations

import pytest

from tests.support.bench import load_bench
from tests.support.release import write_release
from tests.support.required import require
from tests.support.servers import OXIGRAPH_MISSING, oxigraph_binary


@pytest.fixture(scope="module")
def figures(tmp_path_factory):
    require(oxigraph_binary(), OXIGRAPH_MISSING)
    release = write_release(tmp_path_factory.mktemp("bench-remote") / "releases")
    remote = load_bench("remote")
    return remote, remote.run(release, quick=True)


def test_every_query_is_measured_through_ours_and_the_forwarding_server(figures):
    _, results = figures
    assert set(results["remote"]) == set(results["queries"])
    for name, entry in results["remote"].items():
        assert entry["rows"] > 0, name
        for side in ("oxigraph", "forwarding", "cold", "warm"):
            assert 0 < entry[side]["median_ms"] <= entry[side]["p95_ms"], (name, side)
        assert entry["forwarding_median_ratio"] == pytest.approx(
            entry["forwarding"]["median_ms"] / entry["oxigraph"]["median_ms"])
        assert results["bar"]["over_forwarding_ms"][name] == pytest.approx(
            entry["cold"]["median_ms"] - entry["forwarding"]["median_ms"])


def test_the_table_judges_both_against_the_bar(figures):
    remote, results = figures
    text = remote.table(results)
    assert "forwa" in text and "the forwarding server alone" in text
    assert ("bar: cold median" in text and isinstance(results["bar"]["met"], bool)
            and isinstance(results["bar"]["forwarding_missed"], list))
