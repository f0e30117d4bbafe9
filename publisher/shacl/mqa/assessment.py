"""Assessing a catalogue: each dataset's indicators decided, its distributions' aggregated,
the points summed per dimension and in all (see the package docstring for the rules)."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

import publisher.shacl.mqa.compliance as compliance
import publisher.shacl.mqa.dqv as dqv
from publisher.shacl.mqa.indicators import (DATASET, DIMENSIONS, DISTRIBUTION, INDICATORS,
                                            MAXIMUM, Indicator, rating)
from publisher.shacl.mqa.vocabularies import (ACCESS_RIGHT_SCHEME, FILE_TYPE_SCHEME,
                                              LICENCE_SCHEME, Vocabularies, load_vocabularies)
from publisher.vocab import DCAT, DCTERMS

#: Distributions looked at per dataset; a record with more is judged on the first ones.
MAX_DISTRIBUTIONS = 1_000
#: Characters of a detail kept (a detail quotes URLs and SHACL messages from the input).
MAX_DETAIL = 600


@dataclass(frozen=True)
class UrlStatus:
    """What asking for a URL gave: its HTTP status (None when no answer was had), the media
    type it was served as, and why there was no answer."""

    status: int | None
    media_type: str | None = None
    error: str | None = None

    @property
    def accessible(self) -> bool:
        """The methodology's test: a status in the 2xx or 3xx range."""
        return self.status is not None and 200 <= self.status < 400

    def describe(self) -> str:
        if self.status is None:
            return f"no answer ({self.error or 'not checked'})"
        return f"HTTP {self.status}" + (f" ({self.error})" if self.error else "")


@dataclass(frozen=True)
class IndicatorResult:
    """One indicator decided for one dataset: `subject` is what it was computed on (the
    dataset, or the distribution whose points count)."""

    indicator: str
    dimension: str
    weight: int
    points: int
    met: bool
    subject: str
    detail: str
    dataset: str

    def to_json(self) -> dict[str, Any]:
        return {"indicator": self.indicator, "dimension": self.dimension,
                "weight": self.weight, "points": self.points, "met": self.met,
                "subject": self.subject, "detail": self.detail}


@dataclass(frozen=True)
class DatasetScore:
    """One dataset's results, one per indicator in the methodology's order."""

    dataset: str
    results: tuple[IndicatorResult, ...]

    @property
    def total(self) -> int:
        return sum(r.points for r in self.results)

    @property
    def rating(self) -> str:
        return rating(self.total)

    @property
    def dimensions(self) -> dict[str, tuple[int, int]]:
        return {d.id: (sum(r.points for r in self.results if r.dimension == d.id), d.maximum)
                for d in DIMENSIONS}

    def to_json(self) -> dict[str, Any]:
        return {"dataset": self.dataset, "total": self.total, "maximum": MAXIMUM,
                "rating": self.rating,
                "dimensions": {k: {"points": p, "maximum": m}
                               for k, (p, m) in self.dimensions.items()},
                "indicators": [r.to_json() for r in self.results]}


@dataclass(frozen=True)
class Assessment:
    """The catalogue's assessment: each dataset's score, and the catalogue's figures, the
    means of its datasets' (rounded); with one dataset they are that dataset's."""

    datasets: tuple[DatasetScore, ...]
    maximum: int = MAXIMUM
    notes: tuple[str, ...] = field(default=())

    @property
    def total(self) -> int:
        return _mean([d.total for d in self.datasets])

    @property
    def rating(self) -> str:
        return rating(self.total)

    @property
    def dimensions(self) -> dict[str, tuple[int, int]]:
        return {d.id: (_mean([s.dimensions[d.id][0] for s in self.datasets]), d.maximum)
                for d in DIMENSIONS}

    @property
    def indicators(self) -> list[IndicatorResult]:
        return [r for d in self.datasets for r in d.results]

    def shortfalls(self) -> list[IndicatorResult]:
        return [r for r in self.indicators if not r.met]

    def to_json(self) -> dict[str, Any]:
        return {"total": self.total, "maximum": self.maximum, "rating": self.rating,
                "dimensions": {k: {"points": p, "maximum": m}
                               for k, (p, m) in self.dimensions.items()},
                "datasets": [d.to_json() for d in self.datasets],
                "shortfalls": [{"dataset": r.dataset, **r.to_json()} for r in self.shortfalls()],
                "notes": list(self.notes)}

    def to_dqv(self, measured_iri_base: str, *, metric_base: str | None = None,
               methodology: str | None = None) -> list[ox.Triple]:
        """The assessment as DQV measurements (see `publisher.shacl.mqa.dqv`)."""
        return dqv.write(self.datasets, measured_iri_base, metric_base=metric_base,
                         methodology=methodology)


def _mean(values: list[int]) -> int:
    return round(sum(values) / len(values)) if values else 0


# --------------------------------------------------------------------------- reading


