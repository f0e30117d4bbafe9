"""The registry of issued keys: a corrected title keeps its URI, matched by the catalogue
number, the source position or the title; a near-but-different title is a new record; a
broken registry stops the build naming its line; only `publisher keys update` writes it."""
from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import pytest

from publisher.build.key_registry import (TITLE_THRESHOLD, Entry, KeyRegistryError, Registry,
                                          Wanted, load_registry, match_keys, parse_registry,
                                          similarity)
from publisher.build.report import key_messages
from publisher.cli import main
from publisher.config import PROJECT_ROOT, load_settings
from publisher.release.publish import build_release

BASE = "https://data.kuntadigi.example/"
CATALOGUE = "004_f0ab20c46da3f21c.txt"
PAGE = "000_a99be5f9b8218adf.txt"


def project_copy(root: Path) -> Path:
    """The bundled texts, mappings (with the registry), shapes and configuration in `root`."""
    for name in ("ontology", "shapes", "mappings"):
        shutil.copytree(PROJECT_ROOT / name, root / name)
    shutil.copy(PROJECT_ROOT / "publisher.toml", root / "publisher.toml")
    return root / "publisher.toml"


def edit(root: Path, name: str, old: str, new: str) -> None:
    path = root / "mappings" / "sources" / name
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture(scope="module")
def corrected(tmp_path_factory):
    """A real release of the bundled texts with three titles corrected and one added."""
    root = tmp_path_factory.mktemp("corrected")
    config = project_copy(root)
    # rule 1: the catalogue's own number (Espoo's 1.), a title reworded
    edit(root, CATALOGUE, "1. Johtamisen ja talousohjauksen tietojärjestelmäkokonaisuus "
         "(JoTo-projekti)\n", "1. Talouden ja johtamisen tietojärjestelmät (JoTo)\n")
    # rule 2: a page's initiative at the same line, its spelling corrected
    edit(root, PAGE, "Annie Advisor", "Annie Adviser")
    registry_before = (root / "mappings" / "keys.tsv").read_bytes()
    settings = load_settings(config, environ={})
    result = build_release(settings)
    report = json.loads((result.path / "build-report.json").read_text(encoding="utf-8"))
    data = gzip.decompress((result.path / "data.nt.gz").read_bytes()).decode("utf-8")
    return root, registry_before, report["merges"]["keys"], data


def test_the_registry_is_seeded_with_the_bundled_texts() -> None:
    registry = load_registry(PROJECT_ROOT / "mappings" / "keys.tsv")
    kinds = {e.type for e in registry.entries}
    assert {"project", "initiative", "programme"} <= kinds
    keys = {(e.type, e.key) for e in registry.entries}
    assert ("project", "kuntien-evaka") in keys
    text = (PROJECT_ROOT / "mappings" / "keys.tsv").read_text(encoding="utf-8")
    assert registry.text() == text                  # sorted, one line per key: stable diffs


def test_a_corrected_catalogue_title_keeps_its_key(corrected) -> None:
    _, _, keys, data = corrected
    key = "johtamisen-ja-talousohjauksen-tietojarjestelmakokonaisuus"
    kept = {k["key"]: k for k in keys["kept"]}
    assert kept[key]["title"] == "Talouden ja johtamisen tietojärjestelmät (JoTo)"
    assert kept[key]["matched_by"] == "catalogue number 049/1 in 004-f0ab20c46da3f21c"
    assert f"<{BASE}id/project/{key}> " in data
    assert f"<{BASE}id/project/talouden-ja-johtamisen" not in data


def test_a_corrected_page_title_keeps_its_key_by_position(corrected) -> None:
    _, _, keys, data = corrected
    kept = {k["key"]: k for k in keys["kept"]}
    assert kept["annie-advisor"]["matched_by"].startswith("source position ")
    assert kept["annie-advisor"]["message"].startswith(
        "kept key annie-advisor for 'Annie Adviser' (was 'Annie Advisor', matched by ")
    assert "/annie-adviser>" not in data


def test_a_build_never_rewrites_the_registry(corrected) -> None:
    root, before, keys, _ = corrected
    assert (root / "mappings" / "keys.tsv").read_bytes() == before
    assert keys["new"] == []


