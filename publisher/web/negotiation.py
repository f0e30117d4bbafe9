"""Content negotiation: `Accept` with q-values, file extensions and `format=` names."""
from __future__ import annotations

from functools import lru_cache

from werkzeug.datastructures import MIMEAccept
from werkzeug.exceptions import BadRequest, NotAcceptable
from werkzeug.http import parse_accept_header

MAX_ACCEPT_LENGTH = 4096

# A representation: (media type, name). The first offer of a list is the default for */*.
Offer = tuple[str, str]

HTML_OFFERS: list[Offer] = [("text/html", "html"), ("application/xhtml+xml", "html")]
JSON_OFFER: Offer = ("application/json", "json")
RDF_OFFERS: list[Offer] = [
    ("text/turtle", "turtle"),
    ("application/ld+json", "jsonld"),
    ("application/rdf+xml", "rdfxml"),
    ("application/n-triples", "ntriples"),
    ("application/x-turtle", "turtle"),
    ("text/n3", "turtle"),
]
#: /doc/… pages, /def/…, /ontology: HTML first (browsers and `*/*`), then the page JSON, then RDF.
DOCUMENT_OFFERS: list[Offer] = HTML_OFFERS + [JSON_OFFER] + RDF_OFFERS
#: metadata graphs (/catalog, /void): Turtle first; plain JSON means JSON-LD here.
GRAPH_DOCUMENT_OFFERS: list[Offer] = RDF_OFFERS[:1] + HTML_OFFERS + RDF_OFFERS[1:] + [
    ("application/json", "jsonld")]
#: HTML pages that are not RDF documents (home, lists).
PAGE_OFFERS: list[Offer] = HTML_OFFERS + [JSON_OFFER]
#: An organisation's /doc/… also as its border in GeoJSON (publisher/web/routes/geo.py), only
#: when asked for by name: it comes after every other offer.
GEOJSON_OFFER: Offer = ("application/geo+json", "geojson")
ORGANISATION_OFFERS: list[Offer] = DOCUMENT_OFFERS + [GEOJSON_OFFER]

EXTENSIONS = {"html": "html", "json": "json", "ttl": "turtle", "jsonld": "jsonld",
              "rdf": "rdfxml", "nt": "ntriples"}
FORMAT_EXTENSION = {"html": "html", "json": "json", "turtle": "ttl", "jsonld": "jsonld",
                    "rdfxml": "rdf", "ntriples": "nt"}
MEDIA_TYPES = {"html": "text/html", "json": "application/json", "turtle": "text/turtle",
               "jsonld": "application/ld+json", "rdfxml": "application/rdf+xml",
               "ntriples": "application/n-triples"}
RDF_NAMES = {"turtle", "jsonld", "rdfxml", "ntriples"}


def parse_accept(header: str | None) -> MIMEAccept | None:
    """The parsed header, None when absent; 400 when it is absurdly long."""
    if header is None or not header.strip():
        return None
    if len(header) > MAX_ACCEPT_LENGTH:
        raise BadRequest(f"The Accept header is longer than {MAX_ACCEPT_LENGTH} characters.")
    if header.strip() == "*":
        header = "*/*"
    return parse_accept_header(header, MIMEAccept)


def negotiate(offers: list[Offer], header: str | None) -> str | None:
    """The name of the best offer for an Accept header (the first offer when absent).
    Clients repeat the same few headers, so answers are remembered per header."""
    if header is not None and len(header) > MAX_ACCEPT_LENGTH:
        parse_accept(header)                     # the 400 for an absurd header
    return _best_offer(tuple(offers), header)


@lru_cache(maxsize=2048)
def _best_offer(offers: tuple[Offer, ...], header: str | None) -> str | None:
    accept = parse_accept(header)
    if accept is None:
        return offers[0][1]
    best = accept.best_match([media for media, _ in offers])
    if best is None:
        return None
    return dict(offers)[best]


def negotiate_or_406(offers: list[Offer], header: str | None) -> str:
    name = negotiate(offers, header)
    if name is None:
        raise not_acceptable(offers, header)
    return name


def not_acceptable(offers: list[Offer], header: str | None = None,
                   what: str = "") -> NotAcceptable:
    """406 naming the header judged: ``Accept: … offers nothing we can give[ what]``, and
    the media types offered (also as ``available`` for the JSON error)."""
    media = list(dict.fromkeys(media for media, _ in offers))
    asked = shown(header) if header is not None else "(none)"
    error = NotAcceptable(f"Accept: {asked} offers nothing we can give{what}; "
                          f"offered: {', '.join(media)}.")
    error.available = media  # type: ignore[attr-defined]
    return error


def shown(value: str, limit: int = 200) -> str:
    """A value a client sent, fit to quote in a message: printable, at most ``limit``
    characters."""
    text = "".join(c if c.isprintable() else "?" for c in value[:limit])
    return text + ("…" if len(value) > limit else "")


def split_extension(name: str, allowed: set[str] | None = None) -> tuple[str, str | None]:
    """`key.ttl` → (`key`, `turtle`); a name without a known extension is returned whole."""
    stem, dot, ext = name.rpartition(".")
    if dot and stem and ext in EXTENSIONS and (allowed is None or EXTENSIONS[ext] in allowed):
        return stem, EXTENSIONS[ext]
    return name, None
