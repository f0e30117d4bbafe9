"""The DCAT-AP 3.0.1 catalogue, the VoID description and the checksums of a release.

A release folder `releases/<version>/` holds the dumps (`data.ttl`, `data.nt.gz`,
`data.jsonld`, `data.rdf`, `data.trig`) and, written here, `catalog.ttl`, `void.ttl` and
`SHA256SUMS`. The order in a build is:

    statistics = compute_statistics(store)            # SPARQL aggregates, no rdflib copy
    build_catalog(...).serialize(release_dir / "catalog.ttl")
    build_void(...).serialize(release_dir / "void.ttl")
    conforms, report = validate_catalog(catalog)      # the DCAT-AP gate
    write_checksums(release_dir)                      # last: it covers every other file

`write_catalog_files` does the two serialisations in one call.

Controlled vocabularies: every EU authority-table concept the catalogue refers to (themes,
languages, country, frequency, file types, licence) is described in the catalogue itself with
its type, preferred labels and `skos:inScheme`, copied from the reference tables in
`mappings/reference/eu/` — so the catalogue is self-contained, and a code that is not in the
tables fails the build instead of producing an unverifiable reference.
"""
from __future__ import annotations

import hashlib
import os
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Iterable
from urllib.parse import urlsplit

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, RDFS, SKOS, VOID, XSD

from publisher.config import PROJECT_ROOT, Settings
from publisher.shacl import drop_dangling_property_shapes, validate

if TYPE_CHECKING:  # pragma: no cover
    import pyoxigraph

VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
ADMS = Namespace("http://www.w3.org/ns/adms#")
DCATAP = Namespace("http://data.europa.eu/r5r/")
SH = Namespace("http://www.w3.org/ns/shacl#")
DCAT_VERSION = URIRef(str(DCAT) + "version")   # DCAT 3; not in rdflib's closed DCAT namespace

AUTHORITY = "http://publications.europa.eu/resource/authority/"
IANA = "http://www.iana.org/assignments/media-types/"
W3C_FORMATS = "http://www.w3.org/ns/formats/"
ADMS_PUBLISHER_TYPE = "http://purl.org/adms/publishertype/"
ADMS_LICENCE_TYPE = "http://purl.org/adms/licencetype/"
SPARQL_PROTOCOL = URIRef("https://www.w3.org/TR/sparql11-protocol/")
SHA256 = SPDX.checksumAlgorithm_sha256

CHECKSUMS_FILE = "SHA256SUMS"
CATALOG_FILE = "catalog.ttl"
VOID_FILE = "void.ttl"

LANGUAGES = ("fi", "sv", "en")


class CatalogError(RuntimeError):
    """The catalogue cannot be built: a release file or a reference concept is missing."""


# --------------------------------------------------------------------------- dump formats

@dataclass(frozen=True)
class DumpFormat:
    """One dump file of a release and how the catalogue describes it."""

    file_name: str
    media_type: str            # IANA media type of the (uncompressed) content
    file_type: str             # code in the EU file-type authority table
    w3c_format: str            # http://www.w3.org/ns/formats/ name, for void:feature
    label: str                 # format name used in titles
    compress_format: str | None = None

    @property
    def slug(self) -> str:
        """`data.nt.gz` -> `data-nt-gz`: the last segment of the distribution IRI."""
        return self.file_name.replace(".", "-").replace("_", "-").lower()


DUMP_FORMATS: tuple[DumpFormat, ...] = (
    DumpFormat("data.ttl", "text/turtle", "RDF_TURTLE", "Turtle", "Turtle"),
    DumpFormat("data.nt.gz", "application/n-triples", "RDF_N_TRIPLES", "N-Triples",
               "N-Triples (gzip)", compress_format="application/gzip"),
    DumpFormat("data.jsonld", "application/ld+json", "JSON_LD", "JSON-LD", "JSON-LD"),
    DumpFormat("data.rdf", "application/rdf+xml", "RDF_XML", "RDF_XML", "RDF/XML"),
    DumpFormat("data.trig", "application/trig", "RDF_TRIG", "TriG", "TriG"),
)

# ADMS licence types for the licences the project can be configured with (EU licence codes).
_LICENCE_TYPES: dict[str, tuple[str, ...]] = {
    "CC_BY_4_0": ("Attribution",),
    "CC_BYSA_4_0": ("Attribution", "ViralEffect-ShareAlike"),
    "CC0": ("PublicDomain",),
}


# --------------------------------------------------------------------------- statistics

@dataclass(frozen=True)
class DatasetStatistics:
    """Counts over the union of all graphs of a release (a triple in two graphs counts once)."""

    triples: int
    entities: int
    distinct_subjects: int
    distinct_objects: int
    classes: dict[str, int]        # class IRI -> number of distinct instances
    properties: dict[str, int]     # property IRI -> number of distinct triples
    examples: list[str]            # a few example resource IRIs (projects first)
    graphs: dict[str, int]         # named graph IRI -> triples in that graph


def _count(store: "pyoxigraph.Store", query: str) -> int:
    for row in store.query(query, use_default_graph_as_union=True):
        return int(row[0].value)
    return 0


def _pairs(store: "pyoxigraph.Store", query: str, union: bool = True) -> list[tuple[str, int]]:
    return [(row[0].value, int(row[1].value))
            for row in store.query(query, use_default_graph_as_union=union)]


