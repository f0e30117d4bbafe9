#!/usr/bin/env python3
"""Deterministic synthetic catalogue generator, for benchmarks and extractor tests.

    python bench/gen.py --records N --seed S --out DIR

writes ``DIR/catalogue-N.txt``, a plain text in the shape of the Ministry of Finance
catalogue (``mappings/sources/004_…``), and ``DIR/catalogue-N.expected.jsonl``, the
records the catalogue extractor must read from it (the same fields as
``publisher extract``), so a test can check that extraction is exact.

What the text imitates, all in the shapes the real catalogue uses:

* lead-organisation groups whose numbering restarts per group ("1.", "2." …); groups
  of one record are unnumbered; one record without a title (status line first);
* status lines in Finnish and Swedish ("HANKE ON PÄÄTTYNYT.", "HANKE PÄÄTTYNYT",
  "PROJEKTET HAR AVSLUTATS.") before or after the title;
* titles of many shapes, among them "Token!" and "#token, … -kehittämishanke";
* descriptions: paragraphs (some hard-wrapped), a subtitle line repeating the title with
  years, a paragraph that ends without a full stop before the next one, bullet lists
  ("- ", "• ") whose items may end with a comma or "ja" (never the last item), numbered
  and lettered lists after an introducing line, headed sections ("Mikä muuttuu?",
  "Tarkempia strategisia virstanpylväitä:"), links and e-mail addresses in the text, a
  "Lisätietoja hankkeesta …" pointer line;
* partners: "Muut kunnat: A, B ja C" with official, Swedish, inflected-and-suffixed
  ("Kuusamon kaupunki", "Lapinjärvi kunta", "Staden Jakobstad") and misspelt names,
  organisations after "sekä", a joint authority with its members in parentheses, a
  list wrapped onto a second line, "Mukana …", the lead among its own partners, a
  list after the contact block or before the last description line;
* every contact shape: "Lisätietoja", "Lisätietoja:", "Lisätietoja: Name, Org",
  "Lisätietoja hankkeesta: …", "Tilläggsuppgifter:", "A ja B, Org", "A, Org1 ja B,
  Org2", "Name, Org (unit)", several people, a URL, an e-mail written x(a)y.fi, a link
  text ("Hankkeen nettisivut", "hankkeen sivusto", "täältä") and records without a
  contact block (lead from the numbering, from the title, or none).

People are synthetic, built from syllable lists; municipality names come from the
reference list and every written form is checked against the municipality index
(``publisher.build.prepare.municipalities``) before it is used. Titles carry a distinguishing
token (a syllable word, unique per record), so keys stay unique at any size.

The output is a pure function of (records, seed): same bytes for the same arguments.
Records are generated and written one at a time, so memory does not grow with N.
"""
from __future__ import annotations

import argparse
import json
import math
import random
import re
import sys
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator, TextIO

from publisher.build.keys import slugify
from publisher.build.prepare.municipalities import MunicipalityIndex, default_index

DEFAULT_RECORDS = 142
DEFAULT_SEED = 4

#: Shapes of the real catalogue that the extractor currently reads wrongly. The generator
#: leaves them out unless asked (``--keep-known-issues``); tests/bench/test_gen.py keeps a
#: minimal example of each as an expected failure, so a fix shows up there.
KNOWN_EXTRACTOR_ISSUES: dict[str, str] = {
    # "partner-line-substring" ('Ii' on a wrapped partner line found inside 'Iitti') is fixed;
    # its regression test stands in tests/bench/test_gen.py.
}

# =============================================================== written forms

#: Lines the extractor reads as headings (from the real catalogue and the rules file).
HEADINGS_WITH_LISTS = ["Mikä muuttuu?", "Mitä opimme:", "Hankkeen tuotokset:", "Tavoitteet:",
                       "Tulokset:", "Muutokset:", "Hankkeessa toteutetut toimenpiteet:",
                       "Tarkempia strategisia virstanpylväitä:"]
HEADINGS_WITH_TEXT = ["Mikä muuttui?", "Hankkeen tarkoitus:", "Toiminnanohjaus",
                      "Kehitystyö jatkuu", "Hyödyt:", "Toteutus ja mitä se mahdollistaa:"]
STATUS_FI = [("HANKE ON PÄÄTTYNYT.", 8), ("HANKE ON PÄÄTTYNYT", 2), ("HANKE PÄÄTTYNYT.", 1),
             ("HANKE PÄÄTTYNYT", 1)]
STATUS_SV = [("PROJEKTET HAR AVSLUTATS.", 3), ("PROJEKTET HAR AVSLUTATS", 1)]
PARTNER_JOINERS = ("ja", "sekä", "samt", "och")


def _key(text: str) -> str:
    """How headings and status phrases compare: case-folded, no final full stop."""
    return " ".join(text.split()).rstrip(".").strip().casefold()


HEADING_KEYS = frozenset(_key(h) for h in HEADINGS_WITH_LISTS + HEADINGS_WITH_TEXT)
SENTENCE_END = re.compile(r"[.!?:]['\"”’)]*$")

# ----------------------------------------------------------------- syllables

#: Made-up syllables for people, organisations and the distinguishing tokens.
SYLLABLES = ["ra", "vo", "ka", "li", "mo", "te", "su", "no", "pe", "ri", "la", "ko",
             "va", "ne", "mi", "to", "sa", "ju", "he", "lo", "ku", "ta", "ve", "ni"]
#: Token prefixes: none is a prefix of another, so a token's slug parses one way only.
TOKEN_PREFIXES = ["Digi", "Data", "Smart", "Kunta", "Oma", "Tieto", "Verkko", "Avoin",
                  "Hyvin", "Yhteis", "Palvelu", "Arki", "Uudis", "Sujuva", "Moni", "Lähi"]
FIRST_HEADS = ["Ai", "Ee", "Ka", "Le", "Ma", "Mi", "Ne", "Oi", "Pe", "Ra", "Sa", "Te",
               "Tu", "Ve", "Hel", "Jo", "Ke", "Lo", "Ni", "Ro", "Si", "Va", "Ar", "Il"]
FIRST_TAILS = ["nora", "jala", "rike", "vina", "kki", "mora", "sella", "tta", "vo", "lina",
               "nelma", "kko", "ssa", "nja", "ira", "ela", "rvo", "mari", "sto", "uli"]
LAST_HEADS = ["Ra", "Ke", "Sa", "Vi", "Lo", "Hu", "Ta", "Mä", "Ko", "Pu", "Ri", "Ny",
              "Ah", "Le", "Jä", "Ol", "Sy", "Va", "Ty", "Ne"]
LAST_MIDS = ["vo", "lo", "ri", "ka", "mi", "te", "nu", "sa", "ja", "li", "ro", "ke",
             "tu", "pe"]
LAST_TAILS = ["nen", "la", "mäki", "vaara", "lahti", "salo", "niemi", "koski", "linna",
              "ranta", "järvi", "lainen", "vuori", "kangas"]

# ------------------------------------------------------------ Finnish text

TITLE_ADJ = ["Sähköisen", "Digitaalisen", "Yhteisen", "Asiakaslähtöisen", "Avoimen",
             "Kestävän", "Turvallisen", "Saavutettavan", "Ennakoivan", "Älykkään",
             "Modernin", "Keskitetyn", "Ylikunnallisen", "Tietoturvallisen", "Joustavan"]
TITLE_NOUN = ["asioinnin", "päätöksenteon", "tiedonhallinnan", "talousraportoinnin",
              "asiakaspalvelun", "kaavoituksen", "rakennusvalvonnan", "varhaiskasvatuksen",
              "palveluohjauksen", "paikkatiedon", "henkilöstöhallinnon", "arkistoinnin",
              "lupaprosessin", "osallisuuden", "kiinteistönhallinnan", "laskutuksen",
              "tiedolla johtamisen", "kokouskäytännön", "talousarvioprosessin"]
TITLE_ACTION = ["kehittäminen", "automatisointi", "uudistaminen", "käyttöönotto",
                "yhtenäistäminen", "digitalisointi", "tehostaminen", "pilotointi",
                "mallintaminen", "jatkokehitys"]
TITLE_QUALITIES = ["saavutettava", "vetovoimainen", "kestävä", "turvallinen", "avoin",
                   "osallistava", "ketterä", "yhteentoimiva"]
TITLE_SUBJECTS = ["kunta", "palvelu", "organisaatio", "asiointi", "kaupunkiseutu"]
TITLE_VERSIONS = ["2.0", "3.0", "2022", "2023", "2024"]

LOC = ["Hankkeessa", "Projektissa", "Hankkeen aikana", "Ensimmäisessä vaiheessa",
       "Pilottivaiheessa", "Hankkeen toisessa osiossa", "Kehittämistyössä"]
