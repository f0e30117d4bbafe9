"""The catalogue extractor, one oddity of the source per test, then the real catalogue.

Fixture texts are written here in the shape of the Ministry of Finance catalogue; the
people named in them are contacts that appear in the catalogue itself.
"""
from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from publisher.build.extract import Extraction, Problem, SourceError, read_source_text
from publisher.build.extract.catalogue import ends_sentence, extract_catalogue
from publisher.build.sources import extract_path

PROJECT = Path(__file__).resolve().parents[3]
CATALOGUE = PROJECT / "mappings/sources/004_f0ab20c46da3f21c.txt"


def run(text: str) -> Extraction:
    """Extract a fixture written as an indented block (line 1 is its first line)."""
    lines = textwrap.dedent(text).strip("\n").split("\n")
    return extract_catalogue(Path("fixture.txt"), lines)


def span(record: dict) -> tuple[int, int]:
    return record["source"]["first_line"], record["source"]["last_line"]


def names(refs: list[dict]) -> list[str]:
    return [r["name"] for r in refs]


def problems_about(extraction: Extraction, field: str) -> list[Problem]:
    return [p for p in extraction.problems if p.field == field]


# ------------------------------------------------------------------ record boundaries

def test_numbering_restarts_for_each_lead_organisation():
    ex = run("""
        1. Ensimmäinen hanke
        Kuvaus.
        Lisätietoja
        Mariia Karhu, Espoo
        2. Toinen hanke
        Kuvaus.
        Lisätietoja
        Mariia Karhu, Espoo
        1. Kolmas hanke
        Kuvaus.
        Lisätietoja
        Markku Pietinen, Vantaa
    """)
    assert [r["number"] for r in ex.records] == [1, 2, 1]
    assert [r["title"] for r in ex.records] == ["Ensimmäinen hanke", "Toinen hanke", "Kolmas hanke"]
    assert [span(r) for r in ex.records] == [(1, 4), (5, 8), (9, 12)]


def test_numbered_list_inside_a_description_is_not_a_record():
    ex = run("""
        1. Digitaalinen kunta 2021
        HANKE ON PÄÄTTYNYT.
        Mm. seuraavat asiat toteutettiin hankkeen aikana:
        1. Uudet verkkosivut
        2. Uusi intra työntekijöille
        3. Sähköinen allekirjoitus
        Kehitys jatkuu.
        Lisätietoja
        Kjell Alm, Mustasaari
        2. Digitalt kunnande
        Projektet ska utveckla kunnandet.
        Lisätietoja
        Kjell Alm, Mustasaari
    """)
    assert len(ex.records) == 2
    first = ex.records[0]
    assert first["description"][1] == {
        "type": "list", "ordered": True,
        "items": ["Uudet verkkosivut", "Uusi intra työntekijöille", "Sähköinen allekirjoitus"]}
    assert span(first) == (1, 9)
    assert ex.records[1]["number"] == 2


def test_hard_wrapped_paragraphs_are_joined_with_single_spaces():
    ex = run("""
        Kokoushanke
        HANKE ON PÄÄTTYNYT
        Hanke oli kuntien yhteishanke. Hanke toteutettiin
        ajalla 12/2020 – 04/2023. Osatoteuttajina toimivat Kalajoen,
        Kuusamon ja Raahen kaupungit.
        Tulokset dokumentoidaan kaikkien kuntien
        hyödynnettäviksi.
        Lisätietoja
        Tuija Aarnio, Kajaani
    """)
    assert ex.records[0]["description"] == [
        {"type": "paragraph", "text": "Hanke oli kuntien yhteishanke. Hanke toteutettiin ajalla "
                                      "12/2020 – 04/2023. Osatoteuttajina toimivat Kalajoen, "
                                      "Kuusamon ja Raahen kaupungit."},
        {"type": "paragraph", "text": "Tulokset dokumentoidaan kaikkien kuntien hyödynnettäviksi."},
    ]


def test_status_line_before_or_after_the_title():
    ex = run("""
        Ensimmäinen hanke
        HANKE ON PÄÄTTYNYT.
        Kuvaus.
        Lisätietoja
        Oskari Ojala, Soini
        HANKE PÄÄTTYNYT
        2. Toinen hanke
        Kuvaus.
        Lisätietoja
        Oskari Ojala, Soini
        3. Kolmas hanke
        Kuvaus.
        Lisätietoja
        Oskari Ojala, Soini
    """)
    assert [r["ended"] for r in ex.records] == [True, True, False]
    assert [span(r) for r in ex.records] == [(1, 5), (6, 10), (11, 14)]
    assert ex.records[1]["title"] == "Toinen hanke" and ex.records[1]["number"] == 2


