"""`/ldes`: the dataset as a Linked Data Event Stream (SEMIC LDES and W3C TREE).

Members are version objects: one per resource whose description changed in a release (every
resource in the chain's first release), `dct:isVersionOf` the resource, `prov:generatedAtTime`
the release's build time, typed `as:Create`, `as:Update` or `as:Delete` (the stream's
`ldes:versionCreateObject` …). A member's statements — the resource's description in that
release — are in the named graph of the member's IRI, as the LDES specification's TriG example
does, so a consumer takes the graph as it is (TriG or N-Quads).

One view, paged by release and then by `PAGE_SIZE` members. Its root node is the stream's
own IRI, `/ldes`: it links the first page of every release with a
`tree:GreaterThanOrEqualToRelation` on `prov:generatedAtTime` (the release's build time), and
each page links the next page of its release the same way. The root is the newest page — it
gains a relation with each release — and is cached for a minute; every other page is complete
when its release is published and never changes: a year's `immutable` caching and an ETag
that does not depend on the release served. A client that saved its state (the `ldes-client`
keeps the immutable pages it has read) finds a new release's pages from the root, which it
always reads again.

When older releases of the chain are gone (`release.keep`), the root declares the current
LDES retention policy `ldes:startingFrom` the oldest kept release's build time: members before
it are no longer available, so a client starting afresh takes that release's dump first.
"""
from __future__ import annotations

from flask import Blueprint, Response, abort, redirect, request
from werkzeug.exceptions import NotFound

import pyoxigraph as ox

from publisher.history import ADDED, CHANGED, REMOVED
from publisher.patch import VERSION
from publisher.store import rewrite_term
from publisher.vocab import (ACTIVITY_STREAMS, DCTERMS, LDES, PROV, RDF_TYPE, TREE, XSD,
                             prefixes_for, version_iri)
from publisher.web.answers import answer_once, cacheable, etag_for
from publisher.web.cache import etag_of
from publisher.web.context import here, settings
from publisher.web.history import PAGE_SIZE, History, Page, current_history
from publisher.web.negotiation import negotiate_or_406

bp = Blueprint("ldes", __name__)

#: Formats that carry the members' named graphs.
OFFERS = [("application/trig", "trig"), ("application/n-quads", "nquads")]
FORMATS = {"trig": (ox.RdfFormat.TRIG, "application/trig"),
           "nquads": (ox.RdfFormat.N_QUADS, "application/n-quads")}
IMMUTABLE = "public, max-age=31536000, immutable"
NEWEST = "public, max-age=60"
#: A page number has at most this many digits (anything longer is past every end).
MAX_PAGE_DIGITS = 9
STATE_TYPES = {ADDED: "Create", CHANGED: "Update", REMOVED: "Delete"}


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def stream_iri() -> str:
    return settings().base_uri + "ldes"


def page_iri(release: str, number: int) -> str:
    return f"{settings().base_uri}ldes/{release}/{number}"


def _serialized(quads: list[ox.Quad], fmt: str) -> Response:
    rewrite = here().rewrite
    if rewrite is not None:
        quads = [ox.Quad(rewrite_term(q.subject, rewrite), rewrite_term(q.predicate, rewrite),
                         rewrite_term(q.object, rewrite), rewrite_term(q.graph_name, rewrite))
                 for q in quads]
    rdf_format, media = FORMATS[fmt]
    body = ox.serialize(quads, format=rdf_format,
                        prefixes=prefixes_for(here().local(settings().base_uri))
                        if fmt == "trig" else None)
    return Response(body, content_type=f"{media}; charset=utf-8")


def _relation(node: ox.NamedNode, target: str, built: str) -> list[ox.Quad]:
    """`node` links `target`, whose members are all generated at or after `built`."""
    relation, default, a = ox.BlankNode(), ox.DefaultGraph(), _n(RDF_TYPE)
    return [ox.Quad(node, _n(TREE + "relation"), relation, default),
            ox.Quad(relation, a, _n(TREE + "GreaterThanOrEqualToRelation"), default),
            ox.Quad(relation, _n(TREE + "path"), _n(PROV + "generatedAtTime"), default),
            ox.Quad(relation, _n(TREE + "value"),
                    ox.Literal(built, datatype=_n(XSD + "dateTime")), default),
            ox.Quad(relation, _n(TREE + "node"), _n(target), default)]