class Catalogue:
    """The triples, indexed by subject, with the questions the indicators ask."""

    def __init__(self, triples: list[ox.Triple]) -> None:
        self.triples = triples
        self.outgoing, self.types = compliance.index(triples)

    def values(self, subject: ox.Term, predicate: str) -> list[ox.Term]:
        return [t.object for t in self.outgoing.get(subject, ()) if t.predicate.value == predicate]

    def iris(self, subject: ox.Term, predicate: str) -> list[str]:
        return sorted({v.value for v in self.values(subject, predicate)
                       if isinstance(v, ox.NamedNode)})

    def datasets(self) -> list[ox.NamedNode]:
        return sorted((s for s, kinds in self.types.items()
                       if DCAT + "Dataset" in kinds and isinstance(s, ox.NamedNode)),
                      key=lambda s: s.value)

    def distributions(self, dataset: ox.Term) -> list[ox.Term]:
        found = {v for v in self.values(dataset, DCAT + "distribution")
                 if not isinstance(v, ox.Literal)}
        return sorted(found, key=lambda d: (isinstance(d, ox.BlankNode), d.value))[
            :MAX_DISTRIBUTIONS]


def _name(term: ox.Term) -> str:
    return term.value if isinstance(term, ox.NamedNode) else f"_:{term.value}"


def _short(text: str) -> str:
    return text if len(text) <= MAX_DETAIL else text[:MAX_DETAIL - 1] + "…"


# --------------------------------------------------------------------------- deciding


class Judge:
    """Decides each indicator on one subject: (met, detail)."""

    def __init__(self, catalogue: Catalogue, vocabularies: Vocabularies,
                 check_url: Callable[[str], UrlStatus],
                 violations: dict[str, list[compliance.Violation]]) -> None:
        self.catalogue = catalogue
        self.vocabularies = vocabularies
        self.check_url = check_url
        self.checked: dict[str, UrlStatus] = {}
        self.violations = violations

    def url(self, url: str) -> UrlStatus:
        if url not in self.checked:
            try:
                self.checked[url] = self.check_url(url)
            except Exception as error:          # a checker's fault is this URL's answer
                self.checked[url] = UrlStatus(None, error=f"{type(error).__name__}: {error}")
        return self.checked[url]

    def decide(self, indicator: Indicator, subject: ox.Term) -> tuple[bool, str]:
        special = getattr(self, "_" + indicator.id.replace("-", "_"), None)
        if special is not None:
            return special(indicator, subject)
        values = self.catalogue.values(subject, indicator.property)
        short = _prefixed(indicator.property)
        if values:
            shown = ", ".join(sorted(_name(v) if not isinstance(v, ox.Literal) else v.value
                                     for v in values)[:3])
            return True, f"{short}: {shown}"
        return False, f"no {short}"

    # -- accessibility

    def _reachable(self, subject: ox.Term, predicate: str) -> tuple[bool, str]:
        urls = self.catalogue.iris(subject, predicate)
        short = _prefixed(predicate)
        if not urls:
            return False, f"no {short}"
        answers = [(url, self.url(url)) for url in urls]
        bad = [f"{url}: {status.describe()}" for url, status in answers
               if not status.accessible]
        if bad:
            return False, f"{short} not accessible: " + "; ".join(bad)
        return True, "; ".join(f"{url}: {status.describe()}" for url, status in answers)

    def _access_url_accessibility(self, indicator: Indicator, subject: ox.Term) -> tuple[bool, str]:
        return self._reachable(subject, DCAT + "accessURL")

    def _download_url_accessibility(self, indicator: Indicator,
                                    subject: ox.Term) -> tuple[bool, str]:
        return self._reachable(subject, DCAT + "downloadURL")

    # -- interoperability

    def _format_media_type_vocabulary(self, indicator: Indicator,
                                      subject: ox.Term) -> tuple[bool, str]:
        formats = self.catalogue.values(subject, DCTERMS + "format")
        media = self.catalogue.values(subject, DCAT + "mediaType")
        if not formats and not media:
            return False, "no dct:format and no dcat:mediaType"
        outside = [f"dct:format {_name(f)} (not in the EU file-type table)" for f in formats
                   if not self.vocabularies.member(FILE_TYPE_SCHEME, f.value)]
        outside += [f"dcat:mediaType {_name(m)} (not an IANA media type the EU file-type "
                    f"table names)" for m in media if m.value not in self.vocabularies.media_types]
        if outside:
            return False, "; ".join(outside)
        return True, ", ".join(_name(v) for v in (*formats, *media))

    def _flagged(self, subject: ox.Term, flagged: frozenset[str], what: str) -> tuple[bool, str]:
        formats = self.catalogue.iris(subject, DCTERMS + "format")
        if not formats:
            return False, "no dct:format"
        good = [f for f in formats if f in flagged]
        if good:
            return True, f"{good[0]} is {what} in the EU file-type table"
        return False, f"{', '.join(formats)}: not {what} in the EU file-type table"

    def _non_proprietary(self, indicator: Indicator, subject: ox.Term) -> tuple[bool, str]:
        return self._flagged(subject, self.vocabularies.non_proprietary, "non-proprietary")

    def _machine_readable(self, indicator: Indicator, subject: ox.Term) -> tuple[bool, str]:
        return self._flagged(subject, self.vocabularies.machine_readable, "machine-readable")

    def _dcat_ap_compliance(self, indicator: Indicator, subject: ox.Term) -> tuple[bool, str]:
        found = self.violations.get(subject.value, [])
        if not found:
            return True, "no DCAT-AP 2.1.1 violation on the dataset's record"
        shown = "; ".join(str(v) for v in found[:3])
        more = f" and {len(found) - 3} more" if len(found) > 3 else ""
        return False, f"{len(found)} DCAT-AP 2.1.1 violation(s): {shown}{more}"

    # -- reusability

    def _member(self, subject: ox.Term, predicate: str, scheme: str,
                table: str) -> tuple[bool, str]:
        values = self.catalogue.values(subject, predicate)
        short = _prefixed(predicate)
        if not values:
            return False, f"no {short}"
        good = [v.value for v in values if self.vocabularies.member(scheme, v.value)]
        if good:
            return True, f"{good[0]} is in the EU {table} table"
        return False, (f"{', '.join(_name(v) for v in values)}: not in the EU {table} table"
                       + ("" if self.vocabularies.schemes.get(scheme) else
                          f" (no {table} table in {', '.join(self.vocabularies.files)})"))

    def _licence_vocabulary(self, indicator: Indicator, subject: ox.Term) -> tuple[bool, str]:
        return self._member(subject, DCTERMS + "license", LICENCE_SCHEME, "licence")

    def _access_restrictions_vocabulary(self, indicator: Indicator,
                                        subject: ox.Term) -> tuple[bool, str]:
        return self._member(subject, DCTERMS + "accessRights", ACCESS_RIGHT_SCHEME,
                            "access-right")