def compute_statistics(store: "pyoxigraph.Store", *, uri_space: str | None = None,
                       example_count: int = 5) -> DatasetStatistics:
    """Aggregate counts of the quads in `store`, by SPARQL, without copying the data.

    The dataset is the union of the default graph and every named graph. `entities` counts
    the distinct IRI subjects (only those starting with `uri_space` when it is given).
    Examples are instances of a class named `…Project` first, then one instance of each
    other class, most populous first; IRIs only, sorted, so the choice is stable. The four
    independent scans run on threads (Oxigraph evaluates queries without the GIL).
    """
    with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1)) as pool:
        per_graph = pool.submit(_graph_and_property_counts, store)
        subjects = pool.submit(_subject_counts, store, uri_space)
        objects = pool.submit(_count, store, "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?s ?p ?o }")
        classes_future = pool.submit(_pairs, store, "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE "
                                                    "{ ?s a ?c FILTER(isIRI(?c)) } GROUP BY ?c")
        graphs, properties = per_graph.result()
        distinct_subjects, entities = subjects.result()
        distinct_objects = objects.result()
        classes = dict(classes_future.result())
    examples = _examples(store, classes, example_count)
    return DatasetStatistics(
        triples=sum(properties.values()), entities=entities,
        distinct_subjects=distinct_subjects, distinct_objects=distinct_objects,
        classes=dict(sorted(classes.items())), properties=dict(sorted(properties.items())),
        examples=examples, graphs=dict(sorted(graphs.items())))


def _graph_and_property_counts(store: "pyoxigraph.Store") -> tuple[dict[str, int], dict[str, int]]:
    """Triples per graph, and distinct triples per property across the graphs."""
    # One scan of the named graphs: triples per (graph, property). A graph holds no duplicate
    # triples, so a property met in a single graph needs no DISTINCT; the default graph (if
    # used) counts as one more graph.
    graphs: dict[str, int] = {}
    spread: dict[str, list[int]] = {}
    for row in store.query("SELECT ?g ?p (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } "
                           "GROUP BY ?g ?p"):
        graph, prop, n = row[0].value, row[1].value, int(row[2].value)
        graphs[graph] = graphs.get(graph, 0) + n
        entry = spread.setdefault(prop, [0, 0])
        entry[0] += n
        entry[1] += 1
    for prop, n in _pairs(store, "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p",
                          union=False):
        entry = spread.setdefault(prop, [0, 0])
        entry[0] += n
        entry[1] += 1
    properties: dict[str, int] = {}
    for prop, (quads, graph_count) in spread.items():
        if graph_count <= 1:
            properties[prop] = quads           # one graph holds no duplicate triples
        else:                                  # the same triple may sit in several graphs
            iri = prop.replace(">", "%3E")
            properties[prop] = _count(
                store, f"SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?s ?o WHERE {{ "
                       f"?s <{iri}> ?o }} }}")
    return graphs, properties


def _subject_counts(store: "pyoxigraph.Store", uri_space: str | None) -> tuple[int, int]:
    """Distinct subjects, and distinct IRI subjects in the URI space (the entities)."""
    space_filter = ""
    if uri_space:
        escaped = uri_space.replace("\\", "\\\\").replace('"', '\\"')
        space_filter = f' && STRSTARTS(STR(?s), "{escaped}")'
    for row in store.query(
            "SELECT (COUNT(DISTINCT ?s) AS ?n) (COUNT(DISTINCT ?e) AS ?entities) WHERE { "
            f"?s ?p ?o BIND(IF(isIRI(?s){space_filter}, ?s, ?unbound) AS ?e) }}",
            use_default_graph_as_union=True):
        return int(row[0].value), int(row[1].value)
    return 0, 0


def _examples(store: "pyoxigraph.Store", classes: dict[str, int], limit: int) -> list[str]:
    def instances(class_iri: str, n: int) -> list[str]:
        iri = class_iri.replace(">", "%3E")
        return [row[0].value for row in store.query(
            f"SELECT DISTINCT ?s WHERE {{ ?s a <{iri}> FILTER(isIRI(?s)) }} ORDER BY ?s "
            f"LIMIT {int(n)}", use_default_graph_as_union=True)]

    def is_project(class_iri: str) -> bool:
        return class_iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1] == "Project"

    chosen: list[str] = []
    projects = sorted(c for c in classes if is_project(c))
    for class_iri in projects:
        for iri in instances(class_iri, max(limit - 2, 1)):
            if iri not in chosen and len(chosen) < max(limit - 2, 1):
                chosen.append(iri)
    others = sorted((c for c in classes if not is_project(c)), key=lambda c: (-classes[c], c))
    for class_iri in others:
        if len(chosen) >= limit:
            break
        for iri in instances(class_iri, len(chosen) + 1):
            if iri not in chosen:
                chosen.append(iri)
                break
    return chosen[:limit]


def store_from_release(release_dir: Path) -> "pyoxigraph.Store":
    """An in-memory pyoxigraph Store with the quads of `data.trig` (one graph per source)."""
    import pyoxigraph

    store = pyoxigraph.Store()
    store.bulk_load(path=str(Path(release_dir) / "data.trig"), format=pyoxigraph.RdfFormat.TRIG)
    return store


# --------------------------------------------------------------------------- reference tables

def _file_keys(paths: Iterable[Path]) -> tuple[tuple[str, int, int], ...]:
    """Cache keys that change when a file changes (path, size, modification time)."""
    keys = []
    for path in paths:
        stat = Path(path).stat()
        keys.append((str(path), stat.st_size, stat.st_mtime_ns))
    return tuple(keys)


@lru_cache(maxsize=4)
def _reference_tables(files: tuple[tuple[str, int, int], ...]) -> Graph:
    graph = Graph()
    for path, _, _ in files:
        graph.parse(path, format="turtle")
    return graph


