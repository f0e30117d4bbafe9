"""The remote store: any SPARQL 1.1 store, by HTTP.

Its query, update and Graph Store URLs come from :mod:`publisher.store.endpoints` (an
engine's preset, or set one by one). Queries go through SPARQLWrapper, loading through the
SPARQL 1.1 Graph Store HTTP Protocol (one ``PUT`` per named graph, the union into the default
graph, so that it is a set as RDF merge is) and graphs of an older release are dropped by a
SPARQL update. The remote engine runs the query, so the time limit is the HTTP timeout. A
short probe (``limits.store_probe_seconds``) tells whether the store answers at all: while
it does not, every request is answered 503 at once instead of waiting for the query's time
limit; while it answers without our release, every query is refused (ReleaseMissing) rather
than answered from someone else's data. Credentials (from the environment) go in HTTP Basic,
or Digest where the engine asks for it. Public messages never name the store's address or
credentials; the log names the address only.
"""
from __future__ import annotations

import ast
import base64
import logging
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import OrderedDict
from pathlib import Path
from typing import Any, Iterable, Sequence

import pyoxigraph as ox
from SPARQLWrapper import POST, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import (EndPointInternalError, EndPointNotFound,
                                            QueryBadFormed, SPARQLWrapperException,
                                            Unauthorized)

from publisher.config import Settings
import publisher.store.endpoints as endpoints
from publisher.store.base import OWL_VERSION_INFO, Store, read_release_info
from publisher.store.errors import (NoRelease, QuerySyntaxError, QueryTimeout, ReleaseMissing,
                                    StoreError, StoreUnavailable)
from publisher.store.query_check import inspect_query
from publisher.store.results import (DEFAULT_FORMAT, SOLUTION_FORMATS,
                                     QueryResult, Rewrite, capped_answer, capped_query,
                                     formats_for, render_result)
from publisher.vocab import prefixes_for

log = logging.getLogger("publisher.store")
DOWN = "it does not answer; it may be down or overloaded"
REFUSED = ("the data store refused the credentials (HTTP {code}): check "
           "PUBLISHER_STORE_USER and PUBLISHER_STORE_PASSWORD")
#: What the public is told when the store answers without our release (no address in it).
MISSING = ("the data store holds no release of this site (it is empty, or holds other "
           "data); load one into it with `publisher load --store URL`")
LOAD_COMMAND = "publisher load --store URL"


def _read_failure(error: OSError, timeout: float) -> StoreError:
    """What a failure while reading the remote store's answer means for the request."""
    if _is_timeout(error):
        return QueryTimeout(f"the data store did not answer within {timeout:g} s")
    log.warning("reading from the SPARQL store failed: %s", error)
    return StoreUnavailable("the connection to the data store failed while reading its answer")


def _remote_message(error: Exception) -> str:
    """The response body SPARQLWrapper folded into its exception message."""
    text = str(error)
    marker = "Response:\n"
    if marker in text:
        try:
            raw = ast.literal_eval(text[text.index(marker) + len(marker):].strip())
            if isinstance(raw, bytes):
                return raw.decode("utf-8", "replace").strip()
        except (ValueError, SyntaxError):
            pass
    return text


def _is_timeout(error: BaseException) -> bool:
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, (socket.timeout, TimeoutError)):
            return True
        if isinstance(error, urllib.error.URLError) and isinstance(error.reason, BaseException):
            error = error.reason
            continue
        error = error.__cause__ or error.__context__  # type: ignore[assignment]
    return False


#: A graph name no release uses: as the only default graph it makes the default graph empty.
EMPTY_GRAPH = "urn:x-kuntadigi:no-graph"
_REMOTE_JSON_ACCEPT = "application/sparql-results+json, application/sparql-results+xml;q=0.9"
_REMOTE_TSV_ACCEPT = ("text/tab-separated-values, application/sparql-results+json;q=0.9, "
                      "application/sparql-results+xml;q=0.8")
_REMOTE_GRAPH_ACCEPT = "application/n-triples, text/turtle;q=0.9"


