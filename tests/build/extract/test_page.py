"""The page extractor: small pages written for the test (one oddity each), then the four real
Swedish pages, checked against the texts by hand.

Fixture pages are written in the shape of the real ones; the people named in them are the
experts the real pages name.
"""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from publisher.build.extract import Extraction
from publisher.build.extract.page import classify, extract_page, iso_date
from publisher.build.extract.page_rules import load_page_rules
from publisher.build.sources import extract_path

PROJECT = Path(__file__).resolve().parents[3]
SOURCES = PROJECT / "mappings/sources"
PAGE = SOURCES / "000_a99be5f9b8218adf.txt"
BLOG = SOURCES / "001_8fb987d07fdeb88a.txt"
DVV = SOURCES / "002_2415480584a5c00d.txt"
PRESS = SOURCES / "003_b6cfa8369f6eadbc.txt"


def run(text: str) -> Extraction:
    """Extract a fixture page written as an indented block (line 1 is its first line)."""
    lines = textwrap.dedent(text).strip("\n").split("\n")
    return extract_page(Path("fixture.txt"), lines)


def of_type(ex: Extraction, kind: str) -> list[dict]:
    return [r for r in ex.records if r.get("type") == kind]


def initiative(ex: Extraction, name: str) -> dict:
    return next(r for r in of_type(ex, "initiative") if r["name"] == name)


def people(ex: Extraction) -> list[tuple[str, str, int]]:
    return [(r["name"], r["relation"], r["source"]["first_line"]) for r in of_type(ex, "person")]


def account(ex: Extraction, line: int):
    return next(a for a in ex.line_accounts if a.line == line)


def every_line_accounted(ex: Extraction, lines: list[str]) -> None:
    non_empty = [n for n, text in enumerate(lines, start=1) if text.strip()]
    assert sorted(a.line for a in ex.line_accounts) == non_empty
    for a in ex.unassigned:
        assert a.reason, f"line {a.line} is unassigned without a reason"


KOMMUNFORBUNDET = """\
    Välkommen till kommunens framtid!

    Digital utveckling i kommunerna

    Digitaliseringen ger kommunerna en möjlighet att bevara sin funktionsförmåga.

    Öppna alla

    Kommunernas digitala utvecklingsprojekt

    DigiOne ett ekosystem för lärande

    Inom projektet DigiOne byggs en nationell digital plattform och ett ekosystem för utbildningstjänster. Läs mer.

    Sakkunniga vid Kommunförbundet: Minna Lindberg

    Nätverksprojektet Utbildning som en tjänst

    I nätverksprojektet Utbildning som en tjänst sammanförs kommuner och utbildningsanordnare.

    Sakkunnig vid Kommunförbundet: Irmeli Myllymäki

    Sektorvis digitalisering i kommunerna

    Bildningsväsendet och digitaliseringen

    Bildningsväsendets digitaliseringsprojekt i kommunerna:

      • Opeka är ett nätbaserat verktyg som lärare och skola kan använda. Den ger lärarna information.
      • Utöver dessa finns också Vopeka som kan användas inom småbarnspedagogiken. Ett eget verktyg för ledningen inom småbarnspedagogiken, Jopeka, håller också på att utarbetas.

    Sakkunnig vid Kommunförbundet: Minna Lindberg

    Kommunförbundets sakkunniga och nätverk

    Kommunförbundets sakkunniga inom digitalisering:

    Kommunförbundets produkter och tjänster

    Publikationer
"""


def test_headings_bullets_and_experts_of_a_topic_page():
    ex = run(KOMMUNFORBUNDET)
    doc = of_type(ex, "document")[0]
    assert doc["title"] == "Digital utveckling i kommunerna" and doc["family"] == "kommunforbundet-page"
    assert doc["description"].startswith("Digitaliseringen ger")
    digione = initiative(ex, "DigiOne")
    assert digione["kind"] == "project" and digione["spans"] == [[11, 15]]
    assert initiative(ex, "Utbildning som en tjänst")["kind"] == "network"
    assert [initiative(ex, n)["kind"] for n in ("Opeka", "Vopeka", "Jopeka")] == ["service"] * 3
    # one bullet presents two tools; both keep the bullet's line
    assert initiative(ex, "Jopeka")["source"]["first_line"] == 30 == initiative(ex, "Vopeka")["source"]["first_line"]
    assert "Vopeka, Jopeka" in account(ex, 30).role
    # the expert of a sector topic is named for every initiative of the topic
    lindberg = [r for r in of_type(ex, "person") if r["source"]["first_line"] == 32][0]
    assert {ex.records[i]["name"] for i in lindberg["initiative_refs"]} == {"Opeka", "Vopeka", "Jopeka"}
    first = [r for r in of_type(ex, "person") if r["source"]["first_line"] == 15][0]
    assert [ex.records[i]["name"] for i in first["initiative_refs"]] == ["DigiOne"]
    assert first["organisation"] == "Kommunförbundet"
    every_line_accounted(ex, textwrap.dedent(KOMMUNFORBUNDET).strip("\n").split("\n"))


