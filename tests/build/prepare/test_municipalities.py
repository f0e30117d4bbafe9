"""Municipality linking: official, Swedish, inflected, suffixed and misspelt names."""
from __future__ import annotations

import random
from pathlib import Path

import pytest

from publisher.build.prepare.municipalities import (NEAR_MISS_DISTANCE, RESOLVE_CACHE_SIZE, SUFFIX_WORDS,
                                      MunicipalityIndex, deletion_variants, edit_distance,
                                      finnish_genitives, load)


@pytest.fixture(scope="module")
def index() -> MunicipalityIndex:
    return MunicipalityIndex.load()


def resolved(index: MunicipalityIndex, text: str) -> tuple[str, str, str] | None:
    r = index.resolve(text)
    return (r.name_fi, r.code, r.method) if r else None


def test_reference_list_has_309_municipalities_and_19_regions(index):
    assert len(index) == 309
    assert len(index.regions) == 19
    assert load().by_code("049").name_fi == "Espoo"


def test_by_code_accepts_any_zero_padding(index):
    assert index.by_code("49").name_fi == "Espoo"
    assert index.by_code(91).name_sv == "Helsingfors"
    assert index.by_code("999") is None


@pytest.mark.parametrize("text, expected", [
    ("Espoo", ("Espoo", "049", "exact")),
    ("espoo", ("Espoo", "049", "exact")),
    ("Helsingfors", ("Helsinki", "091", "swedish")),
    ("Korsholm", ("Mustasaari", "499", "swedish")),
    ("Larsmo", ("Luoto", "440", "swedish")),
])
def test_official_and_swedish_names(index, text, expected):
    assert resolved(index, text) == expected


@pytest.mark.parametrize("text, name", [
    ("Kuusamon", "Kuusamo"), ("Espoon", "Espoo"), ("Helsingin", "Helsinki"),
    ("Raahen", "Raahe"), ("Taivalkosken", "Taivalkoski"), ("Lahden", "Lahti"),
    ("Jyväskylän", "Jyväskylä"), ("Joensuun", "Joensuu"), ("Porin", "Pori"),
    ("Vaasan", "Vaasa"), ("Hämeenlinnan", "Hämeenlinna"), ("Kalajoen", "Kalajoki"),
    ("Kemin", "Kemi"), ("Turun", "Turku"), ("Hangon", "Hanko"), ("Limingan", "Liminka"),
    ("Hailuodon", "Hailuoto"), ("Alavuden", "Alavus"), ("Lopen", "Loppi"),
    ("Tampereen", "Tampere"), ("Kauniaisten", "Kauniainen"), ("Uudenkaupungin", "Uusikaupunki"),
    ("Mänttä-Vilppulan", "Mänttä-Vilppula"), ("Pihtiputaan", "Pihtipudas"),
    ("Karkkilassa", "Karkkila"), ("Jämsässä", "Jämsä"), ("Multialla", "Multia"),
])
def test_inflected_forms(index, text, name):
    r = index.resolve(text)
    assert r is not None and r.name_fi == name and r.method == "inflected"


@pytest.mark.parametrize("text, name", [
    ("Kuusamon kaupunki", "Kuusamo"), ("Taivalkosken kunta", "Taivalkoski"),
    ("Lapinjärvi kunta", "Lapinjärvi"), ("Karvian kunta", "Karvia"),
    ("Maalahden kunta", "Maalahti"), ("Sievi kunta", "Sievi"),
    ("Pargas stad", "Parainen"), ("Vörå kommun", "Vöyri"), ("Staden Jakobstad", "Pietarsaari"),
    ("Siikaisten kunta", "Siikainen"), ("Pomarkun kunta", "Pomarkku"),
])
def test_suffixed_forms(index, text, name):
    r = index.resolve(text)
    assert r is not None and r.name_fi == name and r.method == "suffixed"


def test_maalahden_kunta_gives_official_name_and_code(index):
    r = index.resolve("Maalahden kunta")
    assert (r.name_fi, r.code) == ("Maalahti", "475")
    assert r.matched_text == "Maalahden kunta"


@pytest.mark.parametrize("text, name", [("Lapinahti", "Lapinlahti"), ("Iiitti", "Iitti"),
                                        ("Jyvaskyla", "Jyväskylä")])
def test_near_misses_are_resolved_and_marked(index, text, name):
    r = index.resolve(text)
    assert r is not None and r.name_fi == name
    assert r.method == "near-miss" and r.is_near_miss


def test_short_texts_and_short_names_are_never_near_misses(index):
    assert index.resolve("Iix") is None       # the text is shorter than five letters
    assert index.resolve("Kemix") is None     # Kemi itself is shorter than five letters


def test_near_miss_must_be_unique(index):
    # "Laitia" is one edit from both Laitila and Laihia: no unique best, no link.
    assert edit_distance("laitia", "laitila") == edit_distance("laitia", "laihia") == 1
    assert index.resolve("Laitia") is None


def _misspelt(name: str, rng: random.Random) -> str:
    """The name with one or two random edits (swap, deletion, insertion, substitution)."""
    letters = "aeiklmnoprstuvyäö"
    text = name
    for _ in range(rng.choice((1, 2))):
        i = rng.randrange(len(text))
        edit = rng.choice(("swap", "delete", "insert", "substitute"))
        if edit == "swap" and i + 1 < len(text):
            text = text[:i] + text[i + 1] + text[i] + text[i + 2:]
        elif edit == "delete" and len(text) > 1:
            text = text[:i] + text[i + 1:]
        elif edit == "insert":
            text = text[:i] + rng.choice(letters) + text[i:]
        else:
            text = text[:i] + rng.choice(letters) + text[i + 1:]
    return text


