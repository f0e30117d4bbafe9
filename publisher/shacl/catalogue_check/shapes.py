"""The catalogue against each DCAT-AP profile of the check, one validation per profile through
the one entry point (`publisher.shacl.validate`) with the profile's shapes as
`publisher validate` loads them: the versions' shapes are never merged (both name their shapes
alike), so a catalogue can be seen to pass one and fail the other."""
from __future__ import annotations

from publisher.config import Settings
from publisher.shacl.errors import UnreadableInput
from publisher.shacl.inputs import ParsedInput, data_graph
from publisher.shacl.outcome import Outcome
from publisher.shacl.profiles import check_profiles, load_profiles, profile_shapes
from publisher.shacl.validator import validate

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
