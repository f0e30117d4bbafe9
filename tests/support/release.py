"""A small release written for the web tests: the shape the real build produces, ~20 resources.

`write_release(releases_dir, version)` writes `releases/<version>/` with data.trig (named graphs
per document, reference and ontology), the other dumps derived from it, tiny catalogue, VoID,
shapes and report files, SHA256SUMS and release.json, and points `latest` at it.
"""
from __future__ import annotations

import gzip
import hashlib
import json
import os
from pathlib import Path

import pyoxigraph as ox

from publisher.config import Limits, Settings
from publisher.jsonld import Compactor, build_context
from publisher.shacl.mqa import INDICATORS, Assessment, DatasetScore, IndicatorResult
from publisher.vocab import CATALOG_DCAT_AP2_FILE, JSONLD_CONTEXT_FILE, dump_prefixes

BASE = "https://data.kuntadigi.example/"

SOURCE_004 = "\n".join([
    "Kuntien digitalisaation kannustinjärjestelmän hankkeet",
    "",
    "Valtiovarainministeriö myönsi avustusta seuraaville hankkeille.",
    "",
    "1. Digitaalinen asiointi Helsingissä",
    "Helsinki kehittää sähköisiä asiointipalveluja.",
    "Hanke on päättynyt.",
    "",
    "Lisätietoja: Helsingin kaupunki",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "2. Kuntien eVaka",
    "eVaka-projektissa rakennetaan varhaiskasvatuksen toiminnanohjausjärjestelmä.",
    "- avoin lähdekoodi",
    "- yhteinen kehittäminen",
    "Yhteyshenkilö: Meri Vainio, Espoon kaupunki",
    "",
    "Loppu.",
])

SOURCE_000 = "\n".join([
    "Kommunernas digitalisering",
    "",
    "Digital kundtjänst i Tammerfors",
    "Tammerfors utvecklar en digital kundtjänst på svenska och finska.",
    "Projektet pågår.",
])