def reference_tables(settings: "Settings") -> Graph:
    """The EU authority tables (and ADMS subsets) copied into `mappings/reference/eu/`."""
    directory = Path(settings.mappings_dir) / "reference" / "eu"
    if not directory.is_dir():
        raise CatalogError(f"reference tables not found: {directory.name}/ under mappings")
    return _reference_tables(_file_keys(sorted(directory.glob("*.ttl"))))


def reference_context(graph: Graph, tables: Graph) -> Graph:
    """What the tables say about the IRIs `graph` refers to: type, labels, scheme, codes.

    Only the referenced concepts are taken (not whole tables), so a validation run checks
    the catalogue and the concepts it uses, not the tables themselves.
    """
    context = Graph()
    used = {o for o in graph.objects() if isinstance(o, URIRef)}
    used |= {s for s in graph.subjects() if isinstance(s, URIRef)}
    for iri in used:
        if (iri, RDF.type, SKOS.Concept) not in tables:
            continue        # schemes: the catalogue describes those it uses itself
        for p, o in tables.predicate_objects(iri):
            if isinstance(o, BNode):
                continue
            if isinstance(o, Literal) and o.language not in (None, *LANGUAGES):
                continue
            context.add((iri, p, o))
    return context


def _describe_concept(g: Graph, tables: Graph, iri: URIRef, *extra_types: URIRef) -> None:
    """Copy type, fi/sv/en prefLabels and inScheme of a controlled-vocabulary concept."""
    schemes = list(tables.objects(iri, SKOS.inScheme))
    labels = [label for label in tables.objects(iri, SKOS.prefLabel)
              if isinstance(label, Literal) and label.language in LANGUAGES]
    if not schemes or not labels:
        raise CatalogError(f"{iri} is not in the reference tables (mappings/reference/eu)")
    g.add((iri, RDF.type, SKOS.Concept))
    for extra in extra_types:
        g.add((iri, RDF.type, extra))
    for label in labels:
        g.add((iri, SKOS.prefLabel, label))
    for scheme in schemes:
        g.add((iri, SKOS.inScheme, scheme))


def _describe_scheme(g: Graph, tables: Graph, scheme: URIRef) -> None:
    """A concept scheme with the dcterms:title DCAT-AP requires (from its table labels)."""
    titles = [t for t in tables.objects(scheme, DCTERMS.title)] or [
        t for t in tables.objects(scheme, SKOS.prefLabel)] or [
        t for t in tables.objects(scheme, RDFS.label)]
    if not titles:
        raise CatalogError(f"no title for concept scheme {scheme} in the reference tables")
    g.add((scheme, RDF.type, SKOS.ConceptScheme))
    for title in titles:
        g.add((scheme, DCTERMS.title, title))


# --------------------------------------------------------------------------- catalogue

def _texts(g: Graph, subject: URIRef, predicate: URIRef, texts: dict[str, str]) -> None:
    for language, text in texts.items():
        g.add((subject, predicate, Literal(text, lang=language)))


def _datetime(value: datetime) -> Literal:
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    value = value.astimezone(timezone.utc).replace(microsecond=0)
    return Literal(value.strftime("%Y-%m-%dT%H:%M:%SZ"), datatype=XSD.dateTime,
                   normalize=False)


_DIGESTS: dict[tuple[str, int, int], str] = {}


def _sha256(path: Path) -> str:
    """The file's SHA-256, remembered while the file is unchanged (the catalogue and
    SHA256SUMS both need the dumps' digests; a large dump takes a while to read)."""
    stat = path.stat()
    key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns)
    known = _DIGESTS.get(key)
    if known is not None:
        return known
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    if len(_DIGESTS) > 256:
        _DIGESTS.clear()
    _DIGESTS[key] = digest.hexdigest()
    return _DIGESTS[key]


def contact_email(base_uri: str) -> str:
    """`https://data.kuntadigi.example/` -> `mailto:data@kuntadigi.example` (a placeholder)."""
    host = urlsplit(base_uri).hostname or "localhost"
    if host.startswith("data.") and host.count(".") >= 2:
        host = host[len("data."):]
    return f"mailto:data@{host}"


@dataclass(frozen=True)
class CatalogIRIs:
    """The IRIs the catalogue and the VoID description mint under the base URI."""

    base: str

    @property
    def catalog(self) -> URIRef:
        return URIRef(f"{self.base}catalog")

    @property
    def dataset(self) -> URIRef:
        return URIRef(f"{self.base}dataset/projects")

    def distribution(self, slug: str) -> URIRef:
        return URIRef(f"{self.base}dataset/projects/distribution/{slug}")

    def dump(self, version: str, file_name: str) -> URIRef:
        return URIRef(f"{self.base}dumps/{version}/{file_name}")

    @property
    def sparql(self) -> URIRef:
        return URIRef(f"{self.base}sparql")

    @property
    def service(self) -> URIRef:
        return URIRef(f"{self.base}catalog#sparql-service")

    @property
    def contact(self) -> URIRef:
        return URIRef(f"{self.base}catalog#contact-point")

    @property
    def publisher(self) -> URIRef:
        # The same IRI the record mapping gives the organisation "Valtiovarainministeriö".
        return URIRef(f"{self.base}id/organisation/valtiovarainministerio")

    @property
    def vocabulary(self) -> URIRef:
        return URIRef(f"{self.base}def/")

    @property
    def uri_space(self) -> str:
        return f"{self.base}id/"

    @property
    def void_description(self) -> URIRef:
        return URIRef(f"{self.base}.well-known/void")