def test_record_without_title_starts_at_its_status_line():
    ex = run("""
        Edellinen hanke
        Kuvaus.
        Lisätietoja
        Tiina Alasirniö, Posio
        HANKE ON PÄÄTTYNYT.
        ”Digitaalinen tulevaisuus” -hanke on viiden kunnan yhteishanke, joka toteutettiin vuosina 2021–2022.
        Lisätietoja
        Mikko Salmela, Pälkäne
    """)
    untitled = ex.records[1]
    assert untitled["title"] is None and untitled["ended"] is True
    assert span(untitled) == (5, 8)
    assert untitled["key"] == "palkane-digitaalinen-tulevaisuus-hanke-on-viiden-kunnan"
    assert any(p.field == "title" and p.line == 5 for p in ex.problems)


def test_record_without_contact_ends_where_the_next_record_starts():
    ex = run("""
        1. Ensimmäinen hanke
        Kuvaus.
        Lisätietoja
        Heli Puputti, Kankaanpää
        2. Toinen hanke
        Muut kunnat: Akaa, Alavus
        Digiloikka Karkkilassa
        HANKE ON PÄÄTTYNYT.
        Karkkilan kaupunki uudisti palvelunsa.
        Lisätietoja hankkeesta täältä.
        Yhteinen paikkatietohanke
        Muut kunnat: Hausjärvi, Heinävesi
        DIN - Digital i Nykarleby
        PROJEKTET HAR AVSLUTATS.
        Staden tog i bruk ett system.
        Lisätietoja
        Gunilla Lillbacka, Uusikaarlepyy
    """)
    assert [span(r) for r in ex.records] == [(1, 4), (5, 6), (7, 10), (11, 12), (13, 17)]
    no_contact = ex.records[1]
    assert no_contact["contacts"] == []
    assert no_contact["lead_organisation"] == {"name": "Kankaanpää", "code": "214"}
    assert no_contact["lead_organisation_source"] == "numbering"
    karkkila = ex.records[2]
    assert karkkila["title"] == "Digiloikka Karkkilassa"
    assert karkkila["lead_organisation"] == {"name": "Karkkila", "code": "224"}
    assert karkkila["lead_organisation_source"] == "title"
    assert karkkila["link_texts"] == ["täältä"]
    unknown = ex.records[3]
    assert unknown["lead_organisation"] is None
    assert [p for p in ex.problems if p.line == 11 and p.field == "contacts"]
    assert [p for p in ex.problems if p.line == 11 and p.field == "lead_organisation"]


def test_first_record_of_a_file_may_have_no_number():
    ex = run("""
        Kunta kuuluu kaikille
        Hankkeessa selvitetään automaattipuheluiden käyttöä.
        Lisätietoja
        Tuomas Rantala, Alavus
    """)
    assert ex.records[0]["number"] is None and ex.records[0]["title"] == "Kunta kuuluu kaikille"


# ------------------------------------------------------------------------- partners

def test_wrapped_partner_list_with_ja_and_seka():
    ex = run("""
        Tietoturvahanke
        Kuvaus.
        Muut kunnat: Pyhäjoki, Kivijärvi, Muhos,
        Oulainen, Siikajoki ja Kempele sekä Ylä-Savon koulutuskuntayhtymä ja Savon ICT-palvelut Oy
        Lisätietoja
        Juha Matilainen, Kalajoki
    """)
    record = ex.records[0]
    assert names(record["partner_municipalities"]) == [
        "Pyhäjoki", "Kivijärvi", "Muhos", "Oulainen", "Siikajoki", "Kempele"]
    assert record["partner_organisations"] == ["Ylä-Savon koulutuskuntayhtymä",
                                              "Savon ICT-palvelut Oy"]
    assert span(record) == (1, 6)


def test_inflected_and_suffixed_partner_names_are_normalised():
    ex = run("""
        Kokoushanke
        Kuvaus.
        Muut kunnat: Kuusamon kaupunki, Taivalkosken kunta ja Raahen kaupunki, Lapinjärvi kunta, Karvian kunta
        Lisätietoja
        Tuija Aarnio, Kajaani
    """)
    assert ex.records[0]["partner_municipalities"] == [
        {"name": "Kuusamo", "code": "305"}, {"name": "Taivalkoski", "code": "832"},
        {"name": "Raahe", "code": "678"}, {"name": "Lapinjärvi", "code": "407"},
        {"name": "Karvia", "code": "230"}]
    assert not problems_about(ex, "partner_municipalities")


