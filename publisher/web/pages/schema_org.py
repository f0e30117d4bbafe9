"""schema.org descriptions for search engines, built from the data the pages show: the home
page's ``Dataset`` (what Google Dataset Search reads in a landing page), a project page's
``Project``, and for ``/doc`` in the schema.org profile a description of any resource.

Why ``Project`` for a project: schema.org defines it as "an enterprise … planned to achieve a
particular aim", and our vocabulary already declares ``kd:Project`` its subclass;
``CreativeWork`` would describe a work (a text, a dataset), not the undertaking, and ``Event``
a happening at a time and place. A ``Project`` is an ``Organization``, so its municipalities
are its members, each in an ``OrganizationRole`` (schema.org's way of qualifying a link)
whose ``roleName`` is our property, lead or partner; a municipality is a
``GovernmentOrganization`` (it is the municipality as a body that takes part; our data makes
it an ``org:Organization``) with ``sameAs`` our IRI. A project's dates are its
``foundingDate`` and ``dissolutionDate``, its funders its own or its programme's. Texts are
plain strings, in the page's language where the data has it: what search engines read best.
"""
from __future__ import annotations

import re
from typing import Any

import pyoxigraph as ox

from publisher.docs.labels import Index, pick_literal
from publisher.i18n import LANGUAGES, texts
from publisher.store import LABEL_PREDICATES
from publisher.vocab import (DCAT, DCTERMS, EU_COUNTRY, EU_LANGUAGE, FOAF, IANA_MEDIA_TYPES,
                             RDF_TYPE, SCHEMA, catalog)
from publisher.web.context import here, publisher, settings, store
from publisher.web.pages.project_index import project_index
from publisher.web.pages.release_data import once_per_release
from publisher.web.pages.terms import kd, schema

#: The ``@context`` of every description: schema.org's, as search engines expect it.
CONTEXT = SCHEMA
#: The codes of the EU authority table's languages our texts are in.
LANGUAGE_CODES = {EU_LANGUAGE + "FIN": "fi", EU_LANGUAGE + "SWE": "sv", EU_LANGUAGE + "ENG": "en"}
FINLAND = EU_COUNTRY + "FIN"
#: The release's file of its DCAT catalogue.
CATALOGUE_FILE = "catalog.ttl"
#: A date schema.org reads (``Date``, or a year): the data's dates are written so.
_DATE = re.compile(r"\d{4}(-\d{2}-\d{2})?")
#: The years of projects: their own dates, and the calls of the programmes funding them.
_YEARS = """
SELECT DISTINCT ?date WHERE {{
  ?p a <{project}> .
  {{ ?p ?dated ?date VALUES ?dated {{ {dates} }} }}
  UNION {{ ?p ?funding ?programme VALUES ?funding {{ {funding} }}
          ?programme <{call}> ?c . ?c <{date}> ?date }}
}}"""
_FUNDERS = """
SELECT DISTINCT ?programme ?funder ?label WHERE {{
  ?p a <{project}> ; ?funding ?programme VALUES ?funding {{ {funding} }}
  ?programme ?funds ?funder VALUES ?funds {{ {funder} }} FILTER(isIRI(?funder))
  OPTIONAL {{ ?funder ?named ?label VALUES ?named {{ {labels} }} }}
}}"""


def _values(*iris: str) -> str:
    return " ".join(f"<{iri}>" for iri in iris)


# --------------------------------------------------------------------------- what the release says


def project_years() -> list[int]:
    """Every year a project is dated or funded in (the calls of its programme), once per
    release."""
    def compute() -> list[int]:
        rows = store().select(_YEARS.format(
            project=kd("Project"), dates=_values(*schema("startDate"), *schema("endDate")),
            funding=_values(*schema("funding")), call=kd("call"), date=DCTERMS + "date"))
        return sorted({int(row["date"].value[:4]) for row in rows
                       if _DATE.match(row["date"].value)})

    return once_per_release("schema.org years", compute)


