"""What the catalogue names in its prose: web addresses written without a scheme
(`urls_without_scheme`) and partner municipalities listed in a sentence of a record that
has no partner line (the PIKURA record, and the two Turku records whose partners
"Hankekuntayhteistyötä tehtiin … kanssa" names), each by its official name and code.

The real catalogue pins the fields for every record; fixtures show the false positives
and the bounds. The people named in the fixtures are contacts of the catalogue itself.
"""
from __future__ import annotations

import textwrap
import time
import tomllib
from pathlib import Path

import pytest

from publisher.build.extract import Extraction
from publisher.build.extract.catalogue import extract_catalogue
from publisher.build.extract.catalogue_rules import DEFAULT_RULES_PATH, CatalogueRules
from publisher.build.prepare.municipalities import default_index
from publisher.build.sources import extract_path

PROJECT = Path(__file__).resolve().parents[3]
CATALOGUE = PROJECT / "mappings/sources/004_f0ab20c46da3f21c.txt"


def run(text: str, rules: CatalogueRules | None = None) -> Extraction:
    """Extract a fixture written as an indented block (line 1 is its first line)."""
    lines = textwrap.dedent(text).strip("\n").split("\n")
    return extract_catalogue(Path("fixture.txt"), lines, rules)


def rules_without(table: str, key: str) -> CatalogueRules:
    """The project's rules with one list emptied: the words come from the file."""
    with DEFAULT_RULES_PATH.open("rb") as handle:
        rules = tomllib.load(handle)
    rules[table][key] = []
    return CatalogueRules.from_table(rules)


@pytest.fixture(scope="module")
def catalogue() -> Extraction:
    return extract_path(CATALOGUE)


def by_first_line(extraction: Extraction, line: int) -> dict:
    return next(r for r in extraction.records if r["source"]["first_line"] == line)


# ------------------------------------------------------------- addresses without a scheme

#: Every record of the catalogue that names an address without a scheme (by first line);
#: every other record names none.
URLS_WITHOUT_SCHEME = {
    100: ["https://yhteentoimiva.suomi.fi"],          # "yhteentoimiva.suomi.fi alustalle"
    328: ["https://suomi.fi"],                        # "Suomi.fi –palvelut"
    351: ["https://suomi.fi"],                        # "suomi.fi-viesti palvelulla"
    397: ["https://avoindata.fi"],                    # beside https://www.avoindata.fi/data/…
    446: ["https://suomi.fi"],
    521: ["https://suomi.fi"],
    625: ["https://suomi.fi"],
    686: ["https://suomi.fi"],
    709: ["https://suomi.fi"],
    752: ["https://suomi.fi"],
    965: ["https://suomi.fi"],
    986: ["https://sipoo.fi", "https://suomi.fi"],    # "sipoo.fi-palveluun", "suomi.fi-…"
    1016: ["https://stat.fi"],                        # "kuten stat.fi, Kela jne."
}


def test_catalogue_addresses_without_a_scheme_record_for_record(catalogue):
    for record in catalogue.records:
        first = record["source"]["first_line"]
        assert record["urls_without_scheme"] == URLS_WITHOUT_SCHEME.get(first, []), first


def test_addresses_written_in_full_stay_apart(catalogue):
    record = by_first_line(catalogue, 397)
    assert record["urls"] == [
        "https://www.avoindata.fi/data/dataset/paikkatieto-osaamisen-kehittaminen"]
    assert record["urls_normalised"] == record["urls"]
    assert by_first_line(catalogue, 189)["urls"] == ["www.kurob.fi"]
    assert by_first_line(catalogue, 189)["urls_without_scheme"] == []   # www. is a link of urls
    # the e-mail domain of "jatehuoltoviranomainen(a)mikkeli.fi" is no address
    assert by_first_line(catalogue, 609)["urls_without_scheme"] == []