def _stream_description(history: History) -> list[ox.Quad]:
    stream, default = _n(stream_iri()), ox.DefaultGraph()
    a = _n(RDF_TYPE)
    quads = [ox.Quad(stream, a, _n(LDES + "EventStream"), default),
             ox.Quad(stream, _n(LDES + "timestampPath"), _n(PROV + "generatedAtTime"), default),
             ox.Quad(stream, _n(LDES + "versionOfPath"), _n(DCTERMS + "isVersionOf"), default),
             ox.Quad(stream, _n(TREE + "view"), stream, default),
             ox.Quad(stream, a, _n(TREE + "Node"), default)]
    for state, kind in (("Create", "versionCreateObject"), ("Update", "versionUpdateObject"),
                        ("Delete", "versionDeleteObject")):
        quads.append(ox.Quad(stream, _n(LDES + kind), _n(ACTIVITY_STREAMS + state), default))
    if history.starting_from is not None:
        policy = _n(stream_iri() + "#retention")
        quads += [ox.Quad(stream, _n(LDES + "retentionPolicy"), policy, default),
                  ox.Quad(policy, _n(LDES + "startingFrom"),
                          ox.Literal(history.starting_from, datatype=_n(XSD + "dateTime")),
                          default)]
    for release, built in history.first_pages():
        quads += _relation(stream, page_iri(release, 0), built)
    return quads


@bp.route("/ldes")
def stream() -> Response:
    fmt = negotiate_or_406(OFFERS, request.headers.get("Accept"))
    history = current_history()
    etag = etag_for("ldes", fmt)

    def render() -> Response:
        response = cacheable(_serialized(_stream_description(history), fmt), etag, ["Accept"])
        response.headers["Cache-Control"] = NEWEST
        return response
    return answer_once("ldes", etag, render)


@bp.route("/ldes/<release>")
def release_start(release: str) -> Response:
    if not VERSION.fullmatch(release):
        abort(404)
    return redirect(here().page(f"ldes/{release}/0"), code=302)


@bp.route("/ldes/<release>/<number>")
def page(release: str, number: str) -> Response:
    if not VERSION.fullmatch(release) or release not in current_history().releases:
        raise NotFound(f"No release {release[:40]} in the event stream: its releases are "
                       "listed from /ldes onwards.")
    if not number.isdigit() or len(number) > MAX_PAGE_DIGITS:
        raise NotFound("A page of the event stream is numbered 0, 1, 2 …")
    history = current_history()
    found = history.page(release, int(number))
    if found is None:
        raise NotFound(f"Release {release} has {history.page_count(release)} page(s) of "
                       f"{PAGE_SIZE} members in the event stream; page {int(number)} is past "
                       "the end.")
    fmt = negotiate_or_406(OFFERS, request.headers.get("Accept"))
    etag = etag_of(release, "ldes-page", number, fmt, here().rewrite)

    def render() -> Response:
        response = cacheable(_serialized(_page_quads(history, found), fmt), etag, ["Accept"])
        response.headers["Cache-Control"] = IMMUTABLE
        return response
    return answer_once("ldes-page", etag, render)


def _page_quads(history: History, found: Page) -> list[ox.Quad]:
    base, default = settings().base_uri, ox.DefaultGraph()
    node, stream = _n(page_iri(found.release, found.number)), _n(stream_iri())
    a = _n(RDF_TYPE)
    quads = [ox.Quad(node, a, _n(TREE + "Node"), default)]
    if found.next is not None:
        quads += _relation(node, page_iri(*found.next), found.built)
    built = ox.Literal(found.built, datatype=_n(XSD + "dateTime"))
    for iri, version in history.member_versions(found):
        member = _n(version_iri(base, version.release, iri))
        quads += [ox.Quad(stream, _n(TREE + "member"), member, default),
                  ox.Quad(member, _n(DCTERMS + "isVersionOf"), _n(iri), default),
                  ox.Quad(member, _n(PROV + "generatedAtTime"), built, default),
                  ox.Quad(member, a, _n(ACTIVITY_STREAMS + STATE_TYPES[version.state]),
                          default)]
        quads += [ox.Quad(t.subject, t.predicate, t.object, member)
                  for t in history.triples(version)]
    return quads
