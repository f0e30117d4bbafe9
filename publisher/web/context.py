"""What a request is in: the app's state, how the request's host maps onto the base URI,
the language it wants, and what every HTML template gets."""
from __future__ import annotations

from functools import cached_property
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

from flask import current_app, g, request

from publisher import i18n
from publisher.config import Settings
from publisher.store import Store
from publisher.web.state import Publisher


def publisher() -> Publisher:
    return current_app.extensions["publisher"]


def store() -> Store:
    return publisher().store


def settings() -> Settings:
    return publisher().settings


# --------------------------------------------------------------------------- the request


_LINK_SCHEMES = ("http://", "https://", "mailto:", "ftp://")


def safe_link(url: str) -> bool:
    """Only web and mail links become <a href>: never javascript:, data: and the like."""
    return url.lower().startswith(_LINK_SCHEMES)


class Here:
    """How this request maps onto the base URI, and which language it wants."""

    def __init__(self) -> None:
        pub = publisher()
        self.base = pub.settings.base_uri
        self.root = request.host_url.rstrip("/") + request.script_root + "/"
        self.path_root = request.script_root + "/"
        base_parts = urlsplit(self.base)
        same_host = request.host.lower() == base_parts.netloc.lower()
        base_path = base_parts.path or "/"
        self.same_site = same_host and base_path == self.path_root
        self.rewriting = pub.rewrite_links and not self.same_site

    @cached_property
    def _chosen_language(self) -> tuple[str, bool]:
        return _language()

    @property
    def lang(self) -> str:
        """The language of this response (?lang=, else Accept-Language, else Finnish)."""
        return self._chosen_language[0]

    @property
    def lang_explicit(self) -> bool:
        """Whether the visitor chose the language with ?lang= (then links carry it)."""
        return self._chosen_language[1]

    @property
    def rewrite(self) -> tuple[str, str] | None:
        """(base, this server's root) when links must point to the server answering."""
        return (self.base, self.root) if self.rewriting else None

    def local(self, iri: str) -> str:
        """An IRI as it appears in this response's RDF (rewritten when rewriting)."""
        if self.rewriting and iri.startswith(self.base):
            return self.root + iri[len(self.base):]
        return iri

    def to_base(self, url: str) -> str:
        """A URL on this server mapped back onto the base URI."""
        if self.rewriting and url.startswith(self.root):
            return self.base + url[len(self.root):]
        return url

    def href(self, iri: str) -> str:
        """Where a link in HTML should go: our own pages for our IRIs (the document, not the
        thing, saving a 303), the IRI itself for other web IRIs, "" (no link) for IRIs of
        other schemes (urn:, javascript:…). A language chosen with ?lang= travels along."""
        link = self._link(iri)
        return self.with_lang(link) if link and iri.startswith(self.base) else link

    def _link(self, iri: str) -> str:
        if not iri.startswith(self.base):
            return iri if safe_link(iri) else ""
        rest = iri[len(self.base):]
        if rest.startswith("id/"):
            rest = "doc/" + rest[3:]
        if self.rewriting or self.same_site:
            return self.path_root + rest
        return self.base + rest

    def url(self, iri: str) -> str:
        """The absolute, language-neutral form of href(), for JSON."""
        link = self._link(iri)
        return request.host_url.rstrip("/") + link if link.startswith("/") else link

    def with_lang(self, link: str) -> str:
        """`link` carrying the language the visitor chose explicitly, so the choice sticks
        while navigating; unchanged when the language came from Accept-Language."""
        if not self.lang_explicit:
            return link
        path, hash_mark, fragment = link.partition("#")
        separator = "&" if "?" in path else "?"
        return f"{path}{separator}lang={self.lang}{hash_mark}{fragment}"

    def nav(self, path: str) -> str:
        """A page of this site for links in HTML (keeps an explicit language)."""
        return self.with_lang(self.page(path))

    def page(self, path: str) -> str:
        return self.path_root + path.lstrip("/")


def here() -> Here:
    if "here" not in g:
        g.here = Here()
    return g.here


def _language() -> tuple[str, bool]:
    asked = request.args.get("lang", "")
    if asked in i18n.LANGUAGES:
        return asked, True
    header = request.headers.get("Accept-Language", "")
    if header and len(header) <= 1024:
        best = request.accept_languages.best_match(list(i18n.LANGUAGES))
        if best:
            return best, False
    return i18n.DEFAULT_LANGUAGE, False


# --------------------------------------------------------------------------- templates


def page_globals() -> dict[str, Any]:
    """What every HTML template gets: the language (its texts follow it: publisher.i18n),
    release, navigation."""
    try:
        current = here()
        lang = current.lang
    except Exception:  # noqa: BLE001 - outside a usable request
        current, lang = None, i18n.DEFAULT_LANGUAGE
    info = {}
    try:
        info = publisher().release_info()
    except Exception:  # noqa: BLE001
        info = {}

    return {"lang": lang, "languages": i18n.LANGUAGES,
            "language_names": i18n.LANGUAGE_NAMES, "site_release": info, "here": current,
            "lang_links": _language_links(), "has_validate": has_page("/validate")}


def has_page(path: str) -> bool:
    """Whether this app answers GET `path` (links to optional areas appear only then)."""
    try:
        current_app.url_map.bind("localhost").match(path, method="GET")
    except Exception:  # noqa: BLE001 - NotFound, MethodNotAllowed, a redirect
        return False
    return True


def _language_links() -> list[dict[str, Any]]:
    try:
        args = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"]
        current = here().lang
    except Exception:  # noqa: BLE001
        return []
    links = []
    for code in i18n.LANGUAGES:
        query = urlencode(args + [("lang", code)])
        links.append({"code": code, "name": i18n.LANGUAGE_NAMES[code],
                      "href": f"{quote(request.path)}?{query}", "current": code == current})
    return links


