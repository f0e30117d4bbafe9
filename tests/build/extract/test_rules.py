"""The word lists of the catalogue extractor and the quick tests derived from them."""
from __future__ import annotations

import random

import pytest

from publisher.build.extract.catalogue_rules import (WORD_RE, PhraseTest, load_rules, phrase_key,
                                     short_phrase_key, text_words, word_key)

#: Characters that a catalogue line may hold, and some it should not but might.
ALPHABET = ("abcdefghijklmnopqrstuvwxyzåäöÅÄÖABCXYZéüßæøÉ0123456789 .,;:!?()-–—”’'\"/&%@"
            "\t\n\u00a0\u2028\x01\x02\x03\x7f\u0130ĥ€😀")


@pytest.mark.parametrize("seed", range(5))
def test_text_words_are_the_words_of_the_word_pattern(seed):
    rng = random.Random(seed)
    for _ in range(400):
        text = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 60))).casefold()
        assert text_words(text) == [word_key(w) for w in WORD_RE.findall(text)], repr(text)


def test_text_words_of_a_catalogue_sentence():
    folded = "Hankkeen tavoitteena on, että ”Kaselli”-alusta – ja/tai för att…".casefold()
    assert text_words(folded) == [word_key(w) for w in (
        "hankkeen", "tavoitteena", "on", "että", "kaselli", "alusta", "ja", "tai", "för", "att")]


def test_language_scores_count_swedish_up_and_finnish_down():
    scores = load_rules().language_scores
    assert scores[word_key("och")] == 1 and scores[word_key("että")] == -1
    assert word_key("hanke") in scores and word_key("kunta") not in scores


@pytest.mark.parametrize("text", [
    "HANKE ON PÄÄTTYNYT.", "Hanke  on\tpäättynyt", "HANKE ON PÄÄTTYNYT .", "hanke on päättynyt ..",
    "Hanke on päättynyt, mutta ylikunnallinen digistrategiatyö jatkuu.", "Mikä muuttuu?", ".",
])
def test_a_short_phrase_key_is_the_phrase_key_of_any_text_that_could_match(text):
    """Rejecting by word count must never reject a text whose key has few enough words."""
    key = phrase_key(text)
    for words in range(1, 6):
        short = short_phrase_key(text, words)
        if len(key.split()) <= words:
            assert short == key
        else:
            assert short in (None, key)


def test_a_phrase_test_rejects_by_first_letter_and_word_count_only_what_cannot_match():
    test = PhraseTest.of(["hanke on päättynyt", "projektet har avslutats"])
    assert test.initials == {"h", "p"} and test.words == 3
    assert test.key_of("HANKE ON PÄÄTTYNYT.") == "hanke on päättynyt"
    assert test.key_of("Hanke  on\tpäättynyt .") == "hanke on päättynyt"
    assert test.key_of("Hanke on päättynyt, mutta työ jatkuu.") is None
    assert test.key_of("Kunta kuuluu kaikille") is None
    assert PhraseTest.of(["mikä muuttuu?", ""]).initials is None
    rules = load_rules()
    for key in rules.headings:
        assert rules.heading_test.key_of(key) == key
