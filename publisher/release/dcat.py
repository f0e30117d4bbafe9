"""The DCAT-AP 3.0.1 catalogue of a release.

A release folder `releases/<version>/` holds the dumps (`data.ttl`, `data.nt.gz`,
`data.jsonld`, `data.rdf`, `data.trig`); the catalogue describes the dataset, one
distribution per dump (size and SHA-256 of the file) and the SPARQL endpoint.

What the data itself says goes in from the release's store (`release_coverage`): the temporal
coverage (the years of the incentive-scheme calls that funded its projects) and the spatial
coverage (Finland and every municipality named as a lead or partner, by its code-list IRI).
The rest is what DCAT-AP 3.0.1's mandatory and recommended properties and the
data.europa.eu metadata quality assessment (MQA) ask for: access rights, a rights
statement, licence, conformance, documentation, themes, availability, contact point,
publisher, keywords in fi/sv/en.

Controlled vocabularies: every EU authority-table concept the catalogue refers to (themes,
languages, country, frequency, file types, licence) is described in the catalogue itself with
its type, preferred labels and `skos:inScheme`, copied from the reference tables in
`mappings/reference/eu/` — so the catalogue is self-contained, and a code that is not in the
tables fails the build instead of producing an unverifiable reference.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, RDFS, SKOS, XSD

from publisher import vocab
from publisher.config import Settings
from publisher.release.checksums import file_sha256
from publisher.release.errors import CatalogError
from publisher.release.reference_tables import LANGUAGES, reference_tables
from publisher.release.statistics import DatasetStatistics
from publisher.vocab import (ADMS_LICENCE_TYPE, ADMS_PUBLISHER_TYPE, AUTHORITY, DCAT_AP_3,
                             IANA_MEDIA_TYPES, SCHEMA_HTTP)

if TYPE_CHECKING:  # pragma: no cover
    import pyoxigraph

VCARD = Namespace(vocab.VCARD)
SPDX = Namespace(vocab.SPDX)
ADMS = Namespace(vocab.ADMS)
DCATAP = Namespace(vocab.DCATAP)
DCAT_VERSION = URIRef(str(DCAT) + "version")   # DCAT 3; not in rdflib's closed DCAT namespace
SPARQL_PROTOCOL = URIRef("https://www.w3.org/TR/sparql11-protocol/")
#: The Linked Data Event Stream specification `/ldes` follows (SEMIC).
LDES_SPECIFICATION = URIRef("https://w3id.org/ldes/specification")
SHA256 = SPDX.checksumAlgorithm_sha256
AVAILABILITY = URIRef(str(DCATAP) + "availability")
PUBLIC = URIRef(f"{AUTHORITY}access-right/PUBLIC")
AVAILABLE = URIRef(f"{AUTHORITY}planned-availability/AVAILABLE")


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
    changeset: bool = False    # the changes against the previous release, not the data

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
#: The changeset against the previous release: RDF Patch text, which IANA has no type for
#: (Jena says application/rdf-patch), so plain text conforming to the RDF Patch description.
CHANGESET_FORMAT = DumpFormat("changes.rdfp", "text/plain", "TXT", "", "RDF Patch",
                              changeset=True)
RDF_PATCH = URIRef("https://jena.apache.org/documentation/rdf-patch/")

# ADMS licence types for the licences the project can be configured with (EU licence codes).
_LICENCE_TYPES: dict[str, tuple[str, ...]] = {
    "CC_BY_4_0": ("Attribution",),
    "CC_BYSA_4_0": ("Attribution", "ViralEffect-ShareAlike"),
    "CC0": ("PublicDomain",),
}


# --------------------------------------------------------------------------- coverage


@dataclass(frozen=True)
class Place:
    """A municipality the data names, by its code-list IRI, with its labels."""

    iri: str
    scheme: str | None
    labels: tuple[tuple[str, str], ...]        # (language, label), fi/sv/en


@dataclass(frozen=True)
class Coverage:
    """When and where the release's data is about, as the data says it."""

    years: tuple[int, int] | None              # first and last year, or None when unknown
    places: tuple[Place, ...] = ()

    @property
    def period(self) -> tuple[date, date] | None:
        if self.years is None:
            return None
        return date(self.years[0], 1, 1), date(self.years[1], 12, 31)


