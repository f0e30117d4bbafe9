"""The message catalogues against the code: every text the package and its templates ask for
(extracted as `make messages` does, from babel.cfg) is in the fi, sv and en catalogues, the
Finnish and Swedish ones translate it, and the compiled catalogues are not older than what a
translator last edited."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from publisher.i18n import LANGUAGES, catalogue_path

ROOT = Path(__file__).resolve().parents[2]
TRANSLATED = ("fi", "sv")
#: texts that are the same in every language
SAME_EVERYWHERE = {"Kuntadigi", "SHA-256"}


@lru_cache(maxsize=1)
def extracted() -> dict[tuple[str | None, str], tuple[str, ...]]:
    """(context, msgid) → the message's forms, from the sources babel.cfg names."""
    with (ROOT / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    found: dict[tuple[str | None, str], tuple[str, ...]] = {}
    for _, _, message, _, context in extract_from_dir(
            ROOT, method_map, options_map, directory_filter=_source_folder):
        forms = message if isinstance(message, tuple) else (message,)
        found[(context, forms[0])] = forms
    return found


def _source_folder(path: str) -> bool:
    return not Path(path).name.startswith((".", "_")) and Path(path).name != "node_modules"


def catalogue(lang: str) -> Catalog:
    with catalogue_path(lang, ".po").open("rb") as stream:
        return read_po(stream)


def test_the_sources_ask_for_texts() -> None:
    messages = extracted()
    assert len(messages) > 200
    assert (None, "Home") in messages and (None, "SHACL validation report") in messages
    assert messages[(None, "project")] == ("project", "projects")
    # ids marked where they are written (N_) and looked up elsewhere
    assert (None, "At least %(minCount)s value(s) required") in messages
    assert (None, "Service unavailable") in messages


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_text_is_in_the_catalogue(lang: str) -> None:
    entries = {(m.context, m.id if isinstance(m.id, str) else m.id[0]): m
               for m in catalogue(lang) if m.id}
    missing = sorted(key[1] for key in extracted() if key not in entries)
    assert missing == [], f"run `make messages`, then translate: {missing}"
    stale = sorted(key[1] for key in entries if key not in extracted())
    assert stale == [], f"no longer in the code (run `make messages`): {stale}"
    for key, forms in extracted().items():
        entry = entries[key]
        plural = isinstance(entry.id, tuple)
        assert plural == (len(forms) > 1), key
        if plural:
            assert tuple(entry.id) == forms, key


@pytest.mark.parametrize("lang", TRANSLATED)
def test_finnish_and_swedish_translate_every_text(lang: str) -> None:
    po = catalogue(lang)
    assert po.num_plurals == 2
    untranslated = [m.id for m in po if m.id and (
        m.fuzzy or not all(m.string if isinstance(m.string, tuple) else (m.string,)))]
    assert untranslated == []
    problems = [(m.id, [str(e) for e in errors]) for m, errors in po.check()]
    assert problems == []                  # e.g. %(name)s placeholders that differ from the id


def test_translations_differ_from_english() -> None:
    """A text left in English in both catalogues was copied, not translated."""
    fi, sv = catalogue("fi"), catalogue("sv")
    copied = [m.id for m in fi if m.id and isinstance(m.id, str) and m.id not in SAME_EVERYWHERE
              and m.string == m.id == sv.get(m.id, context=m.context).string]
    assert copied == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_compiled_catalogues_are_current(lang: str) -> None:
    compiled, source = catalogue_path(lang), catalogue_path(lang, ".po")
    assert compiled.is_file(), f"{compiled} is missing: run `make catalogues`"
    assert compiled.stat().st_mtime >= source.stat().st_mtime, \
        f"{compiled} is older than {source.name}: run `make catalogues`"
