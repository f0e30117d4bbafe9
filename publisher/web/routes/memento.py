"""Memento (RFC 7089) for every resource: its versions are mementos, listed by a TimeMap.

A memento, `/version/{release}/{path}`, is the resource as that release described it — the
same version object the event stream carries — in every format and language `/doc` has,
with `Memento-Datetime` (the release's build time) and `Link`s to the original resource, its
TimeGate (`/doc/…`, which reads `Accept-Datetime`) and its TimeMap. The TimeMap,
`/timemap/{path}`, lists the mementos in `application/link-format`, Turtle or HTML.

A page of a memento takes the resource's own statements from the version and the labels of
what it links to from the release served (a label that changed since is shown as it is now).
"""
from __future__ import annotations

import pyoxigraph as ox
from flask import Blueprint, Response, abort, render_template, request
from werkzeug.exceptions import BadRequest, NotFound

from publisher.docs.labels import Index
from publisher.history import REMOVED, Version
from publisher.store import check_iri
from publisher.vocab import DCTERMS, PROV, RDF_TYPE, XSD, timemap_iri, version_iri
from publisher.web.answers import answer_once, cacheable, etag_for
from publisher.web.context import here, page_globals, settings, store
from publisher.web.errors import error_response
from publisher.web.history import History, current_history
from publisher.web.negotiation import negotiate_or_406, split_extension
from publisher.web.pages.history import comparison
from publisher.web.pages.parts import labeller
from publisher.web.pages.resource import resource_page
from publisher.web.routes.resources import page_response, rdf_response, representation
from publisher.web.timegate import (LINK_FORMAT, http_date, memento_links, no_versions,
                                     timegate_of)

bp = Blueprint("memento", __name__)

TIMEMAP_OFFERS = [(LINK_FORMAT, "link"), ("text/html", "html"), ("text/turtle", "turtle")]
TIMEMAP_EXTENSIONS = {"link": "link", "html": "html", "ttl": "turtle"}
#: Longer than any path of ours; a longer one is refused before any lookup.
MAX_PATH = 300


def _resource(path: str) -> tuple[str, str | None]:
    """(IRI, extension) of a `/version/…` or `/timemap/…` path of one of our resources."""
    if len(path) > MAX_PATH:
        raise NotFound("No such resource.")
    stem, ext = split_extension(path)
    return check_iri(settings().base_uri + stem), ext


@bp.route("/version/<release>/<path:path>")
def memento(release: str, path: str) -> Response:
    iri, ext = _resource(path)
    history = current_history()
    version = history.version(release, iri) if len(release) <= 32 else None
    if version is None:
        raise NotFound(f"<{iri}> has no version in release {release[:32]}: its versions are "
                       f"listed at {here().local(timemap_iri(settings().base_uri, iri))}")
    headers = {"Memento-Datetime": http_date(version.built),
               "Link": memento_links(iri, history, version)}
    if version.state == REMOVED:
        abort(error_response(410, f"<{iri}> was removed in release {release}.", headers))
    fmt, negotiated = representation(ext)
    etag = etag_for("memento", release, iri, fmt,
                    here().lang if fmt in {"html", "json"} else "", here().rewrite)

    def render() -> Response:
        own = history.triples(version)
        if fmt in {"html", "json"}:
            context_triples = [t for t in store().describe(iri)
                               if not (isinstance(t.subject, ox.NamedNode)
                                       and (t.subject.value == iri
                                            or t.subject.value.startswith(iri + "#")))]
            template, context = resource_page(iri, Index(own + context_triples))
            context["memento"] = {"release": release, "built": version.built,
                                  "state": version.state,
                                  "current": here().local(timegate_of(iri) or iri),
                                  "timemap": here().local(timemap_iri(settings().base_uri, iri))}
            response = page_response(f"resources/{template}", context, fmt,
                                     f"version/{release}/{split_extension(path)[0]}")
        else:
            response = rdf_response(own, fmt, iri)
        vary = ["Accept"] if negotiated else []
        if fmt in {"html", "json"} and not here().lang_explicit:
            vary.append("Accept-Language")
        response = cacheable(response, etag, vary)
        for name, value in headers.items():
            response.headers[name] = value
        return response
    return answer_once("memento", etag, render)


