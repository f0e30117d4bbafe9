"""The three-edition scenario (tests/support/editions.py) really says what it claims: each edit
of the texts shows in the built data, and each release's changes.rdfp takes the previous
release's quads exactly to its own. One chain A → B → C is built for the whole module."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode, RdfFormat, Store

from publisher.patch import PATCH_FILE, apply, quad_lines, read_patch
from tests.support import editions as ed

RDF_TYPE = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
TITLE = NamedNode("http://purl.org/dc/terms/title")
DESCRIPTION = NamedNode("http://purl.org/dc/terms/description")
CONTACT = NamedNode("http://www.w3.org/ns/dcat#contactPoint")
STARTED = NamedNode("http://www.w3.org/ns/prov#startedAtTime")
PROJECT_CLASS = NamedNode(ed.KD + "Project")
STATUS = NamedNode(ed.KD + "status")
PARTNER = NamedNode(ed.KD + "partnerMunicipality")
LEAD = NamedNode(ed.KD + "leadOrganisation")


class Release:
    """A built release: its folder and its quads in a store."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.store = Store()
        self.store.bulk_load(path=str(path / "data.trig"), format=RdfFormat.TRIG)

    def values(self, subject: str, predicate: NamedNode) -> set[str]:
        return {quad.object.value for quad in
                self.store.quads_for_pattern(NamedNode(subject), predicate, None)}

    def has(self, subject: str, predicate: NamedNode, obj: str) -> bool:
        return any(True for _ in self.store.quads_for_pattern(NamedNode(subject), predicate,
                                                               NamedNode(obj)))

    def describes(self, subject: str) -> bool:
        return any(True for _ in self.store.quads_for_pattern(NamedNode(subject), None, None))

    def is_project(self, subject: str) -> bool:
        return self.has(subject, RDF_TYPE, ed.KD + "Project")


@pytest.fixture(scope="module")
def chain(tmp_path_factory) -> dict[str, Release]:
    root = tmp_path_factory.mktemp("chain")
    with pytest.MonkeyPatch.context() as monkeypatch:
        built = ed.build_chain(root, monkeypatch=monkeypatch)
    assert list(built) == list(ed.EDITIONS)
    return {edition: Release(path) for edition, path in built.items()}


def test_edition_a_is_the_bundled_texts_and_b_and_c_are_edited_copies(tmp_path) -> None:
    assert ed.edition_sources(tmp_path, "A") == ed.BUNDLED
    b, c = ed.edition_sources(tmp_path, "B"), ed.edition_sources(tmp_path, "C")
    names = sorted(p.name for p in ed.BUNDLED.iterdir())
    assert sorted(p.name for p in b.iterdir()) == names == sorted(p.name for p in c.iterdir())
    for name in names:
        bundled = (ed.BUNDLED / name).read_text(encoding="utf-8")
        if name in (ed.CATALOGUE, ed.SWEDISH_PAGE):
            assert (b / name).read_text(encoding="utf-8") != bundled, name
        else:
            assert (b / name).read_text(encoding="utf-8") == bundled
    assert (c / ed.CATALOGUE).read_text(encoding="utf-8") != (b / ed.CATALOGUE).read_text(
        encoding="utf-8")
    assert (c / ed.SWEDISH_PAGE).read_bytes() == (b / ed.SWEDISH_PAGE).read_bytes()
    with pytest.raises(ValueError):
        ed.edition_sources(tmp_path, "D")


def test_each_release_names_the_one_before_and_its_pinned_build_time(chain) -> None:
    previous = None
    for edition in ed.EDITIONS:
        info = json.loads((chain[edition].path / "release.json").read_text())
        assert (info["previous"] or {}).get("version") == previous
        previous = chain[edition].path.name
        when = ed.CLOCK[edition].isoformat().replace("+00:00", "Z")
        times = {q.object.value for q in chain[edition].store.quads_for_pattern(None, STARTED,
                                                                                None)}
        assert when in times, (edition, times)


def test_b_corrects_a_title_and_the_project_keeps_its_iri(chain) -> None:
    old, new = ed.RETITLED_TITLES
    assert old in chain["A"].values(ed.RETITLED_IRI, TITLE)
    titles = chain["B"].values(ed.RETITLED_IRI, TITLE)
    assert new in titles and old not in titles


