"""A key a steward moved: the real build of the bundled texts writes `redirects.json` beside
the dumps and `owl:sameAs` from the new URI to the old; the real app answers the old `/id` and
`/doc` URIs (extension kept) with a 301 to the new ones, for ever."""
from __future__ import annotations

import gzip
import json
import shutil
from dataclasses import replace

import pytest

from publisher.config import PROJECT_ROOT, load_settings
from publisher.release.publish import build_release
from publisher.store import EmbeddedStore
from publisher.web import create_app

BASE = "https://data.kuntadigi.example/"
OLD, NEW = "digikilta", "digikilta-verkosto"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A release of the bundled texts in which initiative `digikilta` was renamed on purpose:
    its registry line carries the new key and a `moved` line the old one."""
    root = tmp_path_factory.mktemp("moved")
    for name in ("ontology", "shapes", "mappings"):
        shutil.copytree(PROJECT_ROOT / name, root / name)
    shutil.copy(PROJECT_ROOT / "publisher.toml", root / "publisher.toml")
    registry = root / "mappings" / "keys.tsv"
    text = registry.read_text(encoding="utf-8")
    assert text.count(f"\tinitiative\t{OLD}\t") == 1
    text = text.replace(f"\tinitiative\t{OLD}\t", f"\tinitiative\t{NEW}\t")
    registry.write_text(text + f"moved\tinitiative\t{OLD}\t{NEW}\n", encoding="utf-8")
    settings = replace(load_settings(root / "publisher.toml", environ={}),
                       data_dir=root / "data", base_uri=BASE)
    result = build_release(settings)
    store = EmbeddedStore(settings)
    app = create_app(settings, store)
    app.config["TESTING"] = True
    yield result.path, app
    store.close()


def test_the_release_writes_redirects_and_same_as(site) -> None:
    path, _ = site
    assert json.loads((path / "redirects.json").read_text(encoding="utf-8")) == {
        "initiative": {OLD: NEW}}
    data = gzip.decompress((path / "data.nt.gz").read_bytes()).decode("utf-8")
    assert (f"<{BASE}id/initiative/{NEW}> <http://www.w3.org/2002/07/owl#sameAs> "
            f"<{BASE}id/initiative/{OLD}> .") in data
    assert f"<{BASE}id/initiative/{OLD}> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type>" \
        not in data


@pytest.mark.parametrize("old, new", [
    (f"/id/initiative/{OLD}", f"/id/initiative/{NEW}"),
    (f"/id/initiative/{OLD}?lang=sv", f"/id/initiative/{NEW}?lang=sv"),
    (f"/doc/initiative/{OLD}", f"/doc/initiative/{NEW}"),
    (f"/doc/initiative/{OLD}.ttl", f"/doc/initiative/{NEW}.ttl"),
    (f"/doc/initiative/{OLD}.jsonld", f"/doc/initiative/{NEW}.jsonld"),
])
def test_the_old_uri_answers_301_to_the_new(site, old: str, new: str) -> None:
    _, app = site
    client = app.test_client()
    answer = client.get(old, base_url=BASE)
    assert answer.status_code == 301
    assert answer.headers["Location"].endswith(new)
    followed = client.get(new, base_url=BASE, follow_redirects=True)
    assert followed.status_code == 200


def test_a_key_not_moved_is_answered_as_before(site) -> None:
    _, app = site
    client = app.test_client()
    assert client.get(f"/id/initiative/{NEW}", base_url=BASE).status_code == 303
    assert client.get(f"/doc/initiative/{NEW}.ttl", base_url=BASE).status_code == 200
    assert client.get("/doc/initiative/no-such-key", base_url=BASE).status_code == 404
    assert client.get(f"/doc/project/{OLD}", base_url=BASE).status_code == 404   # type kept


@pytest.mark.parametrize("body", [b"not json", b"[1, 2]",
                                  b'{"initiative": {"digikilta": "Bad Key"}}',
                                  b'{"initiative": {"digikilta": 7}}'])
def test_a_hostile_redirects_file_redirects_nothing(site, body: bytes) -> None:
    path, app = site
    good = (path / "redirects.json").read_bytes()
    try:
        (path / "redirects.json").write_bytes(body)
        answer = app.test_client().get(f"/doc/initiative/{OLD}.ttl", base_url=BASE)
        assert answer.status_code == 404
    finally:
        (path / "redirects.json").write_bytes(good)
    assert app.test_client().get(f"/doc/initiative/{OLD}.ttl", base_url=BASE).status_code == 301
