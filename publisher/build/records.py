"""The record contract: what the extractors give, what preparation adds, what the mapping
files read.

Records are plain dicts (JSON Lines out of `publisher extract`, a few million lookups in a
large build); these TypedDicts say which fields they have, field by field, so a mapping file
can be checked against them (tests/build/test_records.py) and a reader need not find the
fields in the code that makes them. `MAPPING_RECORDS` says which record each mapping file reads.
"""
from __future__ import annotations

from typing import Any, Literal, NotRequired, TypedDict


class Span(TypedDict):
    """Where a record stands in its text: 1-based, inclusive line numbers."""

    document: str                    #: the source file name
    first_line: int
    last_line: int


class TextInLanguage(TypedDict):
    """One text of a multilingual label, name or description."""

    text: str
    language: str                    #: "fi", "sv" or "en"


class Derivation(TypedDict):
    """One place a text states a resource (a `prov:Derivation`)."""

    first_line: int
    last_line: int
    source_text: str | None          #: the lines as written, joined by newlines


# =========================================================================== extracted
# ---------------------------------------------------------------- the catalogue
# `publisher/build/extract/catalogue.py`: one record per project, in source order.

class NamedOrganisation(TypedDict):
    """A municipality by its official Finnish name and three-digit code ("Maalahden kunta"
    → {"name": "Maalahti", "code": "475"}), another organisation by its name as written
    with code null."""

    name: str
    code: str | None


class PartnerReading(TypedDict):
    """A partner mention and how it was linked."""

    as_written: str
    line: int
    code: str | None
    #: exact, swedish, inflected, suffixed, near-miss, or null when it is no municipality
    method: str | None
    member_of: NotRequired[str]      #: the joint authority it was named in, in parentheses
    #: true when read from a sentence of the description ("Mukana olivat … lisäksi …"), in a
    #: record with no partner line; such a mention counts only if it names a municipality
    in_prose: NotRequired[bool]


class Contact(TypedDict):
    name: str
    organisation: str | None         #: as the line writes it ("Maalahden kunta")


class ContactPoint(TypedDict, total=False):
    """One line of the contact block; which fields it has depends on `kind`."""

    kind: Literal["person", "url", "email", "link-text", "unreadable"]
    line: int
    name: str                        #: person
    organisation_as_written: str | None   #: person
    organisation: str | None         #: person: the official municipality name, or as written
    organisation_code: str | None    #: person: the municipality's code, for linking
    organisation_unit: str | None    #: person: what stood in parentheses after it
    url: str                         #: url
    email: str                       #: email
    text: str                        #: link-text, unreadable


class Block(TypedDict, total=False):
    """A description block: {"type": "paragraph", "text"} (hard-wrapped lines joined with
    single spaces) or {"type": "list", "ordered", "items"} ("- " and "• " lists unordered,
    "1." and "a)" lists ordered; an item is the text after its marker)."""

    type: Literal["paragraph", "list"]
    text: str
    ordered: bool
    items: list[Any]                 #: str, or a nested block


class Section(TypedDict):
    heading: str                     #: as written ("Mikä muuttuu?", "Hankkeen tuotokset:")
    items: list[Block]               #: the blocks up to the next heading


