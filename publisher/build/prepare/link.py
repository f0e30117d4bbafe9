"""Link: give extracted records what the mapping needs — keys of linked resources,
status and language IRIs, rendered description text — and build the reference graph
(municipality code list, regions) the records link to.

Everything decided here is a plain value in the prepared record, so the declarative
mapping file stays free of logic.
"""
from __future__ import annotations

import csv
import re
import tomllib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pyoxigraph import Literal, NamedNode, Quad

from publisher.config import Settings
from publisher.build.keys import slugify
from publisher.build.prepare.municipalities import MunicipalityIndex, default_index

LANGUAGE_IRIS = {
    "fi": "http://publications.europa.eu/resource/authority/language/FIN",
    "sv": "http://publications.europa.eu/resource/authority/language/SWE",
    "en": "http://publications.europa.eu/resource/authority/language/ENG",
}

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"
ORG = "http://www.w3.org/ns/org#"
XSD = "http://www.w3.org/2001/XMLSchema#"


@dataclass(frozen=True)
class DocumentContext:
    """What the link stage knows about the source a record came from.

    `refs` gives the URI of every initiative record of the document by record index (after
    merging: a record merged into another carries the other's URI); `organisations` resolves
    organisation names; `programme_iri` is set for documents whose projects the funding
    programme funds.
    """

    key: str
    lines: Sequence[str]
    build_key: str
    name: str = ""
    refs: Mapping[int, str] = field(default_factory=dict)
    organisations: "OrganisationRegistry | None" = None
    programme_iri: str | None = None
    base: str = "https://data.kuntadigi.example/"


def render_blocks(blocks: Sequence[Any]) -> str:
    """Description blocks as text: paragraphs apart by a blank line, lists as '- ' or 'N. ' lines."""
    parts: list[str] = []
    for block in blocks or []:
        if isinstance(block, str):
            parts.append(block)
        elif block.get("type") == "list":
            ordered = block.get("ordered", False)
            parts.append("\n".join(
                f"{n}. {item}" if ordered else f"- {item}"
                for n, item in enumerate(_list_items(block), start=1)))
        else:
            parts.append(block.get("text", ""))
    return "\n\n".join(p for p in parts if p)


def _list_items(block: dict[str, Any]) -> list[str]:
    return [item if isinstance(item, str) else render_blocks([item])
            for item in block.get("items", [])]


def organisation_key(org: dict[str, Any] | None) -> str | None:
    """A municipality is keyed by its code, any other organisation by its name."""
    if not org:
        return None
    if org.get("code"):
        return str(org["code"])
    name = org.get("name") or ""
    return slugify(name, max_length=80) or None


def _normalise_url(url: str) -> str:
    url = url.strip().rstrip(".,;)")
    return url if url.startswith(("http://", "https://")) else f"https://{url}"


def record_label(record: dict[str, Any]) -> str:
    """The title, or for an untitled record the lead organisation and the first words."""
    if record.get("title"):
        return record["title"]
    text = render_blocks(record.get("description") or []).replace("\n", " ")
    words = " ".join(text.split()[:8])
    lead = (record.get("lead_organisation") or {}).get("name") or ""
    label = f"{lead}: {words}…" if lead and words else (words or lead or "(nimetön hanke)")
    return label