def _year(text: str) -> int | None:
    """`2019` (an xsd:gYear, perhaps with a time zone) → 2019."""
    digits = text.lstrip("-")[:4]
    return int(digits) if digits.isdigit() and not text.startswith("-") else None


def release_coverage(store: "pyoxigraph.Store", base_uri: str) -> Coverage:
    """Temporal and spatial coverage from the release's data: the years of the calls of the
    programme funding its projects, and the municipalities its projects name (lead or
    partner) with their code-list IRIs and labels. Read, never written by hand, so a
    release with other projects states other coverage."""
    kd = vocab.vocabulary(base_uri)
    years = set()
    for row in store.query(
            f"SELECT DISTINCT (STR(?year) AS ?y) WHERE {{ ?project a <{kd}Project> ; "
            f"<{SCHEMA_HTTP}funding> ?programme . ?programme <{kd}call> ?call . "
            f"?call <{DCTERMS}date> ?year }}", use_default_graph_as_union=True):
        year = _year(row[0].value)
        if year is not None:
            years.add(year)
    found: dict[str, tuple[str | None, dict[str, str]]] = {}
    for row in store.query(
            f"SELECT DISTINCT ?code ?scheme ?label WHERE {{ ?project a <{kd}Project> ; "
            f"<{kd}leadOrganisation>|<{kd}partnerMunicipality> ?organisation . "
            f"?organisation <{kd}municipalityCode> ?code . FILTER(isIRI(?code)) "
            f"OPTIONAL {{ ?code <{SKOS}inScheme> ?scheme }} "
            f"OPTIONAL {{ ?code <{SKOS}prefLabel> ?label }} }}",
            use_default_graph_as_union=True):
        code, scheme, label = row[0].value, row[1], row[2]
        entry = found.setdefault(code, (scheme.value if scheme is not None else None, {}))
        if label is not None and getattr(label, "language", None) in LANGUAGES:
            entry[1].setdefault(label.language, label.value)
    places = tuple(Place(iri, scheme, tuple(sorted(labels.items())))
                   for iri, (scheme, labels) in sorted(found.items()))
    return Coverage((min(years), max(years)) if years else None, places)


# --------------------------------------------------------------------------- reference tables

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

def add_texts(g: Graph, subject: URIRef, predicate: URIRef, texts: dict[str, str]) -> None:
    """One literal per language: the catalogue and the VoID description say each text in
    fi, sv and en."""
    for language, text in texts.items():
        g.add((subject, predicate, Literal(text, lang=language)))


def _datetime(value: datetime) -> Literal:
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    value = value.astimezone(timezone.utc).replace(microsecond=0)
    return Literal(value.strftime("%Y-%m-%dT%H:%M:%SZ"), datatype=XSD.dateTime,
                   normalize=False)


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
    def rights(self) -> URIRef:
        return URIRef(f"{self.base}catalog#rights")

    @property
    def record(self) -> URIRef:
        return URIRef(f"{self.base}catalog#record-projects")

    @property
    def shapes(self) -> URIRef:
        return URIRef(f"{self.base}shapes")

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
STREAM_TITLE = {
    "fi": "Kuntadigi muutosvirta (Linked Data Event Stream)",
    "sv": "Kuntadigi ändringsström (Linked Data Event Stream)",
    "en": "Kuntadigi change stream (Linked Data Event Stream)",
}
STREAM_DESCRIPTION = {
    "fi": "Jokaisen resurssin jokainen versio julkaisuittain: ensimmäisessä julkaisussa kaikki "
          "resurssit, sen jälkeen muuttuneet, lisätyt ja poistetut (TriG, sivutettu ajan mukaan).",
    "sv": "Varje version av varje resurs per utgåva: i den första utgåvan alla resurser, sedan "
          "de ändrade, tillagda och borttagna (TriG, sidindelad efter tid).",
    "en": "Every version of every resource, release by release: every resource in the first "
          "release, then those changed, added and removed (TriG, paged by time).",
}
RIGHTS = {
    "fi": "Avointa dataa: kuka tahansa saa käyttää, muokata ja jakaa sitä lisenssin ehdoin; "
          "mainitse lähteeksi Kuntadigi (valtiovarainministeriön kuntien digitalisaation "
          "kannustinjärjestelmän hankkeet).",
    "sv": "Öppna data: vem som helst får använda, bearbeta och dela dem enligt licensen; "
          "ange Kuntadigi (projekten inom finansministeriets incitamentsprogram för "
          "kommunernas digitalisering) som källa.",
    "en": "Open data: anyone may use, adapt and share it under the licence's terms; name "
          "Kuntadigi (the projects of the Ministry of Finance incentive scheme for the "
          "digitalisation of municipalities) as the source.",
}
SHAPES_TITLE = {"fi": "Kuntadigi-tietoprofiili (SHACL)", "sv": "Kuntadigi-dataprofil (SHACL)",
                "en": "Kuntadigi data profile (SHACL)"}
