"""The SPARQL 1.1 Protocol, read-only, framework-neutral: a request in, an answer out.

:func:`answer` takes what any web framework can give (method, URL, headers, query string, a
way to read the body) and returns the status, headers and body, so the Flask route (and any
other front) is a thin adapter and the endpoint exists once. Refusals are raised as
werkzeug HTTP exceptions and :mod:`publisher.store` errors, for the caller's error handlers.

GET `query=`, POST form-encoded, POST `application/sparql-query`; `default-graph-uri` and
`named-graph-uri` honoured; results by `Accept` (q-values) or `format=`/`output=`/`results=`
(every value the mainstream clients send: :data:`FORMAT_NAMES`). Updates are refused (403),
SERVICE is refused unless `limits.allow_service`, a syntax error is a 400 with the parser's
message, the time limit a 503, and the result limit cuts the answer with
`X-Result-Truncated: true` and a mark in JSON and XML results (:func:`mark_truncated`); a cut
SELECT answer is the first page of the rows in a total order and links the next
(``Link: rel="next"``, :mod:`publisher.web.paging`). A 406
names what it judged: the parameter, or the Accept header. GET answers carry an ETag of the
release and are remembered for the release (:mod:`publisher.web.cache`); POST answers are
`no-store`.
"""
from __future__ import annotations

import urllib.parse
from dataclasses import dataclass
from typing import Callable, Mapping, Protocol

from werkzeug.exceptions import BadRequest, Forbidden, NotAcceptable
from werkzeug.http import parse_options_header

from publisher.store import QueryResult, check_iri, check_query
from publisher.store.query_check import READ_ONLY
from publisher.store.results import mark_truncated
from publisher.web.cache import Rendered, RenderCache, cache_headers, conditional, etag_of
from publisher.web.negotiation import negotiate, not_acceptable, shown
from publisher.web.paging import (CURSOR_PARAMETER, Page, PagedQuery, first_page, gone,
                                  issue, next_page, next_url, read)
from publisher.web.state import Publisher

SOLUTION_OFFERS = [
    ("application/sparql-results+json", "json"),
    ("application/sparql-results+xml", "xml"),
    ("text/csv", "csv"),
    ("text/tab-separated-values", "tsv"),
    ("application/json", "json"),
    ("application/xml", "xml"),
    ("text/xml", "xml"),
]
GRAPH_OFFERS = [
    ("text/turtle", "turtle"),
    ("application/n-triples", "ntriples"),
    ("application/ld+json", "jsonld"),
    ("application/rdf+xml", "rdfxml"),
    ("application/x-turtle", "turtle"),
    ("text/n3", "turtle"),
    ("text/plain", "ntriples"),
    ("application/json", "jsonld"),
    ("application/xml", "rdfxml"),
    ("text/xml", "rdfxml"),
]
#: The parameters a results format is asked by: SPARQLWrapper sends all three (Virtuoso
#: reads format=, Fuseki output=, some stores results=).
FORMAT_PARAMETERS = ("format", "output", "results")
#: What those parameters may say, per result family → our format name: short names and
#: media types, as SPARQLWrapper (its returnFormat, and its Accept value repeated), Fuseki's
#: output= and our own editor form send them (tests/web/test_clients.py runs the clients).
FORMAT_NAMES = {
    "solutions": {
        **dict.fromkeys(["json", "srj", "sparql-results+json", "application/json",
                         "application/sparql-results+json", "text/javascript",
                         "application/javascript"], "json"),
        **dict.fromkeys(["xml", "srx", "sparql-results+xml", "application/xml", "text/xml",
                         "application/sparql-results+xml"], "xml"),
        **dict.fromkeys(["csv", "text/csv"], "csv"),
        **dict.fromkeys(["tsv", "text/tab-separated-values"], "tsv"),
    },
    "graph": {
        # N3 is a superset of Turtle: a Turtle answer is an N3 answer
        **dict.fromkeys(["turtle", "ttl", "n3", "text/turtle", "application/turtle",
                         "application/x-turtle", "text/n3", "text/rdf+n3", "application/n3"],
                        "turtle"),
        **dict.fromkeys(["nt", "ntriples", "n-triples", "application/n-triples",
                         "text/plain"], "ntriples"),
        **dict.fromkeys(["jsonld", "json-ld", "json", "application/ld+json",
                         "application/x-json+ld", "application/json"], "jsonld"),
        **dict.fromkeys(["rdf", "rdfxml", "rdf+xml", "rdf/xml", "xml", "application/rdf+xml",
                         "application/xml", "text/xml"], "rdfxml"),
    },
}
_FORM_NAMES = {"solutions": "a SELECT query", "boolean": "an ASK query",
               "graph": "a CONSTRUCT or DESCRIBE query"}