def programme_funders() -> dict[str, dict[str, list[Any]]]:
    """programme → funder → the funder's labels, for the programmes funding projects."""
    def compute() -> dict[str, dict[str, list[Any]]]:
        found: dict[str, dict[str, list[Any]]] = {}
        for row in store().select(_FUNDERS.format(
                project=kd("Project"), funding=_values(*schema("funding")),
                funder=_values(*schema("funder")), labels=_values(*LABEL_PREDICATES))):
            labels = found.setdefault(row["programme"].value, {}).setdefault(
                row["funder"].value, [])
            if "label" in row:
                labels.append(row["label"])
        return found

    return once_per_release("schema.org funders", compute)


def temporal_coverage(years: list[int]) -> str | None:
    """An ISO 8601 interval of years (``2019/2020``), None without years."""
    return f"{min(years)}/{max(years)}" if years else None


# --------------------------------------------------------------------------- the home page


def catalogue_triples() -> list[ox.Triple]:
    """The release's DCAT catalogue (catalog.ttl) alone: the dataset's description for
    portals, whose titles and texts VoID's may differ from."""
    folder = publisher().release_dir()
    path = folder / CATALOGUE_FILE if folder is not None else None
    if path is None or not path.is_file():
        return []

    def compute() -> list[ox.Triple]:
        try:
            return [q.triple for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)]
        except (SyntaxError, OSError):
            return []

    return publisher().cached("schema.org catalogue", f"{path}:{path.stat().st_mtime_ns}",
                              compute)


class _Metadata:
    """The release's catalogue: the dataset's own description, where it has one."""

    def __init__(self) -> None:
        self.index = Index(catalogue_triples())
        catalogs = self._typed(DCAT + "Catalog")
        self.catalog = next(iter(catalogs), None)
        listed = [d for c in catalogs for d in self.index.objects(c, DCAT + "dataset")
                  if isinstance(d, ox.NamedNode)]
        self.dataset = next(iter(listed or self._typed(DCAT + "Dataset")), None)

    def _typed(self, cls: str) -> list[ox.NamedNode]:
        return sorted((s for s in self.index.subjects(RDF_TYPE, ox.NamedNode(cls))
                       if isinstance(s, ox.NamedNode)), key=lambda node: node.value)

    def values(self, predicate: str, *, of_catalog: bool = True) -> list[Any]:
        """The dataset's values of ``predicate``, else the catalogue's."""
        found = self.index.objects(self.dataset, predicate) if self.dataset else []
        if not found and of_catalog and self.catalog is not None:
            found = self.index.objects(self.catalog, predicate)
        return found

    def text(self, subject: Any, predicate: str, lang: str) -> str | None:
        """The literal in ``lang`` itself: no other language stands in for the page's."""
        shown = pick_literal(self.index.objects(subject, predicate), lang) if subject else None
        return shown["value"] if shown and not shown["fallback"] else None

    def name(self, subject: Any, lang: str) -> str | None:
        shown = [pick_literal(self.index.objects(subject, p), lang)
                 for p in (FOAF + "name", *LABEL_PREDICATES)]
        return next((s["value"] for s in shown if s and not s["fallback"]),
                    next((s["value"] for s in shown if s), None))


def _iri(value: Any) -> str | None:
    return value.value if isinstance(value, ox.NamedNode) else None


def _first(values: list[Any]) -> Any:
    return values[0] if values else None