VOCABULARY_TITLE = {"fi": "Kuntadigi-sanasto", "sv": "Kuntadigi-vokabulär",
                    "en": "Kuntadigi vocabulary"}
PROFILE_TITLE = {"fi": "DCAT-AP 3.0.1 -sovellusprofiili", "sv": "Tillämpningsprofilen DCAT-AP 3.0.1",
                 "en": "DCAT-AP 3.0.1 application profile"}
MUNICIPALITY_SCHEME_TITLE = {"fi": "Kuntaluokitus (Tilastokeskus)",
                             "sv": "Kommunindelningen (Statistikcentralen)",
                             "en": "Municipalities (Statistics Finland classification)"}
#: The borders of municipalities and regions the reference graph carries as GeoSPARQL
#: geometries (mappings/reference/geo/, provenance in mappings/reference/PROVENANCE.md).
BORDERS_FOLDER = Path("reference") / "geo"
BORDERS_TITLE = {"fi": "Hallinnolliset aluejaot 1:4 500 000 (Maanmittauslaitos)",
                 "sv": "Administrativa områdesindelningar 1:4 500 000 (Lantmäteriverket)",
                 "en": "Administrative areas 1:4 500 000 (National Land Survey of Finland)"}
BORDERS_DESCRIPTION = {
    "fi": "Kuntien ja maakuntien rajat, yleistetty mittakaavaan 1:4 500 000; aineistossa "
          "yksinkertaistettuina GeoSPARQL-geometrioina.",
    "sv": "Kommunernas och landskapens gränser, generaliserade i skala 1:4 500 000; i "
          "datamängden förenklade som GeoSPARQL-geometrier.",
    "en": "The borders of municipalities and regions generalised at 1:4 500 000; in the "
          "dataset simplified as GeoSPARQL geometries."}
BORDERS_ATTRIBUTION = "© Maanmittauslaitos (National Land Survey of Finland), CC BY 4.0"
BORDERS_LICENCE = URIRef(f"{AUTHORITY}licence/CC_BY_4_0")


def describe_border_source(g: Graph, settings: "Settings", dataset: URIRef,
                           tables: Graph | None = None,
                           link: URIRef = DCTERMS.source) -> URIRef | None:
    """The borders as a source of ``dataset`` (``link``: dcterms:source in VoID; the
    catalogue says prov:wasDerivedFrom, as DCAT-AP wants a dcterms:source to be a
    dcat:Dataset, which a harvester would list and score as ours) with their attribution
    and licence, when the build had them; the licence is described from ``tables``."""
    if not (Path(settings.mappings_dir) / BORDERS_FOLDER).is_dir():
        return None
    source = URIRef(f"{dataset}#source-borders")
    g.add((dataset, link, source))
    g.add((source, RDF.type, DCTERMS.BibliographicResource))
    add_texts(g, source, DCTERMS.title, BORDERS_TITLE)
    add_texts(g, source, DCTERMS.description, BORDERS_DESCRIPTION)
    statement = URIRef(f"{dataset}#source-borders-rights")
    g.add((source, DCTERMS.rights, statement))
    g.add((statement, RDF.type, DCTERMS.RightsStatement))
    g.add((statement, RDFS.label, Literal(BORDERS_ATTRIBUTION)))
    g.add((source, DCTERMS.license, BORDERS_LICENCE))
    if tables is not None:
        _describe_licence(g, tables, BORDERS_LICENCE)
    return source


DATASET_THEMES = ("GOVE", "REGI", "TECH")
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