def test_keys_update_appends_new_keys_and_the_build_says_which_are_new(tmp_path, capsys,
                                                                      monkeypatch) -> None:
    config = project_copy(tmp_path)
    edit(tmp_path, CATALOGUE, "2. Kuntien eVaka\n",
         "2. Kuntien eVaka\nKuvaus.\nLisätietoja\nMeri Vainio, Espoo\n"
         "3. Aivan uusi hanke Espoossa\n")
    for name in ("PUBLISHER_CONFIG", "PUBLISHER_RELEASES_DIR", "PUBLISHER_DATA_DIR"):
        monkeypatch.delenv(name, raising=False)
    registry = tmp_path / "mappings" / "keys.tsv"
    before = registry.read_text(encoding="utf-8")
    assert main(["--config", str(config), "-q", "build", "--allow-shrink"]) == 0
    err = capsys.readouterr().err
    assert "new key(s) not in mappings/keys.tsv: project/aivan-uusi-hanke-espoossa" in err
    assert registry.read_text(encoding="utf-8") == before
    assert main(["--config", str(config), "-q", "keys", "update"]) == 0
    after = registry.read_text(encoding="utf-8")
    added = set(after.splitlines()) - set(before.splitlines())
    assert len(added) == 1 and "\taivan-uusi-hanke-espoossa\t" in added.pop()
    assert main(["--config", str(config), "-q", "keys", "update"]) == 0
    assert registry.read_text(encoding="utf-8") == after


# ------------------------------------------------------------------ the rules, one by one

def entry(key: str, title: str, document: str = "doc", line: int | None = 10,
          number: str = "", kind: str = "project") -> Entry:
    return Entry(kind, key, number, document, line, title)


def ask(title: str, document: str = "doc", line: int | None = 10, number: str = "",
        key: str = "minted", kind: str = "project") -> Wanted:
    return Wanted(kind, key, title, document, line, number)


def test_rule_1_the_catalogue_number() -> None:
    registry = Registry([entry("old-title", "Old title", number="091/2", line=5)])
    kept, matches = match_keys(registry, [ask("Quite another wording", number="091/2", line=7)])
    assert kept == {0: "old-title"} and matches[0].rule.startswith("catalogue number 091/2")


def test_rule_2_the_source_position_with_a_similar_title() -> None:
    registry = Registry([entry("kuntien-evaka", "Kuntien eVaka")])
    kept, matches = match_keys(registry, [ask("Kuntien eVaka-palvelu")])
    assert kept == {0: "kuntien-evaka"} and matches[0].rule.startswith("source position doc:10")
    kept, _ = match_keys(registry, [ask("Rakennusvalvonnan sähköinen arkisto")])
    assert kept == {}                              # same line, nothing alike: a new record


def test_rule_3_title_similarity_alone() -> None:
    title = "Johtamisen ja talousohjauksen tietojärjestelmäkokonaisuus (JoTo-projekti)"
    corrected = "Johtamisen ja talousohjauksen tietojärjestelmäkokonaisuus (JoTo-hanke)"
    registry = Registry([entry("joto", title, document="a", line=3)])
    kept, matches = match_keys(registry, [ask(corrected, document="b", line=99)])
    assert kept == {0: "joto"} and matches[0].rule.startswith("title similarity")
    kept, _ = match_keys(registry, [ask(corrected, document="b", line=99, kind="initiative")])
    assert kept == {}                              # within the same type only


def test_a_near_but_different_title_is_not_matched() -> None:
    """Two real, distinct projects of the catalogue: 0.905 alike, under the threshold."""
    one = "Tiedolla johtaminen automatisoituja mittaristoja käyttäen"
    other = "Tiedolla johtamisen edistäminen automatisoituja mittaristoja käyttäen"
    assert 0.9 < similarity(one, other) < TITLE_THRESHOLD
    registry = Registry([entry("tiedolla-johtaminen", one, document="a", line=3)])
    kept, matches = match_keys(registry, [ask(other, document="a", line=40)])
    assert kept == {} and matches == []
    assert similarity("Opeka", "Vopeka") < TITLE_THRESHOLD


def test_an_unchanged_title_is_kept_silently_and_one_entry_goes_to_one_record() -> None:
    registry = Registry([entry("kuntien-evaka", "Kuntien eVaka")])
    kept, matches = match_keys(registry, [ask("Kuntien eVaka", line=50),
                                          ask("Kuntien eVaka!", line=10)])
    assert kept == {0: "kuntien-evaka"} and matches == []