@dataclass(frozen=True)
class ProtocolRequest:
    """What the protocol reads of an HTTP request, whichever framework received it."""

    method: str
    url: str                            # as asked: the answer cache keeps answers per URL
    headers: Mapping[str, str]          # looked up case-insensitively (Accept, Content-Type…)
    query_string: bytes
    read_body: Callable[[], bytes]      # called only when the protocol needs the body


class HostMapping(Protocol):
    """How the host answering maps onto the base URI (:class:`publisher.web.context.Here`)."""

    @property
    def rewrite(self) -> tuple[str, str] | None: ...

    def to_base(self, url: str) -> str: ...


def answer(request: ProtocolRequest, pub: Publisher, site: HostMapping,
           cache: RenderCache) -> Rendered | None:
    """The answer to a query, or None when a GET asks none (the caller describes the
    service). Relative IRIs resolve against the endpoint; IRIs of the host answering are
    read as the base URI's."""
    params = _protocol_parameters(request)
    if any(k == "update" for k, _ in params):
        raise Forbidden(READ_ONLY)
    queries = [v for k, v in params if k == "query"]
    if len(queries) > 1:
        raise BadRequest("More than one query parameter: send exactly one query.")
    if not queries:
        if request.method == "POST":
            raise BadRequest("No query: send it as the 'query' parameter or as an "
                             "application/sparql-query body.")
        return None
    query = queries[0]
    if not query.strip():
        raise BadRequest("The query is empty.")
    cursors = [v for k, v in params if k == CURSOR_PARAMETER]
    if len(cursors) > 1:
        raise BadRequest("More than one cursor parameter: send the one of the page you want.")
    limits = pub.settings.limits
    info = check_query(query, limits)
    asked = [(k, v) for k, v in params if k in FORMAT_PARAMETERS]
    fmt = choose_format(info.result_kind, asked, request.headers.get("Accept"))
    rewrite = site.rewrite
    if rewrite is not None:
        base, root = rewrite
        query = query.replace(root, base)
    default_graphs = _graphs(params, "default-graph-uri", site)
    named_graphs = _graphs(params, "named-graph-uri", site)
    if cursors:
        paged = PagedQuery(query, info, fmt, default_graphs, named_graphs, rewrite)
        return _page_answer(request, pub, cache, params, paged, cursors[0])
    etag = key = None
    if request.method in {"GET", "HEAD"}:
        version = pub.store.version
        if version is not None:
            etag = answer_etag(version, query, fmt, default_graphs, named_graphs, rewrite)
        if etag is not None:
            key = ("sparql", etag, request.url)
            hit = cache.get(key)
            if hit is not None:
                return conditional(hit, request.method, request.headers.get("If-None-Match"))
    result = pub.store.query(query, format=fmt, default_graph_uris=default_graphs,
                             named_graph_uris=named_graphs, rewrite=rewrite,
                             timeout=limits.query_timeout_seconds, limit=limits.result_limit,
                             allow_service=limits.allow_service, public=True)
    if result.truncated:
        paged = PagedQuery(query, info, fmt, default_graphs, named_graphs, rewrite)
        page = first_page(pub.store, pub.settings, paged, result)
        if page is not None:
            found = _rendered_page(request, pub, params, paged, page, etag and answer_etag(
                page.version, query, fmt, default_graphs, named_graphs, rewrite))
            if key is not None:
                cache.put(key, found)
            return conditional(found, request.method, request.headers.get("If-None-Match"))
    body = result.body
    if result.truncated:
        body = mark_truncated(body, result.format, result.limit,
                              request.url.split("?", 1)[0])
    found = Rendered.of(200, body, result_headers(pub, result, etag))
    if key is not None:
        cache.put(key, found)
    return conditional(found, request.method, request.headers.get("If-None-Match"))