def _distribution_texts(fmt: DumpFormat, version: str) -> tuple[dict[str, str], dict[str, str]]:
    """Title and description of a file's distribution, in fi/sv/en."""
    if fmt.changeset:
        return ({"fi": "Muutokset edelliseen julkaisuun (RDF Patch)",
                 "sv": "Ändringar sedan föregående version (RDF Patch)",
                 "en": "Changes since the previous release (RDF Patch)"},
                {"fi": f"Julkaisun {version} lisäämät ja poistamat nelikot nimetyittäin "
                       "graafeittain edelliseen julkaisuun verrattuna (RDF Patch).",
                 "sv": f"De quads som version {version} lägger till och tar bort, per namngiven "
                       "graf, jämfört med föregående version (RDF Patch).",
                 "en": f"The quads release {version} adds and deletes, per named graph, against "
                       "the previous release (RDF Patch)."})
    return ({"fi": f"Hankeaineisto, {fmt.label}", "sv": f"Projektdata, {fmt.label}",
             "en": f"Project data, {fmt.label}"},
            {"fi": f"Julkaisun {version} koko aineisto ({fmt.label}).",
             "sv": f"Hela datamängden i version {version} ({fmt.label}).",
             "en": f"The complete data of release {version} ({fmt.label})."})


def release_dumps(release_dir: Path) -> list[DumpFormat]:
    """The dump formats present in a release folder, in the canonical order."""
    return [fmt for fmt in DUMP_FORMATS if (Path(release_dir) / fmt.file_name).is_file()]


def _standard(g: Graph, iri: URIRef, titles: dict[str, str]) -> URIRef:
    g.add((iri, RDF.type, DCTERMS.Standard))
    add_texts(g, iri, DCTERMS.title, titles)
    return iri


def _describe_place(g: Graph, place: Place) -> URIRef:
    """A municipality as a dct:Location: the code-list concept, labelled, in its scheme."""
    iri = URIRef(place.iri)
    g.add((iri, RDF.type, DCTERMS.Location))
    g.add((iri, RDF.type, SKOS.Concept))
    for language, label in place.labels:
        g.add((iri, SKOS.prefLabel, Literal(label, lang=language)))
    if place.scheme:
        scheme = URIRef(place.scheme)
        g.add((iri, SKOS.inScheme, scheme))
        g.add((scheme, RDF.type, SKOS.ConceptScheme))
        add_texts(g, scheme, DCTERMS.title, MUNICIPALITY_SCHEME_TITLE)
    return iri


@dataclass(frozen=True)
class _Served:
    """What every service of the catalogue and its distribution share with the dataset."""

    dataset: URIRef
    publisher: URIRef
    contact: URIRef
    licence: URIRef
    rights: URIRef
    homepage: URIRef
    documentation: URIRef
    modified: Literal


def _served(g: Graph, tables: Graph, shared: _Served, service: URIRef, distribution: URIRef,
            endpoint: URIRef, titles: dict[str, str], descriptions: dict[str, str],
            standard: tuple[URIRef, str], file_type: str, media_type: str) -> None:
    """A data service at `endpoint` (it describes itself there) conforming to `standard`,
    and the dataset's distribution accessed through it, in `file_type` / `media_type`."""
    standard_iri, standard_title = standard
    g.add((service, RDF.type, DCAT.DataService))
    add_texts(g, service, DCTERMS.title, titles)
    add_texts(g, service, DCTERMS.description, descriptions)
    g.add((service, DCAT.endpointURL, endpoint))
    g.add((service, DCAT.endpointDescription, endpoint))
    g.add((endpoint, RDF.type, RDFS.Resource))
    g.add((service, DCTERMS.accessRights, PUBLIC))
    g.add((service, FOAF.page, shared.documentation))
    g.add((service, DCAT.servesDataset, shared.dataset))
    g.add((service, DCTERMS.conformsTo, standard_iri))
    g.add((standard_iri, RDF.type, DCTERMS.Standard))
    g.add((standard_iri, DCTERMS.title, Literal(standard_title, lang="en")))
    g.add((service, DCTERMS.publisher, shared.publisher))
    g.add((service, DCAT.contactPoint, shared.contact))
    g.add((service, DCTERMS.license, shared.licence))
    g.add((service, DCAT.landingPage, shared.homepage))

    g.add((shared.dataset, DCAT.distribution, distribution))
    g.add((distribution, RDF.type, DCAT.Distribution))
    add_texts(g, distribution, DCTERMS.title, titles)
    add_texts(g, distribution, DCTERMS.description, descriptions)
    g.add((distribution, DCAT.accessURL, endpoint))
    g.add((distribution, DCAT.accessService, service))
    g.add((distribution, DCTERMS.license, shared.licence))
    g.add((distribution, DCTERMS.rights, shared.rights))
    kind = URIRef(f"{AUTHORITY}file-type/{file_type}")
    g.add((distribution, DCTERMS.format, kind))
    _describe_concept(g, tables, kind, DCTERMS.MediaTypeOrExtent)
    media = URIRef(IANA_MEDIA_TYPES + media_type)
    g.add((distribution, DCAT.mediaType, media))
    g.add((media, RDF.type, DCTERMS.MediaType))
    g.add((distribution, DCTERMS.issued, shared.modified))
    g.add((distribution, DCTERMS.modified, shared.modified))
    g.add((distribution, AVAILABILITY, AVAILABLE))
    g.add((distribution, DCTERMS.conformsTo, standard_iri))
    g.add((distribution, FOAF.page, shared.documentation))


