"""The themes stage: rules on small texts, then the real rules on the real catalogue."""
from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import SKOS

from publisher.config import PROJECT_ROOT
from publisher.build.extract import read_source_text
from publisher.build.sources import extract_path
from publisher.build.themes import (TITLE_ROLES, TextLine, ThemeRulesError, ThemeText, assign,
                              assign_all, load_theme_rules, report)

RULES = """
version = "1"
default_min_matches = 2
short_description_words = 10
exclude_roles = ["contact"]
[[rules]]
id = "kirjastot"
theme = "kulttuuri"
patterns = ['kirjasto', 'bibliotek']
[[rules]]
id = "turva"
theme = "tietoturva"
min_matches = 1
patterns = ['tietoturv']
"""


@pytest.fixture
def rules(tmp_path: Path):
    path = tmp_path / "themes.toml"
    path.write_text(RULES, encoding="utf-8")
    return load_theme_rules(path)


def text(*lines: tuple[str, bool]) -> ThemeText:
    t = ThemeText("https://x/id/project/p", "P")
    t.lines = [TextLine("004.txt", n, line, title) for n, (line, title) in enumerate(lines, start=1)]
    return t


LONG = "Hankkeessa kehitetään kunnan palveluja monella tavalla yhdessä asukkaiden kanssa koko vuoden ajan."


def test_one_match_in_the_title_is_enough(rules) -> None:
    [a] = assign(text(("Kirjastojen digiloikka", True), (LONG, False)), rules)
    assert (a.theme, a.rule) == ("kulttuuri", "kirjastot")
    assert str(a.hits[0]) == "'Kirjasto' 004.txt:1 (title)"


def test_a_long_description_needs_the_minimum_number_of_matches(rules) -> None:
    assert assign(text(("Hanke", True), (LONG + " Kirjasto on mukana.", False)), rules) == []
    found = assign(text(("Hanke", True), (LONG + " Kirjasto ja toinen kirjasto.", False)), rules)
    assert [a.theme for a in found] == ["kulttuuri"] and len(found[0].hits) == 2
    # a rule with min_matches = 1 needs one
    assert [a.theme for a in assign(text(("Hanke", True), (LONG + " Tietoturva.", False)), rules)] == ["tietoturva"]


def test_a_short_description_needs_one_match(rules) -> None:
    assert [a.theme for a in assign(text(("Hanke", True), ("Biblioteket är öppet.", False)), rules)] == ["kulttuuri"]


def test_resources_without_theme_are_reported(rules) -> None:
    texts = [text(("Kirjasto", True)), ThemeText("https://x/id/project/q", "Q")]
    result, without = assign_all(texts, rules)
    assert [t.resource for t in without] == ["https://x/id/project/q"]
    summary = report(texts, result, rules)
    assert summary["without_theme"] == [{"resource": "https://x/id/project/q", "label": "Q"}]
    assert summary["assigned"][0]["themes"][0]["words"] == ["'Kirjasto' 004.txt:1 (title)"]


