"""Pages of a SELECT answer cut at the result limit: the cursor, and answering a page.

An answer cut at ``limits.result_limit`` carries ``Link: <…>; rel="next"``; following every
next link gives exactly the rows of the unlimited query, none lost or repeated, because every
page is a slice of the same total order (:mod:`publisher.store.paging`) on the same release.

The cursor is an opaque token: the release version, a digest of the query and its dataset
parameters, the offset and the answer's variables, signed with HMAC-SHA256. The key is
derived per release from ``PUBLISHER_PAGING_SECRET`` (when set) and the release version, so
every replica of a deployment derives the same one. A cursor that was changed is a 400; one
of another query a 400; one whose release the store no longer answers from a 410. Which
release the store answers from is asked of the store itself (its release marker) before and
after each page: a page that a release switch overtook is never given out as a page of the
release before.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import urllib.parse
from dataclasses import dataclass
from typing import Sequence

import pyoxigraph as ox
from werkzeug.exceptions import BadRequest, Gone, ServiceUnavailable

from publisher.config import Settings
from publisher.store import QueryInfo, QueryResult, QueryTimeout, Store
from publisher.store.base import OWL_VERSION_INFO
from publisher.store.paging import page_query, unpageable
from publisher.store.results import RESULTS_FORMATS

#: The parameter a page is asked by.
CURSOR_PARAMETER = "cursor"
#: The longest cursor read (a SELECT with very many variables makes long ones).
MAX_CURSOR_LENGTH = 8192
_SIGNATURE_BYTES = 16
TAMPERED = ("The cursor parameter is not one this endpoint issued: it was damaged or "
            "changed. Follow the Link rel=\"next\" of the previous page as it was given.")
OTHER_QUERY = ("The cursor belongs to another query: send it with the query, "
               "default-graph-uri and named-graph-uri parameters it was issued for.")
SWITCHING = "The release is being switched; ask again in a few seconds."


@dataclass(frozen=True)
class Cursor:
    """Where the next page starts: the release, the offset, the answer's variables."""

    version: str
    offset: int
    variables: tuple[str, ...]


def query_digest(query: str, default_graphs: Sequence[str],
                 named_graphs: Sequence[str]) -> str:
    """What binds a cursor to its query: the text and the dataset it runs on."""
    seed = "\x1f".join([query, "\x1e".join(default_graphs), "\x1e".join(named_graphs)])
    return hashlib.sha256(seed.encode("utf-8")).hexdigest()[:32]


def _key(settings: Settings, version: str) -> bytes:
    """The signing key of one release's cursors."""
    seed = "\x1f".join(["kuntadigi paging", settings.paging_secret, settings.base_uri,
                        version])
    return hashlib.sha256(seed.encode("utf-8")).digest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def issue(settings: Settings, cursor: Cursor, digest: str) -> str:
    """The token of a cursor for the query of ``digest``."""
    payload = json.dumps({"r": cursor.version, "q": digest, "o": cursor.offset,
                          "v": list(cursor.variables)}, separators=(",", ":"),
                         ensure_ascii=False).encode("utf-8")
    signature = hmac.new(_key(settings, cursor.version), payload, "sha256").digest()
    return f"{_b64(payload)}.{_b64(signature[:_SIGNATURE_BYTES])}"


def read(settings: Settings, token: str, digest: str) -> Cursor:
    """The cursor of a token issued here for the query of ``digest``; 400 otherwise."""
    if len(token) > MAX_CURSOR_LENGTH:
        raise BadRequest(f"The cursor parameter is longer than {MAX_CURSOR_LENGTH} "
                         "characters; " + TAMPERED)
    try:
        encoded, signature = token.split(".")
        payload = _unb64(encoded)
        given = _unb64(signature)
        fields = json.loads(payload)
        version, offset, variables = fields["r"], fields["o"], fields["v"]
    except (ValueError, KeyError, TypeError, binascii.Error):
        raise BadRequest(TAMPERED) from None
    if not (isinstance(version, str) and isinstance(offset, int) and offset >= 0
            and isinstance(variables, list) and variables
            and all(isinstance(name, str) for name in variables)):
        raise BadRequest(TAMPERED)
    expected = hmac.new(_key(settings, version), payload, "sha256").digest()[:_SIGNATURE_BYTES]
    if not hmac.compare_digest(expected, given):
        raise BadRequest(TAMPERED)
    if not hmac.compare_digest(str(fields.get("q")), digest):
        raise BadRequest(OTHER_QUERY)
    return Cursor(version, offset, tuple(variables))


