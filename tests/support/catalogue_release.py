"""A tiny release folder for the tests of the catalogue, the VoID description, the statistics,
the DCAT-AP gate and SHA256SUMS: five dumps written by pyoxigraph, the side files, and what
the catalogue steps write."""
from __future__ import annotations

import gzip
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset, Namespace

from publisher.config import Settings
from publisher.release.catalog_files import write_catalogue
from publisher.release.checksums import write_checksums
from publisher.release.statistics import compute_statistics

# Open namespaces (rdflib's closed DCAT/XSD warn when pytest inspects module globals).
DCAT = Namespace("http://www.w3.org/ns/dcat#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
SH = Namespace("http://www.w3.org/ns/shacl#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
VERSION = "20261124T231500Z"
ISSUED = datetime(2026, 11, 1, 8, 0, tzinfo=timezone.utc)
MODIFIED = datetime(2026, 11, 24, 23, 15, tzinfo=timezone.utc)
BASE = "https://data.kuntadigi.example/"
DUMPS = ("data.ttl", "data.nt.gz", "data.jsonld", "data.rdf", "data.trig")

TRIG = f"""
@prefix kd: <{BASE}def/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

<{BASE}graph/catalogue> {{
  <{BASE}id/project/kuntien-evaka> a kd:Project ;
      rdfs:label "Kuntien eVaka"@fi ;
      dcterms:identifier "kuntien-evaka" ;
      kd:catalogueNumber 2 ;
      kd:leadOrganisation <{BASE}id/organisation/espoo> .
  <{BASE}id/project/joto> a kd:Project ;
      rdfs:label "JoTo-projekti"@fi ;
      kd:catalogueNumber 1 ;
      kd:leadOrganisation <{BASE}id/organisation/espoo> ;
      kd:section [ rdfs:label "Mikä muuttuu?"@fi ] .
  <{BASE}id/organisation/espoo> a kd:Municipality ; rdfs:label "Espoo"@fi , "Esbo"@sv .
}}
<{BASE}graph/page-sv> {{
  <{BASE}id/project/kuntien-evaka> rdfs:label "eVaka för kommuner"@sv .
  <{BASE}id/organisation/espoo> a kd:Municipality ; rdfs:label "Espoo"@fi .
  <{BASE}id/organisation/tampere> a kd:Municipality ; rdfs:label "Tampere"@fi .
}}
"""


def settings_for(tmp: Path, **changes) -> Settings:
    return replace(Settings(), releases_dir=tmp, **changes)


def write_catalogue_release(releases: Path) -> dict:
    """Writes `releases/<VERSION>/`; returns its folder, store, settings, statistics,
    catalogue and VoID graphs and the SHA256SUMS path."""
    folder = releases / VERSION
    folder.mkdir()
    store = ox.Store()
    store.load(TRIG.encode("utf-8"), format=ox.RdfFormat.TRIG)
    union = ox.Store()
    union.extend(ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph()) for q in store)
    (folder / "data.trig").write_bytes(store.dump(format=ox.RdfFormat.TRIG))
    (folder / "data.ttl").write_bytes(union.dump(format=ox.RdfFormat.TURTLE,
                                                 from_graph=ox.DefaultGraph()))
    (folder / "data.nt.gz").write_bytes(gzip.compress(
        union.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()), mtime=0))
    (folder / "data.jsonld").write_bytes(union.dump(format=ox.RdfFormat.JSON_LD,
                                                    from_graph=ox.DefaultGraph()))
    (folder / "data.rdf").write_bytes(union.dump(format=ox.RdfFormat.RDF_XML,
                                                 from_graph=ox.DefaultGraph()))
    (folder / "ontology.ttl").write_text(
        f"<{BASE}def/> a <http://www.w3.org/2002/07/owl#Ontology> .\n")
    (folder / "shapes.ttl").write_text("# shapes of the release\n")
    (folder / "validation-report.ttl").write_text("# validation report of the release\n")
    settings = settings_for(releases)
    statistics = compute_statistics(store)
    graph, void = write_catalogue(settings, VERSION, folder, ISSUED, MODIFIED, statistics)
    sums = write_checksums(folder)
    return {"folder": folder, "store": store, "settings": settings, "statistics": statistics,
            "catalog": graph, "void": void, "sums": sums}


def union_triples(folder: Path) -> set:
    """Independent count basis: every triple of every graph of data.trig, read by rdflib."""
    ds = Dataset()
    ds.parse(folder / "data.trig", format="trig")
    triples = set()
    for graph in ds.graphs():
        triples.update(graph.triples((None, None, None)))
    return triples


def graph_sizes(folder: Path) -> dict[str, int]:
    ds = Dataset()
    ds.parse(folder / "data.trig", format="trig")
    return {str(c.identifier): len(c) for c in ds.graphs() if len(c)}