PAST = ["kehitettiin", "toteutettiin", "kartoitettiin", "uudistettiin", "pilotoitiin",
        "määriteltiin", "otettiin käyttöön", "yhtenäistettiin", "automatisoitiin", "kuvattiin"]
OBJ = ["sähköisiä lomakkeita", "yhteinen tietovarasto", "asiointipalveluja",
       "toimintamalleja", "raportointia", "johdon työpöytä", "palautejärjestelmä",
       "uusia työvälineitä", "prosessikuvaukset", "tietomalleja", "mittaristoja",
       "ohjeistuksia", "koulutusmateriaalia", "rajapintoja", "asiakaspolkuja",
       "sähköinen allekirjoitus", "verkkomaksaminen", "chatbot-palvelu"]
ADV = ["kuntien yhteistyönä", "palvelumuotoilun keinoin", "vaiheittain",
       "yhdessä kuntalaisten kanssa", "osana digitaalista siirtymää", "ketterästi",
       "eri toimialoilla", "koko organisaatiossa", "avoimen lähdekoodin pohjalta",
       "henkilöstön tueksi", "asiantuntijavoimin"]
GOAL_INF = ["parantaa", "tehostaa", "yhtenäistää", "nopeuttaa", "helpottaa", "vahvistaa",
            "lisätä", "selkeyttää"]
GOAL_OBJ = ["palveluiden saatavuutta", "tiedonkulkua", "päätöksenteon läpinäkyvyyttä",
            "henkilöstön digiosaamista", "asiakaskokemusta", "talousseurannan tarkkuutta",
            "kuntalaisten osallisuutta", "tietoturvan tasoa", "prosessien sujuvuutta",
            "tiedon hyödyntämistä"]
SUBJ = ["Uusi järjestelmä", "Yhteinen toimintamalli", "Raportointiratkaisu",
        "Sähköinen asiointi", "Hankkeen tuotos", "Kehitetty työkalu", "Uudistettu prosessi",
        "Yhteinen alusta"]
PRESENT = ["helpottaa", "nopeuttaa", "tukee", "yhtenäistää", "vähentää", "parantaa",
           "mahdollistaa"]
PRESENT_OBJ = ["henkilöstön arkea", "manuaalista työtä", "tiedolla johtamista",
               "asiakkaiden asiointia", "palveluiden kehittämistä", "käsittelyaikoja",
               "viranomaisraportointia", "päällekkäistä työtä"]
FILLER_SENTENCES = [
    "Hankkeen tuloksia hyödynnetään jatkossa myös muissa kunnissa.",
    "Kaiken kaikkiaan hanke onnistui aikataulussa ja sille asetetut tavoitteet saavutettiin.",
    "Kehitystyötä jatketaan hankkeen päätyttyä osana kuntien normaalia toimintaa.",
    "Hankkeen aikana tunnistettiin myös useita jatkokehityksen kohteita.",
    "Yhteistyö sujui hyvin ja kunnat pystyivät hyödyntämään toistensa osaamista.",
    "Tämä edellytti kunnan toimintatapojen uudistamista myös asiakirjahallinnossa.",
]
LIST_INTROS = ["Hankkeen tuotoksina valmistui seuraavat kokonaisuudet:",
               "Hankkeen keskeisimpinä tavoitteina oli:",
               "Tavoitteisiin pyritään viiden kokonaisuuden kautta:",
               "Mm. seuraavat asiat toteutettiin hankkeen aikana:",
               "Hankkeen tehtävinä on tuottaa:",
               "Hankkeen avulla",
               "Hanke jaettiin viiteen eri osa-alueeseen, joista jokaisessa edistettiin "
               "digitaalisiin toimintatapoihin siirtymistä"]
LIST_ITEMS = ["Nyky- ja tavoitetilakuvaus", "Muutos- ja valmennusohjelma",
              "Tiedolla johtamisen tiekartta", "Yhteiset strategiset mittarit",
              "Toimialakohtaiset mittarit", "Sähköinen päätöksenteko",
              "Etätyö ja monipaikkainen työ", "Kuntalaisten palveluiden digitalisointi",
              "Osaamiskartoitus", "Tuen kohdentamisen optimointi", "Uudet verkkosivut",
              "Uusi intra työntekijöille", "Portaali valtuutetuille",
              "Digitukipäivät kuntalaisille", "Asukaskysely sähköisestä asioinnista",
              "Saavutettavuusarvioinnit jokaisen hankekunnan verkkosivuille",
              "Koulutuksia asiakaspalvelusta ja tietoturvasta",
              "automaattinen sujuva tiedonsiirto", "tietosisältöjen kehittäminen",
              "järjestelmien hyödyntäminen paremmin", "toimintavarmuus.",
              # items that end as if the next one continued them (never last in a list)
              "Talous- ja henkilöstöhallinnon kehittäminen,",
              "Varhaiskasvatuksen asiakaspalvelun kehittäminen ja,",
              "luodaan kehittämistoiminnalle yhteiset rakenteet,",
              "tuotetaan IT-kehittämissuunnitelma sekä",
              "järjestelmien hyödyntäminen paremmin ja"]
#: Years a subtitle line repeats after the title ("Keskusteleva tekoäly … 2020-2021").
SUBTITLE_YEARS = ["2020-2021", "2021-2022", "2022-2023", "2021–2023"]
EMAIL_USERS = ["kirjaamo", "hanketoimisto", "digituki", "asiointi", "palvelupiste",
               "tietohallinto", "palaute"]
URL_PATHS = ["hanke", "aineistot", "tulokset", "digi/hanke", "loppuraportti"]
LINK_LINE_TEXTS = ["Hankkeen nettisivut", "Hankkeen verkkosivut"]

# ------------------------------------------------------------ Swedish text

SV_TITLES = ["Digitalt kunnande", "Automatisering av ekonomiförvaltningen",
             "Den digitala kommunen", "E-tjänster för invånarna", "Smidig ärendehantering",
             "Gemensam informationshantering", "Digital service i skärgården"]
SV_INF = ["utveckla", "förbättra", "harmonisera", "automatisera", "digitalisera"]
SV_OBJ = ["kommunens ekonomiförvaltning", "de elektroniska tjänsterna",
          "informationshanteringen", "kundservicen", "det digitala kunnandet",
          "ärendehanteringen"]
SV_SENTENCES = [
    "De nya kraven kan uppfyllas på ett helt annat sätt än tidigare.",
    "Projektet kommer att bidra till en jämnare kompetensnivå hos de anställda.",
    "Processerna har kartlagts och det finns manualer för de flesta funktionerna.",
    "Det är viktigt att projektet också stärker samarbetet inom regionen.",
    "Många andra alternativ för en smartare kommun utreddes också.",
]

# ================================================================ municipalities

#: Towns, for "X:n kaupunki" (others get "X:n kunta"); a matter of style only.
TOWNS = frozenset("""Helsinki Espoo Vantaa Tampere Turku Oulu Jyväskylä Kuopio Lahti Pori
Kouvola Joensuu Lappeenranta Hämeenlinna Vaasa Seinäjoki Rovaniemi Mikkeli Kotka Salo
Porvoo Kokkola Hyvinkää Lohja Järvenpää Rauma Kajaani Kerava Savonlinna Nokia Kangasala
Ylöjärvi Kaarina Riihimäki Imatra Raahe Raisio Iisalmi Kemi Tornio Kuusamo Forssa Naantali
Heinola Kauniainen Loviisa Hamina Valkeakoski Sastamala Varkaus Uusikaupunki Pietarsaari
Parainen Raasepori Kalajoki Ylivieska Kemijärvi Pieksämäki Lieksa Kitee Kankaanpää Kurikka
Lapua Alavus Äänekoski Jämsä Kristiinankaupunki Närpiö Uusikaarlepyy Kaskinen""".split())
#: Municipalities where Swedish-language records appear, with "stad" or "kommun".
SWEDISH_LEADS = {"Pietarsaari": "stad", "Luoto": "kommun", "Vöyri": "kommun",
                 "Pedersören kunta": "kommun", "Korsnäs": "kommun", "Maalahti": "kommun",
                 "Mustasaari": "kommun", "Närpiö": "stad", "Kristiinankaupunki": "stad",
                 "Kaskinen": "stad", "Parainen": "stad", "Kemiönsaari": "kommun",
                 "Raasepori": "stad", "Inkoo": "kommun", "Uusikaarlepyy": "stad",
                 "Kruunupyy": "kommun", "Vaasa": "stad", "Porvoo": "stad", "Loviisa": "stad",
                 "Sipoo": "kommun"}