def test_misspelt_partners_resolve_with_a_warning_naming_the_line():
    ex = run("""
        Tiedolla johtaminen
        Kuvaus.
        Muut kunnat: Keitele, Lapinahti ja Vieremä
        Lisätietoja
        Tarja Säisä, Iisalmi
        Valmennusohjelma
        Kuvaus.
        Muut kunnat: Iiitti ja Orimattila
        Lisätietoja: Jouni Nieminen, Kärkölä
    """)
    assert names(ex.records[0]["partner_municipalities"]) == ["Keitele", "Lapinlahti", "Vieremä"]
    assert names(ex.records[1]["partner_municipalities"]) == ["Iitti", "Orimattila"]
    warnings = [(p.line, p.field, p.severity) for p in ex.problems if "near-miss" in p.message]
    assert warnings == [(3, "partner_municipalities", "warning"),
                        (8, "partner_municipalities", "warning")]
    assert "'Lapinahti' resolved to Lapinlahti (402) by near-miss" in str(
        next(p for p in ex.problems if p.line == 3))


def test_unknown_municipality_is_kept_as_an_organisation_with_a_warning():
    ex = run("""
        Hanke
        Kuvaus.
        Muut kunnat: Espoo, Atlantis
        Lisätietoja
        Mariia Karhu, Vantaa
    """)
    assert ex.records[0]["partner_organisations"] == ["Atlantis"]
    assert any(p.line == 3 and "unknown municipality 'Atlantis'" in p.message
               for p in ex.problems)


def test_joint_authority_with_member_municipalities_in_parentheses():
    ex = run("""
        Kunta kuuluu kaikille
        Kuvaus.
        Muut kunnat: Kuusiokuntien sosiaali- ja terveyskuntayhtymä, KuusSote (Kuntayhtymän kuntia: Alavus, Kuortane, Soini, Ähtäri)
        Lisätietoja
        Tuomas Rantala, Alavus
    """)
    record = ex.records[0]
    assert record["partner_organisations"] == [
        "Kuusiokuntien sosiaali- ja terveyskuntayhtymä, KuusSote"]
    # members count as partner municipalities; the lead (Alavus) is not repeated
    assert names(record["partner_municipalities"]) == ["Kuortane", "Soini", "Ähtäri"]
    assert any("lead Alavus is also listed" in p.message for p in ex.problems)


def test_partners_after_mukana_and_non_municipal_lead():
    ex = run("""
        Etäisyyttä Exceliin yhteistyöllä!
        Kuvaus.
        Mukana Inarin kunta, Sallan kunta, Kemijärven kaupunki, Lapin liitto
        Lisätietoja
        Jaana Koskela ja Leena Mantere, Lapin liitto
    """)
    record = ex.records[0]
    assert record["lead_organisation"] == {"name": "Lapin liitto", "code": None}
    assert names(record["partner_municipalities"]) == ["Inari", "Salla", "Kemijärvi"]
    assert record["partner_organisations"] == []          # the lead is not repeated
    assert [c["organisation"] for c in record["contacts"]] == ["Lapin liitto", "Lapin liitto"]


def test_descriptive_words_before_a_partner_are_dropped_and_reported():
    ex = run("""
        Digiloikka
        Kuvaus.
        Muut kunnat: Loviisa ja Pukkila sekä lisäksi yksityinen kumppanioppilaitos Keravan musiikkiopisto
        Lisätietoja
        Pekka Suominen, Porvoo
    """)
    assert ex.records[0]["partner_organisations"] == ["Keravan musiikkiopisto"]
    assert any(p.severity == "info" and p.field == "partner_organisations" for p in ex.problems)


def test_swedish_partner_list_with_samt():
    ex = run("""
        E-tjänstehandel på 2020-talet
        Projektet har flera mål och det ena leder till det andra.
        Muut kunnat: Vörå kommun, Pedersöre kommun, Staden Jakobstad samt Korsnäs kommun
        Lisätietoja
        Madeleine Svenlin-Englund, Larsmo
    """)
    record = ex.records[0]
    assert record["language"] == "sv"
    assert record["lead_organisation"] == {"name": "Luoto", "code": "440"}
    assert [m["code"] for m in record["partner_municipalities"]] == ["946", "599", "598", "280"]


def test_partner_list_after_the_contact_block_belongs_to_the_record():
    ex = run("""
        3. Kulttuuriympäristöt arjen arvoksi
        HANKE ON PÄÄTTYNYT
        Kuvaus https://tupa.example.fi/public.do#
        Lisätietoja:
        Tuija-Liisa Soininen, Hämeenlinna
        Muut kunnat: Forssa
        4. Kestävä maankäytön malli
        Kuvaus.
        Lisätietoja
        Kimmo Sulonen, Hämeenlinna
    """)
    first = ex.records[0]
    assert span(first) == (1, 6)
    assert names(first["partner_municipalities"]) == ["Forssa"]
    assert first["urls"] == ["https://tupa.example.fi/public.do#"]
    assert span(ex.records[1]) == (7, 10)


