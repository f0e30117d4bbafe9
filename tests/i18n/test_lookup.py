"""publisher.i18n: the one lookup of texts, from Python and from Jinja templates."""
from __future__ import annotations

import pytest
from jinja2 import DictLoader, Environment, select_autoescape

from publisher import i18n
from publisher.i18n import N_, CatalogueMissing, texts, translate


def test_a_text_in_each_language() -> None:
    assert [texts(lang).gettext("Home") for lang in i18n.LANGUAGES] == [
        "Etusivu", "Startsida", "Home"]
    assert texts("de").gettext("Home") == "Home"          # another language: English
    assert texts("fi").gettext("A text nobody translated") == "A text nobody translated"


def test_values_are_filled_in() -> None:
    showing = "Showing %(first)s–%(last)s of %(count)s"
    assert texts("fi").gettext(showing, first=1, last=20, count=142) == "Näytetään 1–20 / 142"
    assert texts("sv").gettext("Remove filter: %(name)s", name="Esbo") == \
        "Ta bort villkoret: Esbo"


def test_plural_forms() -> None:
    fi = texts("fi")
    assert [fi.ngettext("project", "projects", n) for n in (0, 1, 2)] == [
        "hanketta", "hanke", "hanketta"]
    assert texts("en").ngettext("triple", "triples", 1) == "triple"
    assert texts("sv").ngettext("source text", "source texts", 3) == "källtexter"


def test_ids_marked_elsewhere_are_translated_where_used() -> None:
    title = N_("Service unavailable")
    assert translate("sv", title) == "Tjänsten är inte tillgänglig just nu"
    assert texts("fi").pgettext("no such context", "Home") == "Home"


def _environment(**templates: str) -> Environment:
    return i18n.install(Environment(loader=DictLoader(templates),
                                    autoescape=select_autoescape(default=True)))


def test_templates_speak_the_language_of_their_lang_variable() -> None:
    env = _environment(
        page="{{ _('Home') }} {{ ngettext('project', 'projects', n) }}|"
             "{% with lang = 'en' %}{% include 'inner' %}{% endwith %}",
        inner="{{ _('Home') }}")
    assert env.get_template("page").render(lang="sv", n=1) == "Startsida projekt|Home"
    assert env.get_template("page").render(lang="fi", n=2) == "Etusivu hanketta|Home"


def test_texts_and_values_in_templates_are_escaped() -> None:
    env = _environment(page="{{ _('Remove filter: %(name)s', name=x) }} {{ _('Tom & Jerry') }}")
    assert env.get_template("page").render(lang="en", x="<b>") == \
        "Remove filter: &lt;b&gt; Tom &amp; Jerry"


def test_a_missing_compiled_catalogue_fails_loudly(monkeypatch, tmp_path) -> None:
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    texts.cache_clear()
    try:
        with pytest.raises(CatalogueMissing, match="make"):
            texts("fi")
    finally:
        monkeypatch.undo()
        texts.cache_clear()