def served_version(store: Store) -> str | None:
    """The release the store answers from now, asked of the store itself in its release
    marker (not a value cached for a few seconds); the store's own idea of its version when
    the marker is not there to ask; None while it holds two (a switch half done)."""
    graph = store.settings.base_uri + "graph/release"
    rows = store.select(f"SELECT DISTINCT ?v WHERE {{ GRAPH <{graph}> {{ <{graph}> "
                        f"<{OWL_VERSION_INFO}> ?v }} }}")
    values = {row["v"].value for row in rows if "v" in row}
    if not values:
        return store.version
    return values.pop() if len(values) == 1 else None


def head_variables(result: QueryResult) -> list[str]:
    """The variables of a SELECT answer, in its own order."""
    if result.format == "csv":
        first = result.body.split(b"\n", 1)[0].decode("utf-8").strip()
        return [name for name in first.split(",") if name]
    solutions = ox.parse_query_results(result.body, RESULTS_FORMATS[result.format])
    return [variable.value for variable in solutions.variables]


@dataclass(frozen=True)
class Page:
    """One page: its rows as a result, the release they are of, the next page's cursor."""

    result: QueryResult
    version: str
    offset: int
    next: Cursor | None


@dataclass(frozen=True)
class PagedQuery:
    """A query as the endpoint runs it, with what a page of it needs."""

    text: str
    info: QueryInfo
    format: str | None
    default_graphs: list[str]
    named_graphs: list[str]
    rewrite: tuple[str, str] | None

    @property
    def digest(self) -> str:
        return query_digest(self.text, self.default_graphs, self.named_graphs)

    def unpageable(self, settings: Settings) -> str | None:
        return unpageable(self.text, self.info, settings.limits.query_max_depth)


def _run(store: Store, settings: Settings, query: PagedQuery, variables: Sequence[str],
         offset: int) -> QueryResult:
    limits = settings.limits
    return store.query(page_query(query.text, list(variables), offset, limits.result_limit),
                       format=query.format, default_graph_uris=query.default_graphs,
                       named_graph_uris=query.named_graphs, rewrite=query.rewrite,
                       timeout=limits.query_timeout_seconds, limit=limits.result_limit,
                       allow_service=limits.allow_service, public=True)


def _page(result: QueryResult, version: str, offset: int,
          variables: Sequence[str]) -> Page:
    rows = result.count or 0
    following = (Cursor(version, offset + rows, tuple(variables))
                 if result.truncated and rows else None)
    return Page(result, version, offset, following)


def first_page(store: Store, settings: Settings, query: PagedQuery,
               cut: QueryResult) -> Page | None:
    """The first page in the total order, for an answer ``cut`` at the limit; None when the
    query cannot be paged (the cut answer then stands, without a next link); 503 when the
    release switched under both tries."""
    if query.unpageable(settings) is not None:
        return None
    variables = head_variables(cut)
    for _ in range(2):
        version = served_version(store)
        if version is None:             # no release marker: nothing to bind a cursor to
            return None
        try:
            result = _run(store, settings, query, variables, 0)
        except QueryTimeout:            # the ordered run is slower: the cut answer stands
            return None
        if served_version(store) == version:
            return _page(result, version, 0, variables)
    raise ServiceUnavailable(SWITCHING)


def gone(cursor: Cursor, now: str | None) -> Gone:
    """410 for a cursor whose release the store no longer answers from."""
    return Gone(f"The cursor belongs to release {cursor.version}, which this endpoint no "
                f"longer answers from" + (f" (it answers from release {now})" if now else "")
                + ": run the query again to page through the current release.")


def next_page(store: Store, settings: Settings, query: PagedQuery, cursor: Cursor) -> Page:
    """The page a cursor points to, on its release; 410 when that release is gone (also
    when it went while the page was being read)."""
    why = query.unpageable(settings)
    if why is not None:
        raise BadRequest(f"This query is not answered in pages: {why}.")
    now = served_version(store)
    if now != cursor.version:
        raise gone(cursor, now)
    result = _run(store, settings, query, cursor.variables, cursor.offset)
    now = served_version(store)
    if now != cursor.version:
        raise gone(cursor, now)
    return _page(result, cursor.version, cursor.offset, cursor.variables)


def next_url(endpoint: str, params: Sequence[tuple[str, str]], token: str,
             kept: Sequence[str]) -> str:
    """The GET URL of the next page: the endpoint with the request's parameters named in
    ``kept`` (the query, its dataset, the format asked) and the cursor."""
    pairs = [(k, v) for k, v in params if k in kept]
    return f"{endpoint}?{urllib.parse.urlencode(pairs + [(CURSOR_PARAMETER, token)])}"