def prepare_record(record: dict[str, Any], document: DocumentContext) -> dict[str, Any]:
    """Add the linked keys and rendered texts the mapping file refers to."""
    language = record.get("language") or "fi"
    source = record.get("source") or {}
    first, last = source.get("first_line"), source.get("last_line")
    prepared = dict(record)
    prepared.update(
        language=language,
        language_iri=LANGUAGE_IRIS.get(language),
        label=record_label(record),
        status="ended" if record.get("ended") else "ongoing",
        description_text=render_blocks(record.get("description") or []),
        sections_prepared=[
            {"order": n, "heading": s.get("heading"), "text": render_blocks(s.get("items") or [])}
            for n, s in enumerate(record.get("sections") or [], start=1)],
        document_key=document.key,
        build_key=document.build_key,
        first_line=first,
        last_line=last,
        source_text="\n".join(document.lines[first - 1:last]) if first and last else None,
        urls_normalised=_unique(_normalise_url(u) for u in record.get("urls") or []),
        emails_prepared=[{"address": e, "index": n}
                         for n, e in enumerate(_unique(record.get("emails") or []), start=1)],
        link_texts=record.get("link_texts") or [],
        programme_iri=document.programme_iri,
    )
    lead = record.get("lead_organisation")
    prepared["lead"] = {"key": organisation_key(lead)} if lead else None
    prepared["partner_municipalities_prepared"] = [
        {"key": organisation_key(m)} for m in record.get("partner_municipalities") or []
        if m.get("code")]
    partners = [{"name": name, "key": organisation_key({"name": name})}
                for name in _partner_names(record)]
    prepared["partner_organisations_prepared"] = partners
    people = [c for c in record.get("contact_points") or [] if c.get("kind") == "person"]
    prepared["contacts_prepared"] = [_prepare_contact(c) for c in people or record.get("contacts") or []
                                     if c.get("name")]
    prepared["organisations_prepared"] = _local_organisations(prepared, lead, partners)
    return prepared


def _partner_names(record: dict[str, Any]) -> list[str]:
    """Non-municipal partners, plus municipality mentions that did not resolve to a code."""
    names = list(record.get("partner_organisations") or [])
    names += [m["name"] for m in record.get("partner_municipalities") or []
              if not m.get("code") and m.get("name")]
    return _unique(names)


def _prepare_contact(contact: dict[str, Any]) -> dict[str, Any]:
    """A person contact point: `organisation` is the official name of a municipality (or
    the organisation as written), `organisation_code` its code."""
    org_name = contact.get("organisation")
    org = {"name": org_name, "code": contact.get("code") or contact.get("organisation_code")}
    return {
        "name": contact["name"],
        "person_key": slugify(contact["name"], max_length=80),
        "organisation_name": contact.get("organisation_as_written") or org_name,
        "organisation_key": organisation_key(org) if org_name else None,
        "organisation_is_municipality": bool(org["code"]),
    }


def _local_organisations(prepared: dict[str, Any], lead: dict[str, Any] | None,
                         partners: list[dict[str, str]]) -> list[dict[str, str]]:
    """Every non-municipal organisation the record names, once, for the record's graph."""
    found: dict[str, dict[str, str]] = {}
    if lead and not lead.get("code") and lead.get("name"):
        found[organisation_key(lead) or ""] = {"name": lead["name"], "key": organisation_key(lead) or ""}
    for partner in partners:
        found.setdefault(partner["key"], partner)
    for contact in prepared["contacts_prepared"]:
        if contact["organisation_key"] and not contact["organisation_is_municipality"]:
            found.setdefault(contact["organisation_key"],
                             {"name": contact["organisation_name"],
                              "key": contact["organisation_key"]})
    return [org for key, org in found.items() if key]


def _unique(values: Any) -> list[Any]:
    seen: list[Any] = []
    for value in values:
        if value and value not in seen:
            seen.append(value)
    return seen


# ---------------------------------------------------------------- reference graph

