"""The wrapper around the real LDES client (tests/support/ldes_client.py) on a small static
stream (tests/support/ldes_fixture.py): the client reads every member with its triples, marks
the deletion, resumes from its saved state with only the new members, and is stopped at its
time limit. The tests also pin down what the client expects of a server (see the fixture)."""
from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import pytest
from pyoxigraph import NamedNode

from tests.support import ldes_client
from tests.support.ldes_fixture import PAGES, StaticLdes, serve_static_ldes


@pytest.fixture
def client() -> None:
    """The client can run (else skipped; in CI, failed)."""
    ldes_client.require_client()


@pytest.fixture
def stream(client, tmp_path) -> Iterator[StaticLdes]:
    (tmp_path / "pages").mkdir()
    with serve_static_ldes(tmp_path / "pages") as ldes:
        yield ldes


def values(member: ldes_client.Member) -> set[tuple[str, str, str]]:
    return {(t.subject.value, t.predicate.value, t.object.value) for t in member.payload()}


def check_members(ldes: StaticLdes, members: list[ldes_client.Member],
                  pages: tuple[int, ...]) -> None:
    """`members` are exactly the members of `pages`, once each, each with its triples."""
    expected = {ldes.version(v): v for n in pages for v in PAGES[n]}
    iris = [m.iri for m in members]
    assert sorted(iris) == sorted(expected), "every member, none twice"
    for member in members:
        version = expected[member.iri]
        assert member.version_of == ldes.thing(version.thing)
        assert member.timestamp == version.date
        assert member.deleted is (version.title is None)
        assert values(member) == ldes.expected(version)


def test_replay_gives_every_member_with_its_triples(stream) -> None:
    members = ldes_client.replay(stream.url, timeout=60)
    check_members(stream, members, (1, 2))
    assert [m.iri for m in members if m.deleted] == [stream.version(PAGES[2][1])]
    assert {"/ldes", "/ldes/page/1", "/ldes/page/2"} <= set(stream.requests)


def test_members_whose_description_is_in_a_named_graph(client, tmp_path) -> None:
    (tmp_path / "pages").mkdir()
    with serve_static_ldes(tmp_path / "pages", named_graphs=True) as ldes:
        members = ldes_client.replay(ldes.url, timeout=60)
    check_members(ldes, members, (1, 2))
    described = [m for m in members if not m.deleted]
    assert all(any(q.graph_name == NamedNode(m.iri) for q in m.quads) for m in described), \
        "the client keeps the graph name"
    assert all(t.subject.value == m.version_of for m in described for t in m.payload()), \
        "the payload describes the thing, not the version"


def test_the_latest_version_of_each_thing(stream) -> None:
    stream.add_third_page()
    newest = ldes_client.latest(ldes_client.replay(stream.url, ordered="descending"))
    assert sorted(newest) == sorted(stream.thing(n) for n in (1, 2, 3))
    assert newest[stream.thing(1)].iri == stream.version(PAGES[3][0])
    assert newest[stream.thing(2)].deleted and newest[stream.thing(2)].iri == stream.version(
        PAGES[2][1])


def test_resuming_from_saved_state_gives_only_the_new_members(stream, tmp_path) -> None:
    state = tmp_path / "state"
    check_members(stream, ldes_client.replay(stream.url, state=state), (1, 2))
    stream.add_third_page()
    check_members(stream, ldes_client.replay(stream.url, state=state), (3,))
    assert ldes_client.replay(stream.url, state=state) == [], "nothing new: nothing emitted"
    check_members(stream, ldes_client.replay(stream.url, state=tmp_path / "fresh"), (1, 2, 3))


def test_a_following_client_polls_the_mutable_pages_and_finds_a_new_page(stream) -> None:
    with ldes_client.following(stream.url, poll_interval=0.3, timeout=60) as follower:
        check_members(stream, follower.wait_for(4, 20), (1, 2))
        polled = stream.requests.count("/ldes/page/2")
        stream.add_third_page()
        follower.wait_for(6, 20)
        members = follower.stop()
    check_members(stream, members, (1, 2, 3))
    assert stream.requests.count("/ldes/page/3") >= 1 and polled >= 1
    assert stream.requests.count("/ldes/page/2") > polled, "page 2 is fetched again"


def test_materialized_latest_versions_name_the_things_and_the_deletion(stream) -> None:
    stream.add_third_page()
    members = ldes_client.replay(stream.url, materialize=True, last_version_only=True)
    latest = {m.iri: m for m in members}
    assert sorted(latest) == sorted(stream.thing(n) for n in (1, 2, 3)) and len(members) == 3
    assert (stream.thing(1), "http://purl.org/dc/terms/title", "third title") in values(
        latest[stream.thing(1)])
    assert latest[stream.thing(2)].deleted and not latest[stream.thing(1)].deleted


def test_an_immutable_root_node_is_not_read_again_so_nothing_after_it_is(client, tmp_path) -> None:
    """What a server must not do: say `Cache-Control: immutable` on the node the stream's
    tree:view names. A resumed client skips that node, so it never reaches newer pages."""
    (tmp_path / "pages").mkdir()
    state = tmp_path / "state"
    with serve_static_ldes(tmp_path / "pages", immutable=("/ldes/page/1",)) as ldes:
        check_members(ldes, ldes_client.replay(ldes.url, state=state), (1, 2))
        ldes.add_third_page()
        ldes.requests.clear()
        assert ldes_client.replay(ldes.url, state=state) == []
        assert "/ldes/page/2" not in ldes.requests and "/ldes/page/3" not in ldes.requests


def test_the_client_is_killed_at_its_time_limit(client) -> None:
    with socket.socket() as silent:                 # accepts connections, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/ldes"
        started = time.monotonic()
        with pytest.raises(ldes_client.LdesClientError, match="did not finish in 3"):
            ldes_client.replay(url, timeout=3)
        assert time.monotonic() - started < 20


def test_a_failing_client_raises_with_its_message(client, tmp_path) -> None:
    (tmp_path / "pages").mkdir()
    with serve_static_ldes(tmp_path / "pages") as ldes:
        (tmp_path / "pages" / "ldes.ttl").write_text("@prefix ex: <https://vocab.example/> .\n"
                                                     "ex:a ex:b ex:c .\n", encoding="utf-8")
        with pytest.raises(ldes_client.LdesClientError, match="exited with"):
            ldes_client.replay(ldes.url, timeout=60)


def test_the_output_is_split_into_members_by_empty_lines() -> None:
    text = ('<https://e.example/v1> <http://purl.org/dc/terms/isVersionOf> '
            '<https://e.example/t> .\n'
            '<https://e.example/v1> <https://e.example/p> "a\\n\\nb" .\n\n'
            '<https://e.example/t> <https://e.example/p> "x" <https://e.example/v2> .\n'
            '<https://e.example/v2> <http://www.w3.org/ns/prov#generatedAtTime> '
            '"2026-01-01T00:00:00Z"^^<http://www.w3.org/2001/XMLSchema#dateTime> .\n\n')
    first, second = ldes_client.parse_output(text)
    assert first.iri == "https://e.example/v1" and first.version_of == "https://e.example/t"
    assert len(first.quads) == 2 and ("https://e.example/v1", "https://e.example/p",
                                      "a\n\nb") in values(first)
    assert second.iri == "https://e.example/v2" and second.timestamp == "2026-01-01T00:00:00Z"
    assert values(second) == {("https://e.example/t", "https://e.example/p", "x")}
    assert not first.deleted and not second.deleted
    assert len(first.graph()) == 2