def test_boilerplate_navigation_and_a_list_without_experts_are_reported_by_line():
    ex = run(KOMMUNFORBUNDET)
    reasons = {a.line: a.reason for a in ex.unassigned}
    assert reasons[1] == "site banner"
    assert "opens every section" in reasons[7]
    assert "navigation" in reasons[40]
    assert "none follows" in reasons[36]
    assert any(p.line == 36 and p.field == "experts" for p in ex.problems)
    # a section whose only content is navigation has no content in the text
    assert "content is not in the text" in reasons[38]


def test_a_missing_heading_still_maps_what_can_be_read_and_says_what_is_missing():
    text = KOMMUNFORBUNDET.replace("    Sektorvis digitalisering i kommunerna\n\n", "")
    ex = run(text)
    missing = [p for p in ex.problems if p.field == "section"]
    assert any("Sektorvis digitalisering i kommunerna" in p.message for p in missing)
    # the bullets are still initiatives (a bullet presents one wherever it stands) …
    assert {"Opeka", "Vopeka", "Jopeka"} <= {r["name"] for r in of_type(ex, "initiative")}
    # … and every line is still accounted for
    every_line_accounted(ex, textwrap.dedent(text).strip("\n").split("\n"))


def test_an_expert_line_without_a_name_is_reported():
    text = KOMMUNFORBUNDET.replace("Sakkunnig vid Kommunförbundet: Irmeli Myllymäki",
                                   "Sakkunnig vid Kommunförbundet: ")
    ex = run(text)
    assert any(p.field == "experts" and "no name" in p.message for p in ex.problems)
    assert "Irmeli" not in json.dumps(ex.records, ensure_ascii=False)


def test_a_page_no_family_knows_is_read_with_the_generic_rules():
    ex = run("""
        Rubrik för sidan

        Digikommunförsöket inspirerade över 60 kommuner att utveckla sin verksamhet.
    """)
    assert any(p.field == "family" for p in ex.problems)
    assert of_type(ex, "document")[0]["title"] == "Rubrik för sidan"
    assert initiative(ex, "Digikommunförsöket")["kind"] == "project"
    figure = of_type(ex, "figure")[0]
    assert figure["value"] == 60 and figure["qualifier"] == "more-than"


def test_a_hard_wrapped_paragraph_is_joined():
    lines = ["Titel", "", "De personer som vi intervjuade lyfte fram, att om man endast fokuserar på de",
             "", "uppgifterna, går det inte att nyttja digitaliseringen."]
    classified = classify(lines, load_page_rules(), load_page_rules().generic)
    assert classified[4].kind == "continuation" and classified[4].head == 3
    assert classified[2].joined.endswith("går det inte att nyttja digitaliseringen.")


def test_dates():
    assert iso_date("16.5.2022") == "2022-05-16"
    assert iso_date("6.10.6.2022") is None
    assert iso_date("31.13.2022") is None


# ------------------------------------------------------------------ the real pages

@pytest.fixture(scope="module")
def page() -> Extraction:
    return extract_path(PAGE, extractor="page")