def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def reference_quads(settings: Settings, graph: NamedNode) -> Iterator[Quad]:
    """Municipalities (all 309 of the code list) and regions, with fi/sv (en) labels."""
    base = settings.base_uri
    reference = settings.mappings_dir / "reference"
    regions = read_csv(reference / "regions.csv")
    region_by_name = {r["name_fi"]: r["code"] for r in regions}
    region_list = settings.region_codelist.rstrip("/")
    municipality_list = settings.municipality_codelist.rstrip("/")
    for region in regions:
        iri = NamedNode(f"{region_list}/code/{region['code']}")
        yield Quad(iri, NamedNode(RDF + "type"), NamedNode(SKOS + "Concept"), graph)
        yield Quad(iri, NamedNode(SKOS + "inScheme"), NamedNode(region_list), graph)
        yield Quad(iri, NamedNode(SKOS + "notation"), Literal(region["code"]), graph)
        for lang in ("fi", "sv", "en"):
            name = region.get(f"name_{lang}")
            if name:
                yield Quad(iri, NamedNode(SKOS + "prefLabel"), Literal(name, language=lang), graph)
                yield Quad(iri, NamedNode(RDFS + "label"), Literal(name, language=lang), graph)
    kd = base + "def/"
    for row in read_csv(reference / "municipalities.csv"):
        iri = NamedNode(f"{base}id/organisation/{row['code']}")
        code_iri = NamedNode(f"{municipality_list}/code/{row['code']}")
        yield Quad(iri, NamedNode(RDF + "type"), NamedNode(ORG + "Organization"), graph)
        yield Quad(iri, NamedNode(RDF + "type"), NamedNode(kd + "Municipality"), graph)
        yield Quad(iri, NamedNode(DCTERMS + "identifier"), Literal(row["code"]), graph)
        yield Quad(iri, NamedNode(kd + "municipalityCode"), code_iri, graph)
        names = {"fi": row["name_fi"], "sv": row["name_sv"]}
        for lang, name in names.items():
            yield Quad(iri, NamedNode(SKOS + "prefLabel"), Literal(name, language=lang), graph)
            yield Quad(iri, NamedNode(RDFS + "label"), Literal(name, language=lang), graph)
        region_code = region_by_name.get(row["region_fi"])
        if region_code:
            yield Quad(iri, NamedNode(kd + "region"),
                       NamedNode(f"{region_list}/code/{region_code}"), graph)
        yield Quad(code_iri, NamedNode(RDF + "type"), NamedNode(SKOS + "Concept"), graph)
        yield Quad(code_iri, NamedNode(SKOS + "inScheme"), NamedNode(municipality_list), graph)
        yield Quad(code_iri, NamedNode(SKOS + "notation"), Literal(row["code"]), graph)
        for lang, name in names.items():
            yield Quad(code_iri, NamedNode(SKOS + "prefLabel"), Literal(name, language=lang), graph)


# ---------------------------------------------------------------- organisations that are not municipalities

@dataclass(frozen=True)
class Organisation:
    key: str
    names: Mapping[str, str]
    aliases: tuple[str, ...]
    #: where the source texts name it: (document file name, first line, last line)
    named_in: tuple[tuple[str, int, int], ...] = ()


class OrganisationRegistry:
    """The organisations of `mappings/organisations.toml`, found by any of their names.

    A name matches as a whole word, case-insensitively, also with a genitive -s or -n
    ("Kommunförbundets", "finansministeriets")."""

    def __init__(self, organisations: list[Organisation]) -> None:
        self.organisations = organisations
        self.by_key = {o.key: o for o in organisations}
        forms = sorted(((alias, o.key) for o in organisations
                        for alias in {*o.aliases, *o.names.values()}),
                       key=lambda item: -len(item[0]))
        self._patterns = [(re.compile(rf"(?<![\w-]){re.escape(alias)}(?:s|n|ns|ets)?(?![\w-])",
                                      re.IGNORECASE), key) for alias, key in forms]

    @classmethod
    def load(cls, path: Path) -> "OrganisationRegistry":
        if not Path(path).exists():
            return cls([])
        with Path(path).open("rb") as handle:
            table = tomllib.load(handle)
        return cls([Organisation(e["key"], dict(e.get("names", {})), tuple(e.get("aliases", [])),
                                 _named_in(e, Path(path).name))
                    for e in table.get("organisations", [])])

    def named(self, text: str | None) -> set[str]:
        """The keys of every organisation the text names."""
        return {key for pattern, key in self._patterns if text and pattern.search(text)}

    def find(self, text: str | None) -> str | None:
        """The key of the first (longest) organisation name found in the text."""
        if not text:
            return None
        found = [(m.start(), key) for pattern, key in self._patterns
                 if (m := pattern.search(text))]
        return min(found)[1] if found else None