TRIG = """
@prefix kd: <{base}def/> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix vcard: <http://www.w3.org/2006/vcard/ns#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix schema: <https://schema.org/> .

<{base}graph/ontology> {{
  <{base}def/> a owl:Ontology ; rdfs:label "Kuntadigi-sanasto"@fi, "Kuntadigi-vokabulär"@sv, "Kuntadigi vocabulary"@en ;
    dcterms:title "Kuntadigi-sanasto"@fi, "Kuntadigi-vokabulär"@sv, "Kuntadigi vocabulary"@en .
  kd:Project a owl:Class ; rdfs:subClassOf schema:Project, prov:Entity ;
    rdfs:label "Hanke"@fi, "Projekt"@sv, "Project"@en ;
    skos:definition "Kuntien digitalisaatiohanke."@fi, "Ett digitaliseringsprojekt i kommunerna."@sv, "A municipal digitalisation project."@en ;
    rdfs:isDefinedBy <{base}def/> .
  kd:Section a owl:Class ; rdfs:label "Osio"@fi, "Avsnitt"@sv, "Section"@en ;
    skos:definition "Hankekuvauksen osio."@fi, "Ett avsnitt av projektbeskrivningen."@sv, "A section of a project description."@en ;
    rdfs:isDefinedBy <{base}def/> .
  kd:Municipality a owl:Class ; rdfs:subClassOf org:Organization ;
    rdfs:label "Kunta"@fi, "Kommun"@sv, "Municipality"@en ;
    skos:definition "Suomen kunta."@fi, "En kommun i Finland."@sv, "A Finnish municipality."@en ;
    rdfs:isDefinedBy <{base}def/> .
  kd:status a owl:ObjectProperty ; rdfs:label "tila"@fi, "status"@sv, "status"@en ;
    skos:definition "Hankkeen tila."@fi, "Projektets status."@sv, "The status of the project."@en ;
    rdfs:domain kd:Project ; rdfs:range skos:Concept ; rdfs:isDefinedBy <{base}def/> .
  kd:leadOrganisation a owl:ObjectProperty ; rdfs:label "päävastuullinen kunta"@fi, "huvudansvarig kommun"@sv, "lead organisation"@en ;
    skos:definition "Hanketta johtava kunta."@fi, "Kommunen som leder projektet."@sv, "The municipality leading the project."@en ;
    rdfs:domain kd:Project ; rdfs:range org:Organization ; rdfs:isDefinedBy <{base}def/> .
  kd:partnerMunicipality a owl:ObjectProperty ; rdfs:label "kumppanikunta"@fi, "partnerkommun"@sv, "partner municipality"@en ;
    skos:definition "Hankkeeseen osallistuva kunta."@fi, "En kommun som deltar i projektet."@sv, "A municipality taking part in the project."@en ;
    rdfs:domain kd:Project ; rdfs:range kd:Municipality ; rdfs:isDefinedBy <{base}def/> .
  kd:partnerOrganisation a owl:ObjectProperty ; rdfs:label "kumppaniorganisaatio"@fi, "partnerorganisation"@sv, "partner organisation"@en ;
    skos:definition "Hankkeeseen osallistuva muu organisaatio."@fi, "En annan organisation i projektet."@sv, "Another organisation taking part."@en ;
    rdfs:domain kd:Project ; rdfs:range org:Organization ; rdfs:isDefinedBy <{base}def/> .
  kd:catalogueNumber a owl:DatatypeProperty ; rdfs:label "luettelonumero"@fi, "katalognummer"@sv, "catalogue number"@en ;
    skos:definition "Hankkeen numero luettelossa."@fi, "Projektets nummer i katalogen."@sv, "The number of the project in the catalogue."@en ;
    rdfs:domain kd:Project ; rdfs:range xsd:integer ; rdfs:isDefinedBy <{base}def/> .
  kd:section a owl:ObjectProperty ; rdfs:label "osio"@fi, "avsnitt"@sv, "section"@en ;
    skos:definition "Kuvauksen osio."@fi, "Ett avsnitt."@sv, "A section of the description."@en ;
    rdfs:domain kd:Project ; rdfs:range kd:Section ; rdfs:isDefinedBy <{base}def/> .
  kd:region a owl:ObjectProperty ; rdfs:label "maakunta"@fi, "landskap"@sv, "region"@en ;
    skos:definition "Kunnan maakunta."@fi, "Kommunens landskap."@sv, "The region of the municipality."@en ;
    rdfs:domain kd:Municipality ; rdfs:range skos:Concept ; rdfs:isDefinedBy <{base}def/> .
}}

<{base}graph/reference> {{
  <{base}id/status/scheme> a skos:ConceptScheme ; skos:prefLabel "Hankkeen tilat"@fi, "Projektstatus"@sv, "Project statuses"@en ;
    skos:hasTopConcept <{base}id/status/ongoing>, <{base}id/status/ended> .
  <{base}id/status/ongoing> a skos:Concept ; skos:inScheme <{base}id/status/scheme> ; skos:topConceptOf <{base}id/status/scheme> ;
    skos:prefLabel "Käynnissä"@fi, "Pågående"@sv, "Ongoing"@en ;
    skos:definition "Hanke on käynnissä."@fi, "Projektet pågår."@sv, "The project is under way."@en .
  <{base}id/status/ended> a skos:Concept ; skos:inScheme <{base}id/status/scheme> ; skos:topConceptOf <{base}id/status/scheme> ;
    skos:prefLabel "Päättynyt"@fi, "Avslutat"@sv, "Ended"@en .
  <{base}id/theme/early-education> a skos:Concept ; skos:prefLabel "Varhaiskasvatus"@fi, "Småbarnspedagogik"@sv .
  <http://uri.suomi.fi/codelist/jhs/maakunta_1_20240101/code/01> skos:prefLabel "Uusimaa"@fi, "Nyland"@sv, "Uusimaa"@en .
  <http://uri.suomi.fi/codelist/jhs/maakunta_1_20240101/code/06> skos:prefLabel "Pirkanmaa"@fi, "Birkaland"@sv, "Pirkanmaa"@en .
  # as the build names municipalities (the English name is the Finnish one); Jyväskylä keeps
  # only its Finnish name, for the fallbacks
  <{base}id/organisation/049> a org:Organization, kd:Municipality ; skos:prefLabel "Espoo"@fi, "Esbo"@sv, "Espoo"@en ; rdfs:label "Espoo"@fi, "Esbo"@sv, "Espoo"@en ;
    dcterms:identifier "049" ; kd:municipalityCode <http://uri.suomi.fi/codelist/jhs/kunta_1_20240101/code/049> ;
    kd:region <http://uri.suomi.fi/codelist/jhs/maakunta_1_20240101/code/01> .
  <{base}id/organisation/091> a org:Organization, kd:Municipality ; skos:prefLabel "Helsinki"@fi, "Helsingfors"@sv, "Helsinki"@en ; rdfs:label "Helsinki"@fi, "Helsingfors"@sv, "Helsinki"@en ;
    dcterms:identifier "091" ; kd:municipalityCode <http://uri.suomi.fi/codelist/jhs/kunta_1_20240101/code/091> ;
    kd:region <http://uri.suomi.fi/codelist/jhs/maakunta_1_20240101/code/01> .
  <{base}id/organisation/837> a org:Organization, kd:Municipality ; skos:prefLabel "Tampere"@fi, "Tammerfors"@sv, "Tampere"@en ; rdfs:label "Tampere"@fi, "Tammerfors"@sv, "Tampere"@en ;
    dcterms:identifier "837" ; kd:municipalityCode <http://uri.suomi.fi/codelist/jhs/kunta_1_20240101/code/837> ;
    kd:region <http://uri.suomi.fi/codelist/jhs/maakunta_1_20240101/code/06> .
  <{base}id/organisation/179> a org:Organization, kd:Municipality ; skos:prefLabel "Jyväskylä"@fi ; rdfs:label "Jyväskylä"@fi ;
    dcterms:identifier "179" ; kd:municipalityCode <http://uri.suomi.fi/codelist/jhs/kunta_1_20240101/code/179> .
}}

<{base}graph/004-f0ab20c46da3f21c> {{
  <{base}id/document/004-f0ab20c46da3f21c> a foaf:Document ;
    dcterms:title "Kuntien digitalisaation kannustinjärjestelmän hankkeet"@fi ;
    dcterms:language <http://publications.europa.eu/resource/authority/language/FIN> ;
    kd:sourceText {source_004} .
  <{base}id/organisation/kuusiokuntien-sosiaali-ja-terveyskuntayhtyma> a org:Organization ;
    rdfs:label "Kuusiokuntien sosiaali- ja terveyskuntayhtymä"@fi .
  <{base}id/person/meri-vainio> a vcard:Individual ; vcard:fn "Meri Vainio" ;
    vcard:organization-name "Espoon kaupunki"@fi ; vcard:hasEmail <mailto:meri.vainio@espoo.example> .
  <{base}id/project/kuntien-evaka> a kd:Project ;
    rdfs:label "Kuntien eVaka"@fi ; dcterms:title "Kuntien eVaka"@fi ;
    dcterms:description "eVaka-projektissa rakennetaan varhaiskasvatuksen toiminnanohjausjärjestelmä.\\n- avoin lähdekoodi\\n- yhteinen kehittäminen\\n\\nMukana on <b>monta</b> kuntaa."@fi ;
    kd:catalogueNumber 2 ; kd:status <{base}id/status/ongoing> ;
    dcterms:subject <{base}id/theme/early-education> ;
    kd:leadOrganisation <{base}id/organisation/049> ;
    kd:partnerMunicipality <{base}id/organisation/837> ;
    kd:partnerOrganisation <{base}id/organisation/kuusiokuntien-sosiaali-ja-terveyskuntayhtyma> ;
    dcat:contactPoint <{base}id/person/meri-vainio> ;
    foaf:page <https://www.lampio.fi> ;
    dcterms:language <http://publications.europa.eu/resource/authority/language/FIN> ;
    kd:section [ a kd:Section ; dcterms:title "Mikä muuttuu?"@fi ; kd:order 1 ;
                 dcterms:description "Varhaiskasvatuksen asiointi siirtyy verkkoon."@fi ] ,
               [ a kd:Section ; dcterms:title "Hyödyt"@fi ; kd:order 2 ;
                 dcterms:description "- nopeampi haku\\n- vähemmän paperia"@fi ] ;
    prov:wasDerivedFrom <{base}id/document/004-f0ab20c46da3f21c> ;
    prov:qualifiedDerivation [ a prov:Derivation ; prov:entity <{base}id/document/004-f0ab20c46da3f21c> ;
                               kd:firstLine 19 ; kd:lastLine 23 ] ;
    prov:wasGeneratedBy <{base}id/build/test-1> .
  <{base}id/project/digitaalinen-asiointi> a kd:Project ;
    rdfs:label "Digitaalinen asiointi Helsingissä"@fi ; dcterms:title "Digitaalinen asiointi Helsingissä"@fi ;
    dcterms:description "Helsinki kehittää sähköisiä asiointipalveluja."@fi ;
    kd:catalogueNumber 1 ; kd:status <{base}id/status/ended> ;
    kd:leadOrganisation <{base}id/organisation/091> ;
    kd:partnerMunicipality <{base}id/organisation/049> ;
    prov:wasDerivedFrom <{base}id/document/004-f0ab20c46da3f21c> ;
    prov:qualifiedDerivation <{base}id/project/digitaalinen-asiointi#derivation> ;
    kd:section <{base}id/project/digitaalinen-asiointi#section-1> ;
    prov:wasGeneratedBy <{base}id/build/test-1> .
  <{base}id/project/digitaalinen-asiointi#derivation> a prov:Derivation ;
    prov:entity <{base}id/document/004-f0ab20c46da3f21c> ; kd:firstLine 5 ; kd:lastLine 9 .
  <{base}id/project/digitaalinen-asiointi#section-1> a kd:Section ; dcterms:title "Tavoite"@fi ; kd:order 1 ;
    dcterms:description "Asiointi verkossa."@fi .
  <{base}id/build/test-1> a prov:Activity ; rdfs:label "Build test-1"@en ;
    prov:endedAtTime "2024-05-01T12:00:00Z"^^xsd:dateTime .
}}

<{base}graph/000-a99be5f9b8218adf> {{
  <{base}id/document/000-a99be5f9b8218adf> a foaf:Document ;
    dcterms:title "Kommunernas digitalisering"@sv ; kd:sourceText {source_000} .
  <{base}id/project/digital-kundtjanst> a kd:Project ;
    rdfs:label "Digital kundtjänst i Tammerfors"@sv ; dcterms:title "Digital kundtjänst i Tammerfors"@sv ;
    dcterms:description "Tammerfors utvecklar en digital kundtjänst på svenska och finska.\\n- chatt\\n- e-post"@sv ;
    kd:status <{base}id/status/ongoing> ;
    foaf:page <javascript:alert(1)> ;
    kd:leadOrganisation <{base}id/organisation/837> ;
    prov:wasDerivedFrom <{base}id/document/000-a99be5f9b8218adf> ;
    prov:qualifiedDerivation [ a prov:Derivation ; prov:entity <{base}id/document/000-a99be5f9b8218adf> ;
                               kd:firstLine 3 ; kd:lastLine 5 ] .
}}
"""