# ------------------------------------------------------------------------- contacts

@pytest.mark.parametrize("block, expected", [
    (["Lisätietoja", "Mariia Karhu, Espoo"], [("Mariia Karhu", "Espoo")]),
    (["Lisätietoja:", "Mariia Karhu, Espoo"], [("Mariia Karhu", "Espoo")]),
    (["Lisätietoja: Mariia Karhu, Espoo"], [("Mariia Karhu", "Espoo")]),
    (["Lisätietoja hankkeesta: Kari Siponen, Kitee"], [("Kari Siponen", "Kitee")]),
    (["Tilläggsuppgifter:", "Camilla Melen, Pargas stad"], [("Camilla Melen", "Pargas stad")]),
    (["Lisätietoja", "Wilhelmiina Griep ja Niko Ferm, Espoo"],
     [("Wilhelmiina Griep", "Espoo"), ("Niko Ferm", "Espoo")]),
    (["Lisätietoja", "Juuso Mikkonen, Lappeenranta ja Pekka Penttinen, Joensuu"],
     [("Juuso Mikkonen", "Lappeenranta"), ("Pekka Penttinen", "Joensuu")]),
    (["Lisätietoja", "Turkka Rantanen, Hollola", "Hanna Hurmola-Remmi, Heinola",
      "Päivi Suikkanen, Orimattila"],
     [("Turkka Rantanen", "Hollola"), ("Hanna Hurmola-Remmi", "Heinola"),
      ("Päivi Suikkanen", "Orimattila")]),
    (["Lisätietoja", "Cecilia Raunio, Maalahden kunta"], [("Cecilia Raunio", "Maalahden kunta")]),
    (["Lisätietoja", "Seija Kivelä, Porvoo (Porvoon kaupunginkirjasto)"], [("Seija Kivelä", "Porvoo (Porvoon kaupunginkirjasto)")]),
    (["Lisätietoja", "Tytti Pohjola, Kaustisen seutukunta"], [("Tytti Pohjola", "Kaustisen seutukunta")]),
])
def test_every_contact_marker_and_contact_line_shape(block, expected):
    lines = ["Hanke", "Kuvaus."] + block + ["Seuraava hanke", "Kuvaus.", "Lisätietoja",
                                             "Markku Pietinen, Vantaa"]
    ex = extract_catalogue(Path("fixture.txt"), lines)
    assert len(ex.records) == 2
    record = ex.records[0]
    assert [(c["name"], c["organisation"]) for c in record["contacts"]] == expected
    assert span(record) == (1, 2 + len(block))
    assert not problems_about(ex, "contacts")


def test_contact_keeps_the_organisation_as_written():
    ex = run("""
        Den IT-smarta kommunen
        PROJEKTET HAR AVSLUTATS.
        I projektet kartlades och implementerades en funktion för kommunerna.
        Tilläggsuppgifter:
        Camilla Melen, Pargas stad
    """)
    record = ex.records[0]
    assert record["contacts"][0] == {"name": "Camilla Melen", "organisation": "Pargas stad"}
    person = record["contact_points"][0]
    assert (person["organisation"], person["organisation_code"]) == ("Parainen", "445")
    assert record["language"] == "sv" and record["ended"] is True
    assert record["lead_organisation"] == {"name": "Parainen", "code": "445"}


def test_url_email_and_link_text_instead_of_a_person():
    ex = run("""
        1. Verkkokauppa
        Kuvaus.
        Lisätietoja
        Jarkko Siren, Helsinki
        2. Omadata
        Kuvaus.
        Lisätietoja
        Mika Leivo, Helsinki
        3. Lämpiö-hanke
        Kuvaus.
        Lisätietoja
        www.lampio.fi
        4. Rakennusvalvonta
        Kuvaus.
        Lisätietoja: hankkeen sivusto
        Jätehuollon valvonta
        Kuvaus.
        Lisätietoja
        jatehuoltoviranomainen(a)mikkeli.fi
        Digikokous
        Kuvaus.
        Lisätietoja
        Tuija Aarnio, Kajaani
        Hankkeen nettisivut
        Vihdoinkin
        Kuvaus.
        Lisätietoja
        Saila Kukkonen, Kalajoki
    """)
    lampio, rava, waste, meeting = ex.records[2], ex.records[3], ex.records[4], ex.records[5]
    assert lampio["contacts"] == [] and lampio["urls"] == ["www.lampio.fi"]
    assert lampio["urls_normalised"] == ["https://www.lampio.fi"]
    assert lampio["lead_organisation"] == {"name": "Helsinki", "code": "091"}
    assert lampio["lead_organisation_source"] == "numbering"
    assert rava["link_texts"] == ["hankkeen sivusto"] and span(rava) == (13, 15)
    assert waste["emails"] == ["jatehuoltoviranomainen@mikkeli.fi"] and waste["contacts"] == []
    assert waste["lead_organisation"] == {"name": "Mikkeli", "code": "491"}
    assert waste["lead_organisation_source"] == "contact-domain"
    assert meeting["link_texts"] == ["Hankkeen nettisivut"] and span(meeting) == (20, 24)
    assert ex.records[6]["title"] == "Vihdoinkin"
    assert not problems_about(ex, "contacts")