def test_hosts_in_prose_and_the_false_positives_around_them():
    ex = run("""
        Tietoa verkossa
        Aineisto on osoitteessa stat.fi. Lisää tietoa (avoindata.fi)
        ja vm.fi/digikuntakokeilu. Palvelu sipoo.fi:n kautta ja Suomi.fi-palvelut.
        Katso myös www.lampio.fi ja https://tupa.profium.com/x.
        Ei osoitteita: raportti.pdf, raportti.fi.pdf, versio 2.3.1, t.ex. ja bl.a.
        sekä esim. 1.6.2021. Ei myöskään: etunimi.sukunimi@sipoo.fi, kirjaamo(a)mikkeli.fi,
        hanke päättyi.Se jatkuu, KUNTA.FI tai ääkkös.fi.
        Lisätietoja
        Marjo Kylänpää, Riihimäki
    """)
    record = ex.records[0]
    assert record["urls_without_scheme"] == [
        "https://stat.fi", "https://avoindata.fi", "https://vm.fi/digikuntakokeilu",
        "https://sipoo.fi", "https://suomi.fi"]
    assert record["urls"] == ["www.lampio.fi", "https://tupa.profium.com/x"]
    assert record["emails"] == ["etunimi.sukunimi@sipoo.fi", "kirjaamo@mikkeli.fi"]


def test_only_the_top_level_domains_of_the_rules_make_an_address():
    text = """
        Tietoa verkossa
        Katso stat.fi ja example.com.
        Lisätietoja
        Marjo Kylänpää, Riihimäki
    """
    assert run(text).records[0]["urls_without_scheme"] == ["https://stat.fi", "https://example.com"]
    assert run(text, rules_without("links", "top_level_domains")).records[0][
        "urls_without_scheme"] == []


# ------------------------------------------------------------------- partners in prose

#: The PIKURA record (932–946): its partners as the sentence at line 934 writes them, and
#: the official name and code each resolves to. Rääkkylä leads and is not repeated.
PIKURA_PARTNERS = [
    ("Enonkosken kunta", "Enonkoski", "046"), ("Isojoen kunta", "Isojoki", "151"),
    ("Kankaanpään kaupunki", "Kankaanpää", "214"), ("Kaskisten kaupunki", "Kaskinen", "231"),
    ("Kauhava", "Kauhava", "233"), ("Kihniö", "Kihniö", "250"), ("Kitee", "Kitee", "260"),
    ("Korsnäs", "Korsnäs", "280"), ("Kuhmoinen", "Kuhmoinen", "291"),
    ("Lapinlahti", "Lapinlahti", "402"), ("Lemi", "Lemi", "416"),
    ("Lestijärvi", "Lestijärvi", "421"), ("Oripää", "Oripää", "561"),
    ("Oulainen", "Oulainen", "563"), ("Parkano", "Parkano", "581"),
    ("Pedersöre", "Pedersören kunta", "599"), ("Posio", "Posio", "614"),
    ("Sauvo", "Sauvo", "738"), ("Sievi", "Sievi", "746"), ("Tervola", "Tervola", "845"),
    ("Teuva", "Teuva", "846"),
]


def test_pikura_partners_are_read_from_the_sentence_that_lists_them(catalogue):
    record = by_first_line(catalogue, 932)
    assert record["key"] == "pikura-hanke"
    assert record["source"] == {"document": CATALOGUE.name, "first_line": 932, "last_line": 946}
    assert record["lead_organisation"] == {"name": "Rääkkylä", "code": "707"}
    assert record["partner_municipalities"] == [
        {"name": name, "code": code} for _, name, code in PIKURA_PARTNERS]
    readings = record["partners_as_written"]
    assert all(r["line"] == 934 and r["in_prose"] is True for r in readings)
    assert [(r["as_written"], r["code"]) for r in readings] == (
        [("Rääkkylän kunnan", "707")] + [(w, c) for w, _, c in PIKURA_PARTNERS[:17]]
        + [("Rääkkylä", "707")] + [(w, c) for w, _, c in PIKURA_PARTNERS[17:]])
    assert record["partner_organisations"] == []
    assert [p.message for p in catalogue.problems if p.line == 934] == [
        "lead Rääkkylä is also listed as a partner; not repeated"]


#: The Turku records that name their partners in a sentence closed by "kanssa" (by first
#: line): the line of the sentence, and each partner as written (a genitive) with the
#: official name and code it resolves to. Turku leads, named only in the next sentence.
WITH_PARTNERS = {
    1080: (1083, [("Akaan", "Akaa", "020"), ("Jyväskylän", "Jyväskylä", "179"),
                  ("Kaarinan", "Kaarina", "202"), ("Porin", "Pori", "609"),
                  ("Tampereen", "Tampere", "837"), ("Vantaan", "Vantaa", "092"),
                  ("Varkauden", "Varkaus", "915")]),
    1091: (1094, [("Kaarinan", "Kaarina", "202"), ("Naantalin", "Naantali", "529"),
                  ("Pieksämäen", "Pieksämäki", "593"), ("Raision", "Raisio", "680"),
                  ("Tampereen", "Tampere", "837")]),
}


