"""The themes stage: rules on small texts, then the real rules on the real catalogue."""
from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import SKOS

from publisher.config import PROJECT_ROOT
from publisher.extract import extract_path, read_source_text
from publisher.themes import (TITLE_ROLES, TextLine, ThemeRulesError, ThemeText, assign,
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
