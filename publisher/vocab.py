"""One home for names: namespaces, prefixes, URI patterns and the bundled vocabulary files.

Every part of the publisher — build, shacl, release, store, web — takes its namespaces from
here, so a namespace is written once. Values are plain strings; code that needs rdflib or
pyoxigraph terms makes them from these.
"""
from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

from pyoxigraph import RdfFormat, parse

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
OWL = "http://www.w3.org/2002/07/owl#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"
DCAT = "http://www.w3.org/ns/dcat#"
DCATAP = "http://data.europa.eu/r5r/"
FOAF = "http://xmlns.com/foaf/0.1/"
VCARD = "http://www.w3.org/2006/vcard/ns#"
ORG = "http://www.w3.org/ns/org#"
PROV = "http://www.w3.org/ns/prov#"
#: schema.org: the namespace, JSON-LD context and profile URI of the schema.org
#: descriptions the pages carry for search engines (publisher/web/pages/schema_org.py).
SCHEMA = "https://schema.org/"
SCHEMA_HTTP = "http://schema.org/"
VOID = "http://rdfs.org/ns/void#"
SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS = "http://www.w3.org/ns/formats/"
ENTAILMENT = "http://www.w3.org/ns/entailment/"
SH = "http://www.w3.org/ns/shacl#"
SPDX = "http://spdx.org/rdf/terms#"
ADMS = "http://www.w3.org/ns/adms#"
VANN = "http://purl.org/vocab/vann/"
ELI = "http://data.europa.eu/eli/ontology#"
LOCN = "http://www.w3.org/ns/locn#"
ODRL = "http://www.w3.org/ns/odrl/2/"
#: OGC GeoSPARQL 1.1: the borders of municipalities and regions (geo:hasGeometry, geo:asWKT).
GEO = "http://www.opengis.net/ont/geosparql#"
#: W3C Content Negotiation by Profile: the profiles vocabulary and the alternate
#: representations model (the answer to `_profile=alt`).
PROF = "http://www.w3.org/ns/dx/prof/"
ALTR = "http://www.w3.org/ns/dx/connegp/altr#"
#: The application profiles the catalogue is published in (`/catalog`, content negotiation by
#: profile): DCAT-AP 3.0.1, the release's own form, and DCAT-AP 2.1.1, the form
#: data.europa.eu converts harvested records to. Each IRI is the specification's page.
DCAT_AP_3 = "https://semiceu.github.io/DCAT-AP/releases/3.0.1/"
DCAT_AP_2 = ("https://joinup.ec.europa.eu/collection/semic-support-centre/solution/"
             "dcat-application-profile-data-portals-europe/release/211")
#: W3C Data Quality Vocabulary: the measurements of the catalogue's quality assessment.
DQV = "http://www.w3.org/ns/dqv#"
#: Dublin Core elements 1.1, as the EU authority tables write dc:source, dc:identifier.
DC_ELEMENTS = "http://purl.org/dc/elements/1.1/"
#: The EU Publications Office's authority tables (languages, licences, file types …).
AUTHORITY = "http://publications.europa.eu/resource/authority/"
#: The authority tables' own properties (at:op-mapped-code, at:legacy-code …).
AUTHORITY_ONTOLOGY = "http://publications.europa.eu/ontology/authority/"
EU_LANGUAGE = AUTHORITY + "language/"
EU_COUNTRY = AUTHORITY + "country/"
IANA_MEDIA_TYPES = "http://www.iana.org/assignments/media-types/"
ADMS_PUBLISHER_TYPE = "http://purl.org/adms/publishertype/"
ADMS_LICENCE_TYPE = "http://purl.org/adms/licencetype/"

#: Linked Data Event Streams and the TREE hypermedia specification (SEMIC).
LDES = "https://w3id.org/ldes#"
TREE = "https://w3id.org/tree#"
#: The ActivityStreams vocabulary (a version that deletes a resource is an as:Delete).
ACTIVITY_STREAMS = "https://www.w3.org/ns/activitystreams#"

RDF_TYPE = RDF + "type"
#: Predicates whose values name a resource, best first (the store's descriptions bring them
#: along, the pages and the vocabulary documentation label with them).
LABEL_PREDICATES = (SKOS + "prefLabel", RDFS + "label", DCTERMS + "title", VCARD + "fn",
                    SCHEMA + "name", SCHEMA_HTTP + "name", FOAF + "name")

PREFIXES = {
    "rdf": RDF,
    "rdfs": RDFS,
    "xsd": XSD,
    "owl": OWL,
    "skos": SKOS,
    "dcterms": DCTERMS,
    "dcat": DCAT,
    "foaf": FOAF,
    "vcard": VCARD,
    "org": ORG,
    "prov": PROV,
    "schema": SCHEMA,
    "void": VOID,
    "sd": SD,
    "sh": SH,
}

#: The base URI the bundled files (ontology, shapes, mappings) are written with; a
#: deployment's own base URI takes its place when they are read (:func:`rebase`).
DEFAULT_BASE = "https://data.kuntadigi.example/"
#: The vocabulary files under ``ontology/``, in the order they are published.
ONTOLOGY_FILES = ("kuntadigi.ttl", "statuses.ttl", "initiative-kinds.ttl", "themes.ttl",
                  "eif.ttl")


