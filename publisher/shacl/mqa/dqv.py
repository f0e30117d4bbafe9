"""The assessment as W3C Data Quality Vocabulary, and read back.

Per dataset: one `dqv:QualityMeasurement` per indicator (`dqv:computedOn` the dataset, or the
distribution whose points count; `dqv:value` the points as xsd:integer), one per dimension
(`score-<dimension>`) and one for the total (`score`), each linked from the dataset with
`dqv:hasQualityMeasurement`. Each `dqv:Metric` of ours carries its identifier, labels in fi, sv
and en, what decides it, `dqv:inDimension` and its weight as `schema:maxValue` (the most points
a measurement of it can have: DQV has no property for a weight). Dimensions are `dqv:Dimension`s
in one `dqv:Category`, the methodology.
"""
from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Iterable

import pyoxigraph as ox

from publisher.i18n import LANGUAGES, translate
from publisher.shacl.mqa.indicators import (DIMENSION_BY_ID, DIMENSIONS, INDICATOR_BY_ID,
                                            INDICATORS, MAXIMUM, rating)
from publisher.vocab import DCTERMS, DQV, RDF_TYPE, RDFS, SCHEMA, SKOS, XSD

#: The methodology page the category refers to.
METHODOLOGY = "https://data.europa.eu/mqa/methodology"
CATEGORY_LABEL = "data.europa.eu Metadata Quality Assessment"
SCORE = "score"

_TYPE = ox.NamedNode(RDF_TYPE)
_ID = ox.NamedNode(DCTERMS + "identifier")
_LABEL = ox.NamedNode(SKOS + "prefLabel")
_DEFINITION = ox.NamedNode(SKOS + "definition")
_MAX = ox.NamedNode(SCHEMA + "maxValue")
_VALUE = ox.NamedNode(DQV + "value")
_COMPUTED_ON = ox.NamedNode(DQV + "computedOn")
_OF = ox.NamedNode(DQV + "isMeasurementOf")
_HAS = ox.NamedNode(DQV + "hasQualityMeasurement")
_IN_DIMENSION = ox.NamedNode(DQV + "inDimension")
_IN_CATEGORY = ox.NamedNode(DQV + "inCategory")
_DATATYPE = ox.NamedNode(DQV + "expectedDataType")
_INTEGER = ox.NamedNode(XSD + "integer")


def _integer(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=_INTEGER)


def dataset_key(iri: str) -> str:
    """A short, stable name of a dataset for its measurements' IRIs: its last path segment
    and a hash of the whole IRI (`projects-3f2a9c01`)."""
    tail = re.sub(r"[^a-z0-9]+", "-", iri.rstrip("/#").rsplit("/", 1)[-1].lower()).strip("-")
    digest = hashlib.sha256(iri.encode("utf-8")).hexdigest()[:8]
    return f"{tail[:40]}-{digest}" if tail else digest


def _describe(out: list[ox.Triple], node: ox.NamedNode, kind: str, identifier: str,
              name: str | None, maximum: int | None) -> None:
    out.append(ox.Triple(node, _TYPE, ox.NamedNode(DQV + kind)))
    out.append(ox.Triple(node, _ID, ox.Literal(identifier)))
    if name is not None:
        out.extend(ox.Triple(node, _LABEL, ox.Literal(translate(lang, name), language=lang))
                   for lang in LANGUAGES)
    if maximum is not None:
        out.append(ox.Triple(node, _MAX, _integer(maximum)))


def vocabulary(metric_base: str, methodology: str = METHODOLOGY) -> list[ox.Triple]:
    """Our metrics, dimensions and their category."""
    out: list[ox.Triple] = []
    category = ox.NamedNode(f"{metric_base}mqa")
    out.append(ox.Triple(category, _TYPE, ox.NamedNode(DQV + "Category")))
    out.append(ox.Triple(category, _LABEL, ox.Literal(CATEGORY_LABEL, language="en")))
    out.append(ox.Triple(category, ox.NamedNode(RDFS + "seeAlso"), ox.NamedNode(methodology)))
    for dimension in DIMENSIONS:
        node = ox.NamedNode(f"{metric_base}dimension-{dimension.id}")
        _describe(out, node, "Dimension", dimension.id, dimension.name, dimension.maximum)
        out.append(ox.Triple(node, _IN_CATEGORY, category))
        score = ox.NamedNode(f"{metric_base}metric-{SCORE}-{dimension.id}")
        _describe(out, score, "Metric", f"{SCORE}-{dimension.id}", dimension.name,
                  dimension.maximum)
        out.append(ox.Triple(score, _IN_DIMENSION, node))
        out.append(ox.Triple(score, _DATATYPE, _INTEGER))
    total = ox.NamedNode(f"{metric_base}metric-{SCORE}")
    _describe(out, total, "Metric", SCORE, None, MAXIMUM)
    out.append(ox.Triple(total, _LABEL, ox.Literal(CATEGORY_LABEL + " score", language="en")))
    out.append(ox.Triple(total, _DATATYPE, _INTEGER))
    for indicator in INDICATORS:
        node = ox.NamedNode(f"{metric_base}metric-{indicator.id}")
        _describe(out, node, "Metric", indicator.id, indicator.name, indicator.weight)
        out.append(ox.Triple(node, _DEFINITION, ox.Literal(
            f"Met when {indicator.decision}.", language="en")))
        out.append(ox.Triple(node, _IN_DIMENSION,
                             ox.NamedNode(f"{metric_base}dimension-{indicator.dimension}")))
        out.append(ox.Triple(node, _DATATYPE, _INTEGER))
    return out


