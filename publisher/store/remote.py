"""The remote store: any SPARQL 1.1 store, by HTTP.

Its query, update and Graph Store URLs come from :mod:`publisher.store.endpoints` (an
engine's preset, or set one by one). Queries go over a bounded pool of keep-alive
connections (:mod:`publisher.store.http_pool`), each with the dataset of the release served
(:mod:`publisher.store.switch`); loading goes through the SPARQL 1.1 Graph Store HTTP
Protocol into staging graphs, and one SPARQL update switches the release. The time limit is
the request's deadline, passed to engines that take one as a query parameter (Virtuoso,
Fuseki) so that the query ends inside the store too; a query past it is a 503. A short probe
(``limits.store_probe_seconds``) tells whether the store answers at all: while it does not,
every request is answered 503 with Retry-After at once instead of waiting for the query's
time limit, and the next probe after ``down_seconds`` finds it back. While it answers
without our release, every query is refused (ReleaseMissing) rather than answered from
someone else's data. Credentials (from the environment) go in HTTP Basic, or Digest where
the engine asks for it (loading). Public messages never name the store's address or
credentials; the log names the address only.
"""
from __future__ import annotations

import base64
import http.client
import logging
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import OrderedDict
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence

import pyoxigraph as ox

from publisher.config import Settings
import publisher.store.digest as digest
import publisher.store.endpoints as endpoints
import publisher.store.switch as switch
import publisher.store.virtuoso as virtuoso
from publisher.store.base import Store, read_release_info
from publisher.store.errors import (NoRelease, QuerySyntaxError, QueryTimeout, QueryTooComplex,
                                    ReleaseMissing, StoreError, StoreUnavailable)
