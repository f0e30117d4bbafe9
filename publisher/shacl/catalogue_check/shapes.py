"""The catalogue against each DCAT-AP profile of the check, one validation per profile through
the one entry point (`publisher.shacl.validate`) with the profile's shapes as
`publisher validate` loads them: the versions' shapes are never merged (both name their shapes
alike), so a catalogue can be seen to pass one and fail the other."""
from __future__ import annotations

from typing import Iterable

import pyoxigraph as ox

from publisher.config import Settings
from publisher.shacl.errors import UnreadableInput
from publisher.shacl.inputs import ParsedInput, data_graph
from publisher.shacl.outcome import Outcome
from publisher.shacl.profiles import check_profiles, load_profiles, profile_shapes
from publisher.shacl.validator import validate
from publisher.vocab import DCAT, DCAT_AP_2, DCAT_AP_3, DCTERMS, RDF_TYPE

#: the profile of shapes/profiles.toml that is the catalogue check
CHECK_PROFILE = "catalogue-check"


def check_runs(settings: Settings, asked: tuple[str, ...] = ()) -> list[str]:
    """The profiles to validate with: those asked (each a set of shapes), else the check's."""
    profiles = load_profiles(settings)
    names = check_profiles(settings, asked) if asked else list(profiles[CHECK_PROFILE].runs)
    checks = [name for name in names if profiles[name].is_check]
    if checks:
        raise UnreadableInput(f"'{checks[0]}' is a check, not a set of shapes; choose the "
                              f"profiles it runs: {', '.join(profiles[checks[0]].runs)}")
    return names


#: How a catalogue names the DCAT-AP version it follows (`dct:conformsTo` of its catalogue or
#: catalogue record), by the start of the IRI: the specification's pages of each version.
_VERSION_IRIS = {
    "dcat-ap-3": ("https://semiceu.github.io/DCAT-AP/releases/3", DCAT_AP_3),
    "dcat-ap-2.1.1": ("https://semiceu.github.io/DCAT-AP/releases/2.1", DCAT_AP_2,
                      "https://joinup.ec.europa.eu/collection/semic-support-centre/solution/"
                      "dcat-application-profile-data-portals-europe/release/2"),
}


def declared_versions(triples: Iterable[ox.Triple]) -> list[str]:
    """The DCAT-AP profiles a catalogue says it conforms to: a catalogue published in one
    version is judged by that version's shapes (the other's would flag what only a
    conversion changes, e.g. the datatype of dcat:byteSize)."""
    triples = list(triples)
    typed = {t.subject for t in triples if t.predicate.value == RDF_TYPE
             and t.object.value in (f"{DCAT}Catalog", f"{DCAT}CatalogRecord")}
    claimed = [t.object.value for t in triples if t.subject in typed
               and t.predicate.value == f"{DCTERMS}conformsTo"
               and isinstance(t.object, ox.NamedNode)]
    return [name for name, starts in _VERSION_IRIS.items()
            if any(iri.startswith(start) for iri in claimed for start in starts)]


def validate_catalogue(parsed: ParsedInput, settings: Settings, profiles: list[str],
                       lang: str = "en", workers: int | None = None) -> list[Outcome]:
    """One outcome per profile, in the order asked."""
    graph = data_graph([parsed])
    outcomes = []
    for name in profiles:
        outcome = validate(graph, profile_shapes(settings, name), lang=lang, workers=workers)
        outcome.profiles = (name,)
        outcome.inputs = ((parsed.name, len(parsed.triples)),)
        outcomes.append(outcome)
    return outcomes
