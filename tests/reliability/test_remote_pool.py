"""The remote store's keep-alive connections under faults: a result cut at the row limit
leaves no half-read connection behind, the pool stays bounded under concurrent queries, a
query past the time limit is a 503 (and, on Virtuoso, is ended inside the store), and a store
that goes away and comes back is a 503 with Retry-After meanwhile and answered again by
itself afterwards, without file descriptors piling up."""
from __future__ import annotations

import json
import os
import threading
import time

import pytest

from publisher.store import QueryTimeout, RemoteStore, StoreUnavailable
from publisher.web import create_app
from tests.support.release import BASE
from tests.support.servers import HEAVY

LOOKUP = f"SELECT ?p ?o WHERE {{ <{BASE}id/project/kuntien-evaka> ?p ?o }}"


def _open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


@pytest.fixture()
def loaded(blank_oxigraph, settings):
    """A fresh Oxigraph server holding the fixture release, and a store on it."""
    store = RemoteStore(blank_oxigraph.url, settings)
    store.load_release(settings.releases_dir / "latest")
    yield blank_oxigraph, store
    store.close()


def test_a_cut_result_leaves_no_poisoned_connection(loaded):
    _, store = loaded
    expected = store.select(LOOKUP)
    assert expected
    for round_ in range(10):
        opened = store.pool.opened
        cut = store.query(f"CONSTRUCT WHERE {{ ?s ?p ?o }} # {round_}", format="ntriples",
                          limit=3)
        assert cut.truncated and cut.count == 3
        assert store.select(LOOKUP) == expected          # never the rest of the cut answer
        assert store.ask(f"<{BASE}id/project/kuntien-evaka> ?p ?o")
        assert store.pool.opened == opened + 1           # the cut connection was closed
    whole = store.query(LOOKUP, format="json", limit=100)
    assert store.pool.idle >= 1 and not whole.truncated  # answers read to the end go back


def test_the_pool_stays_bounded_under_concurrent_queries(loaded):
    _, store = loaded
    expected = store.select(LOOKUP)
    errors: list[BaseException] = []

    def work() -> None:
        try:
            for index in range(15):
                assert store.select(f"{LOOKUP} # {threading.get_ident()} {index}") == expected
        except BaseException as error:       # noqa: BLE001 - reported below
            errors.append(error)

    before = store.pool.opened
    threads = [threading.Thread(target=work) for _ in range(3 * store.pool.size)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors[:3]
    assert store.pool.opened - before <= store.pool.size    # never more than its size


def test_a_query_past_the_time_limit_is_a_503_and_the_pool_recovers(loaded, settings):
    server, store = loaded
    started = time.monotonic()
    with pytest.raises(QueryTimeout):
        store.query(HEAVY, format="json", timeout=0.5)
    assert time.monotonic() - started < 3
    server.stop()            # end the runaway inside Oxigraph (it has only a server-wide limit)
    server.start()
    client = create_app(settings, store).test_client()
    assert client.get("/sparql", query_string={"query": LOOKUP},
                      headers={"Accept": "application/sparql-results+json"}).status_code == 200


def test_virtuoso_ends_a_query_at_the_time_limit(virtuoso_store, virtuoso_settings):
    """Virtuoso gets the time limit as its ``timeout`` parameter: the query ends inside the
    store (its next answer is not delayed by a runaway still running) and the app says 503."""
    client = create_app(virtuoso_settings, virtuoso_store).test_client()
    started = time.monotonic()
    answer = client.get("/sparql", query_string={"query": HEAVY + " # virtuoso runaway"},
                        headers={"Accept": "application/sparql-results+json"})
    assert answer.status_code == 503, answer.data[:300]
    assert b"Traceback" not in answer.data
    assert time.monotonic() - started < virtuoso_settings.limits.query_timeout_seconds + 5
    quick = time.monotonic()
    assert virtuoso_store.select(LOOKUP)
    assert time.monotonic() - quick < 2


def test_store_down_twice_is_a_503_then_answered_again_without_leaks(loaded, settings):
    server, store = loaded
    client = create_app(settings, store).test_client()

    def ask():
        return client.get("/sparql", query_string={"query": LOOKUP},
                          headers={"Accept": "application/sparql-results+json"})

    assert ask().status_code == 200
    baseline = _open_fds()
    for _ in range(2):
        server.stop()
        time.sleep(store.version_cache_seconds + 0.1)      # the pointer is read again
        down = ask()
        assert down.status_code == 503 and down.headers.get("Retry-After")
        assert b"Traceback" not in down.data and b"127.0.0.1" not in down.data
        with pytest.raises(StoreUnavailable):
            store.select(LOOKUP)
        server.start()
        deadline = time.monotonic() + 5
        while ask().status_code != 200 and time.monotonic() < deadline:
            time.sleep(0.1)
        back = ask()
        assert back.status_code == 200
        assert json.loads(back.data)["results"]["bindings"]
    assert _open_fds() <= baseline + store.pool.size