def test_url_line_before_the_contact_marker_is_description():
    ex = run("""
        2. Kurob – Kunnille robotteja
        HANKE ON PÄÄTTYNYT.
        Hankkeessa toteutettiin kolme työpakettia.
        Muut kunnat: Asikkala, Hollola
        Hankkeen verkkosivusto löytyy osoitteesta www.kurob.fi
        Lisätietoja
        Salla Pykälämäki, Jyväskylä
    """)
    record = ex.records[0]
    assert record["urls"] == ["www.kurob.fi"]
    assert record["description"][-1]["text"] == "Hankkeen verkkosivusto löytyy osoitteesta www.kurob.fi"
    assert span(record) == (1, 7)


def test_pointer_line_that_looks_like_a_marker_is_description():
    ex = run("""
        Yleiskaavahanke
        HANKE ON PÄÄTTYNYT
        Kuvaus.
        Muut kunnat: Pieksämäki, Siilinjärvi
        Lisätietoja hankkeesta Varkauden nettisivuilta.
        Lisätietoja
        Petri Kapanen, Varkaus
    """)
    record = ex.records[0]
    assert record["description"][-1]["text"] == "Lisätietoja hankkeesta Varkauden nettisivuilta."
    assert [c["name"] for c in record["contacts"]] == ["Petri Kapanen"]


def test_unreadable_contact_line_is_kept_and_reported():
    ex = run("""
        Hanke
        Kuvaus.
        Lisätietoja
        puhelin 040 123 4567
        Toinen hanke
        Kuvaus.
        Lisätietoja
        Markku Pietinen, Vantaa
    """)
    record = ex.records[0]
    assert span(record) == (1, 4) and record["complete"] is False
    assert any(p.line == 4 and p.field == "contacts" and "could not read contact line" in p.message
               for p in ex.problems)
    report = ex.report()
    assert report["incomplete"][0]["lines"] == [1, 2, 3, 4]
    assert ex.records[1]["title"] == "Toinen hanke"


def test_marker_at_the_end_of_the_document_without_contact():
    ex = run("""
        Viimeinen hanke
        HANKE ON PÄÄTTYNYT.
        Kuvaus.
        Lisätietoja
    """)
    record = ex.records[0]
    assert span(record) == (1, 4) and record["complete"] is False
    assert ex.report()["counts"]["incomplete_records"] == 1
    assert any(p.field == "record" and p.line == 4 for p in ex.problems)


# ---------------------------------------------------------------------- description

def test_headed_sections_with_their_items():
    ex = run("""
        1. Talousohjauksen järjestelmä
        Uudistetaan talouden järjestelmät.
        Mikä muuttuu?
        - Otetaan käyttöön yhteinen tietorakenne
        - Prosessit uudistuvat
        Mitä opimme:
        - Esiselvitys vie aikaa.
        Lisätietoja
        Mariia Karhu, Espoo
    """)
    record = ex.records[0]
    assert record["description"] == [{"type": "paragraph",
                                      "text": "Uudistetaan talouden järjestelmät."}]
    assert record["sections"] == [
        {"heading": "Mikä muuttuu?", "items": [{"type": "list", "ordered": False, "items": [
            "Otetaan käyttöön yhteinen tietorakenne", "Prosessit uudistuvat"]}]},
        {"heading": "Mitä opimme:", "items": [{"type": "list", "ordered": False,
                                               "items": ["Esiselvitys vie aikaa."]}]},
    ]