class CatalogueRecord(TypedDict):
    """A project of the Ministry of Finance catalogue."""

    key: str                         #: the URI key (unique in the document)
    #: the title line without its "N." prefix; null when the record has none (it starts
    #: with its status line or its text)
    title: str | None
    number: int | None               #: the "N." of the title; numbering restarts per lead
    language: str                    #: "fi" | "sv": of the title and description
    ended: bool                      #: a status line ("HANKE ON PÄÄTTYNYT.") is present
    status_text: str | None          #: that status line as written
    #: the organisation of the first contact person; without one it is read from the
    #: numbering (N. after N-1. of the same group), a contact address, the title or the text
    lead_organisation: NamedOrganisation | None
    #: which: "contact", "numbering", "contact-domain", "title", "description", null
    lead_organisation_source: str | None
    #: every municipality named as a partner ("Muut kunnat:", "Mukana …", members of a joint
    #: authority in parentheses; in a record with no such line, the municipalities of a list
    #: in a sentence that the words of `[partners] prose` open), once each, in order, without
    #: the lead; by the official name and code of the code list (the wording: `partners_as_written`)
    partner_municipalities: list[NamedOrganisation]
    #: the other partners as written ("Savon ICT-palvelut Oy")
    partner_organisations: list[str]
    partners_as_written: list[PartnerReading]
    contacts: list[Contact]          #: the contact people in order
    #: everything the contact block lists, people included
    contact_points: list[ContactPoint]
    urls: list[str]                  #: links written anywhere in the record, once each
    urls_normalised: list[str]       #: the same with "https://" before a bare "www."
    #: web addresses written without a scheme or "www." ("sipoo.fi-palveluun", "stat.fi,"):
    #: a host whose last label is a top-level domain of `[links]`, with "https://" before it,
    #: once each, in order; kept apart from `urls`: the text names the site, it does not
    #: give it as the project's page
    urls_without_scheme: list[str]
    emails: list[str]                #: "x(a)y.fi" written as "x@y.fi"
    link_texts: list[str]            #: link texts standing for a contact ("Hankkeen nettisivut")
    description: list[Block]         #: the text before the first heading
    sections: list[Section]
    #: from the first line (status line or title) to the last contact or link line (or the
    #: last partner line when a partner list follows the contacts)
    source: Span
    complete: bool                   #: false when the record could not be finished


# ---------------------------------------------------------------- pages
# `publisher/build/extract/page.py`: the page itself, then what it presents. Every record has
# `type`, `key`, `language` and `source`; initiatives, figures and concepts also `spans`,
# one [first, last] per place the page presents them. A reference to another record of the
# page is its index in the extraction (`…_refs`, `initiative_ref`), resolved to a URI after
# merging.

class Author(TypedDict):
    name: str
    record: int                      #: the index of the author's person record


class PageRecord(TypedDict):
    """A page, blog post or press release as a document."""

    type: Literal["document"]
    key: None
    title: str | None
    family: str                      #: the family of mappings/page-rules.toml that read it
    genre: str                       #: "web page", "blog post" or "press release"
    genre_as_written: NotRequired[str]   #: "Pressmeddelande"
    language: str
    publisher: str | None            #: as the family or the page names it
    date: str | None                 #: ISO 8601 publication date
    time: str | None
    date_original: str | None        #: the first publication date of an updated page
    authors: list[Author]
    description: str | None          #: the lead paragraph
    tags: list[str]
    link_texts: list[str]
    urls: list[str]
    headings: list[str]
    subject_refs: list[int]          #: the initiatives the title is about
    body_sentences: NotRequired[list[str]]
    source: Span


class OrganisationRef(TypedDict, total=False):
    """An organisation by the key of mappings/organisations.toml, or a municipality."""

    key: str
    name: str
    code: str | None
    as_written: str


class InitiativeRecord(TypedDict):
    """A project, network, service, event, forum or funding channel the page presents."""

    type: Literal["initiative"]
    key: str
    name: str
    title: str
    kind: str                        #: project, network, service, event, forum, funding
    kind_rule: str                   #: why it has that kind
    origin: str                      #: what presented it: heading, bullet, mention …
    language: str
    section: str | None              #: the heading of its section
    topic: str | None
    description: list[str]           #: paragraphs
    alt_names: list[str]
    labels: dict[str, str]           #: names in other languages, by language
    urls: list[str]
    link_texts: list[str]
    lead_organisation: OrganisationRef | None
    partners: list[OrganisationRef]
    funder: NotRequired[OrganisationRef]
    funded_by_programme: bool        #: the text says the funding programme funds it
    start_date: str | None
    end_date: str | None
    mention_rule: NotRequired[str]   #: the mention rule that found it in running text
    mention_texts: NotRequired[list[str]]
    source: Span
    spans: list[list[int]]
    # Set by publisher/build/identify.py, after merging:
    iri: NotRequired[str]            #: its URI (of the canonical record if merged into one)
    merged: NotRequired[bool]        #: merged into another record's resource
    class_iri: NotRequired[str | None]   #: none on a merged record (the canonical one types it)


class PersonRecord(TypedDict):
    """An expert, contact, author or person named with a role."""

    type: Literal["person"]
    key: str
    name: str
    relation: str                    #: expert, contact, author, named
    role: str | None
    organisation: str | None         #: as written
    organisation_hint: NotRequired[str]   #: the role text, which may name the organisation
    #: the lead of the initiative the person is named for, when a municipality
    fallback_municipality: OrganisationRef | None
    initiative_refs: list[int]
    topic: str | None
    topic_lines: NotRequired[list[int] | None]
    phone: str | None                #: as written ("02955 30122")
    twitter: str | None              #: the handle
    lines: list[int]
    language: str
    source: Span