CATALOG = """
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<{base}catalog> a dcat:Catalog ; dcterms:title "Kuntadigi"@fi, "Kuntadigi"@en ;
  dcterms:publisher <{base}id/organisation/valtiovarainministerio> ;
  dcat:dataset <{base}dataset> .
<{base}id/organisation/valtiovarainministerio> a <http://xmlns.com/foaf/0.1/Agent> ;
  <http://xmlns.com/foaf/0.1/name> "Valtiovarainministeriö"@fi, "Finansministeriet"@sv .
<{base}dataset> a dcat:Dataset ; dcterms:title "Kuntien digitalisaatiohankkeet"@fi, "Municipal digitalisation projects"@en ;
  dcterms:issued "2024-05-01"^^xsd:date ;
  dcat:distribution <{base}dataset/distribution/ttl> .
<{base}dataset/distribution/ttl> a dcat:Distribution ; dcat:downloadURL <{base}dumps/{version}/data.ttl> ;
  dcat:mediaType <http://www.iana.org/assignments/media-types/text/turtle> .
"""

#: The catalogue's DCAT-AP 2.1.1 form, as small (the release writes it beside catalog.ttl).
CATALOG_DCAT_AP2 = CATALOG + """
<{base}dataset> <http://www.w3.org/2002/07/owl#versionInfo> "{version}" .
"""

