"""Content negotiation by profile (W3C "Content Negotiation by Profile").

A resource may be given in several profiles (the catalogue in DCAT-AP 3.0.1 or 2.1.1). A
client names the one it wants by the `_profile` query argument (the QSA functional profile:
an ordered, comma-separated list of tokens or `<URI>`s; it takes precedence) or by the
`Accept-Profile` header (the HTTP headers functional profile: `<URI>`s or tokens with
q-values, `*` for any). The answer names the profile it conforms to (`Content-Profile`,
`Link: <uri>; rel="profile"`); a request no offered profile satisfies gets a 406 that names
what was judged; `_profile=alt` (or `all`, the current draft's word) lists the profiles
offered, as RDF (the alternate representations model) or as a page.

One module for every route that offers profiles, so they all read the same words the same
way and bound hostile input alike.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

import pyoxigraph as ox
from flask import Response, render_template, request
from werkzeug.exceptions import BadRequest, NotAcceptable

from publisher.i18n import translate
from publisher.store import serialize_graph
from publisher.vocab import ALTR, DCTERMS, PROF, RDF_TYPE, RDFS
from publisher.web.context import page_globals
from publisher.web.negotiation import MEDIA_TYPES, RDF_NAMES, negotiate_or_406, shown

QSA_KEY = "_profile"
MEDIATYPE_KEY = "_mediatype"
HEADER = "Accept-Profile"
#: `_profile=alt` asks for the list of profiles (the 2019 drafts' word; `all` is the current
#: draft's).
ALTERNATES_WORDS = frozenset({"alt", "all"})
#: What a profile-negotiated answer varies on (the caller's cache headers).
VARY = ["Accept", "Accept-Profile"]
#: Bounds on what a client sends: longer values are refused before they are parsed.
MAX_LENGTH = 2048
MAX_ITEMS = 32
#: The Link target of a token mapping (the specification's "Token mappings").
PROFILE_CLASS = PROF + "Profile"

_Q_VALUE = re.compile(r"(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)")
#: What the alternates list can be given as: a page first (people follow `?_profile=alt`).
_ALTERNATES_OFFERS = [("text/html", "html"), ("application/xhtml+xml", "html"),
                      ("text/turtle", "turtle"), ("application/ld+json", "jsonld"),
                      ("application/rdf+xml", "rdfxml"), ("application/n-triples", "ntriples"),
                      ("application/json", "jsonld")]


@dataclass(frozen=True)
class Profile:
    """A profile a resource is offered in: its token (in `_profile`), its URI (in the
    headers) and a title (an English message id, translated where it is shown)."""

    token: str
    uri: str
    title: str


# --------------------------------------------------------------------------- reading requests


def _bounded(name: str, value: str) -> str:
    if len(value) > MAX_LENGTH:
        raise BadRequest(f"{name} is {len(value)} characters long; at most {MAX_LENGTH} "
                         f"are read.")
    return value


def _split(value: str) -> list[str]:
    """Comma-separated items; a comma inside `<…>` belongs to the URI."""
    items, current, depth = [], [], 0
    for char in value:
        if char == "<":
            depth += 1
        elif char == ">":
            depth = max(depth - 1, 0)
        if char == "," and depth == 0:
            items.append("".join(current))
            current = []
        else:
            current.append(char)
    items.append("".join(current))
    return [item.strip() for item in items if item.strip()]


def _identifier(name: str, item: str) -> tuple[str, str]:
    """`<uri>;q=0.5` → (`uri`, `;q=0.5`); `token` → (`token`, ``)."""
    if item.startswith("<"):
        end = item.find(">")
        if end < 0:
            raise BadRequest(f"{name}: {shown(item)} opens a URI with '<' and never closes it.")
        return item[1:end].strip(), item[end + 1:]
    head, _, rest = item.partition(";")
    return head.strip(), (";" + rest) if rest else ""


def _qsa_items() -> list[str]:
    """The identifiers of `_profile`, in the client's order of preference."""
    values = request.args.getlist(QSA_KEY)
    joined = _bounded(QSA_KEY, ",".join(values))
    items = [_identifier(QSA_KEY, item)[0] for item in _split(joined)]
    if len(items) > MAX_ITEMS:
        raise BadRequest(f"{QSA_KEY} names {len(items)} profiles; at most {MAX_ITEMS} are read.")
    return [item for item in items if item]