def _near_miss_by_measuring_every_name(index: MunicipalityIndex, text: str) -> str | None:
    """The near-miss rule measured against every name: what the candidate search must give."""
    key = text.casefold()
    if len(key) < 5 or " " in key:
        return None
    best: dict[int, set[str]] = {}
    for m in index:
        first, _, rest = m.name_fi.partition(" ")          # "Koski Tl", "Pedersören kunta"
        base = m.name_sv if rest.casefold() in SUFFIX_WORDS else first
        names = [n.casefold() for n in (m.name_fi, m.name_sv, base)]
        distances = [edit_distance(key, n, 2) for n in names
                     if len(n) >= 5 and abs(len(n) - len(key)) <= 2]
        if distances and min(distances) <= 2:
            best.setdefault(min(distances), set()).add(m.code)
    for distance in (1, 2):
        if best.get(distance):
            codes = best[distance]
            return next(iter(codes)) if len(codes) == 1 else None
    return None


def test_near_miss_search_finds_what_measuring_every_name_finds(index):
    """The search compares deletion variants instead of measuring 600 names per word; on
    misspellings of real names and random words it must agree with measuring."""
    rng = random.Random(7)
    names = [m.name_fi for m in index] + [m.name_sv for m in index]
    texts = [_misspelt(rng.choice(names), rng) for _ in range(150)]
    texts += ["".join(rng.choice("aeiklmnoprstuvyäö") for _ in range(rng.randint(5, 11)))
              for _ in range(50)]
    fresh = MunicipalityIndex.load()            # nothing remembered from other tests
    for text in texts:
        found = fresh.resolve(text)
        expected = _near_miss_by_measuring_every_name(fresh, text)
        if found is None or found.method == "near-miss":
            assert (found.code if found else None) == expected, text


def test_strings_within_the_near_miss_distance_share_a_deletion_variant():
    for a, b in [("lapinlahti", "lapinahti"), ("iitti", "iiitti"), ("espoo", "epsoo"),
                 ("jyväskylä", "jyvaskyla"), ("kuusamo", "kusaamo")]:
        assert edit_distance(a, b) <= NEAR_MISS_DISTANCE
        assert deletion_variants(a, NEAR_MISS_DISTANCE) & deletion_variants(b, NEAR_MISS_DISTANCE)
    assert deletion_variants("abc", 1) == {"abc", "ab", "ac", "bc"}


def test_resolve_remembers_a_bounded_number_of_texts():
    index = MunicipalityIndex.load()
    first = index.resolve("Lapinahti")
    for n in range(RESOLVE_CACHE_SIZE + 10):       # more distinct texts than it keeps
        index.resolve(f"Yhdistys {n}")
    assert len(index._resolved) <= RESOLVE_CACHE_SIZE
    assert index.resolve("Lapinahti") == first and index.resolve("Yhdistys 3") is None


def test_edit_distance_counts_a_swap_once():
    assert edit_distance("espoo", "epsoo") == 1
    assert edit_distance("lapinahti", "lapinlahti") == 1
    assert edit_distance("abc", "xyzabc", limit=2) == 3


def test_pedersore_resolves_to_599(index):
    for text in ("Pedersöre", "Pedersören kunta", "Pedersöre kommun", "Pedersören"):
        r = index.resolve(text)
        assert r is not None and r.code == "599", text
    assert index.resolve("Pedersöre").name_fi == "Pedersören kunta"


def test_koski_tl_is_found_without_its_tag(index):
    assert resolved(index, "Koski")[:2] == ("Koski Tl", "284")


@pytest.mark.parametrize("text", [
    "Ylä-Savon koulutuskuntayhtymä", "Ylä-Savon SOTE kuntayhtymä",
    "Kuusiokuntien sosiaali- ja terveyskuntayhtymä", "Savon ICT-palvelut Oy",
    "Lapin liitto", "Kaustisen seutukunta", "Pohjois-Karjalan maakuntaliitto",
    "Keravan musiikkiopisto", "KuusSote", "Monetra Oy", "", "  ",
])
def test_organisations_that_are_not_municipalities(index, text):
    assert index.resolve(text) is None


def test_resolution_carries_region(index):
    r = index.resolve("Espoon")
    assert (r.region_code, r.region_fi, r.region_sv) == ("01", "Uusimaa", "Nyland")


def test_region_lookups(index):
    assert index.region("1").name_fi == "Uusimaa"
    assert index.region_by_name("Österbotten").code == "15"
    assert index.region_of("499").name_fi == "Pohjanmaa"


def test_generated_forms_never_name_two_municipalities(index):
    assert index.form_collisions() == {}


def test_genitive_generation_handles_gradation_and_e_stems():
    assert "Helsingin" in finnish_genitives("Helsinki")
    assert "Kalajoen" in finnish_genitives("Kalajoki")
    assert "Siikaisten" in finnish_genitives("Siikainen")
    assert {"Raahen", "Raaheen"} <= finnish_genitives("Raahe")


def test_load_from_another_file(tmp_path: Path):
    (tmp_path / "municipalities.csv").write_text(
        "code,name_fi,name_sv,region_fi\n1,Testilä,Testby,Uusimaa\n", encoding="utf-8")
    (tmp_path / "regions.csv").write_text("code,name_fi,name_sv\n01,Uusimaa,Nyland\n",
                                          encoding="utf-8")
    small = MunicipalityIndex.load(tmp_path / "municipalities.csv")
    assert len(small) == 1
    r = small.resolve("Testilän kunta")
    assert (r.code, r.region_code, r.method) == ("001", "01", "suffixed")
    assert small.resolve("Testby").method == "swedish"