def _page_answer(request: ProtocolRequest, pub: Publisher, cache: RenderCache,
                 params: list[tuple[str, str]], paged: PagedQuery, token: str) -> Rendered:
    """A page asked by its cursor: 400 for a cursor not issued here for this query, 410
    when its release is gone; a GET page is remembered like any answer of its release."""
    cursor = read(pub.settings, token, paged.digest)
    etag = key = None
    if request.method in {"GET", "HEAD"}:
        etag = answer_etag(cursor.version, paged.text, paged.format, paged.default_graphs,
                           paged.named_graphs, paged.rewrite) + f"-{cursor.offset}"
        key = ("sparql", etag, request.url)
        hit = cache.get(key)
        if hit is not None:
            now = pub.store.version
            if now != cursor.version:
                raise gone(cursor, now)
            return conditional(hit, request.method, request.headers.get("If-None-Match"))
    page = next_page(pub.store, pub.settings, paged, cursor)
    found = _rendered_page(request, pub, params, paged, page, etag)
    if key is not None:
        cache.put(key, found)
    return conditional(found, request.method, request.headers.get("If-None-Match"))


def _rendered_page(request: ProtocolRequest, pub: Publisher, params: list[tuple[str, str]],
                   paged: PagedQuery, page: Page, etag: str | None) -> Rendered:
    """A page with its headers: truncated (marked as any cut answer) and with the next
    page's link while rows follow."""
    result = page.result
    endpoint = request.url.split("?", 1)[0]
    body = result.body
    if result.truncated:
        body = mark_truncated(body, result.format, result.limit, endpoint)
    headers = result_headers(pub, result, etag)
    if page.next is not None:
        token = issue(pub.settings, page.next, paged.digest)
        link = next_url(endpoint, params, token,
                        ("query", "default-graph-uri", "named-graph-uri", *FORMAT_PARAMETERS))
        headers.append(("Link", f'<{link}>; rel="next"'))
    return Rendered.of(200, body, headers)


def answer_etag(version: str, query: str, fmt: str | None, default_graphs: list[str],
                named_graphs: list[str], rewrite: tuple[str, str] | None) -> str:
    """The ETag of a query's answer on release ``version``."""
    return etag_of(version, "sparql", query, default_graphs, named_graphs, fmt, rewrite)


def result_headers(pub: Publisher, result: QueryResult,
                   etag: str | None) -> list[tuple[str, str]]:
    """The headers of a query result: its media type, the truncation signal, and caching
    tied to the release for GET (POST answers, without an ETag, are not stored)."""
    media = result.media_type
    headers = [("Content-Type",
                f"{media}; charset=utf-8" if media != "application/ld+json" else media)]
    if result.truncated:
        headers += [("X-Result-Truncated", "true"), ("X-Result-Limit", str(result.limit))]
    headers += (cache_headers(etag, pub.last_modified()) if etag
                else [("Cache-Control", "no-store")])
    headers.append(("Vary", "Accept"))
    return headers