CATALOG_TITLE = {
    "fi": "Kuntadigi – kuntien digitalisaatiohankkeet linkitettynä datana",
    "sv": "Kuntadigi – kommunernas digitaliseringsprojekt som länkade data",
    "en": "Kuntadigi – Finnish municipal digitalisation projects as linked data",
}
CATALOG_DESCRIPTION = {
    "fi": "Kuntadigi-palvelun datakatalogi. Se kuvaa julkaistun hankeaineiston, sen "
          "latauspaketit (dumpit) ja SPARQL-rajapinnan.",
    "sv": "Datakatalogen för tjänsten Kuntadigi. Den beskriver den publicerade "
          "projektdatamängden, dess nedladdningsfiler och SPARQL-gränssnittet.",
    "en": "The data catalogue of the Kuntadigi service. It describes the published project "
          "dataset, its downloadable dumps and the SPARQL endpoint.",
}
DATASET_TITLE = {
    "fi": "Kuntien digitalisaation kannustinjärjestelmän hankkeet",
    "sv": "Projekten inom incitamentsprogrammet för kommunernas digitalisering",
    "en": "Finnish municipal digitalisation projects of the Ministry of Finance incentive "
          "scheme",
}
DATASET_DESCRIPTION = {
    "fi": "Valtiovarainministeriön kuntien digitalisaation kannustinjärjestelmän hankkeet "
          "linkitettynä datana: hankkeiden kuvaukset, vetäjä- ja kumppanikunnat, "
          "yhteystiedot ja tila. Kunkin lähdeasiakirjan tiedot ovat omassa nimetyssä "
          "graafissaan.",
    "sv": "Projekten inom finansministeriets incitamentsprogram för kommunernas "
          "digitalisering som länkade data: projektbeskrivningar, ansvariga kommuner och "
          "partnerkommuner, kontaktuppgifter och status. Uppgifterna från varje källdokument "
          "ligger i en egen namngiven graf.",
    "en": "The projects of the Ministry of Finance incentive scheme for the digitalisation of "
          "Finnish municipalities, as linked data: project descriptions, lead and partner "
          "municipalities, contacts and status. The data of each source document is in its "
          "own named graph.",
}
KEYWORDS = {
    "fi": ("digitalisaatio", "kunnat", "kannustinjärjestelmä", "valtiovarainministeriö",
           "linkitetty data"),
    "sv": ("digitalisering", "kommuner", "incitamentsprogram", "finansministeriet",
           "länkade data"),
    "en": ("digitalisation", "municipalities", "incentive scheme", "Ministry of Finance",
           "linked data"),
}
PUBLISHER_NAME = {"fi": "Valtiovarainministeriö", "sv": "Finansministeriet",
                  "en": "Ministry of Finance"}
SERVICE_TITLE = {
    "fi": "Kuntadigi SPARQL -rajapinta",
    "sv": "Kuntadigi SPARQL-gränssnitt",
    "en": "Kuntadigi SPARQL endpoint",
}
SERVICE_DESCRIPTION = {
    "fi": "SPARQL 1.1 -kyselyrajapinta uusimpaan julkaistuun hankeaineistoon.",
    "sv": "SPARQL 1.1-frågegränssnitt till den senast publicerade projektdatamängden.",
    "en": "SPARQL 1.1 query endpoint over the latest published project dataset.",
}
DATASET_THEMES = ("GOVE", "TECH")
DATASET_LANGUAGES = ("FIN", "SWE")
CATALOG_LANGUAGES = ("FIN", "SWE", "ENG")


def _describe_licence(g: Graph, tables: Graph, licence: URIRef) -> None:
    g.add((licence, RDF.type, DCTERMS.LicenseDocument))
    if str(licence).startswith(AUTHORITY + "licence/"):
        _describe_concept(g, tables, licence)
        for licence_type in _LICENCE_TYPES.get(str(licence).rsplit("/", 1)[-1], ()):
            type_iri = URIRef(ADMS_LICENCE_TYPE + licence_type)
            g.add((licence, DCTERMS.type, type_iri))
            _describe_concept(g, tables, type_iri)


def release_dumps(release_dir: Path) -> list[DumpFormat]:
    """The dump formats present in a release folder, in the canonical order."""
    return [fmt for fmt in DUMP_FORMATS if (Path(release_dir) / fmt.file_name).is_file()]


