"""What a build read and when: its key, a digest of every input, and the build as a PROV
activity in the build graph (which software, which mapping and rule files in which version,
which texts), so a triple can be traced to what made it."""
from __future__ import annotations

import hashlib
import tomllib
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from pathlib import Path

from pyoxigraph import Literal, NamedNode, Quad

from publisher import __version__
from publisher.config import Settings
from publisher.i18n import LANGUAGES, N_, texts
from publisher.vocab import ONTOLOGY_FILES, OWL, PROV, RDF_TYPE, RDFS, XSD, graph, thing

#: Rules and reference data of the stages (all in mappings/); their versions go into the build.
RULE_FILES = ("catalogue-rules.toml", "page-rules.toml", "merge-rules.toml", "themes.toml",
              "organisations.toml", "programme.toml")
#: The build's name, in each language the site speaks (pages name the build that made a
#: description).
BUILD_LABEL = N_("Kuntadigi release build %(key)s")


def build_key(settings: Settings, mapping_files: Sequence[str]) -> str:
    """A digest of everything the data depends on: texts, mappings, rules, vocabulary, version."""
    digest = hashlib.sha256(__version__.encode())
    inputs = [s.path for s in settings.sources]
    inputs += [settings.mappings_dir / name for name in [*mapping_files, *RULE_FILES]]
    inputs += [settings.ontology_dir / name for name in ONTOLOGY_FILES]
    for path in inputs:
        if not path.exists():
            continue
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    digest.update(settings.base_uri.encode())
    digest.update(str(settings.publish_person_names).encode())
    return digest.hexdigest()[:16]


def build_activity_quads(key: str, started: datetime, settings: Settings,
                         mapping_versions: Mapping[str, str],
                         document_keys: Sequence[str]) -> Iterator[Quad]:
    """The release build as a PROV activity: when, which software, which mappings and rules,
    which texts."""
    base = settings.base_uri
    where = NamedNode(graph(base, "build"))
    iri = NamedNode(thing(base, "build", key))
    software = NamedNode(f"{iri.value}#software")
    time = Literal(started.isoformat().replace("+00:00", "Z"),
                   datatype=NamedNode(XSD + "dateTime"))
    a, label = NamedNode(RDF_TYPE), NamedNode(RDFS + "label")
    version = NamedNode(OWL + "versionInfo")
    yield Quad(iri, a, NamedNode(PROV + "Activity"), where)
    for lang in LANGUAGES:
        yield Quad(iri, label, Literal(texts(lang).gettext(BUILD_LABEL, key=key), language=lang),
                   where)
    yield Quad(iri, NamedNode(PROV + "startedAtTime"), time, where)
    yield Quad(iri, NamedNode(PROV + "wasAssociatedWith"), software, where)
    yield Quad(software, a, NamedNode(PROV + "SoftwareAgent"), where)
    yield Quad(software, label, Literal(f"kuntadigi-publisher {__version__}"), where)
    yield Quad(software, version, Literal(__version__), where)
    used = list(mapping_versions.items())
    used += [(name, _file_version(settings.mappings_dir / name)) for name in RULE_FILES
             if (settings.mappings_dir / name).exists()]
    for name, file_version in used:
        entity = NamedNode(f"{iri.value}#{name.removesuffix('.toml').replace('.', '-')}")
        yield Quad(iri, NamedNode(PROV + "used"), entity, where)
        yield Quad(entity, a, NamedNode(PROV + "Entity"), where)
        yield Quad(entity, label, Literal(f"mappings/{name}"), where)
        yield Quad(entity, version, Literal(file_version), where)
    for document in document_keys:
        yield Quad(iri, NamedNode(PROV + "used"), NamedNode(thing(base, "document", document)),
                   where)


def _file_version(path: Path) -> str:
    with path.open("rb") as handle:
        return str(tomllib.load(handle).get("version", "0"))