from publisher.store.http_pool import Pool, PoolTimeout, Reply
from publisher.store.query_check import QueryInfo, inspect_query
from publisher.store.results import (DEFAULT_FORMAT, RESULTS_FORMATS, SOLUTION_FORMATS,
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
#: A graph name no release uses: as the only default graph it makes the default graph empty.
EMPTY_GRAPH = "urn:x-kuntadigi:no-graph"
_JSON = SOLUTION_FORMATS["json"]
_REMOTE_TSV_ACCEPT = ("text/tab-separated-values, application/sparql-results+json;q=0.9, "
                      "application/sparql-results+xml;q=0.8")
_REMOTE_GRAPH_ACCEPT = "application/n-triples, text/turtle;q=0.9"
#: Virtuoso's marks of a query it stopped at its time limit (an "anytime" partial answer
#: carries the first in a header; an error body the others).
_ENGINE_TIMEOUTS = ("S1TAT", "S1T00", "SR171")
#: A query whose prologue starts with a BASE of its own (one BASE before it would change
#: nothing, and Virtuoso refuses two).
_OWN_BASE = re.compile(r"(?:\s|#[^\n]*(?:\n|$))*BASE\s*<", re.IGNORECASE)
#: How often the switch update is sent when the engine gave it up (its time limit: Virtuoso's
#: SR171) and rolled it back.
SWITCH_ATTEMPTS = 3
#: Virtuoso's refusal (SR353) of an ORDER BY with a LIMIT past its ``MaxSortedTopRows``.
_SORT_CAP = ("The data store sorts at most a fixed number of rows for ORDER BY with LIMIT "
             "or OFFSET (Virtuoso's MaxSortedTopRows); ask for fewer rows.")


@lru_cache(maxsize=64)
def _encoded_dataset(default_graph_uris: tuple[str, ...],
                     named_graph_uris: tuple[str, ...]) -> str:
    """The protocol dataset as form fields (`&default-graph-uri=…&named-graph-uri=…`), encoded
    once: every query of the app names the same release graphs."""
    fields = [("default-graph-uri", uri) for uri in default_graph_uris]
    fields += [("named-graph-uri", uri) for uri in named_graph_uris]
    return "&" + urllib.parse.urlencode(fields) if fields else ""


class RemoteStore(Store):
    """Any SPARQL 1.1 store: queries over keep-alive connections, loading through the Graph
    Store Protocol. ``target`` is a store URL (``oxigraph+http://…``,
    ``virtuoso+http://…`` … see :mod:`publisher.store.endpoints`) or its resolved
    :class:`Endpoints`."""

    kind = "remote"
    #: How long the release pointer read from the store is trusted: until the wall clock
    #: passes the next multiple of it, so replicas read it again at the same instants.
    version_cache_seconds = 2.0
    #: After a probe that failed, requests are refused at once for this long.
    down_seconds = 0.5
    #: Keep-alive connections to the store, per web worker.
    pool_size = 8

    def __init__(self, target: "str | endpoints.Endpoints", settings: Settings) -> None:
        super().__init__(settings)
        where = endpoints.parse(target) if isinstance(target, str) else target
        self.endpoints = where
        self.url = where.base
        self.query_endpoint = where.query
        self.update_endpoint = where.update
        self.graph_store_endpoint = where.graph_store
        self._credentials = (settings.store_user, settings.store_password)
        self._opener = urllib.request.build_opener()
        self.pool = Pool(where.query, self.pool_size)
        parts = urllib.parse.urlsplit(where.query)
        self._query_target = parts.path or "/"
        self._current: tuple[int, switch.Current] | None = None
        self._down_until = 0.0
        self._probe_lock = threading.Lock()

    # transport -------------------------------------------------------------
    def _basic_authorization(self) -> str | None:
        """`Authorization` for a store that takes Basic credentials; None otherwise."""
        user, password = self._credentials
        if not (user and self.endpoints.auth == "basic"):
            return None
        token = base64.b64encode(f"{user}:{password}".encode("utf-8")).decode("ascii")
        return f"Basic {token}"

    def _headers(self, accept: str) -> dict[str, str]:
        headers = {"Accept": accept, "Content-Type": "application/x-www-form-urlencoded"}
        authorization = self._basic_authorization()
        if authorization is not None:
            headers["Authorization"] = authorization
        return headers

    @contextmanager
    def _reading(self, reply: Reply, timeout: float) -> Iterator[Reply]:
        """Reading a reply: its failures as the store errors of the web's story (a SyntaxError
        of results parsed as they stream in among them); the reply closed after (a body not
        read to its end closes the connection: never reused)."""
        try:
            yield reply
        except SyntaxError as error:                # results parsed while they stream in
            raise StoreError(f"unreadable answer from the data store: {error}") from None
        except PoolTimeout:
            raise QueryTimeout(f"the data store did not answer within {timeout:g} s") from None
        except (OSError, http.client.HTTPException) as error:
            log.warning("reading from the SPARQL store failed: %s", error)
            raise StoreUnavailable("the connection to the data store failed while reading "
                                   "its answer") from None
        finally:
            reply.close()

    def _open(self, sparql: str, accept: str, timeout: float,
              default_graph_uris: Sequence[str] = (),
              named_graph_uris: Sequence[str] = ()) -> Reply:
        """POST the query (form-encoded, the protocol's most portable form); the reply of a
        2xx answer, open for reading. Errors become the store errors of the web's story."""
        fields = [("query", sparql)]
        if self.endpoints.timeout_parameter:
            fields.append((self.endpoints.timeout_parameter,
                           str(max(1, int(timeout * self.endpoints.timeout_scale)))))
        body = (urllib.parse.urlencode(fields)
                + _encoded_dataset(tuple(default_graph_uris), tuple(named_graph_uris))
                ).encode("ascii")
        try:
            reply = self.pool.open("POST", self._query_target, body, self._headers(accept),
                                   timeout)
        except PoolTimeout:
            raise QueryTimeout(f"the data store did not answer within {timeout:g} s") from None
        except (OSError, http.client.HTTPException) as error:
            log.warning("the SPARQL store at %s cannot be reached: %s", self.query_endpoint, error)
            raise StoreUnavailable("the data store cannot be reached") from None
        if 200 <= reply.status < 300:
            if any(mark in reply.header("X-SQL-State") for mark in _ENGINE_TIMEOUTS):
                reply.close()
                raise QueryTimeout(f"the data store stopped the query at the time limit of "
                                   f"{timeout:g} s")
            return reply
        raise self._failure(reply, timeout)

    def _failure(self, reply: Reply, timeout: float) -> StoreError:
        """The store error an HTTP error answer means (its body read, the reply closed)."""
        try:
            text = reply.read().decode("utf-8", "replace").strip()
        except (OSError, http.client.HTTPException):
            text = ""
        finally:
            reply.close()
        code = reply.status
        if code == 400:
            return QuerySyntaxError(text[:2000] or "the data store could not parse the query")
        if "SR353" in text:
            return QueryTooComplex(_SORT_CAP)
        if code == 408 or any(mark in text for mark in _ENGINE_TIMEOUTS):
            return QueryTimeout(f"the data store stopped the query at the time limit of "
                                f"{timeout:g} s")
        if code in (401, 403):
            log.warning("the SPARQL store at %s refused the credentials", self.query_endpoint)
            return StoreError(REFUSED.format(code=code))
        log.warning("the SPARQL store at %s answered HTTP %s: %s", self.query_endpoint, code,
                    text[:500])
        if code in (404, 429, 500, 502, 503, 504):
            return StoreUnavailable("the data store answered with an error")
        return StoreError(f"the data store answered HTTP {code}")

    @staticmethod
    def _media(reply: Reply) -> str:
        return reply.header("Content-Type").split(";")[0].strip().lower()

    @staticmethod
    def _parse(media: str, reply: "Reply | bytes") -> Any:
        """The answer as pyoxigraph results (solutions, boolean) or an iterator of triples."""
        results_format = ox.QueryResultsFormat.from_media_type(media) if media else None
        try:
            if results_format is not None:
                return ox.parse_query_results(reply, results_format)
            rdf_format = ox.RdfFormat.from_media_type(media) if media else None
            return (quad.triple for quad in ox.parse(reply, rdf_format or ox.RdfFormat.N_TRIPLES))
        except SyntaxError as error:
            raise StoreError(f"unreadable answer from the data store: {error}") from None

    # the dataset -----------------------------------------------------------
    def _dataset(self, info: QueryInfo, default_graph_uris: Sequence[str],
                 named_graph_uris: Sequence[str], current: switch.Current
                 ) -> tuple[list[str], list[str]]:
        """The protocol dataset to send: the request's own, completed (a dataset with only
        default graphs has no named graphs, and the reverse); or, for a query without one,
        the served release's union and named graphs, so nothing else the store holds — a
        release being loaded, the engine's own graphs — is part of the answer."""
        if default_graph_uris or named_graph_uris:
            return (list(default_graph_uris) or [EMPTY_GRAPH],
                    list(named_graph_uris) or [EMPTY_GRAPH])
        if info.has_dataset:
            return [], []
        return [switch.UNION], list(current.graphs) or [EMPTY_GRAPH]

    # the interface ---------------------------------------------------------
    def query(self, sparql: str, *, format: str | None = None, timeout: float | None = None,
              limit: int | None = None, default_graph_uris: Sequence[str] = (),
              named_graph_uris: Sequence[str] = (), rewrite: Rewrite = None,
              allow_service: bool | None = None, public: bool = False) -> QueryResult:
        info = self.check(sparql, allow_service)
        current = self.current()
        if current.version is None:
            raise ReleaseMissing(MISSING, LOAD_COMMAND)
        defaults, named = self._dataset(info, default_graph_uris, named_graph_uris, current)
        return self._query(sparql, info, format, timeout, limit, defaults, named, rewrite)

    def _query(self, sparql: str, info: QueryInfo, format: str | None, timeout: float | None,
               limit: int | None, default_graph_uris: Sequence[str] = (),
               named_graph_uris: Sequence[str] = (), rewrite: Rewrite = None) -> QueryResult:
        timeout = self.settings.limits.query_timeout_seconds if timeout is None else timeout
        deadline = time.monotonic() + timeout
        kind = info.result_kind or "solutions"
        fmt = format if format in formats_for(kind) else DEFAULT_FORMAT[kind]
        bounded = info.rows_within(limit)
        as_is = (self.endpoints.as_is and kind != "graph" and rewrite is None
                 and (kind == "boolean" or bounded))
        if as_is:
            accept = SOLUTION_FORMATS[fmt]
        elif kind == "graph":
            accept = _REMOTE_GRAPH_ACCEPT
        else:
            accept = _REMOTE_TSV_ACCEPT if self.endpoints.as_is else _JSON
        if info.relative_iris and not _OWN_BASE.match(sparql):   # the embedded store's base
            sparql = f"BASE <{self.query_base_iri}>\n{sparql}"
        if (not bounded and info.cappable and rewrite is None and kind == "solutions"
                and limit is not None):
            answer = self._capped(sparql, fmt, limit, timeout, default_graph_uris,
                                  named_graph_uris)
            if answer is not None:
                return answer
        reply = self._open(sparql, accept, timeout, default_graph_uris, named_graph_uris)
        with self._reading(reply, timeout):
            media = self._media(reply)
            if as_is and media == accept:
                return QueryResult(kind, fmt, reply.read(), limit=limit)
            if not self.endpoints.as_is and media == _JSON:
                result = self._parse(media, virtuoso.mend_json(reply.read(), info.form))
            elif not self.endpoints.as_is and kind == "graph":
                result = sorted(self._parse(media, reply), key=str)   # no order of its own
            else:
                result = self._parse(media, reply)
            answer = render_result(result, fmt, limit, rewrite, deadline,
                                   prefixes_for(self.settings.base_uri), bounded=bounded)
            return _engine_cap(answer, reply)

    def _capped(self, sparql: str, fmt: str, limit: int, timeout: float,
                default_graph_uris: Sequence[str], named_graph_uris: Sequence[str]
                ) -> QueryResult | None:
        """A SELECT without LIMIT asked with ``LIMIT limit+1`` (see :func:`capped_answer`);
        None sends the caller the counted way: a syntax error (its message is then about
        the text as sent), a store answering another format, or CSV past the bound."""
        wire = fmt if self.endpoints.as_is else "json"
        try:
            reply = self._open(capped_query(sparql, limit), SOLUTION_FORMATS[wire], timeout,
                               default_graph_uris, named_graph_uris)
        except (QuerySyntaxError, QueryTooComplex):
            return None
        with self._reading(reply, timeout):
            if self._media(reply) != SOLUTION_FORMATS[wire]:
                return None
            body = reply.read()
        if self.endpoints.as_is:
            return capped_answer(body, fmt, limit)
        try:
            solutions = ox.parse_query_results(virtuoso.mend_json(body, "SELECT"),
                                               RESULTS_FORMATS[wire])
        except SyntaxError as error:
            raise StoreError(f"unreadable answer from the data store: {error}") from None
        return render_result(solutions, fmt, limit)

    # which release is served -----------------------------------------------
    def current(self) -> switch.Current:
        """The release the store serves, read from its pointer graph once in each period of
        ``version_cache_seconds`` of the wall clock (every replica's periods end at the same
        instants, so all of them follow a switch together) within the probe time;
        StoreUnavailable while the store does not answer (at once for ``down_seconds``
        after a probe that timed out)."""
        cached = self._current
        if cached is not None and cached[0] == self._period():
            return cached[1]
        self._answering()
        with self._probe_lock:
            cached = self._current
            if cached is not None and cached[0] == self._period():
                return cached[1]
            self._answering()
            sparql = switch.POINTER_QUERY
            try:
                result = self._query(sparql, inspect_query(sparql), "json",
                                     self.settings.limits.store_probe_seconds, None,
                                     [EMPTY_GRAPH], [switch.POINTER])
            except (QueryTimeout, StoreUnavailable) as error:
                if isinstance(error, QueryTimeout):     # hung, not refused: spare the others
                    self._down_until = time.monotonic() + self.down_seconds
                log.warning("the SPARQL store at %s is not answering: %s", self.query_endpoint,
                            error)
                raise StoreUnavailable(DOWN) from None
            rows = ox.parse_query_results(result.body, ox.QueryResultsFormat.JSON)
            found = switch.current_from(
                {name: solution[name] for name in ("v", "g") if solution[name] is not None}
                for solution in rows) if isinstance(rows, ox.QuerySolutions) else switch.NONE
            self._current = (self._period(), found)
            self._down_until = 0.0
            return found

    def _period(self) -> int:
        return int(time.time() // self.version_cache_seconds)

    @property
    def version(self) -> str | None:
        """The version of the release the store serves (None: none of ours)."""
        return self.current().version

    def named_graphs(self) -> list[str]:
        """The served release's named graphs, as its pointer lists them."""
        current = self.current()
        if current.version is None:
            raise ReleaseMissing(MISSING, LOAD_COMMAND)
        return sorted(current.graphs)

    def _answering(self) -> None:
        """Refuse at once while the last probe found the store silent."""
        if time.monotonic() < self._down_until:
            raise StoreUnavailable(DOWN)

    def probe(self) -> None:
        """Ask the store within the probe time; ReleaseMissing when it answers without
        our release."""
        self._current = None
        if self.version is None:
            raise ReleaseMissing(MISSING, LOAD_COMMAND)

    def close(self) -> None:
        self.pool.close()

    # loading ---------------------------------------------------------------
    def _graph_names(self) -> set[str]:
        """The named graphs the store holds, whatever it holds (for the loader)."""
        # Virtuoso answers GRAPH ?g { } with one unbound row, and its plan for DISTINCT ?g
        # over every quad can run for minutes: it is asked to group instead
        sparql = ("SELECT DISTINCT ?g WHERE { GRAPH ?g { } }" if self.endpoints.as_is
                  else "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
        result = self._query(sparql, inspect_query(sparql), "json", None, None)
        rows = ox.parse_query_results(result.body, ox.QueryResultsFormat.JSON)
        return {row["g"].value for row in rows if isinstance(row["g"], ox.NamedNode)}

    def _put(self, graph: str, triples: Iterable[ox.Triple]) -> None:
        target = self.graph_store_endpoint + "?graph=" + urllib.parse.quote(graph, safe="")
        body = ox.serialize(list(triples), format=ox.RdfFormat.N_TRIPLES)
        self._send("PUT", target, body)

    def _update(self, update: str) -> None:
        if update.strip():
            self._send("POST", self.update_endpoint, update.encode("utf-8"),
                       "application/sparql-update")

    def _send(self, method: str, target: str, body: bytes | None = None,
              media: str = "application/n-triples") -> None:
        request = urllib.request.Request(target, data=body, method=method)
        if body is not None:
            request.add_header("Content-Type", media)
        user, password = self._credentials
        seconds = max(60.0, self.settings.limits.query_timeout_seconds)
        basic = self._basic_authorization()
        if basic is not None:
            request.add_header("Authorization", basic)
        elif user:
            fields = self._challenge(target, seconds)
            if fields is not None:
                request.add_header("Authorization", digest.authorization(
                    fields, method, target, user, password))
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

    def _challenge(self, target: str, seconds: float) -> dict[str, str] | None:
        """The Digest challenge of ``target``, asked with a bodiless GET (None when it asks
        for none)."""
        try:
            with self._opener.open(urllib.request.Request(target, method="GET"),
                                   timeout=seconds) as response:
                response.read()
            return None
        except urllib.error.HTTPError as error:
            error.read()
            return digest.challenge_fields(error.headers.get("WWW-Authenticate") or "")
        except (urllib.error.URLError, OSError) as error:
            raise StoreUnavailable(f"the SPARQL store cannot be reached: "
                                   f"{getattr(error, 'reason', error)}") from None

    def load_release(self, release_dir: Path | str,
                     progress: Callable[[int, int], None] | None = None) -> int:
        """Load ``data.trig`` beside the release served, then switch to it in one update
        (see :mod:`publisher.store.switch`); returns the number of quads of ``data.trig``.
        ``progress(done, total)`` hears of every graph written."""
        staged = self.stage(release_dir, progress)
        self.switch_to(staged)
        return staged.quads

    def stage(self, release_dir: Path | str,
              progress: Callable[[int, int], None] | None = None) -> switch.Staged:
        """Write a release into staging graphs — each named graph, the marker, the union
        of all and the pointer — after dropping those of a load that never switched."""
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
        union: dict[ox.Triple, None] = {}        # the data's, without the marker
        for triples in graphs.values():
            union.update(dict.fromkeys(triples))
        version = str(info.get("version"))
        for quad in self.release_marker(version, info.get("built")):
            graphs.setdefault(quad.graph_name.value, []).append(quad.triple)
        named = [name for name in graphs if name is not None]
        for update in switch.drops(switch.leftovers(self._graph_names())):
            self._update(update)
        token = uuid.uuid4().hex[:12]
        moves: dict[str, str] = {}
        contents = [(name, graphs[name]) for name in named]
        contents += [(switch.UNION, list(union)),
                     (switch.POINTER, switch.pointer_triples(version, info.get("built"), named))]
        for index, (real, triples) in enumerate(contents):
            staged = switch.staged_name(token, index)
            self._put(staged, triples)
            moves[staged] = real
            if progress is not None:
                progress(index + 1, len(contents))
        return switch.Staged(version, tuple(named), moves, count)

    def switch_to(self, staged: switch.Staged) -> None:
        """Put a staged release in the place of the one served, in one update (sent again
        when the engine gave it up and rolled it back), then drop the staged copies."""
        old = set(self._served_graphs(self._graph_names())) - set(staged.graphs)
        update = switch.switch_update(staged.moves, old)
        # a Virtuoso HTTP session keeps the locks of its last read until its next request:
        # the loader's own idle connections (which just read every graph) must not hold
        # the switch back
        self.pool.close()
        for attempt in range(SWITCH_ATTEMPTS):
            try:
                self._update(update)
                break
            except StoreError as error:
                if attempt + 1 == SWITCH_ATTEMPTS or not any(
                        mark in str(error) for mark in _ENGINE_TIMEOUTS):
                    raise
                log.warning("the store gave the release switch up (%s); trying again", error)
        self._current = None
        try:
            for update in switch.drops(staged.moves):
                self._update(update)
        except StoreError as error:     # switched: the copies go with the next load
            log.warning("the staged copies of the release stay until the next load: %s", error)

    def _served_graphs(self, held: set[str]) -> list[str]:
        """The named graphs of the release served now: the pointer's, or (a store loaded
        before there was a pointer) the graphs under the site's ``graph/`` path."""
        sparql = switch.POINTER_QUERY
        result = self._query(sparql, inspect_query(sparql), "json", None, None,
                             [EMPTY_GRAPH], [switch.POINTER])
        rows = ox.parse_query_results(result.body, ox.QueryResultsFormat.JSON)
        found = switch.current_from(
            {name: solution[name] for name in ("v", "g") if solution[name] is not None}
            for solution in rows) if isinstance(rows, ox.QuerySolutions) else switch.NONE
        if found.version is not None:
            return list(found.graphs)
        prefix = self.settings.base_uri + "graph/"
        return [name for name in held if name.startswith(prefix)]


def _engine_cap(answer: QueryResult, reply: Reply) -> QueryResult:
    """A result the engine cut at its own row cap (Virtuoso's ``ResultSetMaxRows``, said in
    ``X-SPARQL-MaxRows``) is marked as cut, never passed on as whole."""
    cap = reply.header("X-SPARQL-MaxRows")
    if cap.isdigit() and not answer.truncated and answer.count is not None \
            and answer.count >= int(cap):
        answer.truncated = True
        answer.limit = int(cap)
    return answer