def build_catalog(settings: "Settings", version: str, release_dir: Path, issued: datetime,
                  modified: datetime, statistics: DatasetStatistics, *,
                  temporal: tuple[date, date | None] | None = None) -> Graph:
    """The DCAT-AP 3.0.1 catalogue of one release.

    `issued` is the first publication of the dataset, `modified` this release. `temporal`
    (start, end) is added as dcterms:temporal only when the caller knows it.
    """
    release_dir = Path(release_dir)
    dumps = release_dumps(release_dir)
    if not dumps:
        raise CatalogError(f"no dump files in release {version}")
    iris = CatalogIRIs(settings.base_uri)
    tables = reference_tables(settings)
    licence = URIRef(settings.licence)
    g = Graph()
    for prefix, namespace in (("dcat", DCAT), ("dcterms", DCTERMS), ("foaf", FOAF),
                              ("vcard", VCARD), ("spdx", SPDX), ("skos", SKOS),
                              ("adms", ADMS), ("dcatap", DCATAP), ("xsd", XSD), ("rdfs", RDFS)):
        g.bind(prefix, namespace)

    # --- shared resources
    homepage = URIRef(settings.base_uri)
    g.add((homepage, RDF.type, FOAF.Document))
    publisher = iris.publisher
    g.add((publisher, RDF.type, FOAF.Agent))
    _texts(g, publisher, FOAF.name, PUBLISHER_NAME)
    national = URIRef(ADMS_PUBLISHER_TYPE + "NationalAuthority")
    g.add((publisher, DCTERMS.type, national))
    _describe_concept(g, tables, national)
    _describe_scheme(g, tables, URIRef(ADMS_PUBLISHER_TYPE + "1.0"))

    contact = iris.contact
    g.add((contact, RDF.type, VCARD.Organization))
    g.add((contact, RDF.type, VCARD.Kind))
    g.add((contact, VCARD.fn, Literal("Kuntadigi")))
    g.add((contact, VCARD.hasEmail, URIRef(contact_email(settings.base_uri))))
    g.add((contact, VCARD.hasURL, homepage))

    _describe_licence(g, tables, licence)
    for code in CATALOG_LANGUAGES:
        _describe_concept(g, tables, URIRef(f"{AUTHORITY}language/{code}"),
                          DCTERMS.LinguisticSystem)
    finland = URIRef(f"{AUTHORITY}country/FIN")
    _describe_concept(g, tables, finland, DCTERMS.Location)
    themes = [URIRef(f"{AUTHORITY}data-theme/{code}") for code in DATASET_THEMES]
    for theme in themes:
        _describe_concept(g, tables, theme)
    theme_scheme = URIRef(f"{AUTHORITY}data-theme")
    _describe_scheme(g, tables, theme_scheme)
    irregular = URIRef(f"{AUTHORITY}frequency/IRREG")
    _describe_concept(g, tables, irregular, DCTERMS.Frequency)

    issued_literal, modified_literal = _datetime(issued), _datetime(modified)

    # --- catalogue
    catalog = iris.catalog
    g.add((catalog, RDF.type, DCAT.Catalog))
    _texts(g, catalog, DCTERMS.title, CATALOG_TITLE)
    _texts(g, catalog, DCTERMS.description, CATALOG_DESCRIPTION)
    g.add((catalog, DCTERMS.publisher, publisher))
    g.add((catalog, FOAF.homepage, homepage))
    for code in CATALOG_LANGUAGES:
        g.add((catalog, DCTERMS.language, URIRef(f"{AUTHORITY}language/{code}")))
    g.add((catalog, DCTERMS.license, licence))
    g.add((catalog, DCTERMS.issued, issued_literal))
    g.add((catalog, DCTERMS.modified, modified_literal))
    g.add((catalog, DCTERMS.spatial, finland))
    g.add((catalog, DCAT.themeTaxonomy, theme_scheme))
    g.add((catalog, DCAT.dataset, iris.dataset))
    g.add((catalog, DCAT.service, iris.service))

    # --- dataset
    dataset = iris.dataset
    g.add((dataset, RDF.type, DCAT.Dataset))
    _texts(g, dataset, DCTERMS.title, DATASET_TITLE)
    _texts(g, dataset, DCTERMS.description, DATASET_DESCRIPTION)
    for language, words in KEYWORDS.items():
        for word in words:
            g.add((dataset, DCAT.keyword, Literal(word, lang=language)))
    g.add((dataset, DCTERMS.identifier, Literal(str(dataset))))
    g.add((dataset, DCAT_VERSION, Literal(version)))
    g.add((dataset, DCTERMS.issued, issued_literal))
    g.add((dataset, DCTERMS.modified, modified_literal))
    g.add((dataset, DCTERMS.publisher, publisher))
    g.add((dataset, DCAT.contactPoint, contact))
    for theme in themes:
        g.add((dataset, DCAT.theme, theme))
    for code in DATASET_LANGUAGES:
        g.add((dataset, DCTERMS.language, URIRef(f"{AUTHORITY}language/{code}")))
    g.add((dataset, DCTERMS.spatial, finland))
    g.add((dataset, DCTERMS.accrualPeriodicity, irregular))
    g.add((dataset, DCAT.landingPage, homepage))
    g.add((dataset, DCTERMS.conformsTo, iris.vocabulary))
    g.add((iris.vocabulary, RDF.type, DCTERMS.Standard))
    _texts(g, iris.vocabulary, DCTERMS.title, {
        "fi": "Kuntadigi-sanasto", "sv": "Kuntadigi-vokabulär", "en": "Kuntadigi vocabulary"})
    if temporal is not None:
        period = BNode()
        g.add((dataset, DCTERMS.temporal, period))
        g.add((period, RDF.type, DCTERMS.PeriodOfTime))
        g.add((period, DCAT.startDate, Literal(temporal[0], datatype=XSD.date)))
        if temporal[1] is not None:
            g.add((period, DCAT.endDate, Literal(temporal[1], datatype=XSD.date)))

    # --- one distribution per dump file
    g.add((SHA256, RDF.type, SPDX.ChecksumAlgorithm))
    for fmt in dumps:
        path = release_dir / fmt.file_name
        dist = iris.distribution(fmt.slug)
        url = iris.dump(version, fmt.file_name)
        g.add((dataset, DCAT.distribution, dist))
        g.add((dist, RDF.type, DCAT.Distribution))
        _texts(g, dist, DCTERMS.title, {
            "fi": f"Hankeaineisto, {fmt.label}", "sv": f"Projektdata, {fmt.label}",
            "en": f"Project data, {fmt.label}"})
        _texts(g, dist, DCTERMS.description, {
            "fi": f"Julkaisun {version} koko aineisto ({fmt.label}).",
            "sv": f"Hela datamängden i version {version} ({fmt.label}).",
            "en": f"The complete data of release {version} ({fmt.label})."})
        g.add((dist, DCAT.accessURL, url))
        g.add((dist, DCAT.downloadURL, url))
        media_type = URIRef(IANA + fmt.media_type)
        g.add((dist, DCAT.mediaType, media_type))
        g.add((media_type, RDF.type, DCTERMS.MediaType))
        if fmt.compress_format:
            compress = URIRef(IANA + fmt.compress_format)
            g.add((dist, DCAT.compressFormat, compress))
            g.add((compress, RDF.type, DCTERMS.MediaType))
        file_type = URIRef(f"{AUTHORITY}file-type/{fmt.file_type}")
        g.add((dist, DCTERMS.format, file_type))
        _describe_concept(g, tables, file_type, DCTERMS.MediaTypeOrExtent)
        g.add((dist, DCAT.byteSize, Literal(path.stat().st_size,
                                            datatype=XSD.nonNegativeInteger)))
        checksum = BNode()
        g.add((dist, SPDX.checksum, checksum))
        g.add((checksum, RDF.type, SPDX.Checksum))
        g.add((checksum, SPDX.algorithm, SHA256))
        digest = Literal(_sha256(path), datatype=XSD.hexBinary, normalize=False)
        g.add((checksum, SPDX.checksumValue, digest))
        g.add((dist, DCTERMS.license, licence))
        g.add((dist, DCTERMS.issued, modified_literal))
        g.add((dist, DCTERMS.modified, modified_literal))

    # --- the SPARQL endpoint: a data service, and a distribution accessed through it
    service = iris.service
    g.add((service, RDF.type, DCAT.DataService))
    _texts(g, service, DCTERMS.title, SERVICE_TITLE)
    _texts(g, service, DCTERMS.description, SERVICE_DESCRIPTION)
    g.add((service, DCAT.endpointURL, iris.sparql))
    g.add((iris.sparql, RDF.type, RDFS.Resource))
    g.add((service, DCAT.servesDataset, dataset))
    g.add((service, DCTERMS.conformsTo, SPARQL_PROTOCOL))
    g.add((SPARQL_PROTOCOL, RDF.type, DCTERMS.Standard))
    g.add((SPARQL_PROTOCOL, DCTERMS.title, Literal("SPARQL 1.1 Protocol", lang="en")))
    g.add((service, DCTERMS.publisher, publisher))
    g.add((service, DCAT.contactPoint, contact))
    g.add((service, DCTERMS.license, licence))
    for theme in themes:
        g.add((service, DCAT.theme, theme))
    for language, word in (("fi", "SPARQL-rajapinta"), ("sv", "SPARQL-gränssnitt"),
                           ("en", "SPARQL endpoint")):
        g.add((service, DCAT.keyword, Literal(word, lang=language)))
    g.add((service, DCAT.landingPage, homepage))

    sparql_dist = iris.distribution("sparql")
    g.add((dataset, DCAT.distribution, sparql_dist))
    g.add((sparql_dist, RDF.type, DCAT.Distribution))
    _texts(g, sparql_dist, DCTERMS.title, SERVICE_TITLE)
    _texts(g, sparql_dist, DCTERMS.description, SERVICE_DESCRIPTION)
    g.add((sparql_dist, DCAT.accessURL, iris.sparql))
    g.add((sparql_dist, DCAT.accessService, service))
    g.add((sparql_dist, DCTERMS.license, licence))
    return g


