"""A real client replays the event stream: the `ldes-client` npm package (installed by
`npm ci` from package.json) follows `/ldes` of the app behind a real HTTP server, from the
start, and again from its saved state after a new release."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from publisher.patch import quad_lines
from publisher.store import EmbeddedStore
from publisher.web import create_app
from tests.support import editions as ed
from tests.support import ldes_client
from tests.support.servers import LiveServer


@pytest.fixture(scope="module")
def releases(edition_chain, tmp_path_factory) -> Path:
    """A copy of the chain's releases folder this module may re-point `latest` in."""
    copy = tmp_path_factory.mktemp("ldes-client") / "releases"
    shutil.copytree(edition_chain["A"].parent, copy, symlinks=True)
    return copy


def point_latest(releases: Path, version: str) -> None:
    link = releases / ".latest-next"
    link.unlink(missing_ok=True)
    link.symlink_to(version)
    os.replace(link, releases / "latest")


def serve(releases: Path):
    settings = ed.settings_for(releases.parent, "C")
    store = EmbeddedStore(settings)
    app = create_app(settings, store)
    return store, LiveServer(app)


def replay_served(releases: Path) -> tuple[list, str]:
    """The members the real client replays from the start of the stream of `releases`
    served behind a real HTTP server, and the server's base URL."""
    ldes_client.require_client()
    store, server = serve(releases)
    try:
        members = ldes_client.replay(f"{server.url}/ldes", timeout=180)
    finally:
        server.stop()
        store.close()
    return members, server.url + "/"


def described(release: Path, local: str) -> dict[str, set[tuple[str, str, str]]]:
    """Each resource's statements in a release (its own and its `#` parts'), with the IRIs
    the app shows on `local` (links are rewritten onto the host asked)."""
    found: dict[str, set[tuple[str, str, str]]] = {}
    data = b"".join(quad_lines(release / "data.trig"))
    for t in {q.triple for q in ox.parse(data, format=ox.RdfFormat.N_QUADS)}:
        if isinstance(t.subject, ox.NamedNode):
            key = as_values(t, local)[0][1:-1].split("#", 1)[0]
            found.setdefault(key, set()).add(as_values(t, local))
    return found


def as_values(t: ox.Triple, local: str | None = None) -> tuple[str, str, str]:
    def shown(term) -> str:
        if local and isinstance(term, ox.NamedNode) and term.value.startswith(ed.BASE):
            return f"<{local}{term.value[len(ed.BASE):]}>"     # links rewritten, texts not
        return str(term)
    return shown(t.subject), shown(t.predicate), shown(t.object)


def test_the_client_replays_the_stream_to_the_latest_release(releases, edition_chain) -> None:
    members, local = replay_served(releases)
    latest = ldes_client.latest(members)
    now = described(edition_chain["C"], local)
    alive = {iri: m for iri, m in latest.items() if not m.deleted}
    assert set(alive) == set(now)
    for iri, member in alive.items():
        assert {as_values(t) for t in member.payload()} == now[iri], iri
    for gone in (ed.REMOVED_IRI, ed.REMOVED_C_IRI):
        assert latest[gone.replace(ed.BASE, local)].deleted


def test_a_client_that_stopped_after_a_resumes_with_only_the_new_members(
        releases, edition_chain, tmp_path) -> None:
    ldes_client.require_client()
    state = tmp_path / "client-state"
    a, c = edition_chain["A"].name, edition_chain["C"].name
    point_latest(releases, a)
    store, server = serve(releases)
    try:
        first = ldes_client.replay(f"{server.url}/ldes", state=state, timeout=180)
        assert first and all(f"/version/{a}/" in m.iri for m in first)
        point_latest(releases, c)
        second = ldes_client.replay(f"{server.url}/ldes", state=state, timeout=180)
    finally:
        point_latest(releases, c)
        server.stop()
        store.close()
    assert second, "the new releases' members"
    assert not any(f"/version/{a}/" in m.iri for m in second)
    later = {edition_chain["B"].name, c}
    assert {m.iri.split("/version/", 1)[1].split("/", 1)[0] for m in second} == later


def test_after_older_releases_are_removed_the_dump_and_the_stream_give_the_latest(
        edition_chain, tmp_path) -> None:
    """`release.keep` removed A: the client reads the root with its retention policy and
    replays B's and C's members; B's dump overlaid with them is C (the README's recipe)."""
    members, local = replay_served(ed.chain_without_first(edition_chain, tmp_path))
    assert members and not any(f"/version/{edition_chain['A'].name}/" in m.iri
                               for m in members)
    state = described(edition_chain["B"], local)
    for iri, member in ldes_client.latest(members).items():
        if member.deleted:
            state.pop(iri, None)
        else:
            state[iri] = {as_values(t) for t in member.payload()}
    assert state == described(edition_chain["C"], local)