def test_real_page_initiatives_and_kinds(page):
    found = {r["name"]: r["kind"] for r in of_type(page, "initiative")}
    expected = {
        "Gemensamma digitala lösningar": "network", "DigiOne": "project",
        "Utbildning som en tjänst": "network",
        "Projekt för digitala medier i allmänna bibliotek": "project",
        "Incitamentssystemet för digitalisering i kommunerna": "funding",
        "Statsandelsfinansiering för undervisnings- och kulturverksamhet": "funding",
        "Opeka": "service", "Ropeka": "service", "Oppika": "service", "Vopeka": "service",
        "Jopeka": "service", "Digikilta": "network", "eVaka": "service", "KOPA": "project",
        "Annie Advisor": "service", "Forumet AKUSTI".split()[1]: "forum", "Verke": "service",
        "Ungdomskortet i Joensuu": "service", "Kaffe med Uffe": "event", "Digifika": "network",
        "Nätverk för kommunernas dataskyddsombud": "network",
        "Totalrevideringen av markanvändnings- och bygglagen och RYHTI-projektet": "project",
        "Insamling och publicering av uppgifter om vägmärken i DigiRoad-systemet": "project",
    }
    for name, kind in expected.items():
        assert found.get(name) == kind, name
    # DigiOne is presented twice (a heading and a bullet): two records, merged later
    assert [r["source"]["first_line"] for r in of_type(page, "initiative") if r["name"] == "DigiOne"] == [37, 198]
    assert initiative(page, "Ungdomskortet i Joensuu")["lead_organisation"]["code"] == "167"
    assert initiative(page, "Gemensamma digitala lösningar")["funded_by_programme"] is True
    verke = initiative(page, "Verke")
    # presented at 57 and 208; the experts of its two topics are named at 61 and 230
    assert verke["spans"] == [[57, 57], [61, 61], [208, 208], [230, 230]] and verke["origin"] == "mention"


def test_real_page_experts_with_their_initiatives(page):
    def named_for(name: str, line: int) -> set[str]:
        person = next(r for r in of_type(page, "person")
                      if r["name"] == name and r["source"]["first_line"] == line)
        return {page.records[i]["name"] for i in person["initiative_refs"]}

    assert named_for("Elisa Kettunen", 35) == {"Gemensamma digitala lösningar"}
    kettunen = next(r for r in of_type(page, "person") if r["name"] == "Elisa Kettunen")
    assert kettunen["role"] == "koordination av digitaliseringsprojekt"
    # Laura Lyly's role names the competition Klash: she is its expert too
    assert named_for("Laura Lyly", 35) == named_for("Aino Lappalainen", 35) | {"Klash"}
    assert named_for("Irmeli Myllymäki", 47) == {"Utbildning som en tjänst"}
    # an expert line without a role in parentheses names an expert ("Sakkunnig vid …")
    roles = {(r["name"], r["role"]) for r in of_type(page, "person") if r["relation"] == "expert"}
    assert ("Irmeli Myllymäki", "sakkunnig") in roles and ("Mattias Lindroth", "sakkunnig") in roles
    assert ("Laura Lyly", "tävlingen Klash och forskning") in roles
    assert named_for("Minna Lindberg", 202) >= {"Opeka", "eVaka", "KOPA", "Annie Advisor"}
    assert named_for("Päivi Tiihonen", 179) == {
        "Totalrevideringen av markanvändnings- och bygglagen och RYHTI-projektet",
        "Miljötillstånd och tillsyn", "Utveckling av det riksomfattande adressregistersystemet",
        "Insamling och publicering av uppgifter om vägmärken i DigiRoad-systemet",
        "Revidering av naturvårdslagen och hantering av naturdata"}
    lindroth = next(r for r in of_type(page, "person") if r["name"] == "Mattias Lindroth")
    assert lindroth["topic"] == "Informationshantering i kommunerna"
    named = {(r["name"], r["role"]) for r in of_type(page, "person") if r["relation"] == "named"}
    assert ("Mika Joensuu", "chef för ungdomsväsendet i Hyvinge") in named
    assert ("Ulf Stenman", "direktör för Kommunförbundet svenska verksamhet") in named