def build_catalog(settings: "Settings", version: str, release_dir: Path, issued: datetime,
                  modified: datetime, statistics: DatasetStatistics, *,
                  coverage: Coverage | None = None) -> Graph:
    """The DCAT-AP 3.0.1 catalogue of one release.

    `issued` is the first publication of the dataset, `modified` this release. `coverage`
    (from `release_coverage`) adds dcterms:temporal and the municipalities to dcterms:spatial;
    without it the catalogue says Finland only.
    """
    coverage = coverage or Coverage(None)
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
    add_texts(g, publisher, FOAF.name, PUBLISHER_NAME)
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
    _describe_concept(g, tables, PUBLIC, DCTERMS.RightsStatement)
    _describe_concept(g, tables, AVAILABLE)
    rights = iris.rights
    g.add((rights, RDF.type, DCTERMS.RightsStatement))
    add_texts(g, rights, RDFS.label, RIGHTS)
    vocabulary = _standard(g, iris.vocabulary, VOCABULARY_TITLE)
    data_shapes = _standard(g, iris.shapes, SHAPES_TITLE)
    profile = _standard(g, URIRef(DCAT_AP_3), PROFILE_TITLE)
    documentation = iris.vocabulary         # the vocabulary, documented for people (/def/)
    g.add((documentation, RDF.type, FOAF.Document))
    places = [finland] + [_describe_place(g, place) for place in coverage.places]

    issued_literal, modified_literal = _datetime(issued), _datetime(modified)

    # --- catalogue
    catalog = iris.catalog
    g.add((catalog, RDF.type, DCAT.Catalog))
    add_texts(g, catalog, DCTERMS.title, CATALOG_TITLE)
    add_texts(g, catalog, DCTERMS.description, CATALOG_DESCRIPTION)
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
    g.add((catalog, DCTERMS.rights, rights))
    g.add((catalog, DCTERMS.conformsTo, profile))
    # The record of the dataset in this catalogue: the profile its description conforms to.
    record = iris.record
    g.add((catalog, DCAT.record, record))
    g.add((record, RDF.type, DCAT.CatalogRecord))
    g.add((record, FOAF.primaryTopic, iris.dataset))
    g.add((record, DCTERMS.issued, issued_literal))
    g.add((record, DCTERMS.modified, modified_literal))
    g.add((record, DCTERMS.conformsTo, profile))

    # --- dataset
    dataset = iris.dataset
    g.add((dataset, RDF.type, DCAT.Dataset))
    g.add((dataset, RDF.type, DCAT.Resource))   # entailed in DCAT 3; the record's range asks it
    add_texts(g, dataset, DCTERMS.title, DATASET_TITLE)
    add_texts(g, dataset, DCTERMS.description, DATASET_DESCRIPTION)
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
    for place in places:
        g.add((dataset, DCTERMS.spatial, place))
    g.add((dataset, DCTERMS.accrualPeriodicity, irregular))
    g.add((dataset, DCAT.landingPage, homepage))
    g.add((dataset, FOAF.page, documentation))
    g.add((dataset, DCTERMS.conformsTo, vocabulary))
    g.add((dataset, DCTERMS.conformsTo, data_shapes))
    g.add((dataset, DCTERMS.accessRights, PUBLIC))
    describe_border_source(g, settings, dataset, tables, URIRef(vocab.PROV + "wasDerivedFrom"))
    if coverage.period is not None:
        start, end = coverage.period
        period = URIRef(f"{iris.base}dataset/projects#temporal")
        g.add((dataset, DCTERMS.temporal, period))
        g.add((period, RDF.type, DCTERMS.PeriodOfTime))
        g.add((period, DCAT.startDate, Literal(start, datatype=XSD.date)))
        g.add((period, DCAT.endDate, Literal(end, datatype=XSD.date)))

    # --- one distribution per dump file, and one for the changeset when there is one
    g.add((SHA256, RDF.type, SPDX.ChecksumAlgorithm))
    changeset = [CHANGESET_FORMAT] if (release_dir / CHANGESET_FORMAT.file_name).is_file() else []
    for fmt in dumps + changeset:
        path = release_dir / fmt.file_name
        dist = iris.distribution(fmt.slug)
        url = iris.dump(version, fmt.file_name)
        g.add((dataset, DCAT.distribution, dist))
        g.add((dist, RDF.type, DCAT.Distribution))
        add_texts(g, dist, DCTERMS.title, _distribution_texts(fmt, version)[0])
        add_texts(g, dist, DCTERMS.description, _distribution_texts(fmt, version)[1])
        g.add((dist, DCAT.accessURL, url))
        g.add((dist, DCAT.downloadURL, url))
        media_type = URIRef(IANA_MEDIA_TYPES + fmt.media_type)
        g.add((dist, DCAT.mediaType, media_type))
        g.add((media_type, RDF.type, DCTERMS.MediaType))
        if fmt.compress_format:
            compress = URIRef(IANA_MEDIA_TYPES + fmt.compress_format)
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
        digest = Literal(file_sha256(path), datatype=XSD.hexBinary, normalize=False)
        g.add((checksum, SPDX.checksumValue, digest))
        g.add((dist, DCTERMS.license, licence))
        g.add((dist, DCTERMS.rights, rights))
        g.add((dist, DCTERMS.issued, modified_literal))
        g.add((dist, DCTERMS.modified, modified_literal))
        g.add((dist, AVAILABILITY, AVAILABLE))
        g.add((dist, DCTERMS.conformsTo, vocabulary))
        if fmt.changeset:
            g.add((dist, DCTERMS.conformsTo, RDF_PATCH))
            g.add((RDF_PATCH, RDF.type, DCTERMS.Standard))
            g.add((RDF_PATCH, DCTERMS.title, Literal("RDF Patch", lang="en")))
        g.add((dist, FOAF.page, documentation))
        for code in DATASET_LANGUAGES:
            g.add((dist, DCTERMS.language, URIRef(f"{AUTHORITY}language/{code}")))

    # --- the SPARQL endpoint and the event stream (web/routes/ldes.py): each a data service
    # and a distribution accessed through it
    shared = _Served(dataset, publisher, contact, licence, rights, homepage, documentation,
                     modified_literal)
    service = iris.service
    # GET /sparql without a query answers the SPARQL service description
    _served(g, tables, shared, service, iris.distribution("sparql"), iris.sparql,
            SERVICE_TITLE, SERVICE_DESCRIPTION, (SPARQL_PROTOCOL, "SPARQL 1.1 Protocol"),
            "SPARQLQRES", "application/sparql-results+json")
    for theme in themes:
        g.add((service, DCAT.theme, theme))
    for language, word in (("fi", "SPARQL-rajapinta"), ("sv", "SPARQL-gränssnitt"),
                           ("en", "SPARQL endpoint")):
        g.add((service, DCAT.keyword, Literal(word, lang=language)))
    _served(g, tables, shared, URIRef(f"{settings.base_uri}catalog#ldes-service"),
            iris.distribution("ldes"), URIRef(f"{settings.base_uri}ldes"), STREAM_TITLE,
            STREAM_DESCRIPTION,
            (LDES_SPECIFICATION, "Linked Data Event Streams specification"),
            "RDF_TRIG", "application/trig")
    return g