def test_a_label_before_a_list_heads_a_section_and_a_sentence_does_not():
    """Lines 1026-1036 of the catalogue: a verbless label ending with a colon is a heading;
    "Hankkeen tehtävinä on tuottaa:" (a sentence) stays in the description."""
    ex = run("""
        2. Lapsiperheiden edistynyt analytiikka ja tiedolla johtaminen
        Hankkeen tehtävinä on tuottaa:
        - Osaamiskartoitus
        Tarkempia strategisia virstanpylväitä:
        - Luoda perhekeskeisen tiedon hallintamalli.
        - Kehittää tietopohjainen toimintamalli.
        Muut kunnat: Laihia, Pori, Vaasa, Vantaa ja Ylöjärvi
        Lisätietoja
        Leena Viitasaari, Tampere
    """)
    record = ex.records[0]
    assert record["description"] == [
        {"type": "paragraph", "text": "Hankkeen tehtävinä on tuottaa:"},
        {"type": "list", "ordered": False, "items": ["Osaamiskartoitus"]}]
    assert record["sections"] == [{"heading": "Tarkempia strategisia virstanpylväitä:", "items": [
        {"type": "list", "ordered": False, "items": [
            "Luoda perhekeskeisen tiedon hallintamalli.",
            "Kehittää tietopohjainen toimintamalli."]}]}]


def test_bullet_and_lettered_lists():
    ex = run("""
        Ekosysteemi
        Hankkeen tehtävinä on tuottaa:
        a) Osaamiskartoitus
        b) Tuen kohdentaminen
        Hanke jaettiin osa-alueisiin
        • Sähköinen päätöksenteko
        • Etätyö
        Lisätietoja
        Jari Harvio, Hämeenlinna
    """)
    blocks = ex.records[0]["description"]
    assert blocks[1] == {"type": "list", "ordered": True,
                         "items": ["Osaamiskartoitus", "Tuen kohdentaminen"]}
    assert blocks[3] == {"type": "list", "ordered": False,
                         "items": ["Sähköinen päätöksenteko", "Etätyö"]}


# ---------------------------------------------------------------- report and keys

def test_every_non_empty_line_is_accounted_for():
    ex = run("""
        Sivu 1/2
        Hanke
        Kuvaus.

        Lisätietoja
        Mariia Karhu, Espoo
        Sivu 2/2
    """)
    accounts = {a.line: a for a in ex.line_accounts}
    assert sorted(accounts) == [1, 2, 3, 5, 6, 7]         # line 4 is empty
    assert accounts[1].record is None and accounts[1].reason == "page header or footer"
    assert [accounts[n].role for n in (2, 3, 5, 6)] == ["title", "description",
                                                         "contact-marker", "contact"]
    report = ex.report()
    assert report["counts"]["unassigned_lines"] == 2
    assert [u["line"] for u in report["unassigned"]] == [1, 7]
    assert "page header or footer" in ex.report_text()


def test_keys_are_unique_stable_and_ascii():
    text = """
        Tiedolla johtaminen – Äänekosken ja Ylöjärven yhteinen hanke, jossa on hyvin pitkä nimi
        Kuvaus.
        Lisätietoja
        Mariia Karhu, Espoo
        Tiedolla johtaminen – Äänekosken ja Ylöjärven yhteinen hanke, jossa on hyvin pitkä nimi
        Kuvaus.
        Lisätietoja
        Markku Pietinen, Vantaa
    """
    first, second = run(text), run(text)
    keys = [r["key"] for r in first.records]
    assert keys == [r["key"] for r in second.records]
    assert keys[0] == "tiedolla-johtaminen-aanekosken-ja-ylojarven-yhteinen-hanke"
    assert keys[1] == keys[0] + "-2"
    assert all(len(k) <= 62 and k.isascii() for k in keys)
    clash = problems_about(first, "key")
    assert clash and clash[0].line == 5 and "-2" in clash[0].message


def test_problem_string_names_file_line_and_field():
    problem = Problem(line=153, field="partner_municipalities", message="something",
                      document="catalogue.txt")
    assert str(problem) == "catalogue.txt:153: partner_municipalities: something"


def test_non_utf8_file_is_a_source_error_with_byte_offset(tmp_path):
    path = tmp_path / "latin1.txt"
    path.write_bytes("Hanke\nKuvaus Hämeenlinnasta\n".encode("latin-1"))
    with pytest.raises(SourceError) as error:
        extract_path(path)
    message = str(error.value)
    assert "latin1.txt is not UTF-8" in message
    assert "invalid byte 0xe4 at byte offset 14 (line 2)" in message
    assert "convert it to UTF-8" in message


def test_read_source_text_handles_bom_crlf_and_missing_final_newline(tmp_path):
    path = tmp_path / "crlf.txt"
    path.write_bytes("\ufeffA\r\nB\r\nC".encode("utf-8"))
    assert read_source_text(path) == ["A", "B", "C"]


# ------------------------------------------------------------------- building blocks

