"""The one interface between the web app and a store (as pygeoapi's ``provider/base.py``).

A store implements :meth:`Store.query`, the single way a query reaches it: the checks of
:mod:`publisher.store.query_check`, a time limit, and (embedded) a memory cap. The app's own
queries — pages, ``/validate`` inputs, ``/health`` — use :meth:`select`, :meth:`construct`
and :meth:`describe`, built here on :meth:`query`, so they pass the same limits as the
public endpoint's; only the row limit is the endpoint's alone.
"""
from __future__ import annotations

import json
import os
import re
from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any, Sequence

import pyoxigraph as ox

from publisher.config import Settings
from publisher.store.query_check import QueryInfo, check_query
from publisher.store.results import QueryResult, Rewrite
from publisher.vocab import LABEL_PREDICATES, RDF_TYPE

OWL_VERSION_INFO = "http://www.w3.org/2002/07/owl#versionInfo"
DCT_MODIFIED = "http://purl.org/dc/terms/modified"
XSD_DATETIME = "http://www.w3.org/2001/XMLSchema#dateTime"

#: What :meth:`Store.describe` brings along for each linked resource: names, types and the
#: contact details a contact point needs.
LINKED_PREDICATES = LABEL_PREDICATES + (
    RDF_TYPE,
    "http://www.w3.org/2006/vcard/ns#organization-name",
    "http://www.w3.org/2006/vcard/ns#hasEmail",
    "http://www.w3.org/2006/vcard/ns#hasTelephone",
)


