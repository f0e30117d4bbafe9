"""Dereferenceable URIs: `/id/…` → 303 → `/doc/…`, served as HTML, page JSON or RDF by
`Accept` (q-values, `Vary: Accept`) or by extension; the release's metadata resources at
`/dataset…` and `/graph/…`; the vocabulary at `/def/…`, `/ontology`.

A URI that cannot name a thing — an unknown type, a key outside the key alphabet — is a 404
at once, from `/id/` as from `/doc/`: a 303 would only lead to the same 404. JSON-LD is
compacted with the release's context (:mod:`publisher.web.jsonld_context`).

`/doc/…` is given in two profiles (W3C Content Negotiation by Profile): our vocabulary's (the
default, every RDF format) and schema.org's (`Accept-Profile: <https://schema.org/>` or
`_profile=schema`: JSON-LD only, so asking for it gets JSON-LD); `_profile=alt` lists them."""
from __future__ import annotations

import json
import os
import re
from typing import Any, Callable
from urllib.parse import quote

import pyoxigraph as ox
from flask import Blueprint, Response, abort, jsonify, redirect, render_template, request
from werkzeug.exceptions import NotFound

from publisher.docs.labels import Index
from publisher.i18n import N_
from publisher.store import LINKED_PREDICATES, check_iri, rewrite_triples, serialize_graph
from publisher.vocab import (KEY_MAX_LENGTH, SCHEMA, THING_TYPES, is_thing, prefixes_for,
                             thing, timemap_iri)
from publisher.vocab import document as document_uri
from publisher.vocab import vocabulary as vocabulary_namespace
from publisher.web.answers import answered, cacheable, etag_for, remember, request_key
from publisher.web.context import here, page_globals, publisher, settings, store
from publisher.web.jsonld_context import compacted
from publisher.web.negotiation import (DOCUMENT_OFFERS, FORMAT_EXTENSION, MEDIA_TYPES,
                                       RDF_NAMES, negotiate_or_406, split_extension)
from publisher.web.history import readable_history
from publisher.web.pages.history import history_box
from publisher.web.pages.parts import labeller
from publisher.web.pages.properties import resource_view
from publisher.web.pages.release_data import metadata_triples, ontology_triples
from publisher.web.pages.resource import resource_page
from publisher.web.pages.schema_org import resource as schema_org_description
from publisher.web.pages.terms import kd
from publisher.web.pages.vocabulary import term_page, vocabulary_page
from publisher.web.timegate import LINK_FORMAT, gone, timegate_redirect
from publisher.web.profile_negotiation import (QSA_KEY, Profile, alternates_response,
                                               negotiate_profile, profile_headers,
                                               wants_alternates)
from publisher.web.routes.geo import organisation_geojson

bp = Blueprint("resources", __name__)

_SEGMENT = re.compile(r"[A-Za-z0-9][A-Za-z0-9._~-]{0,199}")


def _checked(*segments: str) -> None:
    for segment in segments:
        if not _SEGMENT.fullmatch(segment):
            raise NotFound("No such resource: the identifier has characters that are not used "
                           "in this dataset's URIs.")


def _known_thing(kind: str, key: str) -> None:
    """404 at once for a URI no thing can have: only a type and a key the build mints."""
    if not is_thing(kind, key):
        raise NotFound("No such resource: a thing's URI is /id/{type}/{key}, with a type of "
                       f"{', '.join(sorted(THING_TYPES))} and a key of lowercase letters a–z, "
                       f"digits and single dashes, at most {KEY_MAX_LENGTH} characters.")


def representation(name: str | None) -> tuple[str, bool]:
    """(format, negotiated?) from an extension or the Accept header."""
    if name:
        return name, False
    return negotiate_or_406(DOCUMENT_OFFERS, request.headers.get("Accept")), True


def _alternates(path: str) -> str:
    links = [f'<{here().page(path)}.{FORMAT_EXTENSION[n]}>; rel="alternate"; type="{MEDIA_TYPES[n]}"'
             for n in ("html", "turtle", "jsonld", "rdfxml", "ntriples", "json")]
    return ", ".join(links)


def rdf_response(triples: list[ox.Triple], fmt: str, main: str | None = None) -> Response:
    local = rewrite_triples(triples, here().rewrite)
    body = compacted(local, main and here().local(main)) if fmt == "jsonld" else None
    if body is None:
        body = serialize_graph(local, fmt,
                               prefixes=prefixes_for(here().local(settings().base_uri)))
    media = MEDIA_TYPES[fmt]
    return Response(body, content_type=media + ("; charset=utf-8" if media.startswith("text/") else ""))


