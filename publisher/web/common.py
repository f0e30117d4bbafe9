"""What every blueprint shares: the app's settings and store, the request's host mapping and
language, conditional responses tied to the release, and clean error responses."""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from functools import cached_property
from email.utils import format_datetime
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import Response, current_app, g, render_template, request
from werkzeug.exceptions import HTTPException

from publisher.config import Settings
from publisher.store import Store, read_release_info
from publisher.web import i18n
from publisher.web.negotiation import negotiate

CACHE_SECONDS = 300


@dataclass
class Publisher:
    """App-level state: configuration, the store, where the release files are."""

    settings: Settings
    store: Store
    release_path: Path
    rewrite_links: bool = True
    _cache: dict[str, Any] = field(default_factory=dict)

    def release_dir(self) -> Path | None:
        """The release folder served, resolved again only when the link (or folder) given
        as ``release_path`` changes: a re-pointed link is a new inode."""
        try:
            link = os.lstat(self.release_path)
            glance: Any = (link.st_ino, link.st_mtime_ns)
        except OSError:
            glance = None
        cached = self._cache.get("release_dir")
        if glance is not None and cached is not None and cached[0] == glance:
            real = cached[1]
        else:
            real = Path(os.path.realpath(self.release_path))
            self._cache["release_dir"] = (glance, real)
        return real if real.is_dir() else None

    def release_info(self) -> dict[str, Any]:
        """release.json of the release served, read again only when the file changes."""
        folder = self.release_dir()
        if folder is None:
            return {}
        try:
            stat = os.stat(folder / "release.json")
            signature: tuple[Any, ...] = (str(folder), stat.st_mtime_ns, stat.st_size)
        except OSError:
            signature = (str(folder), None, None)
        cached = self._cache.get("release_info")
        if cached is not None and cached[0] == signature:
            return cached[1]
        info = read_release_info(folder)
        self._cache["release_info"] = (signature, info)
        return info

    def cached(self, key: str, version: str | None, compute):
        """A value computed once per store version (e.g. the ontology's labels)."""
        entry = self._cache.get(key)
        if entry is not None and entry[0] == version:
            return entry[1]
        value = compute()
        self._cache[key] = (version, value)
        return value


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


# --------------------------------------------------------------------------- caching


def release_version() -> str | None:
    """The store's release version; a store that is down or slow fails the request here
    (503), before any real work."""
    return store().version


def etag_for(*parts: Any) -> str | None:
    version = release_version()
    return None if version is None else etag_of(version, *parts)


def etag_of(version: str, *parts: Any) -> str:
    """The ETag of a representation of release ``version`` described by ``parts``."""
    seed = "\x1f".join([version, *[str(p) for p in parts]])
    return hashlib.sha256(seed.encode()).hexdigest()[:24]


def not_modified(etag: str | None) -> Response | None:
    """A 304 when the client's If-None-Match already names this representation."""
    if etag and request.method in {"GET", "HEAD"} and request.if_none_match.contains(etag):
        response = Response(status=304)
        response.set_etag(etag)
        response.headers["Cache-Control"] = f"public, max-age={CACHE_SECONDS}"
        return response
    return None


def _built(info: dict[str, Any]) -> datetime | None:
    built = info.get("built")
    if not built:
        return None
    try:
        return datetime.fromisoformat(str(built).replace("Z", "+00:00"))
    except ValueError:
        return None


def last_modified_header(pub: Publisher) -> str | None:
    """``Last-Modified`` of the release served (when it was built), formatted once."""
    info = pub.release_info()
    cached = pub._cache.get("last_modified")
    if cached is not None and cached[0] is info:
        return cached[1]
    modified = _built(info)
    header = (format_datetime(modified.astimezone(timezone.utc), usegmt=True)
              if modified else None)
    pub._cache["last_modified"] = (info, header)
    return header


def cache_headers(pub: Publisher, etag: str) -> list[tuple[str, str]]:
    """What makes an answer of the release cacheable: its ETag, max-age, Last-Modified."""
    headers = [("ETag", f'"{etag}"'), ("Cache-Control", f"public, max-age={CACHE_SECONDS}")]
    modified = last_modified_header(pub)
    if modified:
        headers.append(("Last-Modified", modified))
    return headers


def cacheable(response: Response, etag: str | None, vary: list[str] | None = None) -> Response:
    if etag:
        for name, value in cache_headers(publisher(), etag):
            response.headers[name] = value
    if vary:
        if "Vary" in response.headers:
            for header in vary:
                response.vary.add(header)
        else:
            response.headers["Vary"] = ", ".join(vary)
    return response


# --------------------------------------------------------------------------- errors


def error_response(status: int, message: str, headers: dict[str, str] | None = None,
                   extra: dict[str, Any] | None = None) -> Response:
    """An error as HTML (for browsers), JSON or plain text — never a traceback."""
    offers = [("text/plain", "text"), ("text/html", "html"), ("application/json", "json"),
              ("application/xhtml+xml", "html"), ("application/sparql-results+json", "json"),
              ("application/ld+json", "json")]
    try:
        kind = negotiate(offers, request.headers.get("Accept")) or "text"
    except HTTPException:
        kind = "text"
    title = _status_title(status)
    if kind == "html":
        try:
            context = page_globals()
            shown = i18n.error_title(status, context["lang"]) or title
            body = render_template("error.html", status=status, title=shown, message=message,
                                   page="error", **context)
        except Exception:  # noqa: BLE001 - the error page must not fail
            body = f"<!doctype html><title>{status}</title><p>{_escape(message)}</p>"
        response = Response(body, status=status, mimetype="text/html")
    elif kind == "json":
        payload = {"error": title, "status": status, "message": message, **(extra or {})}
        response = Response(json.dumps(payload, ensure_ascii=False), status=status,
                            mimetype="application/json")
    else:
        response = Response(f"{status} {title}: {message}\n", status=status,
                            mimetype="text/plain")
    for name, value in (headers or {}).items():
        response.headers[name] = value
    response.headers["Cache-Control"] = "no-store"
    return response


def _escape(value: str) -> str:
    from markupsafe import escape

    return str(escape(value))


def _status_title(status: int) -> str:
    from werkzeug.http import HTTP_STATUS_CODES

    return HTTP_STATUS_CODES.get(status, "Error")


# --------------------------------------------------------------------------- templates


def page_globals() -> dict[str, Any]:
    """What every HTML template gets: language, interface texts, release, navigation."""
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

    def t(key: str, /, **values: Any) -> str:
        return i18n.text(key, lang, **values)

    return {"lang": lang, "t": t, "languages": i18n.LANGUAGES,
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
    from urllib.parse import urlencode

    try:
        args = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"]
        current = here().lang
    except Exception:  # noqa: BLE001
        return []
    links = []
    for code in i18n.LANGUAGES:
        query = urlencode(args + [("lang", code)])
        links.append({"code": code, "name": i18n.LANGUAGE_NAMES[code],
                      "href": f"{request.path}?{query}", "current": code == current})
    return links


