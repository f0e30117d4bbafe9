"""The VoID description of a release: the catalogue's dataset with its counts and partitions."""
from __future__ import annotations

from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF, RDFS, VOID, XSD

from publisher.config import Settings
from publisher.release.dcat import (CHANGESET_FORMAT, DATASET_DESCRIPTION, DATASET_TITLE,
                                    CatalogIRIs, add_texts, describe_border_source,
                                    release_dumps)
from publisher.release.statistics import DatasetStatistics
from publisher.vocab import FORMATS


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
    add_texts(g, description, DCTERMS.title, {
        "fi": "Kuntadigi-hankeaineiston VoID-kuvaus", "sv": "VoID-beskrivning av "
        "Kuntadigis projektdata", "en": "VoID description of the Kuntadigi project data"})
    g.add((description, FOAF.primaryTopic, dataset))

    g.add((dataset, RDF.type, VOID.Dataset))
    add_texts(g, dataset, DCTERMS.title, DATASET_TITLE)
    add_texts(g, dataset, DCTERMS.description, DATASET_DESCRIPTION)
    g.add((dataset, DCTERMS.license, URIRef(settings.licence)))
    g.add((dataset, DCTERMS.publisher, iris.publisher))
    g.add((dataset, FOAF.homepage, URIRef(settings.base_uri)))
    g.add((dataset, VOID.sparqlEndpoint, iris.sparql))
    g.add((dataset, VOID.uriSpace, Literal(iris.uri_space)))
    describe_border_source(g, settings, dataset)
    for fmt in dumps:
        g.add((dataset, VOID.dataDump, iris.dump(version, fmt.file_name)))
        g.add((dataset, VOID.feature, URIRef(FORMATS + fmt.w3c_format)))
    if (Path(release_dir) / CHANGESET_FORMAT.file_name).is_file():
        # VoID has no term for a changeset: linked as related, with its format and title
        changes = iris.dump(version, CHANGESET_FORMAT.file_name)
        g.add((dataset, RDFS.seeAlso, changes))
        g.add((changes, DCTERMS["format"], Literal(CHANGESET_FORMAT.media_type)))
        g.add((changes, DCTERMS.title,
               Literal("Changes since the previous release (RDF Patch)", lang="en")))

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
