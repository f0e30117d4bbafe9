"""Validation profiles: `shapes/profiles.toml` names sets of shapes files with a title and a
description in fi, sv and en; here they are read, and their shapes parsed once (rebased, with
the configured label languages), for the profiles asked and a steward's own shapes."""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from rdflib import Graph, Namespace

from publisher import vocab
from publisher.config import Settings
from publisher.i18n import texts
from publisher.shacl.errors import UnreadableInput
from publisher.shacl.graphs import to_rdflib
from publisher.vocab import ONTOLOGY_FILES, read_bundled_rdf, rebase

SH = Namespace(vocab.SH)
PROFILES_FILE = "profiles.toml"
# Prefixes the reports use, whatever a shapes file calls them (DCAT-AP's shapes say dc: and
# shacl: for what everyone writes dcterms: and sh:).
PREFERRED_PREFIXES = {
    "sh": vocab.SH, "dcterms": vocab.DCTERMS, "dcat": vocab.DCAT, "dcatap": vocab.DCATAP,
    "adms": vocab.ADMS, "eli": vocab.ELI, "spdx": vocab.SPDX, "vcard": vocab.VCARD,
    "locn": vocab.LOCN, "odrl": vocab.ODRL, "foaf": vocab.FOAF, "skos": vocab.SKOS,
}


@dataclass(frozen=True)
class Profile:
    """A named set of shapes files with a title and a description in fi, sv and en."""

    name: str
    files: tuple[str, ...]
    titles: dict[str, str]
    descriptions: dict[str, str]
    ontology: bool = False          # add our vocabulary so sh:class sees rdfs:subClassOf
    default_for: str | None = None  # "data", "vocabulary" or "catalogue"
    runs: tuple[str, ...] = ()      # a check: the profiles it validates with, each on its own

    @property
    def is_check(self) -> bool:
        """A check (the catalogue check) rather than a set of shapes of its own."""
        return bool(self.runs)

    def title(self, lang: str) -> str:
        return self.titles.get(lang) or self.titles.get("en") or self.name

    def description(self, lang: str) -> str:
        return self.descriptions.get(lang) or self.descriptions.get("en") or ""


def load_profiles(settings: Settings) -> dict[str, Profile]:
    """The profiles of `shapes/profiles.toml`, in the file's order."""
    path = settings.shapes_dir / PROFILES_FILE
    return dict(_profiles_from(str(path), path.stat().st_mtime_ns))


@lru_cache(maxsize=8)
def _profiles_from(path: str, _mtime: int) -> tuple[tuple[str, Profile], ...]:
    with open(path, "rb") as handle:
        table = tomllib.load(handle).get("profiles", {})
    return tuple((name, Profile(name=name, files=tuple(entry.get("files", ())),
                                titles=dict(entry.get("title", {})),
                                descriptions=dict(entry.get("description", {})),
                                ontology=bool(entry.get("ontology", False)),
                                default_for=entry.get("default_for"),
                                runs=tuple(entry.get("runs", ()))))
                 for name, entry in table.items())


def default_profile(settings: Settings, kind: str = "data") -> str:
    """The profile used when none is asked for `kind` (data, vocabulary, catalogue)."""
    profiles = load_profiles(settings)
    return next((p.name for p in profiles.values() if p.default_for == kind), next(iter(profiles)))


def check_profiles(settings: Settings, names: Iterable[str]) -> list[str]:
    """The names, each known; an unknown one is refused with the list of choices."""
    profiles = load_profiles(settings)
    chosen = list(dict.fromkeys(names))
    for name in chosen:
        if name not in profiles:
            raise UnreadableInput(f"unknown profile '{name}'; choose from {', '.join(profiles)} "
                                  "(publisher validate --list-profiles describes them)")
    return chosen


