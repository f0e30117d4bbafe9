"""The documentation's templates (`templates/` beside this module, named `docs/…` in every
Jinja environment that loads them) and the vocabulary as a self-contained page."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Iterable

import pyoxigraph as ox
from jinja2 import Environment, FileSystemLoader, PrefixLoader, select_autoescape

from publisher.docs.labels import Index, Labeller
from publisher.docs.vocabulary import examples, term_labels, vocabulary_view
from publisher.i18n import LANGUAGE_NAMES, install
from publisher.vocab import OWL, RDF_TYPE, VANN

DOCS_TEMPLATES = Path(__file__).resolve().parent / "templates"


def docs_loader() -> PrefixLoader:
    """The templates as `docs/…`, the names they include each other by."""
    return PrefixLoader({"docs": FileSystemLoader(str(DOCS_TEMPLATES))})


@lru_cache(maxsize=1)
def environment() -> Environment:
    return install(Environment(loader=docs_loader(), autoescape=select_autoescape(["html"])))


def vocabulary_base(index: Index) -> str:
    """The base URI the vocabulary was published under: its namespace is `{base}def/`."""
    for ontology in index.subjects(RDF_TYPE, ox.NamedNode(OWL + "Ontology")):
        namespace = index.first(ontology, VANN + "preferredNamespaceUri")
        iri = namespace.value if namespace is not None else ontology.value
        return iri.removesuffix("def/") if iri.endswith("def/") else iri
    return ""


def vocabulary_html(triples: Iterable[ox.Triple], uses: Iterable[ox.Triple] = (),
                    lang: str = "en") -> str:
    """The vocabulary (with its concept schemes) as one page in `lang`, every label and
    definition in each of its languages, with an example from `uses` (triples of the data)
    for each term."""
    index = Index(triples)
    base = vocabulary_base(index)
    names = Labeller(index, lang, base, term_labels(index.triples))
    view = vocabulary_view(index, names, base + "def/", used=examples(uses), full=True)
    return environment().get_template("docs/ontology.html").render(
        **view, full=True, lang=lang, language_names=LANGUAGE_NAMES) + "\n"