class Store(ABC):
    """What the web app needs from a store. The app talks to nothing else."""

    kind = "abstract"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    # the one query path ----------------------------------------------------
    @abstractmethod
    def query(self, sparql: str, *, format: str | None = None, timeout: float | None = None,
              limit: int | None = None, default_graph_uris: Sequence[str] = (),
              named_graph_uris: Sequence[str] = (), rewrite: Rewrite = None,
              allow_service: bool | None = None, public: bool = False) -> QueryResult:
        """Run a read-only query; the answer is serialized in ``format`` (a key of
        SOLUTION_FORMATS or GRAPH_FORMATS, else the kind's default), cut after ``limit``
        rows or triples (None: no row limit). Every query first passes :meth:`check` and
        runs under the time limit (``timeout``, default ``limits.query_timeout_seconds``)
        and, embedded, the memory cap; ``public`` queries (the endpoint's) also pass
        admission: a slow one waits for the slow-query slot. Raises QuerySyntaxError,
        QueryTimeout, QueryMemoryLimit, QueryRefused, QueryTooComplex, StoreUnavailable,
        StoreError."""

    def check(self, sparql: str, allow_service: bool | None = None) -> QueryInfo:
        """The checks of every query (no update, SERVICE only when allowed, bounded depth
        and operators); returns what the scan found."""
        return check_query(sparql, self.settings.limits, allow_service)

    @property
    def query_base_iri(self) -> str:
        """What relative IRIs in a public query resolve against: the endpoint (the
        protocol's "service-defined BASE URI", in base-URI terms)."""
        return self.settings.base_uri + "sparql"

    # the app's own queries, on the same path -------------------------------
    def select(self, sparql: str) -> list[dict[str, Any]]:
        """Rows of pyoxigraph terms by variable name (unbound variables absent); an ASK
        gives one empty row for true, none for false."""
        result = self.query(sparql, format="json")
        answer = ox.parse_query_results(result.body, ox.QueryResultsFormat.JSON)
        if isinstance(answer, ox.QueryBoolean):
            return [{}] if answer else []
        names = [variable.value for variable in answer.variables]
        return [{name: solution[name] for name in names if solution[name] is not None}
                for solution in answer]

    def construct(self, sparql: str) -> list[ox.Triple]:
        """Triples of a CONSTRUCT or DESCRIBE query."""
        result = self.query(sparql, format="ntriples")
        return [quad.triple for quad in ox.parse(result.body, ox.RdfFormat.N_TRIPLES)]

    def ask(self, sparql: str) -> bool:
        return bool(self.select(f"SELECT (1 AS ?yes) WHERE {{ {sparql} }} LIMIT 1"))

    def describe(self, iri: str) -> list[ox.Triple]:
        """The resource's own triples, those of the parts it owns (blank nodes and hash IRIs
        ``<iri#…>``, two levels deep), the triples pointing at it, and the labels, types and
        contact details of every resource it links to (LINKED_PREDICATES)."""
        check_iri(iri)
        labels = ", ".join(f"<{p}>" for p in LINKED_PREDICATES)
        part = f'(isBlank(?x) || STRSTARTS(STR(?x), "{iri}#"))'
        sparql = f"""
CONSTRUCT {{ ?s ?p ?o }} WHERE {{
  {{ VALUES ?s {{ <{iri}> }} ?s ?p ?o }}
  UNION {{ <{iri}> ?p0 ?s . FILTER({part.replace("?x", "?s")}) ?s ?p ?o }}
  UNION {{ <{iri}> ?p0 ?b . FILTER({part.replace("?x", "?b")}) ?b ?p1 ?s .
           FILTER({part.replace("?x", "?s")}) ?s ?p ?o }}
  UNION {{ VALUES ?o {{ <{iri}> }} ?s ?p ?o }}
  UNION {{
    {{ SELECT DISTINCT ?s WHERE {{
      {{ <{iri}> ?p0 ?s }} UNION {{ ?s ?p0 <{iri}> }}
      UNION {{ <{iri}> ?p0 ?b . FILTER({part.replace("?x", "?b")}) ?b ?p1 ?s }}
      UNION {{ <{iri}> ?p0 ?b . FILTER({part.replace("?x", "?b")}) ?b ?p1 ?c .
               FILTER({part.replace("?x", "?c")}) ?c ?p2 ?s }}
      FILTER(isIRI(?s))
    }} }}
    ?s ?p ?o .
    FILTER(?p IN ({labels}))
  }}
}}"""
        return self.construct(sparql)

    def graph_triples(self, graph: str) -> list[ox.Triple]:
        """The triples of one named graph (its IRI checked before it enters the query)."""
        return self.construct(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{check_iri(graph)}> "
                              "{ ?s ?p ?o } }")

    def named_graphs(self) -> list[str]:
        rows = self.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { } }")
        return sorted(r["g"].value for r in rows if isinstance(r.get("g"), ox.NamedNode))

    # release management ----------------------------------------------------
    @abstractmethod
    def load_release(self, release_dir: Path | str) -> int:
        """Load a release folder (its ``data.trig``); returns the number of quads loaded."""

    @property
    @abstractmethod
    def version(self) -> str | None:
        """Version of the release the store currently answers from (None when empty)."""

    def info(self) -> dict[str, Any]:
        """What ``/health`` may show: never an address or a credential."""
        return {"store": self.kind, "version": self.version}

    def probe(self) -> None:
        """Raise StoreError unless a trivial query is answered within the probe time."""
        self.query("ASK { ?s ?p ?o }", format="json",
                   timeout=self.settings.limits.store_probe_seconds)

    def close(self) -> None:
        """Release files, processes and connections."""

    def release_marker(self, version: str, built: str | None) -> list[ox.Quad]:
        """Quads recording which release a store holds (graph ``{base}graph/release``)."""
        return release_marker(self.settings.base_uri, version, built)


def release_marker(base_uri: str, version: str, built: str | None) -> list[ox.Quad]:
    """Quads recording which release a store holds (graph ``{base}graph/release``)."""
    graph = ox.NamedNode(base_uri + "graph/release")
    quads = [ox.Quad(graph, ox.NamedNode(OWL_VERSION_INFO), ox.Literal(version), graph)]
    if built:
        quads.append(ox.Quad(graph, ox.NamedNode(DCT_MODIFIED),
                             ox.Literal(built, datatype=ox.NamedNode(XSD_DATETIME)), graph))
    return quads


_BAD_IRI = re.compile(r'[<>"{}|^`\\\x00-\x20\x7f]')


def check_iri(iri: str) -> str:
    """Refuse text that cannot be written as ``<iri>`` inside a SPARQL query."""
    if not iri or _BAD_IRI.search(iri) or ":" not in iri:
        raise ValueError(f"not a usable IRI: {iri!r}")
    return iri


def read_release_info(release_dir: Path) -> dict[str, Any]:
    """``release.json`` of a release folder, with the folder name as a fallback version."""
    info: dict[str, Any] = {}
    path = Path(release_dir) / "release.json"
    try:
        info = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        info = {}
    if not isinstance(info, dict):
        info = {}
    info.setdefault("version", Path(os.path.realpath(release_dir)).name)
    return info