# --------------------------------------------------------------------------- VoID

def _namespace(iri: str) -> str:
    if "#" in iri:
        return iri.rsplit("#", 1)[0] + "#"
    return iri.rsplit("/", 1)[0] + "/"


def build_void(settings: "Settings", version: str, release_dir: Path,
               statistics: DatasetStatistics) -> Graph:
    """The VoID description of one release; also served as the site's VoID file."""
    iris = CatalogIRIs(settings.base_uri)
    dumps = release_dumps(Path(release_dir))
    g = Graph()
    for prefix, namespace in (("void", VOID), ("dcterms", DCTERMS), ("foaf", FOAF),
                              ("xsd", XSD)):
        g.bind(prefix, namespace)
    dataset = iris.dataset

    description = iris.void_description
    g.add((description, RDF.type, VOID.DatasetDescription))
    _texts(g, description, DCTERMS.title, {
        "fi": "Kuntadigi-hankeaineiston VoID-kuvaus", "sv": "VoID-beskrivning av "
        "Kuntadigis projektdata", "en": "VoID description of the Kuntadigi project data"})
    g.add((description, FOAF.primaryTopic, dataset))

    g.add((dataset, RDF.type, VOID.Dataset))
    _texts(g, dataset, DCTERMS.title, DATASET_TITLE)
    _texts(g, dataset, DCTERMS.description, DATASET_DESCRIPTION)
    g.add((dataset, DCTERMS.license, URIRef(settings.licence)))
    g.add((dataset, DCTERMS.publisher, iris.publisher))
    g.add((dataset, FOAF.homepage, URIRef(settings.base_uri)))
    g.add((dataset, VOID.sparqlEndpoint, iris.sparql))
    g.add((dataset, VOID.uriSpace, Literal(iris.uri_space)))
    for fmt in dumps:
        g.add((dataset, VOID.dataDump, iris.dump(version, fmt.file_name)))
        g.add((dataset, VOID.feature, URIRef(W3C_FORMATS + fmt.w3c_format)))

    def integer(n: int) -> Literal:
        return Literal(int(n), datatype=XSD.integer)

    g.add((dataset, VOID.triples, integer(statistics.triples)))
    g.add((dataset, VOID.entities, integer(statistics.entities)))
    g.add((dataset, VOID.classes, integer(len(statistics.classes))))
    g.add((dataset, VOID.properties, integer(len(statistics.properties))))
    g.add((dataset, VOID.distinctSubjects, integer(statistics.distinct_subjects)))
    g.add((dataset, VOID.distinctObjects, integer(statistics.distinct_objects)))
    for example in statistics.examples:
        g.add((dataset, VOID.exampleResource, URIRef(example)))
    vocabularies = {_namespace(iri) for iri in statistics.properties}
    vocabularies |= {_namespace(iri) for iri in statistics.classes}
    for vocabulary in sorted(vocabularies):
        g.add((dataset, VOID.vocabulary, URIRef(vocabulary)))
    for class_iri, count in statistics.classes.items():
        partition = BNode()
        g.add((dataset, VOID.classPartition, partition))
        g.add((partition, VOID["class"], URIRef(class_iri)))
        g.add((partition, VOID.entities, integer(count)))
    for property_iri, count in statistics.properties.items():
        partition = BNode()
        g.add((dataset, VOID.propertyPartition, partition))
        g.add((partition, VOID.property, URIRef(property_iri)))
        g.add((partition, VOID.triples, integer(count)))
    for graph_iri, count in statistics.graphs.items():
        subset = URIRef(graph_iri)
        g.add((dataset, VOID.subset, subset))
        g.add((subset, RDF.type, VOID.Dataset))
        g.add((subset, VOID.triples, integer(count)))
    return g