def prefixes_for(base_uri: str) -> dict[str, str]:
    """The common prefixes plus ``kd:`` for the vocabulary of this deployment."""
    return {"kd": vocabulary(base_uri), **PREFIXES}


def mapping_prefixes(base_uri: str) -> dict[str, str]:
    """The prefixes every mapping file (``mappings/*.mapping.toml``) writes with: those of
    :func:`prefixes_for`, but ``schema:`` is the http namespace the published data uses; and
    ``geo:`` for the borders of the reference graph."""
    return {**prefixes_for(base_uri), "schema": SCHEMA_HTTP, "geo": GEO}


#: The prefixes the release's Turtle dumps and reports are written with, in this order.
_DUMP_PREFIXES = ("rdf", "rdfs", "xsd", "skos", "dcterms", "dcat", "org", "prov", "schema",
                  "foaf", "vcard", "owl")


def dump_prefixes(base_uri: str) -> dict[str, str]:
    """``kd:`` and the prefixes of the published data (``schema:`` as the data writes it)."""
    names = mapping_prefixes(base_uri)
    return {"kd": vocabulary(base_uri), **{name: names[name] for name in _DUMP_PREFIXES}}


# --------------------------------------------------------------------------- URI patterns


def vocabulary(base_uri: str) -> str:
    """``{base}def/``: the namespace of our own terms."""
    return base_uri + "def/"


#: The types of things, the ``{type}`` of ``{base}id/{type}/{key}`` (README "URIs").
THING_TYPES = frozenset({
    "project", "organisation", "person", "initiative", "programme", "theme", "theme-rule",
    "status", "initiative-kind", "interoperability-layer", "document", "build"})
#: A key as the build mints them (``publisher/build/keys.py``, the shapes' ``sh:pattern``):
#: lowercase ASCII letters and digits in words joined by single dashes.
KEY_PATTERN = r"[a-z0-9]+(?:-[a-z0-9]+)*"
#: The build cuts keys at 80 characters (a clash adds ``-2``, ``-3`` …); keys written by hand
#: in ``mappings/`` may be longer, up to this bound.
KEY_MAX_LENGTH = 200
_KEY = re.compile(KEY_PATTERN)


def is_thing(kind: str, key: str) -> bool:
    """Whether ``{base}id/{kind}/{key}`` can name a thing at all (a known type, a key of
    the key alphabet): others are refused before any lookup."""
    return (kind in THING_TYPES and len(key) <= KEY_MAX_LENGTH
            and _KEY.fullmatch(key) is not None)


def thing(base_uri: str, kind: str, key: str) -> str:
    """``{base}id/{type}/{key}``: the IRI of a thing."""
    return f"{base_uri}id/{kind}/{key}"


#: The file name of our JSON-LD context, in a release folder and at the site's root.
JSONLD_CONTEXT_FILE = "context.jsonld"


def jsonld_context(base_uri: str) -> str:
    """``{base}context.jsonld``: the JSON-LD context of our compacted JSON-LD (the release
    writes it beside the dumps, the web serves it)."""
    return base_uri + JSONLD_CONTEXT_FILE


#: The release's catalogue in DCAT-AP 3.0.1, and its DCAT-AP 2.1.1 form beside it.
CATALOG_FILE = "catalog.ttl"
CATALOG_DCAT_AP2_FILE = "catalog-dcat-ap-2.1.1.ttl"


def catalog(base_uri: str) -> str:
    """``{base}catalog``: the DCAT catalogue of the release (served at ``/catalog``)."""
    return base_uri + "catalog"


def document(base_uri: str, kind: str, key: str) -> str:
    """``{base}doc/{type}/{key}``: the document about a thing."""
    return f"{base_uri}doc/{kind}/{key}"


def graph(base_uri: str, name: str) -> str:
    """``{base}graph/{name}``: a named graph (a source document's key, reference, themes …)."""
    return f"{base_uri}graph/{name}"


# --------------------------------------------------------------------------- bundled files


def rebase(text: str, base_uri: str) -> str:
    """Put the configured base URI in place of the default one in a bundled RDF file."""
    return text if base_uri == DEFAULT_BASE else text.replace(DEFAULT_BASE, base_uri)


def read_bundled_rdf(path: Path, base_uri: str) -> list[Any]:
    """Parse a bundled Turtle file (ontology, shapes) as pyoxigraph triples, rebased."""
    text = rebase(path.read_text(encoding="utf-8"), base_uri)
    return list(parse(text.encode("utf-8"), format=RdfFormat.TURTLE, base_iri=base_uri))


def version_iri(base_uri: str, release: str, iri: str) -> str:
    """A resource as it was in a release (a version object of the event stream, a memento):
    `{base}version/{release}/{path}` for the dataset's own IRIs, `…/ext/{digest}` else."""
    if iri.startswith(base_uri):
        return f"{base_uri}version/{release}/{iri[len(base_uri):]}"
    return f"{base_uri}version/{release}/ext/{hashlib.sha256(iri.encode()).hexdigest()[:24]}"


def timemap_iri(base_uri: str, iri: str) -> str:
    """The list of a resource's versions (RFC 7089 TimeMap) of one of the dataset's IRIs."""
    return f"{base_uri}timemap/{iri[len(base_uri):]}"