def _header_items() -> list[tuple[str, float]]:
    """(identifier, q) of every `Accept-Profile` item, in the order sent."""
    joined = _bounded(HEADER, ",".join(request.headers.getlist(HEADER)))
    parts = _split(joined)
    if len(parts) > MAX_ITEMS:
        raise BadRequest(f"{HEADER} names {len(parts)} profiles; at most {MAX_ITEMS} are read.")
    items = []
    for part in parts:
        identifier, params = _identifier(HEADER, part)
        weight = 1.0
        for param in params.split(";"):
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                value = value.strip()
                if not _Q_VALUE.fullmatch(value):
                    raise BadRequest(f"{HEADER}: {shown(part)} has the weight q={shown(value)}; "
                                     f"a weight is a number from 0 to 1 with at most three "
                                     f"decimals.")
                weight = float(value)
        if identifier:
            items.append((identifier, weight))
    return items


def _names(profile: Profile, identifier: str) -> bool:
    return identifier in (profile.uri, profile.token)


def _offered_text(offered: Sequence[Profile]) -> str:
    return ", ".join(f"<{p.uri}> ({p.token})" for p in offered)


def _not_acceptable(name: str, value: str, offered: Sequence[Profile]) -> NotAcceptable:
    error = NotAcceptable(f"{name}: {shown(value)} names no profile this resource is given in; "
                          f"offered: {_offered_text(offered)}.")
    error.available = [p.uri for p in offered]  # type: ignore[attr-defined]
    return error


def media_type_argument(value: str) -> str:
    """`_mediatype` as a media type: parameters dropped, and a `+` that a URL written by hand
    turned into a space put back (`application/ld+json`)."""
    return value.split(";")[0].strip().replace(" ", "+").lower()


def wants_alternates() -> bool:
    """Whether the request asks for the list of profiles (`_profile=alt` or `all`)."""
    return any(item in ALTERNATES_WORDS for item in _qsa_items())


def negotiate_profile(offered: Sequence[Profile], default: Profile) -> Profile:
    """The profile to answer in: the first of `_profile` that is offered, else the best of
    `Accept-Profile` by q-value (ties: the client's order, then the default), else the
    default. NotAcceptable (406) when the client named profiles and none is offered."""
    asked = [item for item in _qsa_items() if item not in ALTERNATES_WORDS]
    if asked:
        for item in asked:
            if item == "*":
                return default
            for profile in offered:
                if _names(profile, item):
                    return profile
        raise _not_acceptable(QSA_KEY, ",".join(request.args.getlist(QSA_KEY)), offered)
    items = _header_items()
    if not items:
        return default
    best: tuple[tuple[float, int, bool, int], Profile] | None = None
    for index, profile in enumerate(offered):
        named = [(q, -position) for position, (identifier, q) in enumerate(items)
                 if _names(profile, identifier)]
        if not named:
            named = [(q, -position) for position, (identifier, q) in enumerate(items)
                     if identifier == "*"][:1]
        if not named:
            continue
        weight, order = max(named)
        if weight <= 0:
            continue
        key = (weight, order, profile == default, -index)
        if best is None or key > best[0]:
            best = (key, profile)
    if best is None:
        raise _not_acceptable(HEADER, ", ".join(request.headers.getlist(HEADER)), offered)
    return best[1]


# --------------------------------------------------------------------------- answering


def profile_headers(chosen: Profile, offered: Sequence[Profile] = ()) -> dict[str, str]:
    """`Content-Profile` and `Link: <uri>; rel="profile"` for an answer in `chosen`; given the
    profiles `offered`, the Link header also maps each token to its URI (the
    specification's token mappings, which a server accepting tokens gives)."""
    links = [f'<{chosen.uri}>; rel="profile"']
    links += [f'<{PROFILE_CLASS}>; rel="type"; token="{p.token}"; anchor="{p.uri}"'
              for p in offered]
    return {"Content-Profile": f"<{chosen.uri}>", "Link": ", ".join(links)}


def _alternate_url(path: str, profile: Profile | None, media_type: str | None) -> str:
    query = []
    if profile is not None:
        query.append((QSA_KEY, profile.token))
    if media_type is not None:
        query.append((MEDIATYPE_KEY, media_type))
    return path + ("?" + urlencode(query) if query else "")


def alternates(offered: Sequence[Profile], default: Profile,
               media_types: Sequence[str] = ()) -> list[dict[str, object]]:
    """Every representation offered: profile × media type (or per profile when no media
    types are given), the default first, each with the URL that gets it."""
    path = request.script_root + request.path
    ordered = [default] + [p for p in offered if p != default]
    rows: list[dict[str, object]] = []
    for profile in ordered:
        for media_type in (list(media_types) or [None]):
            first = not rows          # the default profile in its first media type
            rows.append({"profile": profile, "media_type": media_type, "default": first,
                         "url": path if first else _alternate_url(path, profile, media_type)})
    return rows