def dataset(page: dict[str, Any]) -> dict[str, Any]:
    """The home page's ``Dataset``: the release's catalogue where it says something, else
    what the page shows; texts in the page's language."""
    current, base = here(), settings().base_uri
    lang = current.lang
    words = texts(lang)
    meta = _Metadata()
    info = publisher().release_info()
    node = meta.dataset
    description: dict[str, Any] = {
        "@context": CONTEXT, "@type": "Dataset",
        "@id": current.local(node.value) if node else None,
        "name": meta.text(node, DCTERMS + "title", lang)
        or words.gettext("Kuntadigi – municipal digitalisation projects as linked data"),
        "description": meta.text(node, DCTERMS + "description", lang) or words.gettext(
            "This service publishes the municipal digitalisation projects of the Ministry of "
            "Finance incentive scheme as linked open data, linked to the code lists of the "
            "national interoperability platform."),
        "url": current.url(_iri(_first(meta.values(DCAT + "landingPage", of_catalog=False)))
                           or base),
        "identifier": _text_value(_first(meta.values(DCTERMS + "identifier", of_catalog=False)))
        or (node.value if node else base),
        "license": _iri(_first(meta.values(DCTERMS + "license"))) or settings().licence,
        "isAccessibleForFree": True,
        "inLanguage": _languages(meta),
        "keywords": _keywords(meta, page, lang),
        "temporalCoverage": temporal_coverage(project_years()),
        "spatialCoverage": {"@type": "Country", "name": words.gettext("Finland"),
                            "sameAs": FINLAND},
        "version": _text_value(_first(meta.values(DCAT + "version", of_catalog=False)))
        or info.get("version"),
        "datePublished": _text_value(_first(meta.values(DCTERMS + "issued")))
        or info.get("issued") or info.get("built"),
        "dateModified": _text_value(_first(meta.values(DCTERMS + "modified")))
        or info.get("built"),
        "distribution": _downloads(meta, lang),
        "includedInDataCatalog": _catalog(meta, lang),
    }
    publisher_node = _first([p for p in meta.values(DCTERMS + "publisher")
                             if isinstance(p, ox.NamedNode)])
    if publisher_node is not None:
        organisation = {"@type": "Organization", "name": meta.name(publisher_node, lang),
                        "sameAs": current.local(publisher_node.value),
                        "url": current.url(publisher_node.value)}
        description["creator"] = description["publisher"] = _pruned(organisation)
    return _pruned(description)


def _text_value(value: Any) -> str | None:
    return value.value if isinstance(value, ox.Literal) else None


def _languages(meta: _Metadata) -> list[str]:
    """The catalogue's languages of the dataset, else those of the projects' titles."""
    codes = {LANGUAGE_CODES[v.value] for v in meta.values(DCTERMS + "language", of_catalog=False)
             if isinstance(v, ox.NamedNode) and v.value in LANGUAGE_CODES}
    if not codes:
        codes = {title.language.split("-")[0].lower()
                 for entry in project_index().projects.values() for title in entry["titles"]
                 if isinstance(title, ox.Literal) and title.language}
    return sorted(codes, key=lambda code: (LANGUAGES + (code,)).index(code))


def _keywords(meta: _Metadata, page: dict[str, Any], lang: str) -> list[str]:
    """The catalogue's keywords in the page's language, then the themes the page lists."""
    words = [k.value for k in meta.values(DCAT + "keyword", of_catalog=False)
             if isinstance(k, ox.Literal) and (k.language or "").split("-")[0] == lang]
    words.sort(key=str.casefold)
    words += [theme["label"]["value"] for theme in page.get("themes", ())
              if not theme["label"].get("fallback") and not theme["label"].get("iri_only")]
    unique: dict[str, str] = {}
    for word in words:
        unique.setdefault(word.casefold(), word)
    return list(unique.values())


def _downloads(meta: _Metadata, lang: str) -> list[dict[str, Any]]:
    """A ``DataDownload`` for each distribution that is a file (the SPARQL endpoint's is
    not): its URL on this host, its media type and, for a compressed file, its packaging."""
    downloads = []
    for distribution in meta.values(DCAT + "distribution", of_catalog=False):
        url = _iri(meta.index.first(distribution, DCAT + "downloadURL"))
        if url is None:
            continue
        formats = [m.value[len(IANA_MEDIA_TYPES):] for predicate in ("mediaType", "compressFormat")
                   for m in meta.index.objects(distribution, DCAT + predicate)
                   if isinstance(m, ox.NamedNode) and m.value.startswith(IANA_MEDIA_TYPES)]
        downloads.append(_pruned({
            "@type": "DataDownload", "contentUrl": here().url(url),
            "encodingFormat": formats[0] if len(formats) == 1 else formats or None,
            "name": meta.text(distribution, DCTERMS + "title", lang)}))
    return sorted(downloads, key=lambda download: download["contentUrl"])


def _catalog(meta: _Metadata, lang: str) -> dict[str, Any]:
    iri = meta.catalog.value if meta.catalog is not None else catalog(settings().base_uri)
    return _pruned({"@type": "DataCatalog", "@id": here().local(iri),
                    "name": meta.text(meta.catalog, DCTERMS + "title", lang) or "Kuntadigi",
                    "url": here().url(iri)})