def test_real_page_experts_of_a_topic_are_named_for_its_initiatives_in_running_text(page):
    """000:55–61 and 000:204–230: the expert of a topic is the expert of Verke and of the
    documentation system the topic presents in its paragraphs, not only of its headings."""
    walker = {r["source"]["first_line"]: {page.records[i]["name"] for i in r["initiative_refs"]}
              for r in of_type(page, "person") if r["name"] == "Mari Ahonen-Walker"}
    assert walker[61] == {"Verke"}
    assert walker[230] == {"Ungdomstjänsterna i Hyvinge", "Digitalt ungdomsarbete i Rovaniemi",
                           "Ungdomskortet i Joensuu", "Verke",
                           "Nationellt dokumentationssystem för det kommunala ungdomsarbetet"}
    # the expert line of a topic is a span of its own, not a stretch over the other headings
    assert initiative(page, "Ungdomstjänsterna i Hyvinge")["spans"] == [[212, 218], [230, 230]]
    assert initiative(page, "Digitalt ungdomsarbete i Rovaniemi")["spans"] == [[220, 224], [230, 230]]
    # the experts of the education topic are not named for Klash, only mentioned in a bullet there
    lindberg = next(r for r in of_type(page, "person") if r["source"]["first_line"] == 202)
    assert "Klash" not in {page.records[i]["name"] for i in lindberg["initiative_refs"]}


def test_real_page_competition_tools_and_funding_channels(page):
    klash = initiative(page, "Klash")
    assert (klash["kind"], klash["spans"]) == ("event", [[35, 35], [200, 200]])
    assert klash["description"] == ["Annie Advisor är en av innovationstävlingen Klash vinnarlösningar "
                                    "till stöd för främjandet av studier."]
    # 000:115 names four services in one sentence: four initiatives, the line says so
    tools = {name: initiative(page, name) for name in ("Digituki", "Digimaturity", "Apuadigiin", "eOppivaa")}
    assert {t["kind"] for t in tools.values()} == {"service"}
    assert all(t["spans"] == [[115, 115]] for t in tools.values())
    assert tools["Digimaturity"]["lead_organisation"] == {"key": "teknologian-tutkimuskeskus-vtt-oy"}
    assert account(page, 115).role == "mention of Digituki, Digimaturity, Apuadigiin, eOppivaa"
    # 000:101–109: the state-share heading, then three paragraphs naming who grants: four channels
    channels = {r["name"]: r for r in of_type(page, "initiative") if r["origin"] == "paragraph"}
    assert {n: (r["kind"], r["funder"]["name"], r["spans"]) for n, r in channels.items()} == {
        "Understöd från Undervisnings- och kulturministeriet":
            ("funding", "Undervisnings- och kulturministeriet", [[105, 105]]),
        "Projektfinansiering och riktat statsunderstöd för personalutbildning från Utbildningsstyrelsen":
            ("funding", "Utbildningsstyrelsen", [[107, 107]]),
        "Utvecklingsunderstöd från Regionförvaltningsverket":
            ("funding", "Regionförvaltningsverket", [[109, 109]])}
    state_share = initiative(page, "Statsandelsfinansiering för undervisnings- och kulturverksamhet")
    assert state_share["spans"] == [[101, 103]] and len(state_share["description"]) == 1
    # the programme's own heading keeps its first paragraph ("Finansministeriet beviljar …")
    assert initiative(page, "Incitamentssystemet för digitalisering i kommunerna")["spans"][0] == [97, 99]


def test_a_funding_channel_rule_needs_a_funder_group(tmp_path):
    from publisher.build.extract.page_rules import PageRulesError

    path = tmp_path / "rules.toml"
    path.write_text("[families.x]\nfunding_channels = [ { pattern = '^(?P<what>\\w+) beviljas', "
                    "name = '{what}' } ]\n", encoding="utf-8")
    with pytest.raises(PageRulesError, match="funding_channels entry 1: needs a pattern with a group 'funder'"):
        load_page_rules(path)


def test_real_page_concepts_figures_and_line_accounts(page):
    concepts = {r["key"]: r["source"]["first_line"] for r in of_type(page, "concept")}
    assert concepts == {"semantic": 129, "technical": 131, "legal": 133, "organisational": 135}
    calls = of_type(page, "figure")[0]
    assert (calls["measure"], calls["value"], calls["source"]["first_line"]) == ("funding-calls", 3, 99)
    every_line_accounted(page, PAGE.read_text(encoding="utf-8").split("\n"))
    assert {a.line for a in page.unassigned} == {1, 7, 250, 260, 266, 268, 270, 272, 274, 276}
    assert {p.line for p in page.problems} == {None, 99, 250, 260, 274}
    assert any(p.field == "date" and p.line is None for p in page.problems)


