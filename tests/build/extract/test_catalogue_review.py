"""An independent hand reading of the real catalogue, and fixtures of the shapes it showed.

The catalogue (mappings/sources/004_f0ab20c46da3f21c.txt) was read top to bottom by hand
and every record written down: where it starts and ends, its number, whether a status
line says it has ended, its language, its lead organisation, how many partner
municipalities it names and who its contact people are. `HAND_READING` is that reading;
the extractor must agree with it record for record.

The fixtures below are small copies of the shapes met on the way that the other test
module does not show: a partner line in the middle of a description, a subtitle line
right after the status line, a record without contact whose partner list wraps, list
items that end with "ja" or a comma, and hard wraps in the middle of a sentence.
Fixture texts are written in the shape of the catalogue; the people named in them are
contacts that appear in the catalogue itself.
"""
from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from publisher.build.extract import Extraction
from publisher.build.extract.catalogue import extract_catalogue
from publisher.build.sources import extract_path

PROJECT = Path(__file__).resolve().parents[3]
CATALOGUE = PROJECT / "mappings/sources/004_f0ab20c46da3f21c.txt"


def run(text: str) -> Extraction:
    """Extract a fixture written as an indented block (line 1 is its first line)."""
    lines = textwrap.dedent(text).strip("\n").split("\n")
    return extract_catalogue(Path("fixture.txt"), lines)


def span(record: dict) -> tuple[int, int]:
    return record["source"]["first_line"], record["source"]["last_line"]


# ------------------------------------------------------------------ shapes of the source

def test_partner_line_inside_a_description_and_a_subtitle_after_the_status_line():
    ex = run("""
        1. Keskusteleva tekoäly asiakaspalvelussa
        HANKE ON PÄÄTTYNYT.
        Keskusteleva tekoäly asiakaspalvelussa 2020-2021
        Digiassistentti vastaa kuntalaisten kysymyksiin verkossa.
        Muut kunnat: Järvenpää, Kauniainen ja Riihimäki
        Hankkeen tuotokset:
        - Kehitimme digiassistenttia.
        - Loimme yhteiskehittämisen alustan.
        Hankkeen aikana luovuttiin vanhasta ratkaisusta.
        Lisätietoja
        Eveliina Keski-Koukkari, Porvoo
        2. Taiteen perusopetuksen digiloikka
        Kuvaus.
        Lisätietoja
        Pekka Suominen, Porvoo
    """)
    assert [span(r) for r in ex.records] == [(1, 11), (12, 15)]
    record = ex.records[0]
    assert record["title"] == "Keskusteleva tekoäly asiakaspalvelussa" and record["ended"] is True
    assert [m["name"] for m in record["partner_municipalities"]] == [
        "Järvenpää", "Kauniainen", "Riihimäki"]
    assert record["description"] == [
        {"type": "paragraph", "text": "Keskusteleva tekoäly asiakaspalvelussa 2020-2021"},
        {"type": "paragraph", "text": "Digiassistentti vastaa kuntalaisten kysymyksiin verkossa."},
    ]
    assert record["sections"] == [{"heading": "Hankkeen tuotokset:", "items": [
        {"type": "list", "ordered": False,
         "items": ["Kehitimme digiassistenttia.", "Loimme yhteiskehittämisen alustan."]},
        {"type": "paragraph", "text": "Hankkeen aikana luovuttiin vanhasta ratkaisusta."},
    ]}]


