"""What a catalogue declares that a harvester can test: each distribution's access and download
URLs, media types and formats, byte size and checksums, and every licence given. Values are
read as written (a byte size as its lexical form), so the checks can say what was declared."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Iterable

import pyoxigraph as ox

from publisher.shacl.catalogue_check.fetching import ALGORITHMS
from publisher.shacl.catalogue_check.urls import Need
from publisher.vocab import DCAT, DCTERMS, IANA_MEDIA_TYPES, RDF, SPDX

#: IANA's media-type IRIs, as catalogues write them
IANA_PREFIXES = (IANA_MEDIA_TYPES, IANA_MEDIA_TYPES.replace("http://", "https://"))
#: the spdx:algorithm value's last word, as SPDX names it, to the hashlib name
_ALGORITHM_WORDS = {"sha256": "sha256", "sha-256": "sha256", "sha1": "sha1", "sha-1": "sha1",
                    "md5": "md5"}


@dataclass(frozen=True)
class Checksum:
    algorithm: str | None        # a name of fetching.ALGORITHMS, None when not checkable
    algorithm_term: str          # as written
    value: str


@dataclass(frozen=True)
class Distribution:
    node: str                    # its IRI, or _:label
    name: str                    # how the report names it (IRI, else title, else node)
    access_urls: tuple[str, ...]
    download_urls: tuple[str, ...]
    media_types: tuple[str, ...]          # dcat:mediaType as media types
    formats: tuple[str, ...]              # dct:format as written (IRI or text)
    packaging: tuple[str, ...]            # dcat:compressFormat, dcat:packageFormat
    byte_size: str | None
    checksums: tuple[Checksum, ...]


@dataclass(frozen=True)
class Licence:
    subject: str
    value: str
    is_iri: bool


@dataclass(frozen=True)
class Declared:
    catalogues: tuple[str, ...]
    datasets: tuple[str, ...]
    distributions: tuple[Distribution, ...]
    licences: tuple[Licence, ...]

    @property
    def is_dcat(self) -> bool:
        return bool(self.catalogues or self.datasets or self.distributions)

    def needs(self) -> dict[str, Need]:
        """Every access and download URL with what the claims about it ask: a download's
        checksums and byte size."""
        needs: dict[str, Need] = {}
        for d in self.distributions:
            for url in d.access_urls:
                needs[url] = needs.get(url, Need())
            for url in d.download_urls:
                need = Need(frozenset(c.algorithm for c in d.checksums if c.algorithm),
                            d.byte_size is not None)
                needs[url] = needs.get(url, Need()).merged(need)
        return needs


def _term(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> str:
    return term.value if isinstance(term, (ox.NamedNode, ox.Literal)) else f"_:{term.value}"


def media_type_of(value: str) -> str:
    """A media type from an IANA IRI or a text ("text/turtle; charset=utf-8" → text/turtle)."""
    for prefix in IANA_PREFIXES:
        if value.startswith(prefix):
            value = value[len(prefix):]
    return value.split(";", 1)[0].strip().lower()


def algorithm_of(term: str) -> str | None:
    """The hashlib name of an spdx:algorithm value (spdx:checksumAlgorithm_sha256, in the
    http or https namespace, or a text such as "SHA-256"), None for any other."""
    word = term.rsplit("#", 1)[-1].rsplit("/", 1)[-1].lower()
    word = word.removeprefix("checksumalgorithm_")
    name = _ALGORITHM_WORDS.get(word)
    return name if name in ALGORITHMS else None


def declared_in(triples: Iterable[ox.Triple]) -> Declared:
    """What the triples of a catalogue declare."""
    index: dict[str, dict[str, list[ox.NamedNode | ox.BlankNode | ox.Literal]]] = \
        defaultdict(lambda: defaultdict(list))
    for t in triples:
        index[_term(t.subject)][t.predicate.value].append(t.object)

    def values(node: str, predicate: str) -> list[str]:
        return [_term(o) for o in index.get(node, {}).get(predicate, [])]

    def typed(cls: str) -> list[str]:
        return sorted(s for s, props in index.items()
                      if any(_term(o) == cls for o in props.get(RDF + "type", [])))

    nodes = set(typed(DCAT + "Distribution"))
    for s, props in index.items():
        if DCAT + "accessURL" in props or DCAT + "downloadURL" in props:
            nodes.add(s)
        nodes.update(_term(o) for o in props.get(DCAT + "distribution", []))
    distributions = tuple(_distribution(node, values) for node in sorted(nodes))
    licences = tuple(Licence(s, _term(o), isinstance(o, ox.NamedNode))
                     for s, props in sorted(index.items())
                     for o in props.get(DCTERMS + "license", []))
    return Declared(tuple(typed(DCAT + "Catalog")), tuple(typed(DCAT + "Dataset")),
                    distributions, licences)


def _distribution(node: str, values) -> Distribution:
    checksums = []
    for checksum in values(node, SPDX + "checksum"):
        algorithms = values(checksum, SPDX + "algorithm") or [""]
        for value in values(checksum, SPDX + "checksumValue"):
            checksums.append(Checksum(algorithm_of(algorithms[0]), algorithms[0],
                                      value.strip().lower()))
    titles = values(node, DCTERMS + "title")
    name = node if not node.startswith("_:") else (titles[0] if titles else node)
    sizes = values(node, DCAT + "byteSize")
    return Distribution(
        node=node, name=name,
        access_urls=tuple(values(node, DCAT + "accessURL")),
        download_urls=tuple(values(node, DCAT + "downloadURL")),
        media_types=tuple(media_type_of(v) for v in values(node, DCAT + "mediaType")),
        formats=tuple(values(node, DCTERMS + "format")),
        packaging=tuple(media_type_of(v) for p in ("compressFormat", "packageFormat")
                        for v in values(node, DCAT + p)),
        byte_size=sizes[0].strip() if sizes else None,
        checksums=tuple(checksums))