#: Genitives the simple rules below get wrong.
GENITIVE_EXCEPTIONS = {"Loppi": "Lopen", "Raahe": "Raahen", "Alavus": "Alavuden"}
_COMPOUND_TAILS = (("kaupunki", "kaupungin"), ("järvi", "järven"), ("joki", "joen"),
                   ("lahti", "lahden"), ("niemi", "niemen"), ("saari", "saaren"),
                   ("mäki", "mäen"), ("koski", "kosken"), ("salmi", "salmen"),
                   ("vesi", "veden"), ("lampi", "lammen"), ("ranta", "rannan"),
                   ("virta", "virran"), ("harju", "harjun"))
_WEAK = (("kk", "k"), ("pp", "p"), ("tt", "t"), ("nk", "ng"), ("mp", "mm"), ("nt", "nn"),
         ("lt", "ll"), ("rt", "rr"), ("ht", "hd"))
_VOWELS = "aeiouyäöå"
_BACK_VOWELS = frozenset("aou")


def genitive(name: str) -> str | None:
    """The usual Finnish genitive of a place name, or None when unsure."""
    if name in GENITIVE_EXCEPTIONS:
        return GENITIVE_EXCEPTIONS[name]
    if " " in name:
        return None
    if "-" in name:
        head, _, tail = name.rpartition("-")
        tail_gen = genitive(tail)
        return f"{head}-{tail_gen}" if tail_gen else None
    lower = name.lower()
    for ending, gen in _COMPOUND_TAILS:
        if lower.endswith(ending):
            return (name[: -len(ending)] + gen) if len(name) > len(ending) else gen.capitalize()
    if lower.endswith("nen"):
        return name[:-3] + "sten"
    last = lower[-1]
    if last not in _VOWELS:
        return None
    if last == "e":
        return name + "n" if lower.endswith("ee") else name + "en"
    stem = name[:-1]
    for strong, weak in _WEAK:
        if stem.endswith(strong) and len(stem) > 2:
            return stem[: -len(strong)] + weak + ("i" if last == "i" else name[-1]) + "n"
    return name + "n"


def inessive(gen: str) -> str | None:
    """'Karkkilan' → 'Karkkilassa', 'Nurmijärven' → 'Nurmijärvessä' (the vowel harmony
    of a compound follows its last part, so the last a/o/u or ä/ö/y decides)."""
    if not gen.endswith("n") or gen.endswith("sten"):
        return None
    harmonic = [c for c in gen.lower() if c in "aouäöy"]
    ending = "ssa" if harmonic and harmonic[-1] in _BACK_VOWELS else "ssä"
    return gen[:-1] + ending


@dataclass(frozen=True)
class Form:
    """One way of writing a municipality, checked against the index."""

    text: str
    code: str
    name: str          # official Finnish name
    method: str        # how the index recognises it (exact, swedish, suffixed …)


@dataclass
class Place:
    code: str
    name: str
    name_sv: str
    exact: Form
    swedish: Form | None = None
    suffixed: list[Form] = field(default_factory=list)     # "Kuusamon kaupunki"
    sv_suffixed: list[Form] = field(default_factory=list)  # "Vörå kommun", "Staden X"
    near_miss: Form | None = None
    genitive: str | None = None                            # resolves to this place
    inessive: str | None = None                            # resolves to this place
    domain: str | None = None                              # "mikkeli" of mikkeli.fi
    town: bool = False
    swedish_lead: str | None = None                        # "stad" / "kommun"


class Places:
    """The municipalities with every written form verified by the index."""

    def __init__(self, index: MunicipalityIndex) -> None:
        self.index = index
        self.all: list[Place] = []
        for m in sorted(index, key=lambda m: m.code):
            place = self._place(m.code, m.name_fi, m.name_sv)
            if place is not None:
                self.all.append(place)
        self.by_name = {p.name: p for p in self.all}
        self.swedish = [p for p in self.all if p.swedish_lead]
        self.with_suffixed = [p for p in self.all if p.suffixed]
        self.with_inessive = [p for p in self.all if p.inessive]
        self.with_genitive = [p for p in self.all if p.genitive]
        self.with_domain = [p for p in self.all if p.domain]
        self.with_near_miss = [p for p in self.all if p.near_miss]
        self.sv_forms = [p for p in self.all if p.sv_suffixed or p.swedish]
        self.by_domain = {p.domain: p for p in self.with_domain}
        self.by_code = {p.code: p for p in self.all}

    def _ok(self, text: str, code: str, methods: tuple[str, ...]) -> str | None:
        r = self.index.resolve(text)
        return r.method if r is not None and r.code == code and r.method in methods else None

    def _place(self, code: str, name: str, name_sv: str) -> Place | None:
        method = self._ok(name, code, ("exact",))
        if method is None:
            return None
        place = Place(code, name, name_sv, Form(name, code, name, "exact"),
                      town=name in TOWNS)
        if name_sv != name and self._ok(name_sv, code, ("swedish",)):
            place.swedish = Form(name_sv, code, name, "swedish")
        gen = genitive(name)
        if gen and self._ok(gen, code, ("inflected",)):
            place.genitive = gen
            iness = inessive(gen)
            if iness and self._ok(iness, code, ("inflected",)):
                place.inessive = iness
        if place.genitive:
            word = "kaupunki" if place.town else "kunta"
            text = f"{gen} {word}"
            if self._ok(text, code, ("suffixed",)):
                place.suffixed.append(Form(text, code, name, "suffixed"))
        if " " not in name and name.endswith(("järvi", "vi", "kka")):
            text = f"{name} kunta"                       # "Lapinjärvi kunta", as written
            if self._ok(text, code, ("suffixed",)):
                place.suffixed.append(Form(text, code, name, "suffixed"))
        if name in SWEDISH_LEADS:
            place.swedish_lead = SWEDISH_LEADS[name]
            base = name_sv
            for text in (f"{base} {place.swedish_lead}", f"Staden {base}"
                         if place.swedish_lead == "stad" else f"{base} kommun"):
                if self._ok(text, code, ("suffixed",)) and all(
                        f.text != text for f in place.sv_suffixed):
                    place.sv_suffixed.append(Form(text, code, name, "suffixed"))
        if re.fullmatch(r"[A-Z][a-z]+", name) and self._ok(name.lower(), code, ("exact",)):
            place.domain = name.lower()
        return place

    def add_near_misses(self, limit: int = 10) -> None:
        """Misspellings (a doubled letter dropped) that the index still links, with a warning."""
        found = 0
        for place in self.all:
            if found >= limit:
                break
            name = place.name
            m = re.search(r"([a-zäö])\1", name)
            if " " in name or "-" in name or len(name) < 7 or m is None:
                continue
            typo = name[: m.start()] + name[m.start() + 1:]
            if self._ok(typo, place.code, ("near-miss",)):
                place.near_miss = Form(typo, place.code, name, "near-miss")
                found += 1
        self.with_near_miss = [p for p in self.all if p.near_miss]


@lru_cache(maxsize=1)
def places() -> Places:
    result = Places(default_index())
    result.add_near_misses()
    return result


# ================================================================== records


