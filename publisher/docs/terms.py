"""Labels of the common external terms the pages and the vocabulary documentation show
(dcterms:title, skos:Concept …), in fi, sv and en. They are data, not interface texts: the
rdfs:labels those vocabularies would give if they had them in our languages, keyed by IRI like
the labels of our own terms (which come from the ontology). A translator of the interface
never needs them, so they stay a table beside the code that labels terms, not in the
gettext catalogues; a test checks every row has all three languages."""
from __future__ import annotations

from publisher.i18n import LANGUAGES
from publisher.vocab import (DCAT, DCTERMS, EU_LANGUAGE, FOAF, ORG, OWL, PROV, RDF, RDFS, SCHEMA,
                             SCHEMA_HTTP, SKOS, VANN, VCARD)

_TERMS: dict[str, tuple[str, str, str]] = {
    # classes
    SKOS + "Concept": ("käsite", "begrepp", "concept"),
    SKOS + "ConceptScheme": ("käsitteistö", "begreppsschema", "concept scheme"),
    ORG + "Organization": ("organisaatio", "organisation", "organisation"),
    VCARD + "Individual": ("henkilö", "person", "person"),
    VCARD + "Kind": ("yhteystieto", "kontakt", "contact"),
    FOAF + "Document": ("asiakirja", "dokument", "document"),
    FOAF + "Agent": ("toimija", "aktör", "agent"),
    SCHEMA_HTTP + "WebPage": ("verkkosivu", "webbsida", "web page"),
    SCHEMA_HTTP + "Article": ("artikkeli", "artikel", "article"),
    SCHEMA_HTTP + "BlogPosting": ("blogikirjoitus", "blogginlägg", "blog post"),
    PROV + "Derivation": ("lähdeviite", "källhänvisning", "derivation"),
    PROV + "Activity": ("toiminto", "aktivitet", "activity"),
    PROV + "Entity": ("entiteetti", "entitet", "entity"),
    PROV + "SoftwareAgent": ("ohjelmisto", "programvara", "software agent"),
    OWL + "Class": ("luokka", "klass", "class"),
    OWL + "ObjectProperty": ("objektiominaisuus", "objektegenskap", "object property"),
    OWL + "DatatypeProperty": ("tietotyyppiominaisuus", "dataegenskap", "datatype property"),
    OWL + "AnnotationProperty": ("annotaatio-ominaisuus", "annoteringsegenskap",
                                 "annotation property"),
    OWL + "FunctionalProperty": ("funktionaalinen ominaisuus", "funktionell egenskap",
                                 "functional property"),
    OWL + "Ontology": ("ontologia", "ontologi", "ontology"),
    RDF + "Property": ("ominaisuus", "egenskap", "property"),
    # properties
    RDF + "type": ("tyyppi", "typ", "type"),
    RDFS + "label": ("nimike", "etikett", "label"),
    RDFS + "comment": ("kommentti", "kommentar", "comment"),
    RDFS + "subClassOf": ("yläluokka", "överklass", "subclass of"),
    RDFS + "subPropertyOf": ("yläominaisuus", "överordnad egenskap", "subproperty of"),
    RDFS + "domain": ("määrittelyjoukko", "domän", "domain"),
    RDFS + "range": ("arvojoukko", "värdemängd", "range"),
    RDFS + "isDefinedBy": ("määritelty", "definierad i", "defined by"),
    RDFS + "seeAlso": ("katso myös", "se även", "see also"),
    OWL + "imports": ("tuo sanaston", "importerar", "imports"),
    OWL + "versionIRI": ("version IRI", "versionens IRI", "version IRI"),
    OWL + "versionInfo": ("versio", "version", "version"),
    SKOS + "prefLabel": ("nimi", "namn", "preferred label"),
    SKOS + "altLabel": ("vaihtoehtoinen nimi", "alternativt namn", "alternative label"),
    SKOS + "definition": ("määritelmä", "definition", "definition"),
    SKOS + "note": ("huomautus", "anmärkning", "note"),
    SKOS + "scopeNote": ("käyttöhuomautus", "användningsanmärkning", "scope note"),
    SKOS + "inScheme": ("käsitteistö", "begreppsschema", "in scheme"),
    SKOS + "topConceptOf": ("käsitteistön ylin käsite", "toppbegrepp i", "top concept of"),
    SKOS + "hasTopConcept": ("ylimmän tason käsite", "toppbegrepp", "top concept"),
    SKOS + "broader": ("laajempi käsite", "överordnat begrepp", "broader"),
    SKOS + "narrower": ("suppeampi käsite", "underordnat begrepp", "narrower"),
    SKOS + "related": ("liittyvä käsite", "relaterat begrepp", "related"),
    SKOS + "broadMatch": ("laajempi vastine", "bredare motsvarighet", "broad match"),
    SKOS + "narrowMatch": ("suppeampi vastine", "smalare motsvarighet", "narrow match"),
    SKOS + "closeMatch": ("läheinen vastine", "nära motsvarighet", "close match"),
    SKOS + "exactMatch": ("täsmällinen vastine", "exakt motsvarighet", "exact match"),
    SKOS + "relatedMatch": ("liittyvä vastine", "relaterad motsvarighet", "related match"),
    SKOS + "notation": ("koodi", "kod", "notation"),
    DCTERMS + "title": ("otsikko", "titel", "title"),
    DCTERMS + "description": ("kuvaus", "beskrivning", "description"),
    DCTERMS + "identifier": ("tunniste", "identifierare", "identifier"),
    DCTERMS + "language": ("kieli", "språk", "language"),
    DCTERMS + "subject": ("aihe", "ämne", "subject"),
    DCTERMS + "publisher": ("julkaisija", "utgivare", "publisher"),
    DCTERMS + "creator": ("tekijä", "skapare", "creator"),
    DCTERMS + "extent": ("laajuus", "omfång", "extent"),
    DCTERMS + "modified": ("muokattu", "ändrad", "modified"),
    DCTERMS + "issued": ("julkaistu", "utgiven", "issued"),
    DCTERMS + "date": ("päivämäärä", "datum", "date"),
    DCTERMS + "isPartOf": ("osa kokonaisuutta", "del av", "is part of"),
    DCTERMS + "hasPart": ("osa", "har del", "has part"),
    DCTERMS + "license": ("lisenssi", "licens", "licence"),
    DCTERMS + "source": ("lähde", "källa", "source"),
    DCAT + "contactPoint": ("yhteyshenkilö", "kontaktperson", "contact point"),
    FOAF + "page": ("verkkosivu", "webbsida", "web page"),
    FOAF + "name": ("nimi", "namn", "name"),
    PROV + "wasDerivedFrom": ("lähde", "källa", "derived from"),
    PROV + "qualifiedDerivation": ("lähdeviite", "källhänvisning", "derivation"),
    PROV + "wasGeneratedBy": ("tuotettu", "genererad av", "generated by"),
    PROV + "entity": ("lähde", "källa", "entity"),
    PROV + "used": ("käytti", "använde", "used"),
    PROV + "wasAssociatedWith": ("toteuttaja", "associerad med", "associated with"),
    PROV + "startedAtTime": ("alkoi", "startade", "started at"),
    PROV + "endedAtTime": ("päättyi", "slutade", "ended at"),
    VCARD + "fn": ("nimi", "namn", "name"),
    VCARD + "organization-name": ("organisaatio", "organisation", "organisation"),
    VCARD + "hasEmail": ("sähköposti", "e-post", "email"),
    VCARD + "hasTelephone": ("puhelin", "telefon", "telephone"),
    VCARD + "hasURL": ("verkkosivu", "webbadress", "web address"),
    VCARD + "role": ("tehtävä", "roll", "role"),
    ORG + "memberOf": ("organisaatio", "organisation", "member of"),
    SCHEMA_HTTP + "about": ("aihe", "handlar om", "about"),
    SCHEMA_HTTP + "author": ("kirjoittaja", "författare", "author"),
    SCHEMA_HTTP + "startDate": ("alkaa", "startdatum", "start date"),
    SCHEMA_HTTP + "endDate": ("päättyy", "slutdatum", "end date"),
    SCHEMA_HTTP + "funder": ("rahoittaja", "finansiär", "funder"),
    SCHEMA_HTTP + "funding": ("rahoitus", "finansiering", "funding"),
    SCHEMA_HTTP + "genre": ("laji", "genre", "genre"),
    SCHEMA_HTTP + "keywords": ("avainsanat", "nyckelord", "keywords"),
    SCHEMA_HTTP + "knowsAbout": ("asiantuntemus", "sakkunskap", "knows about"),
    SCHEMA_HTTP + "unitText": ("yksikkö", "enhet", "unit"),
    SCHEMA_HTTP + "value": ("arvo", "värde", "value"),
    SCHEMA_HTTP + "name": ("nimi", "namn", "name"),
    VANN + "preferredNamespacePrefix": ("suositeltu etuliite", "rekommenderat prefix",
                                        "preferred namespace prefix"),
    VANN + "preferredNamespaceUri": ("nimiavaruus", "namnrymd", "namespace"),
    # languages of the EU authority list that the texts are written in
    EU_LANGUAGE + "FIN": ("suomi", "finska", "Finnish"),
    EU_LANGUAGE + "SWE": ("ruotsi", "svenska", "Swedish"),
    EU_LANGUAGE + "ENG": ("englanti", "engelska", "English"),
}


def _with_https_schema(terms: dict[str, tuple[str, str, str]]) -> dict[str, tuple[str, str, str]]:
    """schema.org terms are written with both http and https in the wild."""
    extra = {SCHEMA + iri[len(SCHEMA_HTTP):]: row for iri, row in terms.items()
             if iri.startswith(SCHEMA_HTTP)}
    return {**terms, **extra}


TERM_LABELS: dict[str, tuple[str, str, str]] = _with_https_schema(_TERMS)


def term_label(iri: str, lang: str) -> str | None:
    """The label of a common external term in `lang` (English for other languages)."""
    row = TERM_LABELS.get(iri)
    if row is None:
        return None
    return row[LANGUAGES.index(lang)] if lang in LANGUAGES else row[2]