# --------------------------------------------------------------------------- files

def _write_atomically(path: Path, data: bytes) -> None:
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(temp, 0o644)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def write_catalog_files(settings: "Settings", version: str, release_dir: Path,
                        issued: datetime, modified: datetime,
                        statistics: DatasetStatistics) -> tuple[Graph, Graph]:
    """Build and write `catalog.ttl` and `void.ttl`; returns both graphs."""
    release_dir = Path(release_dir)
    catalog = build_catalog(settings, version, release_dir, issued, modified, statistics)
    void = build_void(settings, version, release_dir, statistics)
    _write_atomically(release_dir / CATALOG_FILE, catalog.serialize(format="turtle").encode())
    _write_atomically(release_dir / VOID_FILE, void.serialize(format="turtle").encode())
    return catalog, void


def write_checksums(release_dir: Path) -> Path:
    """Write `SHA256SUMS` (`sha256sum -c` format) for every other file of the release."""
    release_dir = Path(release_dir)
    target = release_dir / CHECKSUMS_FILE
    lines = []
    files = sorted(p.relative_to(release_dir).as_posix() for p in release_dir.rglob("*")
                   if p.is_file() and p != target and not p.name.startswith(f".{CHECKSUMS_FILE}."))
    for name in files:
        if "\n" in name or "\\" in name:
            raise CatalogError(f"file name not representable in {CHECKSUMS_FILE}: {name!r}")
        lines.append(f"{_sha256(release_dir / name)}  {name}\n")
    _write_atomically(target, "".join(lines).encode("utf-8"))
    return target


# --------------------------------------------------------------------------- validation

SHAPES_SUBDIR = Path("dcat-ap-3")
VALIDATION_RUNS: dict[str, tuple[str, ...]] = {
    # The release's SHACL template: every constraint, with the class ranges of 3.0.1.
    "dcat-ap-3.0.1": ("dcat-ap-SHACL.ttl", "ranges.ttl"),
    # The 2.x-style split files: core, class ranges, controlled vocabularies.
    "dcat-ap-3.0.1-html": ("html-shacl/shapes.ttl", "html-shacl/range.ttl",
                           "html-shacl/mdr-vocabularies.shape.ttl"),
}
INFORMATIVE_RUNS: dict[str, tuple[str, ...]] = {
    # Recommended properties and deprecated URIs: warnings only, never a gate.
    "dcat-ap-3.0.1-recommended": ("html-shacl/shapes_recommended.ttl",
                                  "html-shacl/deprecateduris.ttl"),
}

# Known defect of the official shapes, waived explicitly (and reported as waived):
# mdr-vocabularies.shape.ttl's ChecksumAlgorithmRestriction requires the algorithm IRI to match
# "^https://spdx.org/rdf/terms", but the SPDX namespace — and the range DCAT-AP itself gives,
# spdx:ChecksumAlgorithm, with individuals such as spdx:checksumAlgorithm_sha256 — is
# "http://spdx.org/rdf/terms#". No correct SPDX algorithm IRI can pass that pattern.
_WAIVED_SHAPE = URIRef("http://data.europa.eu/r5r#ChecksumAlgorithmRestriction")
_WAIVED_VALUE_PREFIX = "http://spdx.org/rdf/terms#checksumAlgorithm_"


@dataclass(frozen=True)
class ValidationRun:
    name: str
    files: tuple[str, ...]
    node_shapes: int           # node shapes with a target
    property_shapes: int
    violations: int
    warnings: int
    infos: int
    waived: int
    dropped: int               # dangling sh:property references left out
    messages: tuple[str, ...]
    gate: bool

    @property
    def conforms(self) -> bool:
        return self.violations == 0