def _named_in(entry: Mapping[str, Any], file_name: str) -> tuple[tuple[str, int, int], ...]:
    """The `named_in` places of an organisation entry, checked."""
    places = []
    for n, place in enumerate(entry.get("named_in", []), start=1):
        try:
            places.append((str(place["document"]), int(place["first_line"]),
                           int(place.get("last_line", place["first_line"]))))
        except (KeyError, TypeError, ValueError) as error:
            raise ValueError(f"{file_name}: organisation '{entry.get('key')}', named_in entry {n}: "
                             f"needs document and first_line (and may have last_line)") from error
    return tuple(places)


def resolve_organisation(text: str | None, registry: OrganisationRegistry | None,
                         index: MunicipalityIndex | None = None) -> str | None:
    """An organisation key for a name as written: a listed organisation or a municipality
    ("i Hyvinge", "Espoo"); None if neither is found."""
    if not text:
        return None
    key = registry.find(text) if registry else None
    if key:
        return key
    index = index or default_index()
    for candidate in [text] + re.findall(r"\bi ([A-ZÅÄÖ][\w-]+)", text):
        found = index.resolve(candidate.strip())
        if found is not None and not found.is_near_miss:
            return found.code
    return None


def organisation_records(registry: OrganisationRegistry,
                         document_keys: Mapping[str, str] | None = None,
                         lines_of: Mapping[str, Sequence[str]] | None = None) -> list[dict[str, Any]]:
    """Reference records for the listed organisations, with their names in fi, sv and en and,
    for the texts of the build (`document_keys` by file name), a derivation per place a text
    names them."""
    return [{"type": "organisation", "key": o.key,
             "names": [{"text": text, "language": lang} for lang, text in sorted(o.names.items())],
             "derivations": _place_derivations(o.named_in, document_keys or {}, lines_of or {})}
            for o in registry.organisations]


def _place_derivations(places: Sequence[tuple[str, int, int]], document_keys: Mapping[str, str],
                       lines_of: Mapping[str, Sequence[str]]) -> list[dict[str, Any]]:
    out = []
    for document, first, last in places:
        key = document_keys.get(document)
        if key is None:
            continue                  # the text is not part of this build
        lines = lines_of.get(document, [])
        out.append({"document_key": key, "first_line": first, "last_line": last,
                    "source_text": "\n".join(lines[first - 1:last]) or None})
    return out


# ---------------------------------------------------------------- the funding programme

def load_programme(path: Path) -> dict[str, Any] | None:
    if not Path(path).exists():
        return None
    with Path(path).open("rb") as handle:
        table = tomllib.load(handle)
    return table.get("programme")


def programme_record(programme: Mapping[str, Any], document_keys: Mapping[str, str],
                     lines_of: Mapping[str, Sequence[str]], build_key: str) -> dict[str, Any]:
    """The programme as a reference record: names and definitions in fi, sv, en; its calls;
    its funder; and, if the source it cites is built, the derivation of its calls."""
    source = programme.get("source") or {}
    document = source.get("document")
    doc_key = document_keys.get(document) if document else None
    first, last = source.get("first_line"), source.get("last_line")
    lines = lines_of.get(document, []) if document else []
    call_source = ("\n".join(lines[first - 1:last]) if doc_key and first and last else None)
    return {
        "type": "programme", "key": programme["key"],
        "names": [{"text": t, "language": lang} for lang, t in sorted(programme["names"].items())],
        "definitions": [{"text": t, "language": lang}
                        for lang, t in sorted(programme.get("definitions", {}).items())],
        "funder_key": programme.get("funder"),
        "kind_key": "funding",
        "build_key": build_key,
        "calls": [{"call_key": c["key"], "year": str(c["year"]),
                   "names": [{"text": t, "language": lang} for lang, t in sorted(c["names"].items())],
                   "document_key": doc_key, "first_line": first if doc_key else None,
                   "last_line": last if doc_key else None, "source_text": call_source}
                  for c in programme.get("calls", [])],
    }