def test_record_without_contact_whose_partner_list_wraps_before_a_swedish_record():
    ex = run("""
        Talousarvioprosessin automatisointi
        HANKE PÄÄTTYNYT.
        Kuvaus.
        Lisätietoja
        Sanna Senelius-Piiparinen, Tuusula
        Pienten kuntien paikkatiedon hallinnan kokonaisvaltainen kehittäminen ja toiminnan tehostaminen
        Muut kunnat: Hausjärvi, Heinävesi, Hyrynsalmi, Hämeenkyrö,
        Kauhava, Kuhmo, Koski, Lapinlahti
        DIN - Digital i Nykarleby
        PROJEKTET HAR AVSLUTATS.
        Nykarleby stad tog i bruk ett ledningssystem som förnyar verksamhetssätten.
        Lisätietoja
        Gunilla Lillbacka, Uusikaarlepyy
    """)
    assert [span(r) for r in ex.records] == [(1, 5), (6, 8), (9, 13)]
    no_contact, swedish = ex.records[1], ex.records[2]
    assert no_contact["contacts"] == [] and no_contact["lead_organisation"] is None
    assert [m["code"] for m in no_contact["partner_municipalities"]] == [
        "086", "090", "105", "108", "233", "290", "284", "402"]
    assert swedish["title"] == "DIN - Digital i Nykarleby"
    assert swedish["language"] == "sv" and swedish["ended"] is True
    assert swedish["lead_organisation"] == {"name": "Uusikaarlepyy", "code": "893"}


def test_list_items_ending_with_ja_or_a_comma_stay_separate_items():
    ex = run("""
        Digiloikka Karkkilassa
        HANKE ON PÄÄTTYNYT.
        Ohjelma jakautui kolmeen erilliseen ohjelmaan:
        - Talous- ja henkilöstöhallinnon kehittäminen,
        - Varhaiskasvatuksen asiakaspalvelun kehittäminen ja,
        - Esteettömään palvelun kehittäminen
        Tavoitteisiin pyritään kokonaisuuksien kautta:
        - järjestelmien hyödyntäminen paremmin ja
        - toimintavarmuus.
        Lisätietoja
        Heli Helminen, Jämsä
    """)
    assert ex.records[0]["description"] == [
        {"type": "paragraph", "text": "Ohjelma jakautui kolmeen erilliseen ohjelmaan:"},
        {"type": "list", "ordered": False, "items": [
            "Talous- ja henkilöstöhallinnon kehittäminen,",
            "Varhaiskasvatuksen asiakaspalvelun kehittäminen ja,",
            "Esteettömään palvelun kehittäminen"]},
        {"type": "paragraph", "text": "Tavoitteisiin pyritään kokonaisuuksien kautta:"},
        {"type": "list", "ordered": False, "items": [
            "järjestelmien hyödyntäminen paremmin ja", "toimintavarmuus."]},
    ]


def test_wraps_in_the_middle_of_a_sentence_are_joined_and_sentences_on_new_lines_are_not():
    ex = run("""
        2. SaaSec-hanke
        Tarjolla on yhä enemmän SaaS-palveluita myös kuntasektorille. Samaan
        aikaan kyberturvallisuuden uhat kasvavat päivä päivältä.
        Ratkaisuja koestetaan pääasiassa liikennedatalla.
        Lisätietoja
        Päivi Jaakola, Sipoo
        Digitalt kunnande
        Projektet tar avstamp i lagen om informationshantering. I genomförandet kommer även
        kraven som tillkommit kommunen att inarbetas.
        Lisätietoja
        Kjell Alm, Mustasaari
    """)
    assert ex.records[0]["description"] == [
        {"type": "paragraph", "text": "Tarjolla on yhä enemmän SaaS-palveluita myös "
                                      "kuntasektorille. Samaan aikaan kyberturvallisuuden uhat "
                                      "kasvavat päivä päivältä."},
        {"type": "paragraph", "text": "Ratkaisuja koestetaan pääasiassa liikennedatalla."},
    ]
    assert ex.records[1]["description"] == [
        {"type": "paragraph", "text": "Projektet tar avstamp i lagen om informationshantering. "
                                      "I genomförandet kommer även kraven som tillkommit "
                                      "kommunen att inarbetas."},
    ]
    assert ex.records[1]["language"] == "sv"


# --------------------------------------------------------------- the hand reading