def _link_header(rows: list[dict[str, object]], offered: Sequence[Profile]) -> str:
    links = []
    for row in rows:
        profile = row["profile"]
        assert isinstance(profile, Profile)
        relation = "canonical" if row["default"] else "alternate"
        kind = f'; type="{row["media_type"]}"' if row["media_type"] else ""
        links.append(f'<{row["url"]}>; rel="{relation}"{kind}; profile="{profile.uri}"')
    links += [f'<{PROFILE_CLASS}>; rel="type"; token="{p.token}"; anchor="{p.uri}"'
              for p in offered]
    return ", ".join(links)


def _alternates_triples(rows: list[dict[str, object]], lang: str) -> list[ox.Triple]:
    """The list in the alternate representations model: the resource, its (default)
    representations, each conforming to a profile, and the profiles with token and title."""
    resource = ox.NamedNode(request.base_url)
    root = request.host_url.rstrip("/")
    triples = []
    profiles: dict[str, Profile] = {}
    for index, row in enumerate(rows):
        profile = row["profile"]
        assert isinstance(profile, Profile)
        profiles[profile.uri] = profile
        representation = ox.NamedNode(root + str(row["url"]))
        relation = "hasDefaultRepresentation" if row["default"] else "hasRepresentation"
        triples.append(ox.Triple(resource, ox.NamedNode(ALTR + relation), representation))
        triples.append(ox.Triple(representation, ox.NamedNode(RDF_TYPE),
                                 ox.NamedNode(ALTR + "Representation")))
        triples.append(ox.Triple(representation, ox.NamedNode(DCTERMS + "conformsTo"),
                                 ox.NamedNode(profile.uri)))
        if row["media_type"]:
            triples.append(ox.Triple(representation, ox.NamedNode(DCTERMS + "format"),
                                     ox.Literal(str(row["media_type"]))))
    for profile in profiles.values():
        node = ox.NamedNode(profile.uri)
        triples.append(ox.Triple(node, ox.NamedNode(RDF_TYPE), ox.NamedNode(PROFILE_CLASS)))
        triples.append(ox.Triple(node, ox.NamedNode(PROF + "hasToken"),
                                 ox.Literal(profile.token)))
        triples.append(ox.Triple(node, ox.NamedNode(RDFS + "label"),
                                 ox.Literal(translate(lang, profile.title), language=lang)))
    return triples


def alternates_response(offered: Sequence[Profile], default: Profile, lang: str, *,
                        media_types: Sequence[str] = ()) -> Response:
    """The answer to `_profile=alt`: the profiles offered (and the media types of each,
    when given) as a page in `lang` or as RDF, by `_mediatype` or `Accept`, with the same
    list in the Link header."""
    asked = request.args.get(MEDIATYPE_KEY)
    if asked is not None:
        _bounded(MEDIATYPE_KEY, asked)
        fmt = dict(_ALTERNATES_OFFERS).get(media_type_argument(asked))
        if fmt is None:
            error = NotAcceptable(
                f"{MEDIATYPE_KEY}={shown(asked)} is not a format the list of profiles is given "
                f"in; offered: {', '.join(dict.fromkeys(m for m, _ in _ALTERNATES_OFFERS))}.")
            error.available = [m for m, _ in _ALTERNATES_OFFERS]  # type: ignore[attr-defined]
            raise error
    else:
        fmt = negotiate_or_406(_ALTERNATES_OFFERS, request.headers.get("Accept"))
    rows = alternates(offered, default, media_types)
    if fmt in RDF_NAMES:
        body = serialize_graph(_alternates_triples(rows, lang), fmt,
                               prefixes={"altr": ALTR, "prof": PROF, "dcterms": DCTERMS,
                                         "rdfs": RDFS})
        media = MEDIA_TYPES[fmt]
        response = Response(body, content_type=media + (
            "; charset=utf-8" if media.startswith("text/") else ""))
    else:
        shown_rows = [{**row, "title": translate(lang, row["profile"].title)}  # type: ignore[union-attr]
                      for row in rows]
        context = {**page_globals(), "lang": lang}
        response = Response(render_template("files/alternates.html", **context,
                                            page="alternates", rows=shown_rows,
                                            resource=request.base_url),
                            mimetype="text/html")
    response.headers["Link"] = _link_header(rows, offered)
    response.headers["Vary"] = ", ".join(VARY + (["Accept-Language"] if fmt == "html" else []))
    response.headers["Cache-Control"] = "no-cache"
    return response
