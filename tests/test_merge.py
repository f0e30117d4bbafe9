"""The merge stage: its rules on small candidate lists, and the real rules file."""
from __future__ import annotations

from pathlib import Path

from publisher.config import PROJECT_ROOT
from publisher.merge import PROGRAMME, Candidate, load_merge_rules, merge

RULES = """
version = "1"
generic_words = ["kuntien", "projektet", "natverket", "i", "som", "en"]
min_shared_word = 5
max_word_frequency = 3
[[rules]]
id = "same-core-name"
[[rules]]
id = "catalogue-records-are-distinct"
extractor = "catalogue"
[[same]]
id = "kopa"
names = ["KOPA", "Utbildning som en tjänst"]
reason = "the page says so"
[[same]]
id = "scheme"
names = ["Incitamentssystemet"]
canonical = "programme"
[[different]]
id = "two-trainings"
names = ["Utbildning som en tjänst", "Utbildning i digitalt stöd"]
reason = "different things"
"""


def candidate(position: int, index: int, name: str, extractor: str = "page", line: int = 1,
              *more: str) -> Candidate:
    return Candidate((position, index), f"{position:03d}.txt", extractor, name, (name, *more),
                     line, line)


def rules(tmp_path: Path):
    path = tmp_path / "merge.toml"
    path.write_text(RULES, encoding="utf-8")
    return load_merge_rules(path)


def test_core_names_drop_generic_words_and_fold(tmp_path: Path) -> None:
    r = rules(tmp_path)
    assert r.core("Kuntien eVaka") == r.core("eVaka") == "evaka"
    assert r.core("Nätverket Gemensamma digitala lösningar") == "gemensamma digitala losningar"


def test_same_core_name_merges_across_sources_into_the_catalogue_record(tmp_path: Path) -> None:
    catalogue = candidate(1, 2, "Kuntien eVaka", "catalogue", 19)
    page = candidate(0, 31, "eVaka", "page", 196)
    result = merge([page, catalogue], rules(tmp_path))
    assert result.canonical[page.id] == catalogue.id == result.canonical[catalogue.id]
    assert result.is_secondary(page.id) and not result.is_secondary(catalogue.id)
    [decision] = result.merged()
    assert decision["rules"] == ["same-core-name"]
    assert decision["into"]["name"] == "Kuntien eVaka"


def test_catalogue_records_with_equal_names_stay_apart_and_are_reported(tmp_path: Path) -> None:
    a = candidate(0, 1, "Tiedolla johtaminen", "catalogue", 151)
    b = candidate(0, 9, "Tiedolla johtaminen", "catalogue", 434)
    result = merge([a, b], rules(tmp_path))
    assert not result.merged()
    [decision] = result.not_merged()
    assert "catalogue-records-are-distinct" in decision["reason"]


def test_explicit_same_different_and_programme(tmp_path: Path) -> None:
    network = candidate(0, 7, "Utbildning som en tjänst", "page", 43)
    kopa = candidate(0, 32, "KOPA", "page", 197)
    training = candidate(2, 3, "Utbildning i digitalt stöd", "page", 13)
    scheme = candidate(0, 13, "Incitamentssystemet", "page", 97)
    mention = candidate(3, 3, "Incitamentssystemet", "page", 22)
    result = merge([network, kopa, training, scheme, mention], rules(tmp_path))
    assert result.canonical[kopa.id] == network.id
    assert result.canonical[scheme.id] == PROGRAMME == result.canonical[mention.id]
    assert result.canonical[training.id] == training.id
    apart = [d for d in result.not_merged() if "two-trainings" in d["reason"]]
    assert apart and "utbildning" in apart[0]["considered_because"]


def test_the_real_rules_file_loads() -> None:
    real = load_merge_rules(PROJECT_ROOT / "mappings" / "merge-rules.toml")
    assert "catalogue" in real.distinct_extractors
    assert any(rule.canonical == PROGRAMME for rule in real.same)