def write(datasets: Iterable[Any], measured_iri_base: str, *, metric_base: str | None = None,
          methodology: str | None = None) -> list[ox.Triple]:
    """The measurements of each dataset score (`.dataset`, `.results`, `.total`,
    `.dimensions`, as `assessment.DatasetScore` has them), with our metrics described."""
    metric_base = metric_base or measured_iri_base
    out = vocabulary(metric_base, methodology or METHODOLOGY)

    def measure(dataset: ox.NamedNode, name: str, metric: str, on: str, value: int) -> None:
        node = ox.NamedNode(f"{measured_iri_base}{dataset_key(dataset.value)}-{name}")
        target = ox.NamedNode(on) if not on.startswith("_:") else dataset
        out.extend((ox.Triple(dataset, _HAS, node),
                    ox.Triple(node, _TYPE, ox.NamedNode(DQV + "QualityMeasurement")),
                    ox.Triple(node, _COMPUTED_ON, target),
                    ox.Triple(node, _OF, ox.NamedNode(f"{metric_base}metric-{metric}")),
                    ox.Triple(node, _VALUE, _integer(value))))

    for score in datasets:
        dataset = ox.NamedNode(score.dataset)
        for result in score.results:
            measure(dataset, result.indicator, result.indicator, result.subject, result.points)
        for dimension, (points, _) in score.dimensions.items():
            measure(dataset, f"{SCORE}-{dimension}", f"{SCORE}-{dimension}", score.dataset,
                    points)
        measure(dataset, SCORE, SCORE, score.dataset, score.total)
    return out


# --------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class MeasuredIndicator:
    indicator: str
    dimension: str
    weight: int
    points: int
    subject: str

    @property
    def met(self) -> bool:
        return self.points >= self.weight > 0


@dataclass(frozen=True)
class MeasuredDataset:
    """What the DQV of one dataset says: its total, dimensions and indicators, in the
    methodology's order."""

    dataset: str
    total: int
    dimensions: tuple[tuple[str, int, int], ...]     # (dimension, points, maximum)
    indicators: tuple[MeasuredIndicator, ...]
    maximum: int = MAXIMUM

    @property
    def rating(self) -> str:
        return rating(self.total)


def read(triples: Iterable[ox.Triple]) -> list[MeasuredDataset]:
    """The measurements of our metrics in a catalogue, by dataset (by IRI); metrics are
    known by their dcterms:identifier, so the IRIs they were written under do not matter."""
    by_subject: dict[ox.Term, dict[str, list[ox.Term]]] = defaultdict(lambda: defaultdict(list))
    for triple in triples:
        by_subject[triple.subject][triple.predicate.value].append(triple.object)

    def one(node: ox.Term, predicate: ox.NamedNode) -> ox.Term | None:
        values = by_subject.get(node, {}).get(predicate.value, [])
        return values[0] if values else None

    def number(term: ox.Term | None) -> int | None:
        try:
            return int(term.value) if isinstance(term, ox.Literal) else None
        except ValueError:
            return None

    found = []
    for dataset, properties in by_subject.items():
        measurements = properties.get(_HAS.value, [])
        if not measurements or not isinstance(dataset, ox.NamedNode):
            continue
        values: dict[str, tuple[int, str]] = {}
        for node in measurements:
            metric = one(node, _OF)
            identifier = one(metric, _ID) if metric is not None else None
            value = number(one(node, _VALUE))
            if identifier is None or value is None:
                continue
            on = one(node, _COMPUTED_ON)
            values[identifier.value] = (value, on.value if on is not None else dataset.value)
        indicators = tuple(
            MeasuredIndicator(i.id, i.dimension, i.weight, values[i.id][0], values[i.id][1])
            for i in INDICATORS if i.id in values)
        if not indicators and SCORE not in values:
            continue
        dimensions = tuple(
            (d.id, values.get(f"{SCORE}-{d.id}", (sum(
                m.points for m in indicators if m.dimension == d.id), ""))[0], d.maximum)
            for d in DIMENSIONS)
        total = values.get(SCORE, (sum(p for _, p, _ in dimensions), ""))[0]
        found.append(MeasuredDataset(dataset.value, total, dimensions, indicators))
    return sorted(found, key=lambda d: d.dataset)


__all__ = ["METHODOLOGY", "MeasuredDataset", "MeasuredIndicator", "dataset_key", "read",
           "vocabulary", "write", "DIMENSION_BY_ID", "INDICATOR_BY_ID"]