# ------------------------------------------------------------------ hostile registries

GOOD = "key\tproject\tkuntien-evaka\t049/2\t004-x\t25\tKuntien eVaka\n"


@pytest.mark.parametrize("text, line, words", [
    (GOOD + "key\tproject\tonly-four\tcells\n", 2, "7 tab-separated cells"),
    (GOOD + "key\tthing\tx\t\td\t1\tT\n", 2, "unknown type 'thing'"),
    (GOOD + "key\tproject\tBad_Key\t\td\t1\tT\n", 2, "'Bad_Key' is not a key"),
    (GOOD + "key\tproject\tx\t\td\tten\tT\n", 2, "is not a line number"),
    (GOOD + "key\tproject\tx\t\td\t1\t \n", 2, "no title"),
    ("# c\n" + GOOD + GOOD, 3, "duplicate key 'kuntien-evaka' (also line 2)"),
    (GOOD + "key\tinitiative\tkuntien-evaka\t\td\t1\tT\n", 2, "two records claim key"),
    (GOOD + "key\tproject\tother\t049/2\t004-x\t40\tOther\n", 2, "two keys for one record"),
    (GOOD + "moved\tproject\tkuntien-evaka\tnew-key\n", 2, "is still issued on line 1"),
    (GOOD + "moved\tproject\ta\tb\nmoved\tproject\tb\ta\n", 2, "go round in a circle"),
    (GOOD + "moved\tproject\ta\tb\nmoved\tproject\ta\tc\n", 3, "moved twice"),
    (GOOD + "moved\tproject\ta\n", 2, "4 tab-separated cells"),
    (GOOD + "redirect\tproject\ta\tb\n", 2, "starts with 'key' or 'moved'"),
    (GOOD + "key\tproject\tx\t\td\t1\t" + "T" * 5000 + "\n", 2, "longer than"),
])
def test_a_hostile_line_is_an_error_naming_it(text: str, line: int, words: str) -> None:
    with pytest.raises(KeyRegistryError) as error:
        parse_registry(text)
    assert f"keys.tsv line {line}: " in str(error.value) and words in str(error.value)


def test_a_broken_registry_stops_the_build_naming_the_line(tmp_path, capsys,
                                                          monkeypatch) -> None:
    config = project_copy(tmp_path)
    registry = tmp_path / "mappings" / "keys.tsv"
    lines = registry.read_text(encoding="utf-8").splitlines(keepends=True)
    registry.write_text("".join(lines + [lines[5]]), encoding="utf-8")
    for name in ("PUBLISHER_CONFIG", "PUBLISHER_RELEASES_DIR", "PUBLISHER_DATA_DIR"):
        monkeypatch.delenv(name, raising=False)
    assert main(["--config", str(config), "-q", "build"]) == 2
    err = capsys.readouterr().err
    assert f"keys.tsv line {len(lines) + 1}: duplicate key" in err
    assert not (tmp_path / "releases" / "latest").exists()


def test_the_matches_go_to_stderr_as_the_report_lists_them(corrected) -> None:
    _, _, keys, _ = corrected
    lines = key_messages(keys)
    assert [k["message"] for k in keys["kept"]] == lines
    assert any(line.startswith("kept key annie-advisor for 'Annie Adviser' (was 'Annie "
                               "Advisor', matched by source position ") for line in lines)


def test_keys_move_renames_on_purpose(tmp_path, capsys) -> None:
    config = project_copy(tmp_path)
    registry = tmp_path / "mappings" / "keys.tsv"
    assert main(["--config", str(config), "keys", "move", "initiative", "digikilta",
                 "digikilta-verkosto"]) == 0
    assert main(["--config", str(config), "keys", "move", "initiative", "digikilta-verkosto",
                 "digikilta-2026"]) == 0
    moved = load_registry(registry).moved
    assert moved == {("initiative", "digikilta"): "digikilta-2026",
                     ("initiative", "digikilta-verkosto"): "digikilta-2026"}
    assert main(["--config", str(config), "keys", "move", "initiative", "akusti",
                 "digikilta"]) == 2                # a key once issued is never given again
    assert "already issued or moved away from" in capsys.readouterr().err