def profiles_text(settings: Settings, lang: str = "en") -> str:
    """`publisher validate --list-profiles`: name, title, description and files of each."""
    blocks, files_word = [], texts(lang).gettext("Files")
    profiles = load_profiles(settings)
    for profile in profiles.values():
        names = profile.files or tuple(f for run in profile.runs for f in profiles[run].files)
        files = ", ".join(f"shapes/{name}" for name in names)
        blocks.append(f"{profile.name}\n  {profile.title(lang)}\n  {profile.description(lang)}\n"
                      f"  {files_word}: {files}")
    return "\n\n".join(blocks) + "\n"


def drop_dangling_property_shapes(graph: Graph) -> int:
    """Remove `sh:property` references to shapes defined nowhere; returns how many.

    The official DCAT-AP 3.0.1 `ranges.ttl` names five such IRIs. They constrain nothing,
    but pyshacl rejects the whole shapes graph as ill-formed, so they are left out.
    """
    dangling = [(shape, prop) for shape, prop in graph.subject_objects(SH.property)
                if (prop, None, None) not in graph]
    for shape, prop in dangling:
        graph.remove((shape, SH.property, prop))
    return len(dangling)


def languages_clause(languages: tuple[str, ...]) -> str:
    """`?lang` bound to each language in turn (SHACL-SPARQL forbids VALUES)."""
    return " UNION ".join(f'{{ BIND("{lang}" AS ?lang) }}' for lang in languages)


DEFAULT_LANGUAGES_CLAUSE = languages_clause(("fi", "sv", "en"))


def with_languages(text: str, languages: tuple[str, ...]) -> str:
    """Put the configured required label languages into the vocabulary shapes."""
    return text.replace(DEFAULT_LANGUAGES_CLAUSE, languages_clause(languages))


def _profile_text(path: Path, settings: Settings) -> str:
    return with_languages(rebase(path.read_text(encoding="utf-8"), settings.base_uri),
                          settings.required_languages)


@lru_cache(maxsize=16)
def _profile_graph(files: tuple[str, ...], base_uri: str, languages: tuple[str, ...],
                   shapes_dir: str, _stamp: tuple[int, ...]) -> Graph:
    """One profile's shapes, parsed once per base URI, languages and file versions."""
    settings = Settings(base_uri=base_uri, required_languages=languages)
    graph = Graph()
    for name in files:
        graph.parse(data=_profile_text(Path(shapes_dir) / name, settings), format="turtle")
    drop_dangling_property_shapes(graph)
    for prefix, namespace in PREFERRED_PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    return graph


def profile_shapes(settings: Settings, name: str) -> Graph:
    """The shapes of one profile (shared: copy before changing it)."""
    profile = load_profiles(settings)[check_profiles(settings, [name])[0]]
    stamp = tuple((settings.shapes_dir / f).stat().st_mtime_ns for f in profile.files)
    return _profile_graph(profile.files, settings.base_uri, tuple(settings.required_languages),
                          str(settings.shapes_dir), stamp)


def shapes_graph(settings: Settings, profiles: list[str] | None = None,
                 extra: Iterable[Graph] = ()) -> Graph:
    """A new graph: the shapes of the named profiles (default: our data profile) and of any
    steward's own shapes graphs."""
    graph = Graph()
    names = check_profiles(settings, profiles if profiles is not None else
                           [default_profile(settings)])
    checks = [name for name in names if load_profiles(settings)[name].is_check]
    if checks:
        raise UnreadableInput(f"'{checks[0]}' is a check, not a set of shapes: run "
                              "`publisher check-catalogue URL|FILE`, or choose it alone on "
                              "/validate")
    for part in [profile_shapes(settings, name) for name in names] + list(extra):
        for prefix, namespace in part.namespaces():
            graph.bind(prefix, namespace, override=False)
        for triple in part:
            graph.add(triple)
    return graph


def ontology_graph(settings: Settings) -> Graph:
    """Our vocabulary as an rdflib graph, for rdfs:subClassOf during validation."""

    triples = [t for name in ONTOLOGY_FILES
               for t in read_bundled_rdf(settings.ontology_dir / name, settings.base_uri)]
    return to_rdflib(triples)