def _prefixed(iri: str) -> str:
    for prefix, namespace in (("dcat", DCAT), ("dct", DCTERMS)):
        if iri.startswith(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return iri


# --------------------------------------------------------------------------- scoring


def _result(indicator: Indicator, met: bool, subject: ox.Term, detail: str,
            dataset: ox.NamedNode) -> IndicatorResult:
    return IndicatorResult(indicator.id, indicator.dimension, indicator.weight,
                           indicator.weight if met else 0, met, _name(subject), _short(detail),
                           dataset.value)


def _on(decision: tuple[bool, str], subject: ox.Term) -> tuple[bool, ox.Term, str]:
    return decision[0], subject, decision[1]


def score_dataset(judge: Judge, dataset: ox.NamedNode) -> DatasetScore:
    """The dataset's indicators; for each dimension the distribution indicators come from the
    distribution with the most points in that dimension (the first by IRI among equals)."""
    results: dict[str, IndicatorResult] = {}
    for indicator in INDICATORS:
        if indicator.level == DATASET:
            met, detail = judge.decide(indicator, dataset)
            results[indicator.id] = _result(indicator, met, dataset, detail, dataset)
    distributions = judge.catalogue.distributions(dataset)
    for dimension in DIMENSIONS:
        wanted = [i for i in INDICATORS if i.level == DISTRIBUTION and i.dimension == dimension.id]
        if not wanted:
            continue
        if not distributions:
            for indicator in wanted:
                results[indicator.id] = _result(indicator, False, dataset,
                                                "the dataset has no distribution", dataset)
            continue
        best: list[IndicatorResult] | None = None
        for distribution in distributions:
            decided = [_result(i, *_on(judge.decide(i, distribution), distribution), dataset)
                       for i in wanted]
            if best is None or sum(r.points for r in decided) > sum(r.points for r in best):
                best = decided
        assert best is not None
        for result in best:
            results[result.indicator] = result
    return DatasetScore(dataset.value, tuple(results[i.id] for i in INDICATORS))


def assess(triples: Iterable[ox.Triple], check_url: Callable[[str], UrlStatus], *,
           tables_dir: Path | None = None, shapes_dir: Path | None = None) -> Assessment:
    """Assess every dcat:Dataset of the triples. `check_url` answers for each access and
    download URL (each distinct URL is asked once); `tables_dir` holds the EU authority tables
    (default `mappings/reference/eu/`), `shapes_dir` the DCAT-AP 2.1.1 shapes (default
    `shapes/dcat-ap-2.1.1/`)."""
    data = [t.triple if isinstance(t, ox.Quad) else t for t in triples]
    catalogue = Catalogue(data)
    vocabularies = load_vocabularies(tables_dir)
    datasets = catalogue.datasets()
    found = compliance.violations(data, vocabularies, shapes_dir) if datasets else []
    by_dataset: dict[str, list[compliance.Violation]] = {}
    for dataset in datasets:
        reach = compliance.record(dataset, catalogue.outgoing, catalogue.types)
        by_dataset[dataset.value] = [v for v in found if v.focus in reach]
    judge = Judge(catalogue, vocabularies, check_url, by_dataset)
    notes = () if datasets else ("no dcat:Dataset in the catalogue",)
    return Assessment(tuple(score_dataset(judge, d) for d in datasets), notes=notes)