@pytest.mark.parametrize("text, ends", [
    ("Hanke päättyi.", True), ("Kysymys?", True), ("Hankkeen tuotokset:", True),
    ("(lyh. HyTe-Data).", True), ("hankkeen (”Kaselli”).", True), ("… vuonna 2023.)", True),
    ("Hanke toteutettiin", False), ("kunnat (Alavus, Soini)", False), ("”Kaselli”", False),
    ("Kalajoen,", False), ("…", False), ("”)", False),
])
def test_a_sentence_end_is_read_from_the_end_of_the_text(text, ends):
    assert ends_sentence(text) is ends
    assert ends_sentence("Pitkä kappale, jonka monta riviä on liitetty yhteen. " * 50 + text) is ends


def test_extraction_leaves_no_reference_cycles_for_the_paused_collector():
    """The collector is paused while records are built because they hold no cycles:
    reading the whole catalogue must leave nothing for it to collect afterwards."""
    lines = read_source_text(CATALOGUE)
    gc.collect()
    extraction = extract_catalogue(CATALOGUE, lines)
    assert gc.collect() == 0
    assert len(extraction.records) == 142


def test_extraction_switches_the_garbage_collector_back_as_it_was():
    text = ["Hanke", "Kuvaus.", "Lisätietoja", "Mariia Karhu, Espoo"]
    assert gc.isenabled()
    extract_catalogue(Path("fixture.txt"), text)
    assert gc.isenabled()
    gc.disable()
    try:
        extract_catalogue(Path("fixture.txt"), text)
        assert not gc.isenabled()
    finally:
        gc.enable()


# --------------------------------------------------------------- the real catalogue

@pytest.fixture(scope="module")
def catalogue() -> Extraction:
    return extract_path(CATALOGUE)


def by_first_line(extraction: Extraction, line: int) -> dict:
    return next(r for r in extraction.records if r["source"]["first_line"] == line)


def test_catalogue_has_142_records_and_no_unaccounted_line(catalogue):
    assert len(catalogue.records) == 142
    lines = read_source_text(CATALOGUE)
    non_empty = [n for n, text in enumerate(lines, start=1) if text.strip()]
    assert [a.line for a in catalogue.line_accounts] == non_empty
    assert catalogue.report()["counts"]["unassigned_lines"] == 0
    assert all(a.record is not None for a in catalogue.line_accounts)
    assert len({r["key"] for r in catalogue.records}) == 142


def test_catalogue_records_tile_the_document(catalogue):
    spans = [span(r) for r in catalogue.records]
    assert spans[0] == (1, 5) and spans[-1] == (1182, 1190)
    for (_, last), (first, _) in zip(spans, spans[1:]):
        assert first == last + 1


@pytest.mark.parametrize("first, last, title", [
    (1, 5, "Kunta kuuluu kaikille"),
    (87, 92, "Lämpiö-hanke"),
    (93, 99, "Kunnan rakennusvalvonnan sähköisen lupaprosessin edelleen kehittäminen ja prosessien automatisointi"),
    (100, 113, "Ei tuurilla vaan tiedolla"),
    (133, 139, "Kulttuuriympäristöt arjen arvoksi – Kanta-Hämeen kulttuuriympäristötiedon digitalisointi"),
    (189, 197, "Kurob – Kunnille robotteja"),
    (228, 274, "Digikokous 3.0"),
    (349, 350, "Kuntien digi- ja kyberturvallisuuden testaus- ja kehittämismenettely"),
    (351, 358, "Digiloikka Karkkilassa"),
    (609, 617, "Jätehuollon valvonta ja sähköinen informaatio -näkymä"),
    (625, 637, "Digitalt Korsholm 2021"),
    (820, 839, "Keskusteleva tekoäly asiakaspalvelussa"),
    (866, 877, None),
    (1004, 1010, "Turvallista digiä - Evijärvi, Kuortane ja Soini alueen digiosaamisen edelläkävijöiksi"),
    (1102, 1113, "Tietoturvalliset työkalut ja toimintamallit tiedon hyödyntämiseen ja tiedolla johtamiseen"),
    (1125, 1127, "Pienten kuntien paikkatiedon hallinnan kokonaisvaltainen kehittäminen ja toiminnan tehostaminen"),
    (1162, 1172, "Digitaalisen yleiskaavan jatkuvan ylläpitoprosessin luominen"),
])
def test_catalogue_spans_checked_by_hand(catalogue, first, last, title):
    record = by_first_line(catalogue, first)
    assert span(record) == (first, last)
    assert record["title"] == title


