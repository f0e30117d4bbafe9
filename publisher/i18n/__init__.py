"""One home for the texts people read, in Finnish, Swedish and English: gettext catalogues
(`locale/{fi,sv,en}/LC_MESSAGES/messages.po`, compiled to `.mo` by `make`) looked up by
language. English source texts are the message ids, so a text missing from a catalogue shows
in English and a translator reads the original beside the translation.

Python asks `texts(lang).gettext("…")` (or `ngettext`, `pgettext`); a text whose id is
written elsewhere (marked there with `N_`) goes through `translate`. Jinja templates call
`_("…")`, `ngettext(…)` and `pgettext(…)` after `install(environment)`, in the language of
the template's `lang` variable. Values are filled in with `%(name)s` placeholders, as
gettext tools expect, in Python and in templates alike."""
from __future__ import annotations

import gettext as _gettext
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, pass_context
from jinja2.runtime import Context
from markupsafe import escape

LANGUAGES = ("fi", "sv", "en")
DEFAULT_LANGUAGE = "fi"
#: each language named in itself, for the language switch
LANGUAGE_NAMES = {"fi": "suomi", "sv": "svenska", "en": "English"}
DOMAIN = "messages"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"


class CatalogueMissing(RuntimeError):
    """A compiled catalogue (.mo) is not there: the install step that compiles them has not
    run. Failing loudly beats showing English on a Finnish page."""


def N_(msgid: str) -> str:
    """Marks a message id for extraction where it is written; translated where it is used."""
    return msgid


def _filled(text: str, values: dict[str, Any]) -> str:
    # always a format string (as in Jinja's new-style gettext), so "%%" means the same everywhere
    return text % values


class Texts:
    """The texts of one language: gettext's lookups, with values filled in."""

    def __init__(self, lang: str, catalogue: _gettext.NullTranslations) -> None:
        self.lang = lang
        self.catalogue = catalogue

    def gettext(self, msgid: str, /, **values: Any) -> str:
        return _filled(self.catalogue.gettext(msgid), values)

    def ngettext(self, singular: str, plural: str, n: int, /, **values: Any) -> str:
        """The form for `n` (`%(num)s` is `n` unless given)."""
        values.setdefault("num", n)
        return _filled(self.catalogue.ngettext(singular, plural, n), values)

    def pgettext(self, context: str, msgid: str, /, **values: Any) -> str:
        return _filled(self.catalogue.pgettext(context, msgid), values)


def catalogue_path(lang: str, suffix: str = ".mo") -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / (DOMAIN + suffix)


@lru_cache(maxsize=None)
def texts(lang: str) -> Texts:
    """The texts in `lang` (English for a language we do not publish in)."""
    code = lang if lang in LANGUAGES else "en"
    path = catalogue_path(code)
    try:
        with path.open("rb") as stream:
            catalogue = _gettext.GNUTranslations(stream)
    except FileNotFoundError:
        raise CatalogueMissing(f"{path} is missing: compile the catalogues with `make install` "
                               "(pybabel compile -d publisher/i18n/locale)") from None
    return Texts(code, catalogue)


def translate(lang: str, msgid: str, /, **values: Any) -> str:
    """A text whose message id was marked with `N_` where it is written."""
    return texts(lang).gettext(msgid, **values)


# --------------------------------------------------------------------------- Jinja


def _language(context: Context) -> str:
    return context.get("lang") or DEFAULT_LANGUAGE


def _safe(context: Context, text: str) -> str:
    """A translation is text, not markup: escaped like any other value (Jinja's new-style
    gettext would otherwise take it as markup and fill in escaped values)."""
    return escape(text) if context.eval_ctx.autoescape else text


@pass_context
def _template_gettext(context: Context, msgid: str) -> str:
    return _safe(context, texts(_language(context)).catalogue.gettext(msgid))


@pass_context
def _template_ngettext(context: Context, singular: str, plural: str, n: int) -> str:
    return _safe(context, texts(_language(context)).catalogue.ngettext(singular, plural, n))


@pass_context
def _template_pgettext(context: Context, msgid_context: str, msgid: str) -> str:
    return _safe(context, texts(_language(context)).catalogue.pgettext(msgid_context, msgid))


def install(environment: Environment) -> Environment:
    """Give a Jinja environment `_`, `gettext`, `ngettext` and `pgettext` (and `{% trans %}`),
    each in the language of the rendering template's `lang` variable: one environment serves
    every language, and a template included with another `lang` speaks that one."""
    environment.add_extension("jinja2.ext.i18n")
    environment.install_gettext_callables(  # type: ignore[attr-defined]
        _template_gettext, _template_ngettext, newstyle=True, pgettext=_template_pgettext)
    return environment


__all__ = ["CatalogueMissing", "DEFAULT_LANGUAGE", "DOMAIN", "LANGUAGES", "LANGUAGE_NAMES",
           "LOCALE_DIR", "N_", "Texts", "catalogue_path", "install", "texts",
           "translate"]
