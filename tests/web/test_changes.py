"""`/changes?since=` through the real app on two real releases (editions A and B of
tests/release/test_changes.py): the composed patch turns A's quads into B's exactly."""
from __future__ import annotations

import json

import pytest

from publisher.patch import Patch, apply, read_patch
from publisher.store import EmbeddedStore
from publisher.web import create_app
from tests.release.test_changes import build_editions, canonical


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    root = tmp_path_factory.mktemp("changes-site")
    editions = build_editions(root)
    store = EmbeddedStore(editions.settings)
    app = create_app(editions.settings, store)
    app.config["TESTING"] = True
    yield editions, app.test_client(use_cookies=False), root
    store.close()


def test_the_patch_since_a_turns_a_into_b(served) -> None:
    editions, client, root = served
    answer = client.get(f"/changes?since={editions.a.name}")
    assert answer.status_code == 200 and answer.mimetype == "text/plain"
    text = root / "composed.rdfp"
    text.write_bytes(answer.data)
    patch = read_patch(text)
    assert b"".join(apply(canonical(editions.a), patch)) == b"".join(canonical(editions.b))
    assert answer.data == (editions.b / "changes.rdfp").read_bytes(), \
        "a chain of one is that release's changeset"


def test_since_the_latest_is_an_empty_patch(served) -> None:
    editions, client, root = served
    answer = client.get(f"/changes?since={editions.b.name}")
    assert answer.status_code == 200
    (root / "empty.rdfp").write_bytes(answer.data)
    assert read_patch(root / "empty.rdfp").rows == []


def test_a_json_summary_by_accept(served) -> None:
    editions, client, _ = served
    answer = client.get(f"/changes?since={editions.a.name}",
                        headers={"Accept": "application/json"})
    assert answer.status_code == 200 and answer.mimetype == "application/json"
    summary = json.loads(answer.data)
    expected = json.loads((editions.b / "changes.json").read_text())
    assert summary["quads"] == expected["quads"] and summary["graphs"] == expected["graphs"]
    assert summary["releases"] == [editions.b.name] and summary["version"] == editions.b.name


def test_304_by_etag(served) -> None:
    editions, client, _ = served
    first = client.get(f"/changes?since={editions.a.name}")
    etag = first.headers["ETag"]
    again = client.get(f"/changes?since={editions.a.name}", headers={"If-None-Match": etag})
    assert again.status_code == 304 and not again.data
    other = client.get(f"/changes?since={editions.a.name}",
                       headers={"Accept": "application/json", "If-None-Match": etag})
    assert other.status_code == 200, "the JSON form has an ETag of its own"


@pytest.mark.parametrize("since, status", [
    ("20200101T000000Z", 404),           # well formed, no such release
    ("latest", 400), ("../releases", 400), ("", 400), ("2026", 400),
    ("2" * 10_000, 400),                 # hostile length, refused before anything looks
])
def test_bad_since(served, since, status) -> None:
    _, client, _ = served
    assert client.get("/changes", query_string={"since": since}).status_code == status


def test_no_since_is_400(served) -> None:
    assert served[1].get("/changes").status_code == 400


def test_a_broken_chain_is_404(served, tmp_path) -> None:
    editions, client, _ = served
    patch = editions.b / "changes.rdfp"
    kept = patch.read_bytes()
    patch.unlink()
    try:
        # another path than the tests before, so the answer cache cannot answer it
        answer = client.get(f"/changes?since={editions.a.name}&x=broken",
                            headers={"Accept": "application/json"})
        assert answer.status_code == 404
    finally:
        patch.write_bytes(kept)
    assert isinstance(read_patch(patch), Patch)


def test_old_releases_stay_served_under_their_version(served) -> None:
    editions, client, _ = served
    answer = client.get(f"/dumps/{editions.a.name}/data.trig")
    assert answer.status_code == 200
    assert answer.data == (editions.a / "data.trig").read_bytes()
    assert client.get(f"/dumps/{editions.b.name}/changes.rdfp").mimetype == "text/plain"