#: (first line, last line, number, ended, language, lead organisation — its code, or its
#:  name when it is not a municipality, or None —, how many partner municipalities,
#:  the contact people in order). A lead listed among its own partners is not counted.
HAND_READING: list[tuple] = [
    (1, 5, None, False, 'fi', '010', 3, ('Tuomas Rantala',)),
    (6, 18, 1, False, 'fi', '049', 0, ('Mariia Karhu',)),
    (19, 23, 2, False, 'fi', '049', 1, ('Meri Vainio',)),
    (24, 27, 3, False, 'fi', '049', 7, ('Petri Vainio',)),
    (28, 37, 4, True, 'fi', '049', 3, ('Jouni Kukko',)),
    (38, 44, 5, False, 'fi', '049', 0, ('Wilhelmiina Griep', 'Niko Ferm')),
    (45, 52, None, True, 'fi', '051', 0, ('Minna Lepikko',)),
    (53, 62, None, True, 'fi', '086', 1, ('Timo Pirinen',)),
    (63, 67, 1, False, 'fi', '111', 2, ('Vesa Huttunen',)),
    (68, 80, 1, True, 'fi', '091', 0, ('Jarkko Siren',)),
    (81, 86, 2, False, 'fi', '091', 3, ('Mika Leivo',)),
    (87, 92, 3, True, 'fi', '091', 4, ()),
    (93, 99, 4, True, 'fi', '091', 22, ()),
    (100, 113, None, True, 'fi', '098', 3,
     ('Turkka Rantanen', 'Hanna Hurmola-Remmi', 'Päivi Suikkanen', 'Aapo Pispa')),
    (114, 121, 1, True, 'fi', '109', 0, ('Jouni Jäkkö',)),
    (122, 132, 2, False, 'fi', '109', 6, ('Jari Harvio',)),
    (133, 139, 3, True, 'fi', '109', 1, ('Tuija-Liisa Soininen',)),
    (140, 145, 4, False, 'fi', '109', 1, ('Kimmo Sulonen',)),
    (146, 150, None, False, 'fi', '139', 4, ('Ari Alatossava',)),
    (151, 155, None, False, 'fi', '140', 6, ('Tarja Säisä',)),
    (156, 160, None, False, 'fi', '143', 0, ('Mikko Palsa',)),
    (161, 165, None, False, 'fi', '165', 2, ('Pasi Talja',)),
    (166, 171, 1, True, 'fi', '167', 0, ('Pekka Penttinen',)),
    (172, 176, 2, False, 'fi', '167', 4, ('Elina Honkaselkä',)),
    (177, 181, None, True, 'fi', '172', 0, ('Jarkko Puhakka',)),
    (182, 188, 1, True, 'fi', '179', 0, ('Salla Pykälämäki',)),
    (189, 197, 2, True, 'fi', '179', 10, ('Salla Pykälämäki',)),
    (198, 201, 1, False, 'fi', '182', 0, ('Heli Helminen',)),
    (202, 206, 2, False, 'fi', '182', 1, ('Tero Tamminen',)),
    (207, 227, None, True, 'fi', '186', 1, ('Anuliina Hietamies', 'Jaakko Kiilunen')),
    (228, 274, None, True, 'fi', '205', 3, ('Tuija Aarnio',)),
    (275, 291, 1, True, 'fi', '208', 0, ('Saila Kukkonen',)),
    (292, 303, 1, True, 'fi', '208', 13, ('Juha Matilainen',)),
    (304, 313, 1, True, 'fi', '211', 4, ('Reetta Kotovaara-Tavasti',)),
    (314, 327, 2, True, 'fi', '211', 3, ('Reetta Kotovaara-Tavasti',)),
    (328, 343, 1, True, 'fi', '214', 0, ('Heli Puputti',)),
    (344, 348, 2, False, 'fi', '214', 7, ('Heli Puputti',)),
    (349, 350, 3, False, 'fi', '214', 5, ()),
    (351, 358, None, True, 'fi', '224', 0, ()),
    (359, 367, None, False, 'fi', '232', 3, ('Marketta Nummijärvi',)),
    (368, 374, None, True, 'fi', '235', 1, ('Joonas Porola',)),
    (375, 380, None, True, 'fi', '240', 0, ('Atte Karjalainen',)),
    (381, 388, None, True, 'fi', '244', 0, ('Juho Leppänen',)),
    (389, 396, 1, True, 'fi', '245', 0, ('Thomas Sund',)),
    (397, 409, 2, True, 'fi', '245', 1, ('Olli Kunnas',)),
    (410, 416, None, False, 'fi', '260', 0, ('Kari Siponen',)),
    (417, 424, None, True, 'fi', '263', 7, ('Pirjo Hynynen',)),
    (425, 429, 1, False, 'fi', '286', 0, ('Miia Kapanen', 'Sirpa Mäntynen')),
    (430, 433, 2, False, 'fi', '286', 0, ('Miia Kapanen',)),
    (434, 439, 1, True, 'fi', '297', 0, ('Raija Löf',)),
    (440, 445, 2, False, 'fi', '297', 2, ('Retu Ylinen',)),
    (446, 459, 3, False, 'fi', '297', 1, ('Kirsi Soininen',)),
    (460, 469, 1, False, 'fi', '305', 2, ('Timo Vakkilainen',)),
    (470, 474, 2, False, 'fi', '305', 1, ('Sari Kairi',)),
    (475, 478, None, False, 'fi', '316', 2, ('Jouni Nieminen',)),
    (479, 489, 1, True, 'fi', '398', 2, ('Anne Mikkanen',)),
    (490, 496, 2, False, 'fi', '398', 1, ('Anne Mikkanen',)),
    (497, 502, 3, False, 'fi', '398', 1, ('Anna-Riikka Vaden',)),
    (503, 514, None, False, 'fi', 'Lapin liitto', 12, ('Jaana Koskela', 'Leena Mantere')),
    (515, 520, 1, True, 'fi', '405', 0, ('Risto Lammi',)),
    (521, 528, 2, False, 'fi', '405', 1, ('Juuso Mikkonen', 'Pekka Penttinen')),
    (529, 535, None, False, 'fi', '410', 0, ('Eero Raittila',)),
    (536, 550, None, True, 'fi', '418', 0, ('Arto Mattila',)),
    (551, 560, 1, True, 'fi', 'Kaustisen seutukunta', 5, ('Tytti Pohjola',)),
    (561, 564, 2, False, 'fi', 'Kaustisen seutukunta', 0, ('Jarno Peltola',)),
    (565, 569, 1, False, 'fi', '425', 1, ('Heidi Niemelä',)),
    (570, 573, 2, False, 'fi', '425', 0, ('Heidi Niemelä',)),
    (574, 583, 1, True, 'fi', '444', 0, ('Meliina Partio',)),
    (584, 588, 2, False, 'fi', '444', 18, ('Tapio Ruutiainen',)),
    (589, 596, None, False, 'fi', '433', 2, ('Kari Lähdekorpi',)),
    (597, 603, None, True, 'sv', '475', 0, ('Cecilia Raunio',)),
    (604, 608, 1, True, 'fi', '491', 0, ('Tiia Tamlander',)),
    (609, 617, 2, True, 'fi', '491', 1, ()),
    (618, 624, None, True, 'fi', '495', 0, ('Kimmo Matomäki',)),
    (625, 637, 1, True, 'fi', '499', 0, ('Kjell Alm',)),
    (638, 643, 2, False, 'sv', '499', 0, ('Kjell Alm',)),
    (644, 650, 1, True, 'fi', '508', 4, ('Hanna Määttä',)),
    (651, 657, 1, False, 'fi', '529', 2, ('Juha Riekkinen',)),
    (658, 666, 2, True, 'fi', '529', 1, ('Riitta Luotio',)),
    (667, 671, None, False, 'fi', '535', 10, ('Liisa Hankonen',)),
    (672, 677, None, False, 'fi', '536', 0, ('Milla Valkonen',)),
    (678, 685, None, True, 'fi', '538', 2, ('Ari Niemensivu',)),
    (686, 703, 1, True, 'fi', '543', 0, ('Piia Nurkka',)),
    (704, 708, 2, False, 'fi', '543', 2, ('Piia Nurkka',)),
    (709, 732, 1, True, 'fi', '564', 1, ('Jussi Päkkilä',)),
    (733, 740, 2, True, 'fi', '564', 0, ('Henna Myllymäki',)),
    (741, 746, 3, False, 'fi', '564', 2, ('Atte Karjalainen',)),
    (747, 751, 4, False, 'fi', '564', 15, ('Paula Paajanen',)),
    (752, 757, 5, True, 'fi', '564', 0, ('Jussi Keskinarkaus',)),
    (758, 770, 1, True, 'fi', '577', 0, ('Hilkka Koret',)),
    (771, 777, 2, True, 'fi', '577', 0, ('Pauliina Lund',)),
    (778, 782, None, False, 'fi', '578', 5, ('Petra Tolonen',)),
    (783, 788, None, True, 'sv', '445', 0, ('Camilla Melen',)),
    (789, 793, None, False, 'fi', '595', 2, ('Kirsi Väänänen',)),
    (794, 798, None, False, 'fi', '598', 1, ('Mari Lintula',)),
    (799, 804, None, True, 'fi', 'Pohjois-Karjalan maakuntaliitto', 0, ('Seppo Tiainen',)),
    (805, 812, 1, True, 'fi', '609', 10, ('Kaija Laurila',)),
    (813, 819, 2, False, 'fi', '609', 3, ('Ilkka Manninen',)),
    (820, 839, 1, True, 'fi', '638', 3, ('Eveliina Keski-Koukkari',)),
    (840, 848, 2, False, 'fi', '638', 5, ('Pekka Suominen',)),
    (849, 853, 3, False, 'fi', '638', 11, ('Seija Kivelä',)),
    (854, 858, 4, False, 'fi', '638', 2, ('Ann-Sofie Nylund',)),
    (859, 865, None, True, 'fi', '614', 1, ('Tiina Alasirniö',)),
    (866, 877, None, True, 'fi', '635', 4, ('Mikko Salmela',)),
    (878, 882, None, False, 'fi', '678', 11, ('Kari Väyrynen',)),
    (883, 904, None, False, 'fi', '684', 0, ('Tarja Helminen',)),
    (905, 912, 1, False, 'fi', '694', 4, ('Marjo Kylänpää',)),
    (913, 921, 2, False, 'fi', '694', 15, ('Marjo Kylänpää',)),
    (922, 926, 1, False, 'fi', '698', 1, ('Nina Sipola',)),
    (927, 931, 2, False, 'fi', '698', 2, ('Pertti Onkalo',)),
    (932, 946, None, True, 'fi', '707', 21, ('Joni Rytkönen',)),   # listed in a sentence
    (947, 950, None, False, 'fi', '734', 0, ('Anne Ylimaa',)),
    (951, 955, None, False, 'fi', '790', 3, ('Tatu Sundqvist',)),
    (956, 964, 1, True, 'fi', '743', 0, ('Nina Ankkuri',)),
    (965, 972, 2, True, 'fi', '743', 0, ('Nina Ankkuri',)),
    (973, 976, 3, False, 'fi', '743', 0, ('Susanna Tyrväinen',)),
    (977, 985, None, True, 'fi', '791', 0, ('Päivi Väntänen',)),
    (986, 990, 1, True, 'fi', '753', 0, ('Ethel Eriksson',)),
    (991, 997, 2, False, 'fi', '753', 0, ('Päivi Jaakola',)),
    (998, 1003, 1, False, 'fi', '759', 0, ('Oskari Ojala',)),
    (1004, 1010, 2, True, 'fi', '759', 2, ('Johanna Rannanjärvi',)),
    (1011, 1015, None, False, 'fi', '781', 8, ('Waltteri Martelin',)),
    (1016, 1025, 1, True, 'fi', '837', 0, ('Harri Hämäläinen',)),
    (1026, 1036, 2, False, 'fi', '837', 5, ('Leena Viitasaari',)),
    (1037, 1041, 3, False, 'fi', '837', 7, ('Hanna Karojärvi',)),
    (1042, 1054, 4, True, 'fi', '837', 3, ('Laila Aimo',)),
    (1055, 1073, 5, True, 'fi', '837', 9, ('Emilia Tommila',)),
    (1074, 1079, 1, False, 'fi', '853', 0, ('Antti Parpo',)),
    (1080, 1090, 2, True, 'fi', '853', 7, ('Mira Koivumäki-Lindholm',)),   # listed in a sentence
    (1091, 1101, 3, True, 'fi', '853', 5, ('Mira Koivumäki-Lindholm',)),   # listed in a sentence
    (1102, 1113, 4, False, 'fi', '853', 1, ('Arto Karilahti', 'Wilhelmiina Griep')),
    (1114, 1124, None, True, 'fi', '858', 0, ('Sanna Senelius-Piiparinen',)),
    (1125, 1127, None, False, 'fi', None, 22, ()),
    (1128, 1133, None, True, 'sv', '893', 0, ('Gunilla Lillbacka',)),
    (1134, 1141, None, False, 'sv', '440', 4, ('Madeleine Svenlin-Englund',)),
    (1142, 1149, 1, True, 'fi', '092', 3, ('Markku Pietinen',)),
    (1150, 1156, 2, False, 'fi', '092', 2, ('Henna Yli-Leppälä',)),
    (1157, 1161, 3, False, 'fi', '092', 1, ('Nina Rahja',)),
    (1162, 1172, None, True, 'fi', '915', 2, ('Petri Kapanen',)),
    (1173, 1176, None, False, 'fi', '936', 0, ('Kaisa Jaatinen',)),
    (1177, 1181, None, True, 'fi', '977', 0, ('Joonas Yliluoma',)),
    (1182, 1190, None, True, 'fi', '992', 0, ('Tapani Hämäläinen',)),
]