class Tokens:
    """Distinct camel-case words ("DigiRavomite"), one per record, in a seeded order."""

    def __init__(self, rng: random.Random) -> None:
        n = len(SYLLABLES)
        self.blocks = [n ** 2, n ** 3, n ** 4]
        self.per_prefix = sum(self.blocks)
        self.size = len(TOKEN_PREFIXES) * self.per_prefix
        step = rng.randrange(self.size // 3, self.size)
        while math.gcd(step, self.size) != 1:
            step += 1
        self.step = step
        self.offset = rng.randrange(self.size)

    def __call__(self, index: int) -> str:
        if index >= self.size:
            raise ValueError(f"at most {self.size} distinct records")
        j = (index * self.step + self.offset) % self.size
        prefix = TOKEN_PREFIXES[j % len(TOKEN_PREFIXES)]
        r = j // len(TOKEN_PREFIXES)
        count = 2
        for block in self.blocks:
            if r < block:
                break
            r -= block
            count += 1
        syllables = []
        for _ in range(count):
            r, s = divmod(r, len(SYLLABLES))
            syllables.append(SYLLABLES[s])
        return prefix + syllables[0].capitalize() + "".join(syllables[1:])


@dataclass
class Lead:
    """The lead organisation of a group: a municipality or another organisation."""

    place: Place | None
    organisation: str | None = None


@dataclass
class Element:
    """One piece of a description: a paragraph (maybe wrapped), a list or a heading."""

    kind: str                       # paragraph, list, heading
    lines: list[str]
    text: str = ""
    ordered: bool = False
    items: list[str] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    phrase_codes: list[str] = field(default_factory=list)   # "X:n kaupungin" mentions


@dataclass
class Partner:
    """One partner item of a statement, and how the extractor should read it."""

    text: str                                 # as written, without descriptor words
    written: str                              # the whole piece as it appears in the line
    form: Form | None = None                  # a municipality
    members: list[Form] = field(default_factory=list)   # joint authority members
    line_offset: int = 0


@dataclass
class Generated:
    """One generated record: its lines, the expected extraction and the shapes used."""

    lines: list[str]
    expected: dict[str, Any]
    features: frozenset[str]


class Generator:
    """Streams records; one instance per (seed, document)."""

    def __init__(self, seed: int, document: str, avoid_known_issues: bool = True) -> None:
        self.rng = random.Random(seed)
        self.avoid_known_issues = avoid_known_issues
        self.document = document
        self.places = places()
        self.tokens = Tokens(self.rng)
        self.next_line = 1
        self.count = 0
        self.previous: dict[str, Any] | None = None
        self.previous_open = False          # the previous record has no contact block
        self.forced_flag = False            # a pending flag was forced in this record
        self.pending: dict[str, list[str]] = {axis: list(values) for axis, values in AXES.items()}
        self.org_stems = [self._stem() for _ in range(60)]
        index = self.places.index
        #: (stem, acronym) of joint authorities; the acronym must name no municipality.
        self.joint_names = [(s, s[:4] + "Sote") for s in self.org_stems
                            if index.resolve(s[:4] + "Sote") is None][:12]

    # ----------------------------------------------------------- random helpers
    def _weighted(self, options: list[tuple[Any, float]]) -> Any:
        total = sum(w for _, w in options)
        x = self.rng.random() * total
        for value, weight in options:
            x -= weight
            if x < 0:
                return value
        return options[-1][0]

    def pick(self, axis: str, options: list[tuple[str, float]], allowed: set[str] | None = None,
             features: set[str] | None = None) -> str:
        """A variant of an axis; variants not yet used anywhere go first."""
        names = [v for v, _ in options if allowed is None or v in allowed]
        chosen = None
        for value in self.pending.get(axis, []):
            if value in names:
                chosen = value
                break
        if chosen is None:
            chosen = self._weighted([(v, w) for v, w in options if v in names])
        if chosen in self.pending.get(axis, []):
            self.pending[axis].remove(chosen)
        if features is not None:
            features.add(f"{axis}:{chosen}")
        return chosen

    def flag(self, name: str, probability: float, features: set[str]) -> bool:
        """A yes/no choice; until it has been yes once, it is forced (one per record)."""
        pending = self.pending["flags"]
        forced = name in pending and not self.forced_flag
        value = forced or self.rng.random() < probability
        if value:
            if name in pending:
                pending.remove(name)
                self.forced_flag = self.forced_flag or forced
            features.add(f"flag:{name}")
        return value

    def _stem(self) -> str:
        n = self.rng.randint(2, 3)
        word = "".join(self.rng.choice(SYLLABLES) for _ in range(n))
        return word.capitalize() + self.rng.choice(["la", "maa", "ri", "nto"])

    def person(self) -> str:
        first = self.rng.choice(FIRST_HEADS) + self.rng.choice(FIRST_TAILS)
        if self.rng.random() < 0.05:
            first += "-" + (self.rng.choice(FIRST_HEADS) + self.rng.choice(FIRST_TAILS))
        last = (self.rng.choice(LAST_HEADS) + self.rng.choice(LAST_MIDS)
                + self.rng.choice(LAST_TAILS))
        if self.rng.random() < 0.05:
            last += "-" + (self.rng.choice(LAST_HEADS) + self.rng.choice(LAST_MIDS)
                           + self.rng.choice(LAST_TAILS))
        return f"{first} {last}"

    def organisation(self, kind: str | None = None) -> str:
        stem = self.rng.choice(self.org_stems)
        gen = stem + "n"
        kind = kind or self.rng.choice(["koulutuskuntayhtymä", "ICT-palvelut Oy",
                                        "SOTE kuntayhtymä", "digipalvelut Oy",
                                        "kehittämisyhtiö Oy", "liitto"])
        return f"{gen} {kind}"

    def place(self, pool: list[Place] | None = None, exclude: set[str] = frozenset()) -> Place:
        pool = pool or self.places.all
        while True:
            p = self.rng.choice(pool)
            if p.code not in exclude:
                return p

    # ------------------------------------------------------------------ groups
    def records(self, total: int) -> Iterator[Generated]:
        while self.count < total:
            features: set[str] = set()
            lead_kind = self.pick("lead", [("municipal", 90), ("swedish", 6),
                                           ("organisation", 4)], features=features)
            if lead_kind == "municipal":
                lead = Lead(self.place())
            elif lead_kind == "swedish":
                lead = Lead(self.place(self.places.swedish))
            else:
                lead = Lead(None, self.organisation(self.rng.choice(
                    ["seutukunta", "maakuntaliitto", "liitto"])))
            size = min(total - self.count, self._weighted([(1, 62), (2, 22), (3, 9),
                                                           (4, 5), (5, 2)]))
            people = [self.person() for _ in range(self.rng.randint(1, 2))]
            for position in range(1, size + 1):
                number = position if size > 1 else None
                yield self.record(lead, people, number, size == 1, set(features))
                features = set()

    # ------------------------------------------------------------------ record
    def record(self, lead: Lead, people: list[str], number: int | None, single: bool,
               features: set[str]) -> Generated:
        rng = self.rng
        index = self.count
        self.count += 1
        self.forced_flag = False
        token = self.tokens(index)
        swedish_lead = lead.place is not None and lead.place.swedish_lead is not None
        language = self.pick("language", [("fi", 1), ("sv", 1)],
                             {"fi", "sv"} if swedish_lead else {"fi"}, features)

        prev = self.previous
        numbering_ok = (number is not None and number > 1 and prev is not None
                        and prev.get("number") == number - 1
                        and prev.get("lead_organisation") is not None)
        shapes = {"normal"}
        if not self.previous_open:
            if single:
                shapes.add("untitled")
            if numbering_ok and language == "fi":
                shapes.add("no-contact-numbered")
            if single and language == "fi":
                shapes.add("no-contact-no-lead")
        if single and language == "fi" and lead.place is not None and lead.place.inessive:
            shapes.add("title-lead")
        shape = self.pick("shape", [("normal", 955), ("untitled", 10),
                                    ("no-contact-numbered", 12), ("no-contact-no-lead", 8),
                                    ("title-lead", 15)], shapes, features)

        # --- status
        statuses = {"none", "after"}
        if not self.previous_open and shape not in ("untitled",):
            statuses.add("before")
        if shape == "untitled":
            statuses = {"before"}
        elif shape.startswith("no-contact"):
            statuses = {"none"}
        elif shape == "title-lead" or self.previous_open:
            statuses = {"after"}
        status_pos = self.pick("status", [("none", 48), ("after", 48), ("before", 4)],
                               statuses, features)
        status = None
        if status_pos != "none":
            status = self._weighted(STATUS_SV if language == "sv" else STATUS_FI)
            features.add(f"status-text:{status}")

        # --- title
        title = None
        title_codes: list[str] = []
        if shape != "untitled":
            title, title_codes = self.title(token, language, lead, shape, features)

        # --- description
        elements: list[Element] = []
        if not shape.startswith("no-contact"):
            elements = self.description(token, language, shape, features)
        if (shape == "normal" and language == "fi" and title is not None
                and self.flag("subtitle", 0.02, features)):
            subtitle = f"{title} {rng.choice(SUBTITLE_YEARS)}"
            elements.insert(0, self.paragraph(subtitle, False))

        # --- partners
        partner_pos = "none"
        statement: list[str] = []
        partners: list[Partner] = []
        kinds: set[str] = set()
        if shape.startswith("no-contact"):
            partner_pos = "body-end"
            kind = "wrapped" if shape == "no-contact-no-lead" else "simple"
            statement, partners = self.partner_statement(kind, lead, language, features)
        else:
            kinds = {"swedish"} if language == "sv" else (
                {"simple", "suffixed", "orgs", "joint", "descriptor", "wrapped", "mukana",
                 "near-miss"} | ({"swedish"} if swedish_lead else set()))
            if rng.random() >= 0.62 and not set(self.pending["partners"]) & kinds:
                kinds = set()
        if kinds:
            kind = self.pick("partners", [("simple", 60), ("suffixed", 8), ("orgs", 6),
                                          ("joint", 3), ("descriptor", 2), ("wrapped", 8),
                                          ("mukana", 3), ("near-miss", 2), ("swedish", 8)],
                             kinds, features)
            statement, partners = self.partner_statement(kind, lead, language, features)
            positions = {"body-end", "trailing"}
            if elements and elements[-1].kind == "paragraph" and len(elements) > 1:
                positions.add("middle")
            partner_pos = self.pick("partner-position", [("body-end", 85), ("trailing", 5),
                                                         ("middle", 10)], positions, features)

        # --- lines
        lines: list[str] = []
        first = self.next_line

        def add(text: str) -> int:
            lines.append(text)
            return first + len(lines) - 1

        urls: list[str] = []
        emails: list[str] = []
        if status_pos == "before":
            add(status)
        if title is not None:
            add(f"{number}. {title}" if number is not None else title)
        if status_pos == "after":
            add(status)
        partner_start = None
        for i, element in enumerate(elements):
            if partner_pos == "middle" and i == len(elements) - 1:
                partner_start = first + len(lines)
                for text in statement:
                    add(text)
            for text in element.lines:
                add(text)
            urls += element.urls
            emails += element.emails
        if partner_pos == "body-end":
            partner_start = first + len(lines)
            for text in statement:
                add(text)

        # --- contacts
        points: list[dict[str, Any]] = []
        contact_kind = "none"
        if not shape.startswith("no-contact"):
            contact_kind, contact_lines = self.contacts(lead, people, number, numbering_ok,
                                                        language, shape, elements,
                                                        partner_pos, features)
            for text, entries in contact_lines:
                line_no = add(text)
                for entry in entries:
                    entry = dict(entry)
                    entry["line"] = line_no
                    points.append(entry)
                    if entry["kind"] == "url":
                        urls.append(entry["url"])
                    elif entry["kind"] == "email":
                        emails.append(entry["email"])
        if partner_pos == "trailing":
            partner_start = first + len(lines)
            for text in statement:
                add(text)
        self.next_line = first + len(lines)

        # --- expected fields
        lead_ref, lead_source = self.expected_lead(points, number, title_codes, elements)
        municipalities, organisations, readings = self.expected_partners(
            partners, partner_start, lead_ref)
        description, sections = self.blocks(elements)
        persons = [p for p in points if p["kind"] == "person"]
        if title is not None:
            key = slugify(title, max_length=60)
        else:
            words = description[0]["text"].split()[:8]
            key = slugify(" ".join([lead_ref["name"] if lead_ref else ""] + words), 60)
        expected = {
            "key": key,
            "title": title,
            "number": number,
            "language": language,
            "ended": status is not None,
            "lead_organisation": lead_ref,
            "lead_organisation_source": lead_source,
            "partner_municipalities": municipalities,
            "partner_organisations": organisations,
            "partners_as_written": readings,
            "contacts": [{"name": p["name"], "organisation": p["organisation_as_written"]}
                         for p in persons],
            "contact_points": points,
            "urls": _unique(urls),
            "urls_normalised": [u if re.match(r"https?://", u) else f"https://{u}"
                                for u in _unique(urls)],
            "emails": _unique(emails),
            "link_texts": [p["text"] for p in points if p["kind"] == "link-text"],
            "description": description,
            "sections": sections,
            "status_text": status,
            "source": {"document": self.document, "first_line": first,
                       "last_line": first + len(lines) - 1},
            "complete": True,
        }
        features.add(f"contact:{contact_kind}")
        features.add(f"lead-source:{lead_source}")
        self.previous = expected
        self.previous_open = shape.startswith("no-contact")
        return Generated(lines, expected, frozenset(features))

    # ------------------------------------------------------------------- title
    def title(self, token: str, language: str, lead: Lead, shape: str,
              features: set[str]) -> tuple[str, list[str]]:
        """A title with the record's token; the codes of municipalities it names."""
        rng = self.rng
        if language == "sv":
            features.add("title:swedish")
            return f"{token} – {rng.choice(SV_TITLES)}", []
        phrase = f"{rng.choice(TITLE_ADJ)} {rng.choice(TITLE_NOUN)} {rng.choice(TITLE_ACTION)}"
        if shape == "title-lead":
            features.add("title:place")
            return f"{token} {lead.place.inessive}", [lead.place.code]
        options = [("dash", 40), ("end-dash", 10), ("hanke", 10), ("version", 8),
                   ("place", 12), ("parenthesis", 10), ("qualities", 6), ("exclaim", 4),
                   ("hashtag", 2)]
        kind = self.pick("title", options, None, features)
        if kind == "dash":
            return f"{token} – {phrase}", []
        if kind == "end-dash":
            text = f"{phrase} – {token}"
        elif kind == "hanke":
            return f"{token}-hanke", []
        elif kind == "version":
            return f"{token} {rng.choice(TITLE_VERSIONS)}", []
        elif kind == "place":
            place = lead.place if lead.place is not None and lead.place.inessive and \
                rng.random() < 0.7 else self.place(self.places.with_inessive)
            second = self.place(self.places.with_inessive, {place.code})
            if rng.random() < 0.3:
                where = f"{place.inessive} ja {second.inessive}"
            else:
                where = place.inessive
            text = f"{token}: {phrase.lower()} {where}"
            if token.lower() in slugify(text, 60):
                return text, [place.code]
            return f"{token} {where}", [place.code]
        elif kind == "parenthesis":
            text = f"{phrase} ({token.upper()})"
        elif kind == "hashtag":                       # "#kyllä, jokainen ovi on oikea -…"
            return f"#{token.lower()}, jokainen palvelu on oikea -kehittämishanke", []
        elif kind == "qualities":
            a, b, c = rng.sample(TITLE_QUALITIES, 3)
            return f"{token} – {a.capitalize()}, {b} ja {c} {rng.choice(TITLE_SUBJECTS)}", []
        else:
            return f"{token} – {phrase}!", []
        if token.lower() not in slugify(text, 60):
            return f"{token} – {phrase}", []
        return text, []

    # ------------------------------------------------------------ description
    def description(self, token: str, language: str, shape: str,
                    features: set[str]) -> list[Element]:
        rng = self.rng
        elements: list[Element] = []
        if language == "sv":
            for n in range(rng.randint(1, 3)):
                sentences = [self.sv_sentence(token if n == 0 and i == 0 else None)
                             for i in range(rng.randint(1, 3))]
                elements.append(self.paragraph(" ".join(sentences), False))
            return elements
        wrapped = self.flag("wrapped", 0.15, features)
        width = rng.randint(58, 82)
        if shape == "untitled":
            opening = (f"”{token}” -hanke on {rng.choice(['kahden', 'kolmen', 'viiden'])} "
                       f"kunnan yhteishanke, joka toteutettiin ajalla 1/2021–11/2022.")
            elements.append(self.paragraph(opening, False))
        texts = [self.fi_paragraph(features) for _ in range(rng.randint(1, 4))]
        if len(texts) > 1 and self.flag("open-end", 0.04, features):
            texts[0] = without_full_stop(texts[0])     # "… tietoja. Työllisyysraportit"
        for text in texts:
            elements.append(self.paragraph(text, wrapped, width))
        if self.flag("bullets", 0.12, features):
            bullet = self.pick("bullet", [("- ", 3), ("• ", 1)], None, features)
            elements.append(self.paragraph(rng.choice(LIST_INTROS), False))
            elements.append(self.list_element(bullet, rng.randint(2, 6)))
            elements.append(self.paragraph(self.fi_paragraph(features), wrapped, width))
        if self.flag("numbered-list", 0.04, features):
            elements.append(self.paragraph(rng.choice(LIST_INTROS[:5]), False))
            elements.append(self.list_element("1", rng.randint(2, 7)))
            elements.append(self.paragraph(rng.choice(FILLER_SENTENCES), False))
        if self.flag("lettered-list", 0.03, features):
            elements.append(self.paragraph(rng.choice(LIST_INTROS[:5]), False))
            elements.append(self.list_element("a", rng.randint(2, 5)))
        if self.flag("url-in-text", 0.04, features):
            url = f"https://www.{slugify(token)}.fi/{rng.choice(URL_PATHS)}"
            elements.append(self.paragraph(
                f"Materiaalit ovat ladattavissa osoitteesta {url}.", wrapped, width, urls=[url]))
        if self.flag("email-in-text", 0.02, features):
            email = f"{rng.choice(EMAIL_USERS)}(a){slugify(token)}.fi"
            elements.append(self.paragraph(
                f"Palautetta voi lähettää osoitteeseen {email}.", False,
                emails=[email.replace("(a)", "@")]))
        if self.flag("sections", 0.06, features):
            for n in range(rng.randint(1, 3)):
                question = n == 0 and self.pick("first-heading", [("question", 1), ("other", 1)],
                                                None, features) == "question"
                if question:
                    heading = rng.choice(["Mikä muuttuu?", "Mikä muuttui?"])
                    elements.append(Element("heading", [heading], text=heading))
                    elements.append(self.list_element("- ", rng.randint(1, 5), sentences=True))
                elif rng.random() < 0.6:
                    heading = rng.choice(HEADINGS_WITH_LISTS)
                    elements.append(Element("heading", [heading], text=heading))
                    elements.append(self.list_element("- ", rng.randint(1, 5), sentences=True))
                else:
                    heading = rng.choice(HEADINGS_WITH_TEXT)
                    elements.append(Element("heading", [heading], text=heading))
                    elements.append(self.paragraph(self.fi_paragraph(features), wrapped, width))
        if self.flag("website-line", 0.03, features):
            url = f"www.{slugify(token)}.fi"
            elements.append(self.paragraph(f"Hankkeen verkkosivusto löytyy osoitteesta {url}",
                                           False, urls=[url]))
        return elements

    def paragraph(self, text: str, wrapped: bool, width: int = 70,
                  urls: list[str] | None = None, emails: list[str] | None = None) -> Element:
        codes = [int(c) for c in re.findall(r"\x1e(\d+)", text)]
        text = re.sub(r"\x1e\d+", "", text)
        lines = wrap(text, width) if wrapped else [text]
        clean = text.replace("\x1f", " ")
        return Element("paragraph", [l.replace("\x1f", " ") for l in lines], text=clean,
                       urls=urls or [], emails=emails or [],
                       phrase_codes=[f"{c:03d}" for c in codes])

    def list_element(self, style: str, count: int, sentences: bool = False) -> Element:
        rng = self.rng
        if sentences:
            items = [self.fi_sentence(None) for _ in range(count)]
        else:
            items = rng.sample(LIST_ITEMS, count)
        codes = [f"{int(c):03d}" for i in items for c in re.findall(r"\x1e(\d+)", i)]
        items = self._closing_item_last([re.sub(r"\x1e\d+", "", i).replace("\x1f", " ")
                                         for i in items])
        if style in ("- ", "• "):
            lines = [f"{style}{item}" for item in items]
            return Element("list", lines, ordered=False, items=items, phrase_codes=codes)
        if style == "1":
            lines = [f"{n}. {item}" for n, item in enumerate(items, 1)]
        else:
            lines = [f"{chr(ord('a') + n)}) {item}" for n, item in enumerate(items)]
        return Element("list", lines, ordered=True, items=items, phrase_codes=codes)

    def _closing_item_last(self, items: list[str]) -> list[str]:
        """The items with one last that does not invite the next line to continue it (an
        item may end with a comma or 'ja' inside a list, as in the catalogue, not at its end)."""
        if not invites_continuation(items[-1]):
            return items
        closing = [i for i in items if not invites_continuation(i)]
        if closing:
            items.remove(closing[-1])
            return items + [closing[-1]]
        spare = [i for i in LIST_ITEMS if i not in items and not invites_continuation(i)]
        return items[:-1] + [self.rng.choice(spare)]

    def fi_paragraph(self, features: set[str]) -> str:
        return " ".join(self.fi_sentence(features) for _ in range(self.rng.randint(1, 6)))

    def fi_sentence(self, features: set[str] | None) -> str:
        """A Finnish sentence; municipality phrases are marked for the lead fallback."""
        rng = self.rng
        kind = rng.randrange(11)
        if kind <= 2:
            return f"{rng.choice(LOC)} {rng.choice(PAST)} {rng.choice(OBJ)} {rng.choice(ADV)}."
        if kind <= 4:
            a, b = rng.sample(GOAL_INF, 2)
            c, d = rng.sample(GOAL_OBJ, 2)
            return f"Tavoitteena on {a} {c} ja {b} {d}."
        if kind <= 6:
            a, b = rng.sample(PRESENT, 2)
            c, d = rng.sample(PRESENT_OBJ, 2)
            return f"{rng.choice(SUBJ)} {a} {c} ja {b} {d}."
        if kind == 7:
            x = self.place(self.places.with_genitive)
            y = self.place(self.places.with_genitive, {x.code})
            return (f"Hanke toteutetaan {x.genitive} ja {y.genitive} yhteistyönä, "
                    f"ja tuloksia hyödynnetään myös muissa kunnissa.")
        if kind == 8:
            x = self.place(self.places.with_inessive)
            y = self.place(self.places.with_inessive, {x.code})
            return f"Käytännön toteutukset tehtiin {x.inessive} sekä {y.inessive}."
        if kind == 9:
            x = self.place(self.places.with_genitive)
            word = "kaupunki" if x.town else "kunta"
            if features is not None:
                features.add("text:municipal-phrase")
            return f"Hallinnoijana toimi {x.genitive}\x1f{word}\x1e{int(x.code)}."
        a, b, c = rng.sample(OBJ, 3)
        return f"Kehitystyössä hyödynnettiin {a}, {b} sekä {c}."

    def sv_sentence(self, token: str | None) -> str:
        rng = self.rng
        if token is not None:
            return (f"Projektet {token} har som mål att {rng.choice(SV_INF)} "
                    f"{rng.choice(SV_OBJ)} i kommunen.")
        kind = rng.randrange(4)
        if kind == 0:
            return (f"I projektet kartlades och implementerades nya verktyg för "
                    f"{rng.choice(SV_OBJ)}.")
        if kind == 1:
            low = rng.randint(10, 50)
            return (f"Andelen elektroniska fakturor har höjts från ca {low} % till ca "
                    f"{low + rng.randint(10, 40)} %.")
        if kind == 2:
            x, y = rng.sample(self.places.sv_forms, 2)
            return f"Samarbetet med {x.name_sv} och {y.name_sv} har också stärkts."
        return rng.choice(SV_SENTENCES)

    # -------------------------------------------------------------- partners
    def partner_statement(self, kind: str, lead: Lead, language: str,
                          features: set[str]) -> tuple[list[str], list[Partner]]:
        rng = self.rng
        exclude = {lead.place.code} if lead.place is not None else set()
        count = rng.randint(1, 5) if kind != "wrapped" else rng.randint(8, 16)
        items: list[Partner] = []
        taken = set(exclude)

        def municipality(form_kind: str = "exact") -> Partner:
            pool = {"suffixed": self.places.with_suffixed,
                    "near-miss": self.places.with_near_miss,
                    "swedish": self.places.sv_forms}.get(form_kind, self.places.all)
            place = self.place(pool, taken)
            taken.add(place.code)
            if form_kind == "suffixed":
                form = rng.choice(place.suffixed)
            elif form_kind == "near-miss":
                form = place.near_miss
            elif form_kind == "swedish":
                form = rng.choice(place.sv_suffixed + ([place.swedish] if place.swedish else []))
            else:
                form = place.exact
            return Partner(form.text, form.text, form=form)

        marker = "Muut kunnat: "
        if kind == "swedish":
            items = [municipality("swedish") for _ in range(rng.randint(1, 4))]
            joiner = rng.choice(["samt", "och"] if language == "sv" else ["ja", "samt"])
        elif kind == "mukana":
            marker = "Mukana "
            items = [municipality("suffixed") for _ in range(rng.randint(2, 5))]
            if rng.random() < 0.5:
                org = self.organisation("liitto")
                items.append(Partner(org, org))
            if lead.organisation is not None and self.flag("lead-among-partners", 0.3, features):
                items.append(Partner(lead.organisation, lead.organisation))   # "…, Lapin liitto"
            joiner = None
        else:
            n_suffixed = count // 2 if kind == "suffixed" else 0
            items = [municipality("suffixed" if i < n_suffixed else "exact")
                     for i in range(count)]
            if kind == "near-miss":
                items.insert(rng.randrange(len(items) + 1), municipality("near-miss"))
            if (kind in ("simple", "suffixed", "wrapped") and lead.place is not None
                    and self.flag("lead-among-partners", 0.04, features)):
                own = lead.place.exact                 # "Muut kunnat: …, Tampere, …" by Tampere
                items.insert(rng.randrange(len(items) + 1), Partner(own.text, own.text, form=own))
            joiner = rng.choice(["ja", "ja", ","])
        tail: list[Partner] = []
        if kind == "orgs":
            tail = [Partner(o, o) for o in {self.organisation(): None
                                            for _ in range(rng.randint(1, 3))}]
        elif kind == "descriptor":
            org = self.organisation("musiikkiopisto")
            tail = [Partner(org, f"lisäksi yksityinen kumppanioppilaitos {org}")]
        elif kind == "joint":
            stem, acronym = rng.choice(self.joint_names)
            name = f"{stem}n sosiaali- ja terveyskuntayhtymä"
            members = []
            member_pool = [p for p in self.places.all if p.code not in taken]
            if lead.place is not None and rng.random() < 0.3:
                members.append(lead.place.exact)      # the lead among the members
            for place in rng.sample(member_pool, rng.randint(2, 4)):
                taken.add(place.code)
                members.append(place.exact)
            inside = ", ".join(m.text for m in members)
            joint = Partner(f"{name}, {acronym}", f"{name}, {acronym} (Kuntayhtymän kuntia: "
                            f"{inside})", members=members)
            items.insert(0, joint) if rng.random() < 0.5 else items.append(joint)
            joiner = ","
        return self.lay_out_partners(marker, items, tail, joiner, kind == "wrapped")

    def lay_out_partners(self, marker: str, items: list[Partner], tail: list[Partner],
                         joiner: str | None, wrapped: bool) -> tuple[list[str], list[Partner]]:
        """'Muut kunnat: A, B ja C sekä X ja Y', maybe wrapped after a comma mid-list."""
        seps = [", "] * (len(items) - 1)
        if joiner not in (None, ",") and seps:
            seps[-1] = f" {joiner} "
        if tail:
            seps.append(" sekä ")
            seps += [", "] * (len(tail) - 1)
            if len(tail) > 1:
                seps[-1] = " ja "
        everything = items + tail
        text = ""
        starts = []
        for i, p in enumerate(everything):
            starts.append(len(text))
            text += p.written + (seps[i] if i < len(seps) else "")
        for p in everything:
            p.line_offset = 0
        cuts = [i for i, sep in enumerate(seps) if sep == ", "]
        if not wrapped or len(cuts) < 2:
            return [marker + text], everything
        at = cuts[len(cuts) // 2]
        lines = [marker + text[: starts[at + 1] - 1], text[starts[at + 1]:]]
        for p in everything[at + 1:]:
            p.line_offset = 1
        clash = [p for p in items[at + 1:] if p.text in lines[0]]
        if clash and self.avoid_known_issues and "partner-line-substring" in KNOWN_EXTRACTOR_ISSUES:
            # KNOWN_EXTRACTOR_ISSUES["partner-line-substring"]: leave such names out
            kept = [p for p in items if p not in clash]
            return self.lay_out_partners(marker, kept, tail, joiner, wrapped)
        return lines, everything

    def expected_partners(self, partners: list[Partner], start: int | None,
                          lead: dict[str, Any] | None
                          ) -> tuple[list[dict], list[str], list[dict]]:
        municipalities: list[dict[str, str]] = []
        organisations: list[str] = []
        readings: list[dict[str, Any]] = []

        def add(form: Form) -> None:
            if all(m["code"] != form.code for m in municipalities):
                municipalities.append({"name": form.name, "code": form.code})

        for p in partners:
            line = start + p.line_offset
            if p.form is not None:
                add(p.form)
                readings.append({"as_written": p.text, "line": line, "code": p.form.code,
                                 "method": p.form.method})
            else:
                if p.text not in organisations:
                    organisations.append(p.text)
                readings.append({"as_written": p.text, "line": line, "code": None,
                                 "method": None})
            for member in p.members:
                add(member)
                readings.append({"as_written": member.text, "line": line, "code": member.code,
                                 "method": member.method, "member_of": p.text})
        if lead is not None and lead["code"]:
            municipalities = [m for m in municipalities if m["code"] != lead["code"]]
        elif lead is not None:
            organisations = [o for o in organisations if o != lead["name"]]
        return municipalities, organisations, readings

    # -------------------------------------------------------------- contacts
    def contacts(self, lead: Lead, people: list[str], number: int | None, numbering_ok: bool,
                 language: str, shape: str, elements: list[Element], partner_pos: str,
                 features: set[str]) -> tuple[str, list[tuple[str, list[dict]]]]:
        """The contact block: (kind, [(line, contact points of the line)])."""
        rng = self.rng
        if shape == "title-lead":
            return "taalta", [("Lisätietoja hankkeesta täältä.",
                               [{"kind": "link-text", "text": "täältä"}])]
        options = [("person", 60), ("colon", 8), ("inline", 5), ("inline-hankkeesta", 2),
                   ("two-names", 5), ("two-units", 2), ("several", 3), ("unit", 2),
                   ("person-link", 2), ("url", 2), ("email", 2), ("link-inline", 1),
                   ("tillagg", 6)]
        allowed = {"person", "colon", "inline", "inline-hankkeesta", "two-names", "two-units",
                   "several", "person-link"}
        if lead.place is not None:
            allowed.add("unit")
        if language == "sv":
            allowed = {"person", "tillagg"}
        if shape != "untitled" and language == "fi":
            if numbering_ok:
                allowed |= {"url", "email", "link-inline"}
            elif lead.place is not None and lead.place.domain:
                allowed |= {"url", "email"}
        kind = self.pick("contact", options, allowed, features)
        pointer = (kind in ("person", "colon", "two-names", "several") and language == "fi"
                   and partner_pos != "trailing" and self.flag("pointer", 0.02, features))
        lines: list[tuple[str, list[dict]]] = []
        if pointer:
            place = lead.place if lead.place is not None and lead.place.genitive else \
                self.place(self.places.with_genitive)
            pointer_text = f"Lisätietoja hankkeesta {place.genitive} nettisivuilta."
            elements.append(Element("paragraph", [pointer_text], text=pointer_text))
            lines.append((pointer_text, []))

        def org_written(place: Place | None = None) -> tuple[str, Form | None, str | None]:
            """An organisation as written in a contact line: (text, form, unit)."""
            if place is None:
                if lead.place is None:
                    return lead.organisation, None, None
                place = lead.place
            if language == "sv" and place.sv_suffixed and rng.random() < 0.5:
                form = rng.choice(place.sv_suffixed)
            elif language == "sv" and place.swedish and rng.random() < 0.5:
                form = place.swedish
            elif place.suffixed and rng.random() < 0.1:
                form = rng.choice(place.suffixed)
            else:
                form = place.exact
            return form.text, form, None

        def person_entry(name: str, written: str, form: Form | None,
                         unit: str | None = None) -> dict[str, Any]:
            as_written = f"{written} ({unit})" if unit else written
            return {"kind": "person", "name": name, "organisation_as_written": as_written,
                    "organisation_unit": unit,
                    "organisation": form.name if form else as_written,
                    "organisation_code": form.code if form else None}

        def person_line() -> tuple[str, list[dict]]:
            name = rng.choice(people)
            written, form, _ = org_written()
            return f"{name}, {written}", [person_entry(name, written, form)]

        if kind in ("person", "colon", "person-link"):
            lines.append(("Lisätietoja:" if kind == "colon" else "Lisätietoja", []))
            lines.append(person_line())
            if kind == "person-link":
                text = self.pick("link-line", [(t, 1) for t in LINK_LINE_TEXTS], None, features)
                lines.append((text, [{"kind": "link-text", "text": text}]))
        elif kind in ("inline", "inline-hankkeesta"):
            text, entries = person_line()
            marker = "Lisätietoja:" if kind == "inline" else "Lisätietoja hankkeesta:"
            lines.append((f"{marker} {text}", entries))
        elif kind == "tillagg":
            lines.append(("Tilläggsuppgifter:", []))
            lines.append(person_line())
        elif kind == "two-names":
            a = people[0]
            b = people[1] if len(people) > 1 else self.person()
            written, form, _ = org_written()
            lines.append(("Lisätietoja", []))
            lines.append((f"{a} ja {b}, {written}", [person_entry(a, written, form),
                                                     person_entry(b, written, form)]))
        elif kind == "two-units":
            other = self.place(exclude={lead.place.code} if lead.place else set())
            a, b = people[0], self.person()
            w1, f1, _ = org_written()
            w2, f2, _ = org_written(other)
            lines.append(("Lisätietoja", []))
            lines.append((f"{a}, {w1} ja {b}, {w2}", [person_entry(a, w1, f1),
                                                     person_entry(b, w2, f2)]))
        elif kind == "several":
            lines.append(("Lisätietoja", []))
            lines.append(person_line())
            for _ in range(rng.randint(1, 3)):
                other = self.place()
                name = self.person()
                w, f, _ = org_written(other)
                lines.append((f"{name}, {w}", [person_entry(name, w, f)]))
        elif kind == "unit":
            place = lead.place
            name = rng.choice(people)
            what = "kaupungin" if place.town else "kunnan"
            unit = rng.choice([f"{place.genitive} {what} tietohallinto",
                               f"{place.genitive} kaupunginkirjasto" if place.town else
                               f"{place.genitive} {what} hallintopalvelut"]) \
                if place.genitive else "tietohallinto"
            lines.append(("Lisätietoja", []))
            lines.append((f"{name}, {place.name} ({unit})",
                          [person_entry(name, place.name, place.exact, unit)]))
        elif kind == "url":
            if numbering_ok and (lead.place is None or not lead.place.domain
                                 or rng.random() < 0.5):
                url = f"www.{slugify(self.tokens(self.count - 1))}.fi"
            else:
                url = f"https://www.{lead.place.domain}.fi/{rng.choice(URL_PATHS)}"
            lines.append(("Lisätietoja", []))
            lines.append((url, [{"kind": "url", "url": url}]))
        elif kind == "email":
            domain = lead.place.domain if lead.place is not None and lead.place.domain \
                else slugify(self.tokens(self.count - 1))
            written = f"{rng.choice(EMAIL_USERS)}(a){domain}.fi"
            lines.append(("Lisätietoja", []))
            lines.append((written, [{"kind": "email", "email": written.replace("(a)", "@")}]))
        elif kind == "link-inline":
            lines.append(("Lisätietoja: hankkeen sivusto",
                          [{"kind": "link-text", "text": "hankkeen sivusto"}]))
        return kind, lines

    # ------------------------------------------------------------------ lead
    def expected_lead(self, points: list[dict], number: int | None, title_codes: list[str],
                      elements: list[Element]) -> tuple[dict | None, str | None]:
        """The lead as the extractor's documented order finds it."""
        for p in points:
            if p["kind"] == "person":
                if p["organisation_code"]:
                    return {"name": p["organisation"], "code": p["organisation_code"]}, "contact"
                return {"name": p["organisation_as_written"], "code": None}, "contact"
        prev = self.previous
        if (number and number > 1 and prev is not None and prev.get("number") == number - 1
                and prev.get("lead_organisation")):
            return dict(prev["lead_organisation"]), "numbering"
        domains = self.places.by_domain
        for p in points:
            address = p.get("email") or p.get("url")
            if address:
                host = address.split("@")[-1] if "@" in address else \
                    re.sub(r"^https?://", "", address)
                labels = host.split("/")[0].lower().removeprefix("www.").split(".")
                place = domains.get(labels[-2]) if len(labels) >= 2 else None
                if place is not None:
                    return {"name": place.name, "code": place.code}, "contact-domain"
        for code in title_codes:
            return self._ref(code), "title"
        for element in elements:
            for code in element.phrase_codes:
                return self._ref(code), "description"
        return None, None

    def _ref(self, code: str) -> dict[str, str]:
        place = self.places.by_code[code]
        return {"name": place.name, "code": place.code}

    # ---------------------------------------------------------------- blocks
    @staticmethod
    def blocks(elements: list[Element]) -> tuple[list[dict], list[dict]]:
        description: list[dict] = []
        sections: list[dict] = []
        target = description
        for e in elements:
            if e.kind == "heading":
                sections.append({"heading": e.text, "items": []})
                target = sections[-1]["items"]
            elif e.kind == "list":
                target.append({"type": "list", "ordered": e.ordered, "items": list(e.items)})
            else:
                target.append({"type": "paragraph", "text": e.text})
        return description, sections


#: Axes whose variants are all used early (the first records show every shape).
AXES: dict[str, list[str]] = {
    "lead": ["municipal", "swedish", "organisation"],
    "shape": ["untitled", "no-contact-numbered", "no-contact-no-lead", "title-lead"],
    "status": ["after", "before", "none"],
    "title": ["dash", "end-dash", "hanke", "version", "place", "parenthesis", "qualities",
              "exclaim", "hashtag"],
    "partners": ["simple", "suffixed", "orgs", "joint", "descriptor", "wrapped", "mukana",
                 "near-miss", "swedish"],
    "partner-position": ["trailing", "middle", "body-end"],
    "contact": ["colon", "inline", "inline-hankkeesta", "two-names", "two-units", "several",
                "unit", "person-link", "url", "email", "link-inline", "tillagg", "person"],
    "bullet": ["- ", "• "],
    "link-line": LINK_LINE_TEXTS,
    "first-heading": ["question", "other"],
    "flags": ["wrapped", "bullets", "numbered-list", "lettered-list", "url-in-text",
              "email-in-text", "sections", "website-line", "pointer", "open-end", "subtitle",
              "lead-among-partners"],
}


def invites_continuation(text: str) -> bool:
    """Would the extractor join the next line to a line ending like this (a comma, a
    dash, a joining word)?"""
    plain = text.rstrip()
    return plain.endswith((",", "-", "–")) or plain.rsplit(" ", 1)[-1].casefold() in PARTNER_JOINERS


def without_full_stop(text: str) -> str:
    """A paragraph without its final full stop ("… tietoja. Työllisyysraportit"), unless the
    line would then read as continued by the next one or still end a sentence."""
    if not text.endswith("."):
        return text
    stem = text[:-1]
    plain = re.sub(r"\x1e\d+", "", stem).replace("\x1f", " ")
    if invites_continuation(plain) or SENTENCE_END.search(plain):
        return text
    return stem


def _unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))