def choose_format(kind: str | None, asked: list[tuple[str, str]],
                  accept: str | None) -> str | None:
    """The results format: the first format=/output=/results= value naming one of this
    query form's formats, else the Accept header; None when the kind is unknown.

    A value naming a format of the other query forms (SPARQLWrapper sends ``format=turtle``
    for a SELECT when asked for Turtle) leaves the choice to Accept, as if unsent; an
    unknown value is a 406 naming the parameter, as nothing offered fits an Accept."""
    if kind is None:
        return None
    family = "graph" if kind == "graph" else "solutions"
    other = "solutions" if family == "graph" else "graph"
    unknown = set_aside = None
    for parameter, value in asked:
        key = _format_key(value)
        if not key:
            continue
        if key in FORMAT_NAMES[family]:
            return FORMAT_NAMES[family][key]
        if key in FORMAT_NAMES[other]:
            set_aside = set_aside or f"{parameter}={shown(value, 100)}"
        elif unknown is None:
            unknown = (parameter, value)
    if unknown is not None:
        raise format_not_offered(*unknown, kind)
    offers = GRAPH_OFFERS if family == "graph" else SOLUTION_OFFERS
    name = negotiate(offers, accept)
    if name is None:
        what = " for " + _FORM_NAMES[kind]
        if set_aside:
            what += f" ({set_aside} names a format of other query forms, so Accept decided)"
        raise not_acceptable(offers, accept, what)
    return name


def _format_key(value: str) -> str:
    """A format value as looked up: lowercase, no parameters, and a ``+`` that form
    encoding turned into a space restored (``rdf xml`` → ``rdf+xml``)."""
    return value.split(";", 1)[0].strip().lower().replace(" ", "+")


def format_not_offered(parameter: str, value: str, kind: str) -> NotAcceptable:
    """406 for a format=/output=/results= value we do not write, with what we do."""
    family = "graph" if kind == "graph" else "solutions"
    names = list(dict.fromkeys(FORMAT_NAMES[family].values()))
    error = NotAcceptable(f"{parameter}={shown(value, 100)} is not a result format we offer "
                          f"for {_FORM_NAMES[kind]}; offered: {', '.join(names)} (or their "
                          "media types, or by the Accept header).")
    error.available = names  # type: ignore[attr-defined]
    return error


def _pairs(raw: bytes, where: str) -> list[tuple[str, str]]:
    """Decode `a=b&c=d` strictly: invalid UTF-8 (raw or percent-encoded) is a 400."""
    try:
        text = raw.decode("utf-8")
        return urllib.parse.parse_qsl(text, keep_blank_values=True, encoding="utf-8",
                                      errors="strict", max_num_fields=1000)
    except UnicodeDecodeError:
        raise BadRequest(f"The {where} is not valid UTF-8.") from None
    except ValueError as error:
        raise BadRequest(f"The {where} cannot be read: {error}") from None


def _protocol_parameters(request: ProtocolRequest) -> list[tuple[str, str]]:
    """All protocol parameters of the request, wherever the protocol puts them."""
    url_params = _pairs(request.query_string, "query string")
    if request.method != "POST":
        return url_params
    media, options = parse_options_header(request.headers.get("Content-Type", ""))
    media = media.lower()
    charset = options.get("charset")
    if charset and charset.strip().lower().replace("_", "-") not in {"utf-8", "utf8"}:
        raise BadRequest(f"Only UTF-8 is accepted, not charset={charset}.")
    if media == "application/sparql-update":
        raise Forbidden(READ_ONLY)
    if not media:
        raise BadRequest("A POST needs a Content-Type: application/x-www-form-urlencoded "
                         "or application/sparql-query.")
    body = request.read_body()
    if media == "application/x-www-form-urlencoded":
        return url_params + _pairs(body, "request body")
    if media == "application/sparql-query":
        if any(k == "query" for k, _ in url_params):
            raise BadRequest("The query is both in the body and in the URL.")
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            raise BadRequest("The query in the request body is not valid UTF-8.") from None
        return url_params + [("query", text)]
    raise BadRequest(f"Unsupported Content-Type {media}: use application/x-www-form-urlencoded "
                     "or application/sparql-query.")


def _graphs(params: list[tuple[str, str]], name: str, site: HostMapping) -> list[str]:
    graphs = []
    for key, value in params:
        if key == name:
            try:
                graphs.append(check_iri(site.to_base(value.strip())))
            except ValueError:
                raise BadRequest(f"{name} is not an IRI: {value!r}") from None
    return graphs