@dataclass(frozen=True)
class CatalogValidation:
    runs: tuple[ValidationRun, ...]

    @property
    def conforms(self) -> bool:
        return all(run.conforms for run in self.runs if run.gate)

    def text(self) -> str:
        lines = []
        for run in self.runs:
            role = "gate" if run.gate else "informative"
            lines.append(
                f"{run.name} ({role}; {', '.join(run.files)}): {run.node_shapes} node shapes, "
                f"{run.property_shapes} property shapes; {run.violations} violations, "
                f"{run.warnings} warnings, {run.infos} infos"
                + (f", {run.waived} waived (known shape defect: "
                   f"ChecksumAlgorithmRestriction https pattern)" if run.waived else "")
                + (f", {run.dropped} undefined property shapes ignored" if run.dropped else ""))
            lines.extend(f"  {message}" for message in run.messages)
        lines.append("conforms: " + ("yes" if self.conforms else "NO"))
        return "\n".join(lines) + "\n"


@lru_cache(maxsize=8)
def _shapes(files: tuple[tuple[str, int, int], ...]) -> tuple[Graph, int]:
    """The union of the shapes files, minus references to undefined property shapes.

    The 3.0.1 SHACL template lists, in `ranges.ttl`, five `sh:property` IRIs that are defined
    in neither file (no sh:path, no constraint at all). SHACL engines reject such a shapes
    graph as ill-formed; as they constrain nothing, dropping the dangling references changes
    no result. Returns the graph and the number of references dropped.
    """
    graph = Graph()
    for path, _, _ in files:
        graph.parse(path, format="turtle")
    return graph, drop_dangling_property_shapes(graph)


def _shapes_dir(settings: "Settings | None") -> Path:
    if settings is not None:
        return Path(settings.shapes_dir) / SHAPES_SUBDIR
    return PROJECT_ROOT / "shapes" / SHAPES_SUBDIR


def _run(name: str, files: tuple[str, ...], data: Graph, shapes_dir: Path,
         gate: bool) -> ValidationRun:
    paths = tuple(str(shapes_dir / f) for f in files)
    for path in paths:
        if not Path(path).is_file():
            raise CatalogError(f"shapes file missing: shapes/{SHAPES_SUBDIR}/{Path(path).name}")
    shapes, dropped = _shapes(_file_keys(Path(p) for p in paths))
    report = validate(data, shapes).report_graph
    counts = {SH.Violation: 0, SH.Warning: 0, SH.Info: 0}
    waived = 0
    messages = []
    # Top-level results only: pyshacl also types the nested sh:detail results of a failed
    # sh:node as sh:ValidationResult; they explain a result, they are not results.
    top_level = set(report.objects(None, SH.result))
    for result in sorted(top_level,
                         key=lambda r: (str(report.value(r, SH.focusNode)),
                                        str(report.value(r, SH.resultPath)))):
        severity = report.value(result, SH.resultSeverity)
        value = report.value(result, SH.value)
        source = report.value(result, SH.sourceShape)
        if (severity == SH.Violation and isinstance(value, URIRef)
                and str(value).startswith(_WAIVED_VALUE_PREFIX)
                and (value, RDF.type, SPDX.ChecksumAlgorithm) in data
                and report.value(result, SH.sourceConstraintComponent)
                == SH.NodeConstraintComponent
                and _waived_source(shapes, source)):
            waived += 1
            continue
        counts[severity] = counts.get(severity, 0) + 1
        label = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}.get(
            severity, str(severity))
        text = report.value(result, SH.resultMessage)
        messages.append(
            f"{label}: {report.value(result, SH.focusNode)} "
            f"{report.value(result, SH.resultPath) or ''} "
            f"{'= ' + str(value) + ' ' if value is not None else ''}— {text}")
    return ValidationRun(
        name=name, files=files,
        node_shapes=len(set(shapes.subjects(SH.targetClass, None))),
        property_shapes=len(set(shapes.objects(None, SH.property))),
        violations=counts[SH.Violation], warnings=counts[SH.Warning], infos=counts[SH.Info],
        waived=waived, dropped=dropped, messages=tuple(messages), gate=gate)


def _waived_source(shapes: Graph, source: object) -> bool:
    """True for the property shape of Checksum_ShapeCV that points at the defective shape."""
    return source is not None and (source, SH.node, _WAIVED_SHAPE) in shapes


def validation_data(graph: Graph, settings: "Settings | None" = None) -> Graph:
    """The catalogue plus what the reference tables say about the concepts it uses."""
    data = Graph()
    for triple in graph:
        data.add(triple)
    for triple in reference_context(graph, reference_tables(settings or Settings())):
        data.add(triple)
    return data


def check_catalog(graph: Graph, settings: "Settings | None" = None, *,
                  informative: bool = True) -> CatalogValidation:
    """Validate against the official DCAT-AP 3.0.1 shapes; every run with its figures."""
    data = validation_data(graph, settings)
    shapes_dir = _shapes_dir(settings)
    runs = [_run(name, files, data, shapes_dir, gate=True)
            for name, files in VALIDATION_RUNS.items()]
    if informative:
        runs += [_run(name, files, data, shapes_dir, gate=False)
                 for name, files in INFORMATIVE_RUNS.items()]
    return CatalogValidation(tuple(runs))


def validate_catalog(graph: Graph, settings: "Settings | None" = None) -> tuple[bool, str]:
    """The build gate: (no violations in the gating runs, a readable report)."""
    outcome = check_catalog(graph, settings)
    return outcome.conforms, outcome.text()


def catalogue_files(release_dir: Path) -> Iterable[Path]:
    """The files this module writes into a release folder."""
    release_dir = Path(release_dir)
    return (release_dir / CATALOG_FILE, release_dir / VOID_FILE, release_dir / CHECKSUMS_FILE)