def wrap(text: str, width: int) -> list[str]:
    """Hard-wrap a paragraph the way the catalogue does, only where a reader (and the
    extractor) can see that the next line continues the sentence: before a lowercase
    word, or after a comma, a dash or 'ja'/'sekä', never after a sentence end.
    Spaces written as \\x1f are never broken."""
    tokens = text.split(" ")
    lines: list[list[str]] = [[tokens[0]]]
    length = len(tokens[0])
    for token in tokens[1:]:
        if length + 1 + len(token) > width and _can_break(lines[-1][-1], token):
            lines.append([token])
            length = len(token)
        else:
            lines[-1].append(token)
            length += 1 + len(token)
    result = [" ".join(words) for words in lines]
    for line in result[1:]:
        if len(line.split()) < 3 or _key(line.replace("\x1f", " ")) in HEADING_KEYS:
            return [text]
    return result


def _can_break(previous: str, following: str) -> bool:
    if SENTENCE_END.search(previous) or not following[:1].isalpha():
        return False
    if following[0].islower():
        return True
    return previous.endswith((",", "-", "–")) or previous.casefold() in PARTNER_JOINERS


# ==================================================================== output

def generate(records: int = DEFAULT_RECORDS, seed: int = DEFAULT_SEED,
             document: str | None = None, avoid_known_issues: bool = True
             ) -> Iterator[Generated]:
    """The records of a synthetic catalogue, one at a time."""
    document = document or f"catalogue-{records}.txt"
    return Generator(seed, document, avoid_known_issues).records(records)