#: Records naming non-municipal partners, links or e-mail addresses (by first line).
PARTNER_ORGANISATIONS = {
    1: ["Kuusiokuntien sosiaali- ja terveyskuntayhtymä, KuusSote"],
    151: ["Ylä-Savon koulutuskuntayhtymä", "Ylä-Savon SOTE kuntayhtymä", "Savon ICT-palvelut Oy"],
    840: ["Keravan musiikkiopisto"],
}
URLS = {
    87: ["www.lampio.fi"],
    133: ["https://tupa.profium.com/public.do#"],
    189: ["www.kurob.fi"],
    397: ["https://www.avoindata.fi/data/dataset/paikkatieto-osaamisen-kehittaminen"],
}
EMAILS = {609: ["jatehuoltoviranomainen@mikkeli.fi"]}
#: Records with headed sections, and their headings.
SECTIONS = {
    6: ["Mikä muuttuu?"],
    207: ["Hankkeen tarkoitus:", "Toteutus ja mitä se mahdollistaa:", "Muutokset:",
          "Mitä opimme:"],
    328: ["Hankkeessa toteutetut toimenpiteet:"],
    709: ["MODA-hankkeessa toteutetut pilotit"],
    758: ["Toiminnanohjaus", "Mikä muuttui?", "Kehitystyö jatkuu"],
    820: ["Hankkeen tuotokset:"],
    883: ["Toimenpide-ehdotukset ja jatkosuunnitelma"],
    1026: ["Tarkempia strategisia virstanpylväitä:"],
}


@pytest.fixture(scope="module")
def catalogue() -> Extraction:
    return extract_path(CATALOGUE)


def _lead(record: dict) -> str | None:
    lead = record["lead_organisation"]
    return None if lead is None else (lead["code"] or lead["name"])


def test_catalogue_agrees_with_the_hand_reading_record_for_record(catalogue):
    read = [(r["source"]["first_line"], r["source"]["last_line"], r["number"], r["ended"],
             r["language"], _lead(r), len(r["partner_municipalities"]),
             tuple(c["name"] for c in r["contacts"])) for r in catalogue.records]
    assert len(read) == len(HAND_READING) == 142
    for extracted, by_hand in zip(read, HAND_READING):
        assert extracted == by_hand


def test_catalogue_partners_links_and_sections_agree_with_the_hand_reading(catalogue):
    for record in catalogue.records:
        first = record["source"]["first_line"]
        assert record["partner_organisations"] == PARTNER_ORGANISATIONS.get(first, []), first
        assert record["urls"] == URLS.get(first, []), first
        assert record["emails"] == EMAILS.get(first, []), first
        assert [s["heading"] for s in record["sections"]] == SECTIONS.get(first, []), first
