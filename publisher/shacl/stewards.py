"""Validation for data stewards (`publisher validate FILE…`, `POST /validate`): parsed inputs
against the profiles asked and a steward's own shapes, located in our source texts."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from rdflib import Namespace

from publisher import vocab
from publisher.config import Settings
from publisher.shacl.errors import UnreadableInput
from publisher.shacl.inputs import ParsedInput, ReadLimits, data_graph, read_path
from publisher.shacl.outcome import Outcome
from publisher.shacl.own_shapes import read_shapes
from publisher.shacl.profiles import (check_profiles, default_profile, load_profiles,
                                      ontology_graph, shapes_graph)
from publisher.shacl.validator import validate

SH = Namespace(vocab.SH)


@dataclass(frozen=True)
class ValidationRequest:
    """One validation: which data, against which shapes, in which language."""

    inputs: tuple[ParsedInput, ...]
    profiles: tuple[str, ...] = ()
    shapes: tuple[ParsedInput, ...] = ()
    lang: str = "en"
    focus_nodes: tuple[str, ...] = ()


def chosen_profiles(settings: Settings, profiles: Iterable[str] | None,
                    own_shapes: bool) -> list[str]:
    """The profiles asked for; none asked means our data profile, unless the steward brought
    shapes of their own (then only those)."""
    names = list(profiles or [])
    if not names and not own_shapes:
        names = [default_profile(settings)]
    return check_profiles(settings, names)


def validate_request(request: ValidationRequest, settings: Settings,
                     workers: int | None = None) -> Outcome:
    """Validate parsed inputs against profiles and a steward's own shapes (`workers`: the
    engine's threads)."""
    profiles = chosen_profiles(settings, request.profiles, bool(request.shapes))
    own = [read_shapes(parsed) for parsed in request.shapes]
    shapes = shapes_graph(settings, profiles, own)
    wants_ontology = any(load_profiles(settings)[name].ontology for name in profiles)
    data = data_graph(list(request.inputs), ontology_graph(settings) if wants_ontology else None)
    own_sparql = {node for graph in own for node in graph.objects(None, SH.sparql)}
    outcome = validate(data, shapes, lang=request.lang, focus_nodes=request.focus_nodes,
                       base_uri=settings.base_uri, unchecked_sparql=own_sparql, workers=workers)
    outcome.profiles = tuple(profiles) + tuple(f"{p.name}" for p in request.shapes)
    outcome.inputs = tuple((p.name, len(p.triples)) for p in request.inputs)
    return outcome


def validate_files(files: list[Path], settings: Settings, profiles: list[str] | None = None,
                   input_format: str | None = None, lang: str = "en",
                   shapes_files: Iterable[Path] = (), shapes_format: str | None = None,
                   limits: ReadLimits = ReadLimits()) -> Outcome:
    """`publisher validate`: the union of the files against the chosen profiles and shapes."""
    if not files:
        raise UnreadableInput("no file to validate")
    inputs = tuple(read_path(Path(p), input_format, limits) for p in files)
    shapes = tuple(read_path(Path(p), shapes_format, limits, where="shapes")
                   for p in shapes_files)
    return validate_request(ValidationRequest(inputs, tuple(profiles or ()), shapes, lang), settings)
