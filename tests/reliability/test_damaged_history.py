"""A release whose history files are damaged (a truncated index, a gzip member overwritten):
the event stream and the mementos answer 503 naming the files, the resource pages and `/doc`
go on without their history — never a 500 or a traceback."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from publisher.history import VERSIONS_FILE, VERSIONS_INDEX
from publisher.store import EmbeddedStore
from publisher.web import create_app
from tests.support import editions as ed

BASE = ed.BASE
PROJECT = ed.RETITLED_IRI[len(BASE):]          # id/project/…


def serve_copy(chain: dict[str, Path], tmp_path: Path, damage) -> tuple:
    releases = tmp_path / "releases"
    shutil.copytree(chain["A"].parent, releases, symlinks=True)
    damage(releases / chain["C"].name)
    settings = ed.settings_for(tmp_path, "A")
    store = EmbeddedStore(settings)
    app = create_app(settings, store)
    app.config["TESTING"] = True
    return store, app.test_client()


def truncate_index(folder: Path) -> None:
    index = folder / VERSIONS_INDEX
    index.write_bytes(index.read_bytes()[:100])


def overwrite_members(folder: Path) -> None:
    """Every member of C's versions keeps its place and length, its bytes are gone."""
    versions = folder / VERSIONS_FILE
    versions.write_bytes(b"\x00" * versions.stat().st_size)


@pytest.mark.parametrize("damage", [truncate_index, overwrite_members])
def test_a_damaged_history_is_a_clear_503_and_the_pages_go_on(edition_chain, tmp_path,
                                                               damage) -> None:
    store, client = serve_copy(edition_chain, tmp_path, damage)
    c = edition_chain["C"].name
    try:
        index = json.loads((edition_chain["C"] / VERSIONS_INDEX).read_text())["resources"]
        changed_in_c = next(iri for iri, entry in index.items()
                            if entry[0] == "changed" and "/id/project/" in iri)
        asked = {
            "stream page": client.get(f"/ldes/{c}/0", base_url=BASE,
                                      headers={"Accept": "application/trig"}),
            "memento": client.get(f"/version/{c}/{changed_in_c[len(BASE):]}",
                                  base_url=BASE, headers={"Accept": "text/turtle"}),
        }
        for name, answer in asked.items():
            assert answer.status_code == 503, (name, answer.status_code, answer.data[:300])
            assert b"versions.json" in answer.data and b"Traceback" not in answer.data
        page = client.get(f"/doc/{PROJECT[3:]}", base_url=BASE,
                          headers={"Accept": "text/html"})
        assert page.status_code == 200 and b"Traceback" not in page.data
        turtle = client.get(f"/doc/{PROJECT[3:]}", base_url=BASE,
                            headers={"Accept": "text/turtle"})
        assert turtle.status_code == 200
    finally:
        store.close()