# --------------------------------------------------------------------------- resources


def project(page: dict[str, Any]) -> dict[str, Any]:
    """A project page's ``Project``: name, description, its municipalities and other
    partners by role, dates and funders, from the page's own data."""
    current = here()
    members = [_role(link, kd("leadOrganisation"), page.get("lead_is_municipality", False))
               for link in page.get("lead", ())]
    members += [_role(link, kd("partnerMunicipality"), True) for link in page.get("partners", ())]
    members += [_role(link, kd("partnerOrganisation"), False)
                for link in page.get("partner_organisations", ())]
    funders = {link["iri"]: _organisation(link, False) for link in page.get("funders", ())}
    lang = current.lang
    for programme in page.get("programmes", ()):
        for iri, labels in programme_funders().get(programme["iri"], {}).items():
            shown = pick_literal(labels, lang)
            funders.setdefault(iri, _organisation(
                {"iri": iri, "url": current.url(iri), "label": shown or {"iri_only": True}},
                False))
    dates = page.get("dates") or {}
    return _pruned({
        "@context": CONTEXT, "@type": "Project", "@id": current.local(page["iri"]),
        "name": _label(page.get("label")), "description": (page.get("description") or {}).get(
            "value"),
        "url": page.get("url"), "identifier": current.local(page["iri"]),
        "foundingDate": _date(dates.get("start")), "dissolutionDate": _date(dates.get("end")),
        "member": members, "funder": sorted(funders.values(), key=lambda o: o["sameAs"]),
    })


#: The schema.org type of each page of a resource (``page`` of its data) but a project's.
_TYPES = {"municipality": "GovernmentOrganization", "organisation": "Organization",
          "person": "Person", "concept": "DefinedTerm", "document": "DigitalDocument"}


def resource(page: dict[str, Any]) -> dict[str, Any]:
    """The schema.org description of any resource from its page's data: a project or
    another initiative (a network, a service, a programme: enterprises with an aim too) as
    above, organisations, people, concepts and source texts by their schema.org types,
    anything else a ``Thing``."""
    if page.get("page") in {"project", "initiative"}:
        return project(page)
    current = here()
    kind = _TYPES.get(page.get("page", ""), "Thing")
    shown = {**(page.get("resource") or {}), **page}      # a generic page keeps it apart
    iri = shown.get("iri")
    description = {
        "@context": CONTEXT, "@type": kind, "@id": current.local(iri) if iri else None,
        "name": _label(shown.get("label")),
        "description": (shown.get("description") or shown.get("definition") or {}).get("value"),
        "url": shown.get("url") or (current.url(iri) if iri else None),
        "identifier": page.get("code"),
    }
    if page.get("code_list"):
        description["sameAs"] = page["code_list"]
    if kind == "Person":
        description["memberOf"] = [_organisation(link, False)
                                   for link in page.get("organisations", ())]
    if kind == "DefinedTerm":
        description["inDefinedTermSet"] = [current.local(link["iri"])
                                           for link in page.get("schemes", ())]
    return _pruned(description)


def _label(shown: dict[str, Any] | None) -> str | None:
    """A label's text, unless it is only an IRI written out."""
    return shown["value"] if shown and shown.get("value") and not shown.get("iri_only") else None


def _organisation(link: dict[str, Any], municipality: bool) -> dict[str, Any]:
    return _pruned({"@type": "GovernmentOrganization" if municipality else "Organization",
                    "name": _label(link.get("label")), "sameAs": here().local(link["iri"]),
                    "url": link.get("url") or here().url(link["iri"])})


def _role(link: dict[str, Any], role: str, municipality: bool) -> dict[str, Any]:
    """schema.org's Role pattern: the role between the project and a member, named by the
    property of ours it stands for."""
    return {"@type": "OrganizationRole", "roleName": here().local(role),
            "member": _organisation(link, municipality)}


def _date(value: Any) -> str | None:
    return value if isinstance(value, str) and _DATE.fullmatch(value) else None


def _pruned(description: dict[str, Any]) -> dict[str, Any]:
    """Without the properties the data has no value for."""
    return {key: value for key, value in description.items()
            if value is not None and value != [] and value != ""}