def test_b_ends_a_project(chain) -> None:
    assert chain["A"].values(ed.ENDED_IRI, STATUS) == {ed.STATUS_ONGOING}
    assert chain["B"].values(ed.ENDED_IRI, STATUS) == {ed.STATUS_ENDED}


def test_b_adds_a_partner_municipality(chain) -> None:
    assert not chain["A"].has(ed.PARTNER_PROJECT_IRI, PARTNER, ed.PARTNER_IRI)
    assert chain["B"].has(ed.PARTNER_PROJECT_IRI, PARTNER, ed.PARTNER_IRI)
    before = chain["A"].values(ed.PARTNER_PROJECT_IRI, PARTNER)
    assert before and before < chain["B"].values(ed.PARTNER_PROJECT_IRI, PARTNER)


def test_b_removes_one_contact_of_a_project(chain) -> None:
    before = chain["A"].values(ed.CONTACT_PROJECT_IRI, CONTACT)
    after = chain["B"].values(ed.CONTACT_PROJECT_IRI, CONTACT)
    assert len(before) > 2 and after < before and len(before - after) == 1
    (gone,) = before - after
    assert chain["A"].describes(gone) and not chain["B"].describes(gone), \
        "the person was a contact of this project only"


def test_b_removes_one_project_and_adds_two(chain) -> None:
    a, b = chain["A"], chain["B"]
    assert a.is_project(ed.REMOVED_IRI) and not b.describes(ed.REMOVED_IRI)
    for iri, title in zip(ed.ADDED_IRIS, ed.ADDED_TITLES):
        assert not a.describes(iri) and b.is_project(iri)
        assert title in b.values(iri, TITLE)
        assert b.values(iri, LEAD) == {ed.ORGANISATION + "049"}, "led by Espoo (numbering)"
    assert b.has(ed.ADDED_IRIS[0], PARTNER, ed.ADDED_PARTNER_IRI)
    projects = [len(list(r.store.quads_for_pattern(None, RDF_TYPE, PROJECT_CLASS)))
                for r in (a, b)]
    assert projects[1] == projects[0] + 1


def test_b_rewords_a_paragraph_of_a_swedish_page(chain) -> None:
    old, new = ed.SWEDISH_PARAGRAPH
    before = chain["A"].values(ed.SWEDISH_DOCUMENT_IRI, DESCRIPTION)
    after = chain["B"].values(ed.SWEDISH_DOCUMENT_IRI, DESCRIPTION)
    assert any(text.startswith(old) for text in before)
    assert any(text.startswith(new) for text in after) and not any(old in t for t in after)
    langs = {q.object.language for q in chain["B"].store.quads_for_pattern(
        NamedNode(ed.SWEDISH_DOCUMENT_IRI), DESCRIPTION, None) if isinstance(q.object, Literal)}
    assert langs == {"sv"}


def test_c_corrects_another_title_and_removes_one_added_project(chain) -> None:
    b, c = chain["B"], chain["C"]
    old, new = ed.RETITLED_C_TITLES
    assert old in b.values(ed.RETITLED_C_IRI, TITLE)
    assert new in c.values(ed.RETITLED_C_IRI, TITLE) and old not in c.values(ed.RETITLED_C_IRI,
                                                                              TITLE)
    assert b.is_project(ed.REMOVED_C_IRI) and not c.describes(ed.REMOVED_C_IRI)
    kept = [iri for iri in ed.ADDED_IRIS if iri != ed.REMOVED_C_IRI]
    assert kept and all(c.is_project(iri) for iri in kept)
    assert c.values(ed.RETITLED_IRI, TITLE) == b.values(ed.RETITLED_IRI, TITLE), "B's edits stay"


@pytest.mark.parametrize("previous, edition", [("A", "B"), ("B", "C")])
def test_the_changeset_takes_the_previous_release_exactly_to_the_next(chain, previous,
                                                                      edition) -> None:
    def canonical(release: Release) -> list[bytes]:
        return sorted(set(quad_lines(release.path / "data.trig")))

    patch = read_patch(chain[edition].path / PATCH_FILE)
    assert patch.rows
    assert b"".join(apply(canonical(chain[previous]), patch)) == b"".join(
        canonical(chain[edition]))