def test_bad_rules_are_named(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text('[[rules]]\nid = "x"\ntheme = "y"\npatterns = ["("]\n', encoding="utf-8")
    with pytest.raises(ThemeRulesError, match="rule x"):
        load_theme_rules(path)


def test_every_rule_names_a_theme_of_the_scheme() -> None:
    rules = load_theme_rules(PROJECT_ROOT / "mappings" / "themes.toml")
    scheme = Graph().parse(PROJECT_ROOT / "ontology" / "themes.ttl")
    concepts = {str(s).rsplit("/", 1)[1] for s in scheme.subjects(SKOS.inScheme, None)}
    assert {r.theme for r in rules.rules} <= concepts
    assert concepts <= {r.theme for r in rules.rules}, "a theme no rule can give"
    for concept in concepts:
        labels = {l.language for l in scheme.objects(URIRef(f"https://data.kuntadigi.example/id/theme/{concept}"),
                                                     SKOS.prefLabel)}
        assert labels == {"fi", "sv", "en"}, concept


def test_every_catalogue_project_gets_a_theme() -> None:
    rules = load_theme_rules(PROJECT_ROOT / "mappings" / "themes.toml")
    path = PROJECT_ROOT / "mappings" / "sources" / "004_f0ab20c46da3f21c.txt"
    extraction = extract_path(path, extractor="catalogue")
    lines = read_source_text(path)
    roles = {a.line: a.role for a in extraction.line_accounts}
    texts = []
    for record in extraction.records:
        t = ThemeText(record["key"], record.get("title") or record["key"])
        first, last = record["source"]["first_line"], record["source"]["last_line"]
        t.lines = [TextLine(path.name, n, lines[n - 1], roles[n].startswith(TITLE_ROLES))
                   for n in range(first, last + 1) if roles.get(n) and not rules.excluded(roles[n])]
        texts.append(t)
    _, without = assign_all(texts, rules)
    assert [t.label for t in without] == []


# ------------------------------------------------------------------ the index finds what a full scan finds

def every_pattern_over_every_line(text: ThemeText, rules) -> list[tuple]:
    """The plain reading of the rules (every pattern of every rule over every line), as the
    stage did before it had an index: what the indexed stage must give, exactly."""
    lines = list({(l.document, l.line): l for l in reversed(text.lines)}.values())[::-1]
    body_words = sum(len(line.text.split()) for line in lines if not line.title)
    found: dict[str, tuple] = {}
    for rule in rules.rules:
        raw = [(m.group(0), line.document, line.line, line.title, m.start())
               for line in lines for pattern in rule.patterns for m in pattern.finditer(line.text)]
        kept: list[tuple] = []
        for hit in sorted(raw, key=lambda h: (h[1], h[2], h[4], -len(h[0]))):
            if not any(o[1:3] == hit[1:3] and o[4] < hit[4] + len(hit[0]) and hit[4] < o[4] + len(o[0])
                       for o in kept):
                kept.append(hit)
        needed = 1 if body_words < rules.short_description_words else rule.min_matches
        if any(h[3] for h in kept) or sum(1 for h in kept if not h[3]) >= needed:
            if rule.theme in found:
                found[rule.theme][2].extend(h for h in kept if h not in found[rule.theme][2])
            else:
                found[rule.theme] = (rule.theme, rule.id, kept)
    return [(theme, rule, [tuple(h) for h in hits]) for theme, rule, hits in found.values()]


def indexed(text: ThemeText, rules) -> list[tuple]:
    return [(a.theme, a.rule, [tuple(h) for h in a.hits]) for a in assign(text, rules)]


def generated_texts(records: int) -> list[ThemeText]:
    """Texts of a generated catalogue: each record's lines, its first line the title."""
    import importlib.util
    import sys

    spec = importlib.util.spec_from_file_location("bench_gen", PROJECT_ROOT / "bench/gen.py")
    gen = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = gen
    spec.loader.exec_module(gen)
    texts = []
    for n, record in enumerate(gen.generate(records, seed=11)):
        t = ThemeText(f"https://x/id/project/{n}", str(n))
        t.lines = [TextLine("gen.txt", 1000 * n + i, line, i == 0)
                   for i, line in enumerate(record.lines) if line.strip()]
        texts.append(t)
    return texts


TRICKY = """
version = "1"
default_min_matches = 2
short_description_words = 12
[[rules]]
id = "fixed"
theme = "a"
patterns = ['raportoin', 'tiedolla johta', 'suomi\\.fi', 'sis']
[[rules]]
id = "shapes"
theme = "b"
patterns = ['(?<!tieto)liikenne', 'koulu(?!t)', 'koulukuljetu', '\\b3d\\b', '^Hanke', 'loppu$',
            '(?:kuntalais|asukas)palaut', 'a|b', '[A-Z]{3,}', 'sähköi\\w* (?:asioin|palvelu)']
[[rules]]
id = "same-theme"
theme = "a"
min_matches = 1
patterns = ['raportointi\\w*', 'RAPORT']
[[rules]]
id = "nothing-needed"
theme = "c"
min_matches = 0
patterns = ['ei koskaan']
"""


def test_the_index_gives_exactly_what_every_pattern_over_every_line_gives(tmp_path: Path) -> None:
    path = tmp_path / "tricky.toml"
    path.write_text(TRICKY, encoding="utf-8")
    tricky = load_theme_rules(path)
    real = load_theme_rules(PROJECT_ROOT / "mappings" / "themes.toml")
    hand = text(("Hanke: SUOMI.FI ja RAPORTOINTI, raportoinnin raportointi", True),
                ("Koulukuljetus ja koulu; tietoliikenne ja liikenne; 3D-malli ja 3d; loppu", False),
                ("Kuntalaispalaute, asukaspalautteet. Sähköiset asiointipalvelut. ſis İs ΣΊΣ.", False),
                ("Tiedolla johtaminen\tja TIEDOLLA  JOHTAMINEN, raportoinraportoin", False))
    for rules in (tricky, real):
        for t in [hand] + generated_texts(150):
            assert indexed(t, rules) == every_pattern_over_every_line(t, rules), t.label


def test_a_pattern_without_plain_words_is_tried_on_every_line(tmp_path: Path) -> None:
    path = tmp_path / "t.toml"
    path.write_text(TRICKY, encoding="utf-8")
    rules = load_theme_rules(path)
    assert rules.index.always, "'a|b' and '[A-Z]{3,}' need no word"
    [(theme, _, hits)] = indexed(text(("XYZ", True)), rules)[:1]
    assert theme == "b" and hits[0][0] == "XYZ"


# ------------------------------------------------------------------ the real rules on the lines that misfired

def catalogue_text(*spans: tuple[int, int]) -> ThemeText:
    """Lines of the real catalogue, the first one its title."""
    path = PROJECT_ROOT / "mappings" / "sources" / "004_f0ab20c46da3f21c.txt"
    lines = read_source_text(path)
    t = ThemeText("https://x/id/project/p", "P")
    numbers = [n for first, last in spans for n in range(first, last + 1)]
    t.lines = [TextLine(path.name, n, lines[n - 1], n == numbers[0]) for n in numbers]
    return t


@pytest.fixture(scope="module")
def real_rules():
    return load_theme_rules(PROJECT_ROOT / "mappings" / "themes.toml")


def themes_of(t: ThemeText, rules) -> set[str]:
    return {a.theme for a in assign(t, rules)}


def test_real_rules_read_words_in_their_sense(real_rules) -> None:
    # 004:820–839 "digiassistentti on vasta aloittanut": started, not a resident's initiative
    assert "osallisuus" not in themes_of(catalogue_text((820, 839)), real_rules)
    # 004:207–221 the feedback, initiative and participation service, with participatory budgeting
    service = themes_of(catalogue_text((207, 221)), real_rules)
    assert "osallisuus" in service and "talous-ja-henkilostohallinto" not in service
    # 004:704–705 strategic competence is not a digital skill; 004:172–173 IT skills are
    assert "digiosaaminen-ja-digituki" not in themes_of(catalogue_text((704, 705)), real_rules)
    assert "digiosaaminen-ja-digituki" in themes_of(catalogue_text((172, 173)), real_rules)
    # 004:19–23 eVaka: open source code does not make it an information-management project
    evaka = themes_of(catalogue_text((19, 23)), real_rules)
    assert evaka == {"kasvatus-ja-koulutus"}
    # 004:114–119 a city app with a route guide among its features is not about transport,
    # but its survey and voting functions are participation
    app = themes_of(catalogue_text((114, 119)), real_rules)
    assert "liikenne" not in app and "osallisuus" in app
    # 004:503–511 the project's own communication is not the municipality's
    assert "asiakaspalvelu-ja-viestinta" not in themes_of(catalogue_text((503, 511)), real_rules)
    # 004:589–594 ICT service management and procurement: digital governance
    assert "digitalisaation-johtaminen" in themes_of(catalogue_text((589, 594)), real_rules)
    # 004:87–89 a platform for older people at home: welfare
    assert "sosiaali-ja-terveyspalvelut" in themes_of(catalogue_text((87, 89)), real_rules)