def page_response(template: str, context: dict[str, Any], fmt: str, path: str) -> Response:
    """A page of a resource as its JSON or as HTML (with links to its other formats)."""
    if fmt == "json":
        return jsonify(context)
    return Response(render_template(template, **page_globals(), **context,
                                    formats=_format_links(path)), mimetype="text/html")


def finish(response: Response, etag: str | None, negotiated: bool, fmt: str,
            path: str, profiles: tuple[Profile | None, list[Profile]] = (None, [])) -> Response:
    """Caching, alternates and, where ``profiles`` are offered (chosen, offered), the
    profile headers."""
    chosen, offered = profiles
    vary = ["Accept"] if negotiated else []
    if (fmt in {"html", "json"} or chosen == SCHEMA_PROFILE) and not here().lang_explicit:
        vary.append("Accept-Language")
    if offered:
        vary.append("Accept-Profile")
    response.headers["Link"] = _alternates(path)
    if negotiated:
        response.headers["Content-Location"] = here().page(
            f"{path}.{FORMAT_EXTENSION[fmt]}") + (
            f"?{QSA_KEY}={chosen.token}" if chosen == SCHEMA_PROFILE else "")
    if chosen is not None:
        headers = profile_headers(chosen, offered)
        response.headers["Content-Profile"] = headers["Content-Profile"]
        response.headers["Link"] += ", " + headers["Link"]
    return cacheable(response, etag, vary)


# --------------------------------------------------------------------------- /id → /doc


#: The release's moved keys, {type: {old: new}}, written by the build beside the dumps.
REDIRECTS_FILE = "redirects.json"
MAX_REDIRECTS_BYTES = 8 << 20


def _redirects() -> dict[str, dict[str, str]]:
    """The served release's moved keys, read once per file; none when it has no file or an
    unreadable or oversized one."""
    folder = publisher().release_dir()
    path = folder / REDIRECTS_FILE if folder is not None else None
    try:
        stat = os.stat(path) if path is not None else None
    except OSError:
        stat = None
    if path is None or stat is None or stat.st_size > MAX_REDIRECTS_BYTES:
        return {}

    def read() -> dict[str, dict[str, str]]:
        try:
            table = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(table, dict):
            return {}
        return {kind: {old: new for old, new in moved.items()
                       if isinstance(new, str) and is_thing(kind, old) and is_thing(kind, new)}
                for kind, moved in table.items() if isinstance(moved, dict)}

    return publisher().cached("redirects", f"{folder}:{stat.st_mtime_ns}:{stat.st_size}", read)


def _moved(kind: str, key: str, uri: Callable[[str, str, str], str],
           suffix: str = "") -> Response | None:
    """A key a steward moved answers 301 to its new URI (`uri`: vocab's `thing` or
    `document`, the extension kept), for ever (README "URIs")."""
    new = _redirects().get(kind, {}).get(key)
    if new is None:
        return None
    target = here().page(uri("", kind, new) + suffix)
    if request.query_string:
        target += "?" + request.query_string.decode("latin-1")
    response = redirect(target, code=301)
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response


@bp.route("/id/<kind>/<path:key>")
def identifier(kind: str, key: str) -> Response:
    _known_thing(kind, split_extension(key)[0])
    stem, ext = split_extension(key)
    moved = _moved(kind, stem, thing, key[len(stem):] if ext else "")
    if moved is not None:
        return moved
    target = here().page(f"doc/{quote(kind)}/{quote(key)}")
    if request.query_string:
        target += "?" + request.query_string.decode("latin-1")
    response = redirect(target, code=303)
    response.headers["Vary"] = "Accept"
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


#: schema.org's profile of `/doc/…`: what search engines read, in JSON-LD only.
SCHEMA_PROFILE = Profile("schema", SCHEMA, N_("schema.org, the vocabulary search engines read "
                                              "(JSON-LD only)"))


def _doc_profiles() -> list[Profile]:
    """The profiles of `/doc/…`, the default (our vocabulary, every RDF format) first."""
    ours = Profile("kuntadigi", vocabulary_namespace(settings().base_uri),
                   N_("The Kuntadigi vocabulary (every RDF format)"))
    return [ours, SCHEMA_PROFILE]


