"""Pages speak their own language about languages: a fallback note says "shown in Finnish" on
an English page, "näytetään suomeksi" on a Finnish one, "visas på finska" on a Swedish one; the
"(fi)" mark appears only where a label really is in another language (an @en name equal to the
Finnish one is English, not a fallback). Real pages of the test release, both stores."""
from __future__ import annotations

import re

import pytest

from publisher.i18n import LANGUAGES

#: a language's name in each page language
NAMES = {"fi": {"fi": "suomi", "sv": "ruotsi", "en": "englanti"},
         "sv": {"fi": "finska", "sv": "svenska", "en": "engelska"},
         "en": {"fi": "Finnish", "sv": "Swedish", "en": "English"}}
NOTES = {"fi": "Ei saatavilla valitulla kielellä; näytetään {}.",
         "sv": "Inte tillgängligt på valt språk; visas på {}.",
         "en": "Not available in the chosen language; shown in {}."}
IN_LANGUAGE = {"fi": {"fi": "suomeksi", "sv": "ruotsiksi", "en": "englanniksi"},
               "sv": NAMES["sv"], "en": NAMES["en"]}

PAGES = ["/", "/projects", "/def/", "/doc/project/kuntien-evaka",
         "/doc/project/digital-kundtjanst", "/doc/project/digitaalinen-asiointi",
         "/doc/organisation/049", "/doc/organisation/179", "/doc/theme/early-education",
         "/doc/status/ongoing", "/doc/build/test-1", "/doc/document/000-a99be5f9b8218adf"]

#: where a page names a language: marks, notes, headings of other language versions
LANGUAGE_PLACES = [r'<small class="lang-tag"[^>]*>(.*?)</small>',
                   r'class="fallback" title="([^"]*)"', r'<p class="fallback-note">(.*?)</p>', r'<h3 class="lang-heading">(.*?)</h3>',
                   r'<details class="other-languages"><summary>(.*?)</summary>']


def note(page_lang: str, shown_lang: str) -> str:
    return NOTES[page_lang].format(IN_LANGUAGE[page_lang][shown_lang])


def main(client, path: str, lang: str) -> str:
    response = client.get(f"{path}?lang={lang}", headers={"Accept": "text/html"})
    assert response.status_code == 200, path
    return response.data.decode().split("<main", 1)[1].split("</main>", 1)[0]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_languages_are_named_in_the_pages_language(client, lang):
    foreign = {name for other, names in NAMES.items() if other != lang for name in names.values()}
    foreign |= {name for other, names in IN_LANGUAGE.items() if other != lang
                for name in names.values()}
    named = 0
    for path in PAGES:
        page = main(client, path, lang)
        for place in LANGUAGE_PLACES:
            for text in re.findall(place, page, re.S):
                words = set(re.findall(r"\w+", text))
                assert not words & foreign, (path, text)
                named += bool(words & (set(NAMES[lang].values()) | set(IN_LANGUAGE[lang].values())))
    assert named > 10


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_code_mark_appears_only_on_a_real_fallback(client, lang):
    marks = 0
    for path in PAGES:
        page = main(client, path, lang)
        for code in re.findall(r"\((fi|sv|en)\)", page):
            assert code != lang, (path, code)            # never the page's own language
        for found in re.finditer(r'<span lang="(\w+)" class="fallback" title="([^"]*)">[^<]*'
                                 r'</span><small class="lang-tag" title="([^"]*)"><span '
                                 r'aria-hidden="true"> \((\w+)\)</span>', page):
            shown, title, tag_title, code = found.groups()
            assert shown == code != lang and title == tag_title == note(lang, code), path
            marks += 1
        # every visible code is one of those marks (or a fallback in a list's <option>)
        plain = len(re.findall(r'<span aria-hidden="true"> \((?:fi|sv|en)\)</span>', page))
        options = re.findall(r"<option[^>]*>[^<]*\((fi|sv|en)\) \(\d+\)</option>", page)
        assert len(re.findall(r"\((?:fi|sv|en)\)", page)) == plain + len(options), path
    assert marks > 3


@pytest.mark.parametrize("lang, marked", [("fi", False), ("sv", True), ("en", True)])
def test_a_name_in_finnish_only_is_marked_outside_finnish(client, lang, marked):
    page = main(client, "/doc/organisation/179", lang)
    heading = page.split("<h1>", 1)[1].split("</h1>", 1)[0]
    assert ("class=\"fallback\"" in heading) is marked
    assert (note(lang, "fi") in heading) is marked
    data = client.get(f"/doc/organisation/179.json?lang={lang}").json
    assert data["label"] == {"value": "Jyväskylä", "lang": "fi", "fallback": marked}


@pytest.mark.parametrize("lang, name", [("fi", "Espoo"), ("sv", "Esbo"), ("en", "Espoo")])
def test_a_municipality_has_a_name_in_every_language_unmarked(client, lang, name):
    page = main(client, "/doc/organisation/049", lang)
    assert f'<h1><span lang="{lang}">{name}</span></h1>' in page
    data = client.get(f"/doc/organisation/049.json?lang={lang}").json
    assert data["label"] == {"value": name, "lang": lang, "fallback": False}
    names = page.split("<dd>", 1)[1].split("</dd>", 1)[0]      # every language, named in lang's
    assert [NAMES[lang][code] for code in ("fi", "sv", "en")] == re.findall(
        r'<small class="lang-tag"> \(([^)]+)\)</small>', names)
    listed = main(client, "/projects", lang)                  # as a lead in the project list
    assert f'<span lang="{lang}">{name}</span></a></td>' in listed


@pytest.mark.parametrize("lang", LANGUAGES)
def test_fallback_notes_name_the_language_shown(client, lang):
    swedish_project = main(client, "/doc/project/digital-kundtjanst", lang)
    finnish_project = main(client, "/doc/project/kuntien-evaka", lang)
    if lang == "sv":
        assert "fallback" not in swedish_project.split("</h1>")[0]
    else:
        assert f'<p class="fallback-note">{note(lang, "sv")}</p>' in swedish_project
    if lang == "fi":
        assert "fallback" not in finnish_project.split("</h1>")[0]
    else:
        assert f'<p class="fallback-note">{note(lang, "fi")}</p>' in finnish_project
        assert f'title="{note(lang, "fi")}"><span aria-hidden="true"> (fi)</span>' in \
            finnish_project