# ---------------------------------------------------------------- page records

KIND_CLASSES = {"project": "Project", "network": "Network", "service": "Service",
                "event": "Event", "forum": "Forum", "funding": "FundingProgramme"}
GENRE_CLASSES = {"web page": "http://schema.org/WebPage", "blog post": "http://schema.org/BlogPosting",
                 "press release": "http://schema.org/Article"}
COUNTRIES = {"FIN": "http://publications.europa.eu/resource/authority/country/FIN"}


def kind_type(kind: str) -> str:
    """The URI type segment of an initiative of this kind."""
    return {"project": "project", "funding": "programme"}.get(kind, "initiative")


def telephone_iri(number: str | None) -> str | None:
    """A Finnish number as written ("02955 30122") as a tel: IRI (RFC 3966, +358)."""
    digits = re.sub(r"\D", "", number or "")
    if not digits:
        return None
    return f"tel:+358{digits[1:]}" if digits.startswith("0") else f"tel:+{digits}"


def _derivations(record: Mapping[str, Any], document: DocumentContext, iri: str) -> list[dict]:
    out = []
    joiner = "-" if "#" in iri else "#"          # a hash resource's derivation: {iri}-derivation-…
    for first, last in record.get("spans") or []:
        out.append({"derivation_iri": f"{iri}{joiner}derivation-{document.key}-{first}",
                    "first_line": first, "last_line": last,
                    "source_text": "\n".join(document.lines[first - 1:last])})
    return out


def prepare_page_record(record: dict[str, Any], document: DocumentContext,
                        index: MunicipalityIndex | None = None) -> dict[str, Any]:
    """Add what the page mapping refers to: URIs, language IRIs, organisation keys, spans."""
    language = record.get("language") or "sv"
    prepared = dict(record)
    source = record.get("source") or {}
    prepared.update(language=language, language_iri=LANGUAGE_IRIS.get(language),
                    first_line=source.get("first_line"), last_line=source.get("last_line"),
                    document_key=document.key, build_key=document.build_key,
                    document_iri=f"{document.base}id/document/{document.key}")
    kind = record.get("type")
    if kind == "document":
        _prepare_document(prepared, document)
    elif kind == "initiative":
        _prepare_initiative(prepared, document, index)
    elif kind == "person":
        _prepare_person(prepared, document, index)
    elif kind == "figure":
        _prepare_figure(prepared, document)
    elif kind == "concept":
        prepared["iri"] = f"{document.base}id/interoperability-layer/{record['key']}" \
            if record.get("scheme") == "eif" else None
        prepared["derivations"] = _derivations(record, document, prepared["iri"] or "")
    return prepared


def _prepare_document(prepared: dict[str, Any], document: DocumentContext) -> None:
    registry = document.organisations
    prepared["genre_class"] = GENRE_CLASSES.get(prepared.get("genre") or "")
    prepared["publisher_key"] = resolve_organisation(prepared.get("publisher"), registry)
    prepared["authors_prepared"] = [{"person_key": slugify(a["name"], max_length=80),
                                     "organisation_key": None} for a in prepared.get("authors") or []]
    prepared["tags_prepared"] = list(prepared.get("tags") or [])
    prepared["urls_normalised"] = _unique(_normalise_url(u) for u in prepared.get("urls") or [])
    prepared["subject_iris"] = _unique(document.refs.get(i) for i in prepared.get("subject_refs") or [])