VOID = """
@prefix void: <http://rdfs.org/ns/void#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
<{base}dataset> a void:Dataset ; dcterms:title "Kuntadigi"@en ;
  void:sparqlEndpoint <{base}sparql> ; void:uriSpace "{base}id/" ;
  void:dataDump <{base}dumps/{version}/data.nt.gz> ; void:triples {triples} .
"""

SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix kd: <{base}def/> .
<{base}shapes/ProjectShape> a sh:NodeShape ; sh:targetClass kd:Project .
"""

#: The MQA points of CATALOG's dataset (what `assess` gives it when its URLs answer: the
#: issue date, a download URL that answers, a media type the EU file-type table names).
QUALITY_POINTS = {"date-of-issue": 5, "download-url": 20, "download-url-accessibility": 30,
                  "media-type": 10, "format-media-type-vocabulary": 10}


def quality_part(base: str) -> str:
    """The DQV measurements the build adds to catalog.ttl, for CATALOG's dataset."""
    distribution = f"{base}dataset/distribution/ttl"
    results = tuple(IndicatorResult(
        i.id, i.dimension, i.weight, QUALITY_POINTS.get(i.id, 0), i.id in QUALITY_POINTS,
        distribution if i.level == "distribution" else f"{base}dataset", "", f"{base}dataset")
        for i in INDICATORS)
    triples = Assessment((DatasetScore(f"{base}dataset", results),)).to_dqv(
        f"{base}catalog/quality#")
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode()


