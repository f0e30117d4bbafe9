"""Stores: one interface (:mod:`publisher.store.base`), two implementations.

* :class:`EmbeddedStore` — pyoxigraph on disk, zero configuration: every query in a query
  process under a time limit and a memory cap (:mod:`publisher.store.time_limit`);
* :class:`RemoteStore` — any SPARQL 1.1 store, by HTTP, at the URLs of
  :mod:`publisher.store.endpoints` (an engine's preset or the ``[store]`` table's).

Both answer :meth:`Store.query` with a :class:`QueryResult`: the serialized bytes in the
format asked for, cut at the row limit (:mod:`publisher.store.results`). The default graph
is the union of the named graphs as RDF merge makes it, a set: in both the loader writes
that union into the store's default graph (pyoxigraph's own union option counts a triple
once per graph holding it); FROM, FROM NAMED and a protocol dataset (default-graph-uri,
named-graph-uri) replace it. Both refuse to answer without a release of ours
(:class:`ReleaseMissing`).
"""
from __future__ import annotations

from pathlib import Path

from publisher.config import Settings
from publisher.store.base import (LABEL_PREDICATES, LINKED_PREDICATES, RDF_TYPE, Store,
                                  check_iri, read_release_info)
from publisher.store.embedded import EmbeddedStore
from publisher.store.endpoints import Endpoints, is_embedded
from publisher.store.endpoints import from_settings as store_endpoints
from publisher.store.errors import (NoRelease, QueryMemoryLimit, QueryRefused,
                                    QuerySyntaxError, QueryTimeout, QueryTooComplex,
                                    ReleaseMissing, StoreBusy, StoreError, StoreUnavailable)
from publisher.store.query_check import QueryInfo, check_query, inspect_query
from publisher.store.remote import RemoteStore
from publisher.store.results import (GRAPH_FORMATS, SOLUTION_FORMATS, QueryResult,
                                     rewrite_term, rewrite_triples, serialize_graph)


def open_store(url_or_embedded: str | None, settings: Settings,
               release: Path | str | None = None) -> Store:
    """``"embedded"`` (or empty) → :class:`EmbeddedStore`; a store URL → :class:`RemoteStore`
    at its preset's endpoints with the ``[store]`` table's over them (ValueError naming the
    forms for anything else)."""
    if is_embedded(url_or_embedded):
        return EmbeddedStore(settings, release=release)
    return RemoteStore(store_endpoints(settings, url_or_embedded), settings)


__all__ = [
    "Store", "EmbeddedStore", "RemoteStore", "open_store", "Endpoints", "store_endpoints",
    "is_embedded", "QueryResult", "QueryInfo",
    "inspect_query", "check_query", "StoreError", "StoreUnavailable", "NoRelease",
    "ReleaseMissing",
    "StoreBusy", "QueryTimeout", "QueryMemoryLimit", "QuerySyntaxError", "QueryRefused",
    "QueryTooComplex", "SOLUTION_FORMATS", "GRAPH_FORMATS", "LABEL_PREDICATES",
    "LINKED_PREDICATES", "RDF_TYPE", "read_release_info", "check_iri", "serialize_graph",
    "rewrite_term", "rewrite_triples",
]