class RemoteStore(Store):
    """Any SPARQL 1.1 store: queries through SPARQLWrapper, loading through the Graph Store
    Protocol. ``target`` is a store URL (``oxigraph+http://…``, ``fuseki+http://…/dataset``
    … see :mod:`publisher.store.endpoints`) or its resolved :class:`Endpoints`."""

    kind = "remote"
    version_cache_seconds = 2.0
    #: After a probe that timed out, requests are refused at once for this long (a refused
    #: connection fails at once anyway, so the store is asked again by the next request).
    down_seconds = 0.5

    def __init__(self, target: "str | endpoints.Endpoints", settings: Settings) -> None:
        super().__init__(settings)
        where = endpoints.parse(target) if isinstance(target, str) else target
        self.endpoints = where
        self.url = where.base
        self.query_endpoint = where.query
        self.update_endpoint = where.update
        self.graph_store_endpoint = where.graph_store
        self.union_default_graph = where.union_default_graph
        self._credentials = (settings.store_user, settings.store_password)
        self._opener = _opener(where, *self._credentials)
        self._version: tuple[float, str | None] | None = None
        self._down_until = 0.0
        self._probe_lock = threading.Lock()

    # transport -------------------------------------------------------------
    def _open(self, sparql: str, accept: str, timeout: float,
              default_graph_uris: Sequence[str] = (), named_graph_uris: Sequence[str] = ()):
        wrapper = SPARQLWrapper(self.query_endpoint)
        wrapper.setMethod(POST)
        wrapper.setOnlyConneg(True)
        wrapper.setQuery(sparql)
        wrapper.addCustomHttpHeader("Accept", accept)
        wrapper.timeout = timeout       # setTimeout() would round down to whole seconds
        user, password = self._credentials
        if user and self.endpoints.auth == "basic":
            # SPARQLWrapper's Digest would install a global urllib opener: queries go
            # without credentials to an engine that wants Digest (Virtuoso's /sparql reads)
            wrapper.setCredentials(user, password)
        for uri in default_graph_uris:
            wrapper.addParameter("default-graph-uri", uri)
        for uri in named_graph_uris:
            wrapper.addParameter("named-graph-uri", uri)
        try:
            return wrapper.query().response
        except QueryBadFormed as error:
            raise QuerySyntaxError(_remote_message(error)) from None
        except Unauthorized:
            log.warning("the SPARQL store at %s refused the credentials", self.query_endpoint)
            raise StoreError(REFUSED.format(code=401)) from None
        except (EndPointNotFound, EndPointInternalError) as error:
            log.warning("the SPARQL store at %s answered: %s", self.query_endpoint,
                        _remote_message(error))
            raise StoreUnavailable("the data store answered with an error") from None
        except SPARQLWrapperException as error:
            log.warning("the SPARQL store at %s answered: %s", self.query_endpoint,
                        _remote_message(error))
            raise StoreError("the data store answered with an error") from None
        except urllib.error.HTTPError as error:
            if error.code in (502, 503, 504, 429):
                raise StoreUnavailable(f"the data store is unavailable (HTTP {error.code})") from None
            if error.code == 408:
                raise QueryTimeout("the data store stopped the query (time limit)") from None
            if error.code == 403:
                raise StoreError(REFUSED.format(code=403)) from None
            raise StoreError(f"the data store answered HTTP {error.code}") from None
        except (urllib.error.URLError, OSError) as error:
            if _is_timeout(error):
                raise QueryTimeout(f"the data store did not answer within {timeout:g} s") from None
            log.warning("the SPARQL store at %s cannot be reached: %s", self.query_endpoint, error)
            raise StoreUnavailable("the data store cannot be reached") from None

    def _request(self, sparql: str, timeout: float, default_graph_uris: Sequence[str] = (),
                 named_graph_uris: Sequence[str] = (), accept: str | None = None) -> tuple[str, Any]:
        """Send a query; returns (media type of the answer, the open response)."""
        if accept is None:
            accept = (_REMOTE_GRAPH_ACCEPT if inspect_query(sparql).result_kind == "graph"
                      else _REMOTE_JSON_ACCEPT)
        response = self._open(sparql, accept, timeout, default_graph_uris, named_graph_uris)
        media = (response.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        return media, response

    @staticmethod
    def _parse(media: str, response: Any) -> tuple[str, Any]:
        results_format = ox.QueryResultsFormat.from_media_type(media) if media else None
        try:
            if results_format is not None:
                return "solutions", ox.parse_query_results(response, results_format)
            rdf_format = ox.RdfFormat.from_media_type(media) if media else None
            if rdf_format is None:
                rdf_format = ox.RdfFormat.N_TRIPLES
            return "graph", (quad.triple for quad in ox.parse(response, rdf_format))
        except SyntaxError as error:
            raise StoreError(f"unreadable answer from the data store: {error}") from None

    # the interface ---------------------------------------------------------
    def query(self, sparql: str, *, format: str | None = None, timeout: float | None = None,
              limit: int | None = None, default_graph_uris: Sequence[str] = (),
              named_graph_uris: Sequence[str] = (), rewrite: Rewrite = None,
              allow_service: bool | None = None, public: bool = False) -> QueryResult:
        info = self.check(sparql, allow_service)
        self._answering()
        if self.version is None:
            raise ReleaseMissing(MISSING, LOAD_COMMAND)
        return self._query(sparql, info, format, timeout, limit, default_graph_uris,
                           named_graph_uris, rewrite)

    def _query(self, sparql: str, info: Any, format: str | None, timeout: float | None,
               limit: int | None, default_graph_uris: Sequence[str] = (),
               named_graph_uris: Sequence[str] = (), rewrite: Rewrite = None) -> QueryResult:
        timeout = self.settings.limits.query_timeout_seconds if timeout is None else timeout
        deadline = time.monotonic() + timeout
        if named_graph_uris and not default_graph_uris:
            default_graph_uris = [EMPTY_GRAPH]      # the protocol's dataset: no default graph
        kind = info.result_kind or "solutions"
        fmt = format if format in formats_for(kind) else DEFAULT_FORMAT[kind]
        as_is = kind != "graph" and rewrite is None and (kind == "boolean"
                                                         or info.rows_within(limit))
        accept = SOLUTION_FORMATS[fmt] if as_is else (
            _REMOTE_GRAPH_ACCEPT if kind == "graph" else _REMOTE_TSV_ACCEPT)
        if info.relative_iris:       # the same base as the embedded store's
            sparql = f"BASE <{self.query_base_iri}>\n{sparql}"
        if (not as_is and info.cappable and rewrite is None and kind == "solutions"
                and limit is not None):
            answer = self._capped(sparql, fmt, limit, timeout, default_graph_uris,
                                  named_graph_uris)
            if answer is not None:
                return answer
        media, response = self._request(sparql, timeout, default_graph_uris, named_graph_uris,
                                        accept)
        try:
            if as_is and media == SOLUTION_FORMATS[fmt]:
                return QueryResult(kind, fmt, response.read(), limit=limit)
            _, result = self._parse(media, response)
            return render_result(result, fmt, limit, rewrite, deadline,
                                 prefixes_for(self.settings.base_uri),
                                 bounded=info.rows_within(limit))
        except SyntaxError as error:
            raise StoreError(f"unreadable answer from the data store: {error}") from None
        except OSError as error:
            raise _read_failure(error, timeout) from None
        finally:
            response.close()        # a result cut at the limit is not read to its end

    def _capped(self, sparql: str, fmt: str, limit: int, timeout: float,
                default_graph_uris: Sequence[str], named_graph_uris: Sequence[str]
                ) -> QueryResult | None:
        """A SELECT without LIMIT asked with ``LIMIT limit+1`` straight in ``fmt`` (see
        :func:`capped_answer`); None sends the caller the counted way: a syntax error (its
        message is then about the text as sent), a store answering another format, or CSV
        past the bound."""
        try:
            media, response = self._request(capped_query(sparql, limit), timeout,
                                            default_graph_uris, named_graph_uris,
                                            SOLUTION_FORMATS[fmt])
        except QuerySyntaxError:
            return None
        try:
            if media != SOLUTION_FORMATS[fmt]:
                return None
            return capped_answer(response.read(), fmt, limit)
        except OSError as error:
            raise _read_failure(error, timeout) from None
        finally:
            response.close()

    @property
    def version(self) -> str | None:
        """The release the store holds, asked at most every ``version_cache_seconds``
        within the probe time; StoreUnavailable while the store does not answer."""
        now = time.monotonic()
        cached = self._version
        if cached is not None and now - cached[0] < self.version_cache_seconds:
            return cached[1]
        self._answering()
        with self._probe_lock:
            cached = self._version
            if cached is not None and time.monotonic() - cached[0] < self.version_cache_seconds:
                return cached[1]
            self._answering()
            graph = self.settings.base_uri + "graph/release"
            sparql = (f"SELECT ?v WHERE {{ GRAPH <{graph}> {{ <{graph}> <{OWL_VERSION_INFO}> ?v "
                      "} } LIMIT 1")
            try:
                result = self._query(sparql, inspect_query(sparql), "json",
                                     self.settings.limits.store_probe_seconds, None)
            except (QueryTimeout, StoreUnavailable) as error:
                if isinstance(error, QueryTimeout):     # hung, not refused: spare the others
                    self._down_until = time.monotonic() + self.down_seconds
                log.warning("the SPARQL store at %s is not answering: %s", self.query_endpoint,
                            error)
                raise StoreUnavailable(DOWN) from None
            rows = ox.parse_query_results(result.body, ox.QueryResultsFormat.JSON)
            values = [row["v"].value for row in rows] if isinstance(
                rows, ox.QuerySolutions) else []
            version = values[0] if values else None
            self._version = (time.monotonic(), version)
            self._down_until = 0.0
            return version

    def _answering(self) -> None:
        """Refuse at once while the last probe found the store silent."""
        if time.monotonic() < self._down_until:
            raise StoreUnavailable(DOWN)

    def probe(self) -> None:
        """Ask the store within the probe time; ReleaseMissing when it answers without
        our release."""
        self._version = None
        if self.version is None:
            raise ReleaseMissing(MISSING, LOAD_COMMAND)

    def _graph_names(self) -> set[str]:
        """The named graphs the store holds, whatever it holds (for the loader)."""
        sparql = "SELECT DISTINCT ?g WHERE { GRAPH ?g { } }"
        result = self._query(sparql, inspect_query(sparql), "json", None, None)
        rows = ox.parse_query_results(result.body, ox.QueryResultsFormat.JSON)
        return {row["g"].value for row in rows if isinstance(row["g"], ox.NamedNode)}

    def _put(self, graph: str | None, triples: Iterable[ox.Triple]) -> None:
        target = self.graph_store_endpoint + (
            "?default" if graph is None else "?graph=" + urllib.parse.quote(graph, safe=""))
        body = ox.serialize(list(triples), format=ox.RdfFormat.N_TRIPLES)
        self._send("PUT", target, body)

    def _drop(self, graphs: Iterable[str]) -> None:
        """Drop graphs with one SPARQL update (SILENT: one already gone is no error)."""
        names = sorted(graphs)
        if names:
            update = " ;\n".join(f"DROP SILENT GRAPH <{name}>" for name in names)
            self._send("POST", self.update_endpoint, update.encode("utf-8"),
                       "application/sparql-update")

    def _send(self, method: str, target: str, body: bytes | None = None,
              media: str = "application/n-triples") -> None:
        request = urllib.request.Request(target, data=body, method=method)
        if body is not None:
            request.add_header("Content-Type", media)
        user, password = self._credentials
        if user and self.endpoints.auth == "basic":
            token = base64.b64encode(f"{user}:{password}".encode("utf-8")).decode("ascii")
            request.add_header("Authorization", f"Basic {token}")
        seconds = max(60.0, self.settings.limits.query_timeout_seconds)
        try:
            with self._opener.open(request, timeout=seconds) as response:
                response.read()
        except urllib.error.HTTPError as error:
            detail = error.read().decode("utf-8", "replace")[:500]
            if error.code in (401, 403):
                hint = ("set PUBLISHER_STORE_USER and PUBLISHER_STORE_PASSWORD" if not user
                        else "check PUBLISHER_STORE_USER, PUBLISHER_STORE_PASSWORD and the "
                             "user's write permission")
                raise StoreError(f"{method} {target} was refused (HTTP {error.code}): {hint}"
                                 ) from None
            raise StoreError(f"{method} {target} failed with HTTP {error.code}: {detail}") from None
        except (urllib.error.URLError, OSError) as error:
            raise StoreUnavailable(f"the SPARQL store cannot be reached: "
                                   f"{getattr(error, 'reason', error)}") from None

    def load_release(self, release_dir: Path | str) -> int:
        """PUT every named graph of ``data.trig``, the union into the default graph, drop
        graphs of an older release that are gone, and record the version last."""
        release_dir = Path(release_dir)
        trig = release_dir / "data.trig"
        if not trig.is_file():
            raise NoRelease(f"no data.trig in {release_dir}")
        info = read_release_info(release_dir)
        graphs: OrderedDict[str | None, list[ox.Triple]] = OrderedDict()
        count = 0
        try:
            for quad in ox.parse(path=str(trig), format=ox.RdfFormat.TRIG):
                name = None if isinstance(quad.graph_name, ox.DefaultGraph) else quad.graph_name.value
                graphs.setdefault(name, []).append(quad.triple)
                count += 1
        except SyntaxError as error:
            raise StoreError(f"{trig} does not parse: {error}") from None
        marker = self.settings.base_uri + "graph/release"
        existing = self._graph_names()
        for name, triples in graphs.items():
            if name is not None:
                self._put(name, triples)
        if self.union_default_graph:
            union: dict[ox.Triple, None] = {}
            for triples in graphs.values():
                union.update(dict.fromkeys(triples))
            self._put(None, union)
        elif None in graphs:
            self._put(None, graphs[None])
        prefix = self.settings.base_uri + "graph/"
        self._drop(name for name in existing
                   if name.startswith(prefix) and name not in graphs and name != marker)
        self._put(marker, [q.triple for q in self.release_marker(str(info.get("version")),
                                                                 info.get("built"))])
        self._version = None
        return count




def _opener(where: "endpoints.Endpoints", user: str, password: str) -> urllib.request.OpenerDirector:
    """The loader's HTTP client: it answers a Digest challenge of the Graph Store and update
    endpoints with the credentials (Basic goes with every request, see ``_send``)."""
    if not user or where.auth != "digest":
        return urllib.request.build_opener()
    passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
    passwords.add_password(None, [where.graph_store, where.update], user, password)
    return urllib.request.build_opener(urllib.request.HTTPDigestAuthHandler(passwords))