def _doc_profile(ext: str | None, fmt: str,
                 offered: list[Profile]) -> tuple[Profile | None, str]:
    """(profile, format): without an extension or with .jsonld both profiles are offered and
    schema.org's brings JSON-LD; the other RDF formats are in our vocabulary only (406 for
    schema.org's); pages (HTML, JSON) are in no profile."""
    if ext is None or ext == "jsonld":
        chosen = negotiate_profile(offered, offered[0])
        if chosen == SCHEMA_PROFILE:
            return chosen, "jsonld"
    elif fmt in RDF_NAMES:
        chosen = negotiate_profile(offered[:1], offered[0])
    else:
        return None, fmt
    return (chosen if fmt in RDF_NAMES else None), fmt


@bp.route("/doc/<kind>/<path:name>")
def document(kind: str, name: str) -> Response:
    border = organisation_geojson(kind, name)      # a municipality's border (routes/geo.py)
    if border is not None:
        return border
    key, ext = split_extension(name)
    _known_thing(kind, key)
    moved = _moved(kind, key, document_uri, name[len(key):] if ext else "")
    if moved is not None:
        return moved
    iri = check_iri(thing(settings().base_uri, kind, key))
    when = request.headers.get("Accept-Datetime")
    if when is not None:
        return timegate_redirect(iri, when)
    offered = _doc_profiles()
    if wants_alternates():
        described(iri)
        return alternates_response(offered, offered[0], here().lang)
    fmt, negotiated = representation(ext)
    profile, fmt = _doc_profile(ext, fmt, offered)
    path = f"doc/{kind}/{key}"
    parts = (iri, profile.token, here().lang) if profile == SCHEMA_PROFILE else (iri,)
    response = _represented("doc", parts, fmt, negotiated, path,
                            lambda: _document(iri, kind, fmt, path, profile), (profile, offered))
    # also a TimeGate (RFC 7089): the answer varies with Accept-Datetime, and says where
    # the resource's versions are listed
    response.vary.add("Accept-Datetime")
    link = f'<{here().local(timemap_iri(settings().base_uri, iri))}>; rel="timemap"; ' \
           f'type="{LINK_FORMAT}"'
    response.headers["Link"] = ", ".join(filter(None, [response.headers.get("Link"), link]))
    return response


def described(iri: str) -> Index:
    """What the store (or the release's metadata) says about `iri`; 404 when nothing."""
    index = Index(store().describe(iri))
    node = ox.NamedNode(iri)
    if not index.has(node):
        index = _metadata_description(iri)       # e.g. the publisher named in the catalogue
        if not index.has(node):
            gone(iri)
            raise NotFound(f"There is no resource <{iri}> in this dataset.")
    return index


def _document(iri: str, kind: str, fmt: str, path: str,
              profile: Profile | None = None) -> Response:
    index = described(iri)
    if profile == SCHEMA_PROFILE:
        description = schema_org_description(resource_page(iri, index)[1])
        return Response(json.dumps(description, ensure_ascii=False, indent=2),
                        content_type=MEDIA_TYPES["jsonld"])
    if fmt in RDF_NAMES:
        return rdf_response(index.triples, fmt, iri)
    template, context = resource_page(iri, index)
    history = readable_history()
    context["history"] = history_box(history, iri) if history is not None else None
    return page_response(f"resources/{template}", context, fmt, path)


def _represented(kind: str, parts: tuple[str, ...], fmt: str, negotiated: bool, path: str,
                 render: Callable[[], Response],
                 profiles: tuple[Profile | None, list[Profile]] = (None, [])) -> Response:
    """One representation of a resource: its ETag (the release, the resource — with its
    profile where one is chosen —, the format, the language where the format has one, the
    host mapping), a 304 or the remembered answer when there is one, else ``render()``
    finished and remembered."""
    current = here()
    etag = etag_for(kind, *parts, fmt, current.lang if fmt in {"html", "json"} else "",
                    current.rewrite)
    key = request_key(kind, etag, negotiated)
    hit = answered(etag, key)
    if hit is not None:
        return hit
    return remember(key, finish(render(), etag, negotiated, fmt, path, profiles))


def _format_links(path: str) -> list[dict[str, str]]:
    return [{"name": label, "href": here().page(f"{path}.{ext}"), "type": MEDIA_TYPES[fmt]}
            for fmt, ext, label in (("turtle", "ttl", "Turtle"), ("jsonld", "jsonld", "JSON-LD"),
                                    ("rdfxml", "rdf", "RDF/XML"), ("ntriples", "nt", "N-Triples"),
                                    ("json", "json", "JSON"))]