@pytest.mark.parametrize("first", sorted(WITH_PARTNERS))
def test_partners_a_sentence_closes_with_kanssa_are_read_in_their_genitive(catalogue, first):
    line, partners = WITH_PARTNERS[first]
    record = by_first_line(catalogue, first)
    assert record["key"] == {
        1080: "kohderyhma-ja-tarvelahtoinen-palveluviestinta-kunnissa-uuden",
        1091: "asiakaslahtoinen-toteutus-tapahtuma-harrastus-ja"}[first]
    assert record["lead_organisation"] == {"name": "Turku", "code": "853"}
    assert record["partner_municipalities"] == [
        {"name": name, "code": code} for _, name, code in partners]
    assert record["partners_as_written"] == [
        {"as_written": written, "line": line, "code": code, "method": "inflected",
         "in_prose": True} for written, _, code in partners]
    assert record["partner_organisations"] == []
    assert [p.message for p in catalogue.problems if p.line == line] == []


def test_only_three_records_have_partners_read_from_prose(catalogue):
    in_prose = {r["source"]["first_line"] for r in catalogue.records
                for p in r["partners_as_written"] if p.get("in_prose")}
    assert in_prose == {932, 1080, 1091}
    # RAVA3Pro lists its partners in a sentence ("Hankkeeseen kuuluivat … lisäksi …") and on
    # its "Muut kunnat" line: the line is read, the sentence is not read again
    rava = by_first_line(catalogue, 93)
    assert len(rava["partner_municipalities"]) == 22
    assert {p["line"] for p in rava["partners_as_written"]} == {98}


def test_partner_names_are_the_official_names_of_the_code_list_and_the_wording_is_kept(catalogue):
    index = default_index()
    source = CATALOGUE.read_text(encoding="utf-8").split("\n")
    for record in catalogue.records:
        for partner in record["partner_municipalities"]:
            assert partner["name"] == index.by_code(partner["code"]).name_fi
        for reading in record["partners_as_written"]:
            if reading["code"] is not None:
                assert reading["as_written"] in source[reading["line"] - 1], reading
    readings = by_first_line(catalogue, 932)["partners_as_written"]
    kaskinen = next(r for r in readings if r["code"] == "231")
    assert (kaskinen["as_written"], kaskinen["method"]) == ("Kaskisten kaupunki", "suffixed")


def test_a_wrapped_list_in_a_sentence_yields_municipalities_only():
    ex = run("""
        Yhteinen hanke
        Hanke alkoi 1.6.2021. Mukana olivat Espoon kaupungin lisäksi Vantaa, Kauniainen,
        Yritys Oy, Lapinahti, Hyvinkää ja Kerava. Myöhemmin Oulu kiinnostui.
        Lisätietoja
        Meri Vainio, Espoo
    """)
    record = ex.records[0]
    assert record["lead_organisation"] == {"name": "Espoo", "code": "049"}
    assert [m["name"] for m in record["partner_municipalities"]] == [
        "Vantaa", "Kauniainen", "Hyvinkää", "Kerava"]          # no Oulu: the sentence ended
    assert [(r["as_written"], r["line"]) for r in record["partners_as_written"]] == [
        ("Espoon kaupungin", 2), ("Vantaa", 2), ("Kauniainen", 2), ("Hyvinkää", 3),
        ("Kerava", 3)]
    assert record["partner_organisations"] == []              # "Yritys Oy" is left alone
    # a misspelling is no name of the code list: not read by near miss, but reported
    assert any("'Lapinahti'" in p.message and p.severity == "info" for p in ex.problems)


def test_a_partner_line_wins_over_a_sentence():
    ex = run("""
        Yhteinen hanke
        Mukana olivat Vantaa, Kauniainen ja Kerava.
        Muut kunnat: Oulu ja Kemi
        Lisätietoja
        Meri Vainio, Espoo
    """)
    assert [m["name"] for m in ex.records[0]["partner_municipalities"]] == ["Oulu", "Kemi"]


def test_the_words_that_open_a_list_come_from_the_rules():
    text = """
        Yhteinen hanke
        Mukana ovat Vantaa, Kauniainen ja Kerava.
        Lisätietoja
        Meri Vainio, Espoo
    """
    assert len(run(text).records[0]["partner_municipalities"]) == 3
    assert run(text, rules_without("partners", "prose")).records[0]["partner_municipalities"] == []