def test_catalogue_fields_checked_by_hand(catalogue):
    first = by_first_line(catalogue, 1)
    assert first["lead_organisation"] == {"name": "Alavus", "code": "010"}
    assert first["partner_organisations"] == [
        "Kuusiokuntien sosiaali- ja terveyskuntayhtymä, KuusSote"]
    assert names(first["partner_municipalities"]) == ["Kuortane", "Soini", "Ähtäri"]

    iisalmi = by_first_line(catalogue, 151)
    assert names(iisalmi["partner_municipalities"]) == [
        "Keitele", "Kiuruvesi", "Lapinlahti", "Pielavesi", "Sonkajärvi", "Vieremä"]
    assert iisalmi["partner_organisations"] == [
        "Ylä-Savon koulutuskuntayhtymä", "Ylä-Savon SOTE kuntayhtymä", "Savon ICT-palvelut Oy"]

    kajaani = by_first_line(catalogue, 228)
    assert names(kajaani["partner_municipalities"]) == ["Kuusamo", "Taivalkoski", "Raahe"]
    assert kajaani["ended"] is True and kajaani["link_texts"] == ["Hankkeen nettisivut"]
    assert len(kajaani["description"]) == 6

    kalajoki = by_first_line(catalogue, 292)
    assert len(kalajoki["partner_municipalities"]) == 13

    maalahti = by_first_line(catalogue, 597)
    assert maalahti["language"] == "sv" and maalahti["ended"] is True
    assert maalahti["lead_organisation"] == {"name": "Maalahti", "code": "475"}
    assert maalahti["contacts"][0] == {"name": maalahti["contacts"][0]["name"],
                                       "organisation": "Maalahden kunta"}

    assert by_first_line(catalogue, 638)["language"] == "sv"
    assert by_first_line(catalogue, 625)["language"] == "fi"

    lappeenranta = by_first_line(catalogue, 521)
    assert [(c["name"], c["organisation"]) for c in lappeenranta["contacts"]] == [
        ("Juuso Mikkonen", "Lappeenranta"), ("Pekka Penttinen", "Joensuu")]

    mikkeli = by_first_line(catalogue, 609)
    assert mikkeli["emails"] == ["jatehuoltoviranomainen@mikkeli.fi"]
    assert mikkeli["lead_organisation"] == {"name": "Mikkeli", "code": "491"}

    riihimaki = by_first_line(catalogue, 905)
    assert {"name": "Pedersören kunta", "code": "599"} in riihimaki["partner_municipalities"]

    tampere = by_first_line(catalogue, 1037)
    assert "Tampere" not in names(tampere["partner_municipalities"])

    no_lead = by_first_line(catalogue, 1125)
    assert no_lead["lead_organisation"] is None and len(no_lead["partner_municipalities"]) == 22

    larsmo = by_first_line(catalogue, 1134)
    assert larsmo["language"] == "sv"
    assert names(larsmo["partner_municipalities"]) == ["Vöyri", "Pedersören kunta",
                                                       "Pietarsaari", "Korsnäs"]

    assert sum(r["ended"] for r in catalogue.records) == 70
    assert sum(r["language"] == "sv" for r in catalogue.records) == 5


def test_catalogue_problems_name_the_oddities(catalogue):
    found = {(p.line, p.field) for p in catalogue.problems if p.severity == "warning"}
    assert (153, "partner_municipalities") in found
    assert (477, "partner_municipalities") in found
    assert (1125, "lead_organisation") in found
    assert (349, "contacts") in found


# ------------------------------------------------------------------------------ CLI

def _cli(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(PROJECT))
    return subprocess.run([sys.executable, "-m", "publisher.cli", "extract", *args],
                          cwd=PROJECT, env=env, capture_output=True, text=True, timeout=120)


def test_cli_prints_json_lines_and_report(tmp_path):
    path = tmp_path / "fixture.txt"
    path.write_text("Hanke\nHANKE ON PÄÄTTYNYT.\nKuvaus.\nLisätietoja\nMariia Karhu, Espoo\n",
                    encoding="utf-8")
    result = _cli(str(path), "--extractor", "catalogue")
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) == 1 and records[0]["lead_organisation"]["code"] == "049"

    report = _cli(str(path), "--report", "--format", "json")
    assert report.returncode == 0
    assert json.loads(report.stdout)["counts"]["records"] == 1

    text = _cli(str(CATALOGUE), "--report")
    assert text.returncode == 0 and "records: 142" in text.stdout


def test_cli_exits_2_on_non_utf8(tmp_path):
    path = tmp_path / "bad.txt"
    path.write_bytes(b"Hanke\n\xe4\n")
    result = _cli(str(path))
    assert result.returncode == 2
    assert "bad.txt is not UTF-8: invalid byte 0xe4 at byte offset 6 (line 2)" in result.stderr