# --------------------------------------------------------------------------- metadata resources


def _metadata_description(iri: str) -> Index:
    """What catalog.ttl and void.ttl say about `iri` (and its `#` parts), with the labels of
    what it links to."""
    triples = metadata_triples()
    own = [t for t in triples if isinstance(t.subject, ox.NamedNode)
           and (t.subject.value == iri or t.subject.value.startswith(iri + "#"))]
    linked = {t.object for t in own if isinstance(t.object, ox.NamedNode)}
    linked |= {t.subject for t in triples if t.object == ox.NamedNode(iri)}
    extra = [t for t in triples if t.subject in linked and t.predicate.value in LINKED_PREDICATES]
    inverse = [t for t in triples if t.object == ox.NamedNode(iri)]
    return Index(own + extra + inverse)


@bp.route("/dataset")
@bp.route("/dataset.<ext>")
@bp.route("/dataset/<path:name>")
@bp.route("/graph/<path:name>")
def metadata_resource(name: str | None = None, ext: str | None = None) -> Response:
    """Resources described by the release metadata: the dataset, its distributions, and the
    named graphs (whose RDF representation is the graph itself)."""
    area = request.path.lstrip("/").split("/", 1)[0].split(".", 1)[0]
    key, ext = split_extension(name) if name else ("", ext)
    if name:
        _checked(*key.split("/"))
    fmt, negotiated = representation(ext)
    path = f"{area}/{key}" if key else area
    iri = check_iri(settings().base_uri + path)
    return _represented("metadata", (iri,), fmt, negotiated, path,
                        lambda: _metadata(iri, area, key, fmt, path))


def _metadata(iri: str, area: str, key: str, fmt: str, path: str) -> Response:
    index = _metadata_description(iri)
    graph_triples = store().graph_triples(iri) if area == "graph" else []
    node = ox.NamedNode(iri)
    if not index.has(node) and not graph_triples:
        raise NotFound(f"There is no resource <{iri}> in this dataset.")
    if fmt in RDF_NAMES:
        return rdf_response(graph_triples or index.triples, fmt)
    context = {"page": "resource", "resource": resource_view(iri, labeller(index))}
    if area == "graph":
        document = thing(settings().base_uri, "document", key)
        context["graph"] = {"triples": len(graph_triples),
                            "document": here().href(document)
                            if store().ask(f"<{document}> ?p ?o") else None}
    return page_response("resources/resource.html", context, fmt, path)


# --------------------------------------------------------------------------- vocabulary


@bp.route("/def")
def vocabulary_redirect() -> Response:
    return redirect(here().page("def/"), code=301)


@bp.route("/def/")
@bp.route("/ontology")
@bp.route("/ontology.<ext>")
def vocabulary(ext: str | None = None) -> Response:
    fmt_from_ext = None
    if ext is not None:
        _, fmt_from_ext = split_extension("ontology." + ext)
        if fmt_from_ext is None:
            abort(404)
    fmt, negotiated = representation(fmt_from_ext)
    return _represented("ontology", (), fmt, negotiated, "ontology", lambda: _vocabulary(fmt))


def _vocabulary(fmt: str) -> Response:
    triples = ontology_triples()
    if fmt in RDF_NAMES:
        return rdf_response(triples, fmt)
    return page_response("resources/vocabulary.html", vocabulary_page(Index(triples)), fmt, "ontology")


@bp.route("/def/<path:name>")
def term(name: str) -> Response:
    key, ext = split_extension(name)
    _checked(key)
    fmt, negotiated = representation(ext)
    iri = kd(key)
    path = f"def/{key}"
    return _represented("term", (iri,), fmt, negotiated, path, lambda: _term(iri, fmt, path))


def _term(iri: str, fmt: str, path: str) -> Response:
    vocabulary_index = Index(ontology_triples())
    node = ox.NamedNode(iri)
    if not vocabulary_index.has(node):
        raise NotFound(f"The vocabulary has no term <{iri}>.")
    if fmt in RDF_NAMES:
        return rdf_response([t for t in vocabulary_index.triples if t.subject == node], fmt)
    return page_response("resources/term.html", term_page(iri, vocabulary_index), fmt, path)