def _prepare_initiative(prepared: dict[str, Any], document: DocumentContext,
                        index: MunicipalityIndex | None) -> None:
    iri = prepared.get("iri") or ""
    language = prepared["language"]
    prepared["derivations"] = _derivations(prepared, document, iri)
    prepared["kind_iri"] = f"{document.base}id/initiative-kind/{prepared.get('kind') or 'project'}"
    if not prepared.get("class_iri") and not prepared.get("merged"):
        prepared["class_iri"] = f"{document.base}def/{KIND_CLASSES.get(prepared.get('kind'), 'Project')}"
    prepared["is_project"] = (prepared.get("class_iri") or "").endswith("/def/Project")
    labels = [{"text": prepared["name"], "language": language}]
    labels += [{"text": t, "language": lang} for lang, t in sorted((prepared.get("labels") or {}).items())
               if lang != language]
    prepared["labels_prepared"] = labels
    prepared["titles_prepared"] = [{"text": prepared.get("title") or prepared["name"], "language": language}]
    alt = [n for n in [prepared.get("title")] + list(prepared.get("alt_names") or [])
           if n and n != prepared["name"]]
    prepared["alt_labels_prepared"] = [{"text": n, "language": language} for n in _unique(alt)]
    description = " ".join(prepared.get("description") or [])
    prepared["descriptions_prepared"] = ([{"text": description, "language": language}]
                                         if description else [])
    lead = prepared.get("lead_organisation") or {}
    prepared["lead_key"] = lead.get("key") or lead.get("code") or \
        resolve_organisation(lead.get("name"), document.organisations, index)
    prepared["partner_keys"] = [p["key"] for p in prepared.get("partners") or [] if p.get("key")]
    funder = prepared.get("funder") or {}
    prepared["funder_key"] = resolve_organisation(funder.get("name"), document.organisations, index)
    prepared["urls_normalised"] = _unique(_normalise_url(u) for u in prepared.get("urls") or [])
    prepared["programme_iri"] = document.programme_iri if prepared.get("funded_by_programme") else None
    prepared["status"] = "ongoing"


def _prepare_person(prepared: dict[str, Any], document: DocumentContext,
                    index: MunicipalityIndex | None) -> None:
    registry = document.organisations
    key = resolve_organisation(prepared.get("organisation"), registry, index)
    if key is None:
        key = resolve_organisation(prepared.get("organisation_hint"), registry, index)
    if key is None:
        fallback = prepared.get("fallback_municipality") or {}
        key = fallback.get("code")
    prepared["organisation_key"] = key
    prepared["person_key"] = slugify(prepared["name"], max_length=80)
    prepared["spans"] = [[n, n] for n in sorted(set(prepared.get("lines") or []))]
    prepared["derivations"] = _derivations(prepared, document,
                                           f"{document.base}id/person/{prepared['person_key']}")
    prepared["roles"] = [prepared["role"]] if prepared.get("role") else []
    prepared["telephone"] = telephone_iri(prepared.get("phone"))
    prepared["homepage"] = (f"https://twitter.com/{prepared['twitter']}"
                            if prepared.get("twitter") else None)
    prepared["contact_of"] = [{"iri": iri} for iri in
                              _unique(document.refs.get(i) for i in prepared.get("initiative_refs") or [])]
    prepared["authored_documents"] = []
    if prepared.get("relation") == "author":
        prepared["contact_of"] = []
        prepared["authored_documents"] = [prepared["document_iri"]]


def _prepare_figure(prepared: dict[str, Any], document: DocumentContext) -> None:
    iri = f"{document.base}id/document/{document.key}#figure-{prepared['key']}"
    prepared["iri"] = iri
    subject = prepared.get("subject") or {}
    if "initiative_ref" in subject:
        prepared["subject_iri"] = document.refs.get(subject["initiative_ref"])
    else:
        code = (subject.get("iri_code") or "").split(":")[-1]
        prepared["subject_iri"] = COUNTRIES.get(code)
    value = prepared.get("value")
    prepared["labels_prepared"] = [{"text": f"{text}: {value}", "language": lang}
                                   for lang, text in sorted((prepared.get("label") or {}).items())]
    prepared["units_prepared"] = [{"text": text, "language": lang}
                                  for lang, text in sorted((prepared.get("unit") or {}).items())]
    prepared["derivations"] = _derivations(prepared, document, iri)