class FigureSubject(TypedDict, total=False):
    initiative_ref: int              #: an initiative of the page
    iri_code: str                    #: or a country, "country:FIN"


class FigureRecord(TypedDict):
    """A figure the page states as a fact."""

    type: Literal["figure"]
    key: str
    measure: str                     #: population, municipalities …
    value: int
    qualifier: str                   #: exact, more-than …
    value_as_written: str
    statement: str                   #: the sentence that states it
    subject: FigureSubject
    label: dict[str, str]            #: what it counts, by language
    unit: dict[str, str]             #: by language
    date: str | None                 #: of the page
    language: str
    source: Span
    spans: list[list[int]]


class ConceptRecord(TypedDict):
    """A concept the page explains (the EIF interoperability layers)."""

    type: Literal["concept"]
    scheme: str                      #: "eif"
    key: str
    text: str                        #: the page's explanation
    language: str
    source: Span
    spans: list[list[int]]


# =========================================================================== prepared
# What publisher/build/prepare/ adds for the mapping: every decision is a plain value, so
# the mapping files stay free of logic.

class KeyRef(TypedDict):
    key: str | None


class NamedKey(TypedDict):
    name: str
    key: str


class PreparedSection(TypedDict):
    order: int                       #: 1-based
    heading: str
    text: str                        #: its blocks rendered as text


class PreparedEmail(TypedDict):
    address: str
    index: int                       #: 1-based, for the contact's hash IRI


class PreparedContact(TypedDict):
    name: str
    person_key: str
    organisation_name: str | None    #: as written, else the official name
    organisation_key: str | None
    organisation_is_municipality: bool


class PreparedProject(CatalogueRecord):
    """A catalogue record for catalogue.mapping.toml."""

    language_iri: str | None         #: the EU language authority's IRI
    label: str                       #: the title, or the lead and the first words
    status: Literal["ended", "ongoing"]
    description_text: str            #: the description blocks rendered as text
    sections_prepared: list[PreparedSection]
    document_key: str
    build_key: str
    first_line: int | None
    last_line: int | None
    source_text: str | None          #: the record's lines as written
    emails_prepared: list[PreparedEmail]
    programme_iri: str | None        #: the funding programme, when it funds the text's projects
    lead: KeyRef | None
    partner_municipalities_prepared: list[KeyRef]   #: municipalities with a code
    #: other partners, and municipality mentions that did not resolve to a code
    partner_organisations_prepared: list[NamedKey]
    contacts_prepared: list[PreparedContact]
    #: every non-municipal organisation the record names, once, for the record's graph
    organisations_prepared: list[NamedKey]
    _id: tuple[int, int]             #: (document position, record index), set by the pipeline


class _PreparedPage(TypedDict):
    """What every prepared page record has besides its extracted fields."""

    language_iri: str | None
    first_line: int | None
    last_line: int | None
    document_key: str
    build_key: str
    document_iri: str                #: the source text's URI
    _id: tuple[int, int]


class PreparedDerivation(Derivation):
    derivation_iri: str              #: {resource}#derivation-{document}-{first line}


class PersonKeys(TypedDict):
    person_key: str
    organisation_key: str | None


class PreparedPage(PageRecord, _PreparedPage):
    genre_class: str | None          #: schema:WebPage, schema:BlogPosting, schema:Article
    publisher_key: str | None
    authors_prepared: list[PersonKeys]
    tags_prepared: list[str]
    urls_normalised: list[str]
    subject_iris: list[str]


class PreparedInitiative(InitiativeRecord, _PreparedPage):
    derivations: list[PreparedDerivation]
    kind_iri: str
    is_project: bool                 #: its class is kd:Project
    labels_prepared: list[TextInLanguage]    #: one per language
    titles_prepared: list[TextInLanguage]
    alt_labels_prepared: list[TextInLanguage]
    descriptions_prepared: list[TextInLanguage]
    lead_key: str | None
    partner_keys: list[str]
    funder_key: str | None
    urls_normalised: list[str]
    programme_iri: str | None
    status: Literal["ongoing"]