def write_catalogue(records: int, seed: int, out_dir: Path | str,
                    progress: TextIO | None = None, avoid_known_issues: bool = True
                    ) -> tuple[Path, Path]:
    """Write catalogue-N.txt and catalogue-N.expected.jsonl into out_dir, streaming."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    text_path = out_dir / f"catalogue-{records}.txt"
    expected_path = out_dir / f"catalogue-{records}.expected.jsonl"
    with text_path.open("w", encoding="utf-8", newline="\n") as text_out, \
            expected_path.open("w", encoding="utf-8", newline="\n") as json_out:
        for n, record in enumerate(generate(records, seed, text_path.name,
                                            avoid_known_issues), 1):
            text_out.write("\n".join(record.lines))
            text_out.write("\n")
            json_out.write(json.dumps(record.expected, ensure_ascii=False))
            json_out.write("\n")
            if progress is not None and n % 50_000 == 0:
                print(f"  {n} records", file=progress, flush=True)
    return text_path, expected_path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=DEFAULT_RECORDS,
                        help=f"number of records (default {DEFAULT_RECORDS})")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED,
                        help=f"random seed (default {DEFAULT_SEED})")
    parser.add_argument("--out", default=".", help="output directory (default: .)")
    parser.add_argument("--keep-known-issues", action="store_true",
                        help="also write shapes the extractor is known to misread "
                             "(see KNOWN_EXTRACTOR_ISSUES)")
    parser.add_argument("--quiet", action="store_true", help="print nothing")
    args = parser.parse_args(argv)
    if args.records < 1:
        parser.error("--records must be at least 1")
    started = time.perf_counter()
    text_path, expected_path = write_catalogue(
        args.records, args.seed, args.out, None if args.quiet else sys.stderr,
        not args.keep_known_issues)
    elapsed = time.perf_counter() - started
    if not args.quiet:
        size = text_path.stat().st_size + expected_path.stat().st_size
        print(f"{args.records} records (seed {args.seed}) in {elapsed:.1f} s: {text_path} "
              f"and {expected_path.name} ({size / 1e6:.1f} MB)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