def test_a_closing_word_ends_the_list_and_the_lead_is_not_repeated():
    ex = run("""
        Yhteinen hanke
        Hankekuntayhteistyötä tehtiin Espoon, Yritys Oy:n, Vantaan ja
        Keravan kanssa, ja Oulu rahoitti. Vastuutahona toimi Espoon kaupunki.
        Lisätietoja
        Meri Vainio, Espoo
    """)
    record = ex.records[0]
    assert record["lead_organisation"] == {"name": "Espoo", "code": "049"}
    assert [m["name"] for m in record["partner_municipalities"]] == ["Vantaa", "Kerava"]
    assert [(r["as_written"], r["line"]) for r in record["partners_as_written"]] == [
        ("Espoon", 2), ("Vantaan", 2), ("Keravan", 3)]          # no Oulu after "kanssa"
    assert record["partner_organisations"] == []
    assert [p.message for p in ex.problems if p.field == "partner_municipalities"] == [
        "lead Espoo is also listed as a partner; not repeated"]


def test_without_its_closing_word_in_the_sentence_a_list_is_no_list():
    ex = run("""
        Yhteinen hanke
        Hankekuntayhteistyötä tehtiin Vantaan ja Keravan suuntaan. Kanssa Oulu.
        Lisätietoja
        Meri Vainio, Espoo
    """)
    assert ex.records[0]["partner_municipalities"] == []
    assert ex.records[0]["partners_as_written"] == []


def test_the_closing_word_comes_from_the_rules():
    text = """
        Yhteinen hanke
        Hankekuntayhteistyötä tehtiin Vantaan ja Keravan kanssa sekä Oulun kesken.
        Lisätietoja
        Meri Vainio, Espoo
    """
    assert [m["name"] for m in run(text).records[0]["partner_municipalities"]] == [
        "Vantaa", "Kerava"]
    with DEFAULT_RULES_PATH.open("rb") as handle:
        table = tomllib.load(handle)
    prose = table["partners"]["prose"]
    table["partners"]["prose"] = [p.replace("… kanssa", "… kesken") for p in prose]
    assert [m["name"] for m in run(text, CatalogueRules.from_table(table)).records[0][
        "partner_municipalities"]] == ["Vantaa", "Oulu"]     # "Keravan kanssa" is no name
    assert run(text, rules_without("partners", "prose")).records[0][
        "partner_municipalities"] == []


@pytest.mark.parametrize("entry", ["… kanssa", "Yhteistyötä tehtiin …", "A … B … C"])
def test_a_prose_entry_needs_opening_words_and_a_closing_word_after_its_mark(entry):
    with pytest.raises(ValueError, match="prose"):
        CatalogueRules.from_table({"partners": {"prose": [entry]}})


def test_one_opening_closed_in_two_ways_is_refused():
    with pytest.raises(ValueError, match="closed in two ways"):
        CatalogueRules.from_table(
            {"partners": {"prose": ["Yhteistyötä tehtiin … kanssa", "yhteistyötä  tehtiin"]}})


# ---------------------------------------------------------------------- hostile lines

@pytest.mark.parametrize("line", [
    "a." * 100_000,
    "a" * 200_000 + ".fi",
    "x.fi-" * 40_000,
    "ab-" * 60_000 + ".fi",
    "stat.fi/" + "a" * 200_000,
    "Mukana olivat " * 30_000,
    "Mukana olivat " + "Espoon lisäksi " * 30_000,
    "Mukana olivat " + "Espoo, " * 40_000,
    "Mukana olivat " + "(" * 100_000,
    "Hankekuntayhteistyötä tehtiin " * 30_000,
    "Hankekuntayhteistyötä tehtiin " + "Espoon, " * 40_000 + "kanssa.",
    "Hankekuntayhteistyötä tehtiin " + "Espoon kanssa " * 30_000,
    "Hankekuntayhteistyötä tehtiin Espoon " + "kanssa" * 40_000,
    "Hankekuntayhteistyötä tehtiin Espoon, Vantaan" + " kanssa" * 40_000,
])
def test_a_long_hostile_line_is_read_in_bounded_time(line):
    lines = ["Otsikko", "Kuvaus. " + line] + ["Espoo, Vantaa,"] * 20 + [
        "Lisätietoja", "Marjo Kylänpää, Riihimäki"]
    start = time.monotonic()
    extraction = extract_catalogue(Path("fixture.txt"), lines)
    assert time.monotonic() - start < 5
    assert len(extraction.records) == 1
    assert len(extraction.records[0]["partner_municipalities"]) <= 2
