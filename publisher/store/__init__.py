"""Stores: one interface (:mod:`publisher.store.base`), two implementations.

* :class:`EmbeddedStore` — pyoxigraph on disk, zero configuration: every query in a query
  process under a time limit and a memory cap (:mod:`publisher.store.time_limit`);
* :class:`RemoteStore` — any SPARQL 1.1 store, by HTTP.

Both answer :meth:`Store.query` with a :class:`QueryResult`: the serialized bytes in the
format asked for, cut at the row limit (:mod:`publisher.store.results`). The default graph
is the union of the named graphs in both (embedded: pyoxigraph's union option, unless the
query has FROM; remote: the loader also puts the union into the default graph); a protocol
dataset (default-graph-uri, named-graph-uri) replaces it.
"""
from __future__ import annotations

from pathlib import Path

from publisher.config import Settings
from publisher.store.base import (LABEL_PREDICATES, LINKED_PREDICATES, RDF_TYPE, Store,
                                  check_iri, read_release_info)
from publisher.store.embedded import EmbeddedStore
from publisher.store.errors import (NoRelease, QueryMemoryLimit, QueryRefused,
                                    QuerySyntaxError, QueryTimeout, QueryTooComplex,
                                    StoreBusy, StoreError, StoreUnavailable)
from publisher.store.query_check import QueryInfo, check_query, inspect_query
from publisher.store.remote import RemoteStore
from publisher.store.results import (GRAPH_FORMATS, SOLUTION_FORMATS, QueryResult,
                                     rewrite_term, rewrite_triples, serialize_graph)


def open_store(url_or_embedded: str | None, settings: Settings,
               release: Path | str | None = None) -> Store:
    """``"embedded"`` (or empty) → :class:`EmbeddedStore`; an http(s) URL → :class:`RemoteStore`."""
    target = (url_or_embedded or "embedded").strip()
    if target.lower() == "embedded":
        return EmbeddedStore(settings, release=release)
    if target.startswith(("http://", "https://")):
        return RemoteStore(target, settings)
    raise ValueError(f"unknown store {target!r}: use 'embedded' or an http(s) URL")


__all__ = [
    "Store", "EmbeddedStore", "RemoteStore", "open_store", "QueryResult", "QueryInfo",
    "inspect_query", "check_query", "StoreError", "StoreUnavailable", "NoRelease",
    "StoreBusy", "QueryTimeout", "QueryMemoryLimit", "QuerySyntaxError", "QueryRefused",
    "QueryTooComplex", "SOLUTION_FORMATS", "GRAPH_FORMATS", "LABEL_PREDICATES",
    "LINKED_PREDICATES", "RDF_TYPE", "read_release_info", "check_iri", "serialize_graph",
    "rewrite_term", "rewrite_triples",
]