REPORT = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
[] a sh:ValidationReport ; sh:conforms true .
"""


def make_settings(root: Path, **limits) -> Settings:
    """Settings for a test site under `root` (releases/ and data/), with test limits."""
    values = {"query_timeout_seconds": 10, "result_limit": 1000, **limits}
    return Settings(base_uri=BASE, releases_dir=root / "releases", data_dir=root / "data",
                    limits=Limits(**values))


def _literal(text: str) -> str:
    return '"""' + text.replace("\\", "\\\\").replace('"', '\\"') + '"""'


def trig(base: str = BASE) -> str:
    return TRIG.format(base=base, source_004=_literal(SOURCE_004), source_000=_literal(SOURCE_000))


def write_jsonld(folder: Path, triples: list[ox.Triple], dataset: ox.Dataset, base: str) -> None:
    """data.jsonld compacted with the context.jsonld made from the ontology graph, as the
    release writes them (publisher.release.dumps)."""
    vocabulary = [q.triple for q in dataset if isinstance(q.graph_name, ox.NamedNode)
                  and q.graph_name.value == base + "graph/ontology"]
    context = build_context(dump_prefixes(base), vocabulary)
    (folder / JSONLD_CONTEXT_FILE).write_text(json.dumps(context, indent=2), encoding="utf-8")
    with (folder / "data.jsonld").open("wb") as out:
        Compactor(context["@context"]).write(sorted(triples, key=str), out, JSONLD_CONTEXT_FILE)


def write_release(releases_dir: Path, version: str = "2024-05-01.1", base: str = BASE,
                  built: str = "2024-05-01T12:00:00Z", link: bool = True,
                  extra_trig: str = "") -> Path:
    """Write a complete release folder and (by default) point `latest` at it."""
    folder = releases_dir / version
    folder.mkdir(parents=True, exist_ok=True)
    text = trig(base) + extra_trig
    (folder / "data.trig").write_text(text, encoding="utf-8")
    dataset = ox.Dataset(ox.parse(text.encode(), format=ox.RdfFormat.TRIG))
    triples = list(dict.fromkeys(q.triple for q in dataset))
    prefixes = {"kd": base + "def/", "dcterms": "http://purl.org/dc/terms/"}
    (folder / "data.ttl").write_bytes(ox.serialize(triples, format=ox.RdfFormat.TURTLE,
                                                   prefixes=prefixes))
    (folder / "data.nt.gz").write_bytes(
        gzip.compress(ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), mtime=0))
    write_jsonld(folder, triples, dataset, base)
    (folder / "data.rdf").write_bytes(ox.serialize(triples, format=ox.RdfFormat.RDF_XML))
    ontology = [q.triple for q in dataset
                if not isinstance(q.graph_name, ox.DefaultGraph)
                and q.graph_name.value == base + "graph/ontology"]
    (folder / "ontology.ttl").write_bytes(ox.serialize(ontology, format=ox.RdfFormat.TURTLE))
    (folder / "shapes.ttl").write_text(SHAPES.format(base=base), encoding="utf-8")
    (folder / "validation-report.ttl").write_text(REPORT, encoding="utf-8")
    (folder / "catalog.ttl").write_text(CATALOG.format(base=base, version=version)
                                        + quality_part(base), encoding="utf-8")
    (folder / CATALOG_DCAT_AP2_FILE).write_text(CATALOG_DCAT_AP2.format(base=base, version=version),
                                                encoding="utf-8")
    (folder / "void.ttl").write_text(VOID.format(base=base, version=version,
                                                 triples=len(triples)), encoding="utf-8")
    (folder / "release.json").write_text(json.dumps(
        {"version": version, "built": built, "triples": len(triples), "base_uri": base}),
        encoding="utf-8")
    sums = []
    for path in sorted(folder.iterdir()):
        if path.is_file() and path.name != "SHA256SUMS":
            sums.append(f"{hashlib.sha256(path.read_bytes()).hexdigest()}  {path.name}")
    (folder / "SHA256SUMS").write_text("\n".join(sums) + "\n", encoding="utf-8")
    if link:
        latest = releases_dir / "latest"
        temp = releases_dir / ".latest.tmp"
        if temp.is_symlink():
            temp.unlink()
        os.symlink(version, temp)
        os.replace(temp, latest)
    return folder