def test_real_blog_post_of_kommunforbundet():
    ex = extract_path(BLOG, extractor="page")
    doc = of_type(ex, "document")[0]
    assert (doc["family"], doc["date"], doc["genre"]) == ("kommunforbundet-blog", "2022-05-16", "blog post")
    author = ex.records[doc["authors"][0]["record"]]
    assert (author["name"], author["organisation"]) == ("Elisa Kettunen", "Kommunförbundet")
    assert author["role"] == "utvecklingschef för digitaliseringen i kommunerna" and author["twitter"] == "elisakettunen"
    week = initiative(ex, "Kommunernas digitaliseringsvecka 2022")
    assert (week["kind"], week["start_date"], week["end_date"]) == ("event", "2022-06-06", "2022-06-10")
    assert week["labels"] == {"fi": "Kuntien digitalisointiviikko"} and "Digiveckan" in week["alt_names"]
    assert week["urls"] == ["www.kommunforbundet.fi/digivecka"]
    assert any(p.line == 51 and p.field == "date" for p in ex.problems)
    assert not ex.unassigned


def test_real_blog_post_of_the_agency():
    ex = extract_path(DVV, extractor="page")
    doc = of_type(ex, "document")[0]
    assert (doc["date"], doc["time"]) == ("2022-01-17", "15.49")
    assert [a["name"] for a in doc["authors"]] == ["Mirva Gullman", "Mika Lillman"]
    assert {ex.records[a["record"]]["organisation"] for a in doc["authors"]} == {
        "Myndigheten för digitalisering och befolkningsdata"}
    figures = {r["measure"]: (r["value"], r["date"], r["source"]["first_line"]) for r in of_type(ex, "figure")}
    assert figures == {"municipalities": (309, "2022-01-17", 11), "population": (5631879, "2022-01-17", 42)}
    training = initiative(ex, "Utbildning i digitalt stöd till kommunerna")
    assert training["partners"] == [{"key": "haus-kehittamiskeskus"}]
    assert {a.line for a in ex.unassigned} == {1, 3, 38, 40}


def test_real_press_release():
    ex = extract_path(PRESS, extractor="page")
    doc = of_type(ex, "document")[0]
    assert (doc["publisher"], doc["date"], doc["genre_as_written"]) == ("Finansministeriet", "2019-03-07", "Pressmeddelande")
    assert doc["tags"] == ["Kommunärenden", "Offentliga förvaltningens ICT"]
    experiment = initiative(ex, "Digikommunförsöket")
    assert experiment["lead_organisation"] == {"key": "valtiovarainministerio"}
    figure = of_type(ex, "figure")[0]
    assert (figure["value"], figure["qualifier"], figure["date"]) == (60, "more-than", "2019-03-07")
    assert ex.records[figure["subject"]["initiative_ref"]]["name"] == "Digikommunförsöket"
    assert figure["spans"] == [[4, 4], [12, 12]]
    contact = next(r for r in of_type(ex, "person") if r["relation"] == "contact")
    assert (contact["name"], contact["role"], contact["phone"]) == ("Suvi Savolainen", "specialsakkunnig", "02955 30122")
    assert [ex.records[i]["name"] for i in contact["initiative_refs"]] == ["Digikommunförsöket"]
    assert {a.line for a in ex.unassigned} == {1, 2}


def test_cli_report_accounts_for_every_line_of_a_page():
    run_ = subprocess.run([sys.executable, "-m", "publisher.cli", "extract", str(PAGE), "--report",
                           "--format", "json"], capture_output=True, text=True, cwd=PROJECT)
    assert run_.returncode == 0, run_.stderr
    report = json.loads(run_.stdout)
    counts = report["counts"]
    assert report["extractor"] == "page"
    assert counts["assigned_lines"] + counts["unassigned_lines"] == counts["non_empty_lines"]
    assert all(u["reason"] for u in report["unassigned"])


def test_a_short_first_line_is_the_title_even_without_blank_lines(tmp_path):
    path = tmp_path / "sivu.txt"
    path.write_text("Otsikko\nTeksti.\n", encoding="utf-8")
    ex = extract_path(path, extractor="page")
    assert ex.extractor == "page"
    assert [(r["type"], r["title"]) for r in ex.records] == [("document", "Otsikko")]
    assert [(a.line, a.role) for a in ex.line_accounts] == [(1, "title"), (2, "lead")]