class IriRef(TypedDict):
    iri: str


class PreparedPerson(PersonRecord, _PreparedPage):
    organisation_key: str | None
    person_key: str
    spans: list[list[int]]
    derivations: list[PreparedDerivation]
    roles: list[str]
    telephone: str | None            #: a tel: IRI
    homepage: str | None
    contact_of: list[IriRef]         #: the initiatives the person is a contact for
    authored_documents: list[str]    #: the document IRI, for an author


class PreparedFigure(FigureRecord, _PreparedPage):
    iri: str                         #: {document}#figure-{key}
    subject_iri: str | None
    labels_prepared: list[TextInLanguage]   #: "label: value"
    units_prepared: list[TextInLanguage]
    derivations: list[PreparedDerivation]


class PreparedConcept(ConceptRecord, _PreparedPage):
    iri: str | None                  #: an EIF layer's URI
    derivations: list[PreparedDerivation]


# =========================================================================== reference
# publisher/build/reference.py: what the build describes besides the records of the texts.

class SourceTextRecord(TypedDict):
    """A source text as a resource (written into its own graph)."""

    type: Literal["source_text"]
    document_key: str
    file_name: str
    title: str                       #: the registry's, else the page's, else its first line
    language: str
    language_iri: str
    line_count: int
    publisher: str | None            #: as the registry writes it
    publisher_key: str | None        #: the organisation it names, if found


class RegionRecord(TypedDict):
    type: Literal["region"]
    code: str
    scheme_iri: str                  #: the region code list (settings.region_codelist)
    names: list[TextInLanguage]
    wkt: str | None                  #: its border, GeoSPARQL WKT in CRS84 (build/geometry.py)


class MunicipalityRecord(TypedDict):
    type: Literal["municipality"]
    code: str                        #: three digits
    scheme_iri: str                  #: the municipality code list (settings)
    names: list[TextInLanguage]      #: fi, sv and en (en: the Finnish name)
    region_scheme_iri: str
    region_code: str | None
    wkt: str | None                  #: its border, GeoSPARQL WKT in CRS84 (build/geometry.py)


class PlaceDerivation(Derivation):
    document_key: str


class OrganisationRecord(TypedDict):
    """An organisation of mappings/organisations.toml."""

    type: Literal["organisation"]
    key: str
    names: list[TextInLanguage]
    derivations: list[PlaceDerivation]   #: the places the texts of the build name it


class CallRecord(TypedDict):
    call_key: str
    year: str
    names: list[TextInLanguage]
    document_key: str | None         #: the text the call is stated in, if built
    first_line: int | None
    last_line: int | None
    source_text: str | None


class ProgrammeRecord(TypedDict):
    """The funding programme of mappings/programme.toml."""

    type: Literal["programme"]
    key: str
    names: list[TextInLanguage]
    definitions: list[TextInLanguage]
    funder_key: str | None
    kind_key: str                    #: "funding"
    build_key: str
    calls: list[CallRecord]


# =========================================================================== themes
# publisher/build/theming.py

class ThemeAssignmentRecord(TypedDict):
    type: Literal["assignment"]
    resource: str                    #: the initiative's URI
    theme: str                       #: the theme's key
    rule: str                        #: the rule's id
    words: list[str]                 #: what matched, "file:line: words"
    build_key: str


class ThemeRuleRecord(TypedDict):
    type: Literal["rule"]
    id: str
    theme: str
    patterns: list[str]
    min_matches: int


# =========================================================================== mapping files

class MappingSettings(TypedDict):
    """The settings a mapping file may read as `settings.NAME`."""

    publish_person_names: bool


#: The records each mapping file reads, by kind (its `type_field`; None: every record).
MAPPING_RECORDS: dict[str, dict[str | None, type]] = {
    "catalogue.mapping.toml": {None: PreparedProject},
    "page.mapping.toml": {"document": PreparedPage, "initiative": PreparedInitiative,
                          "person": PreparedPerson, "figure": PreparedFigure,
                          "concept": PreparedConcept},
    "reference.mapping.toml": {"source_text": SourceTextRecord, "region": RegionRecord,
                               "municipality": MunicipalityRecord,
                               "organisation": OrganisationRecord,
                               "programme": ProgrammeRecord},
    "themes.mapping.toml": {"assignment": ThemeAssignmentRecord, "rule": ThemeRuleRecord},
}