@bp.route("/timemap/<path:path>")
def timemap(path: str) -> Response:
    iri, ext = _resource(path)
    if ext is not None and ext not in TIMEMAP_EXTENSIONS:
        raise NotFound(f"A TimeMap is given as .link, .html or .ttl, not .{ext[:20]}")
    fmt = (TIMEMAP_EXTENSIONS[ext] if ext else
           negotiate_or_406(TIMEMAP_OFFERS, request.headers.get("Accept")))
    history = current_history()
    versions = history.mementos(iri)
    if not history.versions(iri):
        raise no_versions(iri, history)
    pair = _pair(versions) if fmt == "html" else None
    etag = etag_for("timemap", iri, fmt, here().lang if fmt == "html" else "", here().rewrite,
                    pair and (pair[0].release, pair[1].release))

    def render() -> Response:
        context = store().describe(iri) if fmt == "html" else []
        if fmt == "html" and not context and versions:
            context = history.triples(versions[-1])
        base, local = settings().base_uri, here().local
        rows = [{"release": v.release, "built": v.built, "date": http_date(v.built),
                 "state": v.state, "href": local(version_iri(base, v.release, iri))}
                for v in versions]
        if fmt == "link":
            response = Response(_link_format(iri, history, rows), content_type=LINK_FORMAT)
        elif fmt == "turtle":
            response = Response(_timemap_turtle(iri, rows), content_type="text/turtle; "
                                                                         "charset=utf-8")
        else:
            removal = history.removed(iri)
            response = Response(render_template(
                "memento/timemap.html", **page_globals(), iri=iri, rows=rows,
                label=labeller(Index(context)).label(ox.NamedNode(iri)),
                compared=comparison(history, iri, *pair, context) if pair else None,
                current=local(timegate_of(iri) or iri),
                removed=removal.release if removal else None,
                formats=[{"name": n, "href": local(timemap_iri(base, iri)) + "." + e,
                          "type": t} for n, e, t in (("link-format", "link", LINK_FORMAT),
                                                     ("Turtle", "ttl", "text/turtle"))]),
                mimetype="text/html")
        return cacheable(response, etag, [] if ext else ["Accept"]
                         + (["Accept-Language"] if fmt == "html" else []))
    return answer_once("timemap", etag, render)


def _pair(versions: list[Version]) -> tuple[Version, Version] | None:
    """The two versions to compare: `from` and `to` when given (400 for a release that is
    not one of the resource's versions), else the two newest."""
    chosen = {v.release: v for v in versions}
    asked = [request.args.get("from"), request.args.get("to")]
    if any(asked):
        if not all(a in chosen for a in asked):
            raise BadRequest("from and to must both be releases listed in this TimeMap "
                             f"({', '.join(chosen) or 'none'}).")
        older, newer = sorted((chosen[asked[0]], chosen[asked[1]]), key=lambda v: v.release)
        return older, newer
    return (versions[-2], versions[-1]) if len(versions) > 1 else None


def _link_format(iri: str, history: History, rows: list[dict[str, str]]) -> str:
    """RFC 7089 section 5.1: the original, the TimeGate, the TimeMap itself, the mementos."""
    local = here().local
    links = [f'<{local(iri)}>; rel="original"']
    gate = timegate_of(iri)
    if gate is not None:
        links.append(f'<{local(gate)}>; rel="timegate"')
    own = local(timemap_iri(settings().base_uri, iri))
    span = (f'; from="{rows[0]["date"]}"; until="{rows[-1]["date"]}"' if rows else "")
    links.append(f'<{own}>; rel="self"; type="{LINK_FORMAT}"{span}')
    for n, row in enumerate(rows):
        rel = ("first last memento" if len(rows) == 1 else "first memento" if n == 0
               else "last memento" if n == len(rows) - 1 else "memento")
        links.append(f'<{row["href"]}>; rel="{rel}"; datetime="{row["date"]}"')
    return ",\n".join(links) + "\n"


def _timemap_turtle(iri: str, rows: list[dict[str, str]]) -> bytes:
    base = settings().base_uri
    own = ox.NamedNode(here().local(timemap_iri(base, iri)))
    triples = [ox.Triple(own, ox.NamedNode(RDF_TYPE), ox.NamedNode(PROV + "Collection"))]
    for row in rows:
        memento_node = ox.NamedNode(row["href"])
        triples += [
            ox.Triple(own, ox.NamedNode(PROV + "hadMember"), memento_node),
            ox.Triple(memento_node, ox.NamedNode(DCTERMS + "isVersionOf"),
                      ox.NamedNode(here().local(iri))),
            ox.Triple(memento_node, ox.NamedNode(PROV + "generatedAtTime"),
                      ox.Literal(row["built"], datatype=ox.NamedNode(XSD + "dateTime")))]
    return ox.serialize(triples, format=ox.RdfFormat.TURTLE,
                        prefixes={"prov": PROV, "dcterms": DCTERMS})
