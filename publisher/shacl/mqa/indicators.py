"""The MQA's indicators: each with its dimension, weight, level and property, as the
methodology's tables give them (see the package docstring for the page and how each is decided).
"""
from __future__ import annotations

from dataclasses import dataclass

from publisher.i18n import N_
from publisher.vocab import DCAT, DCTERMS

DATASET = "dataset"
DISTRIBUTION = "distribution"


@dataclass(frozen=True)
class Dimension:
    """One of the five dimensions; `maximum` is the sum of its indicators' weights."""

    id: str
    name: str            # a message id (English), translated where it is shown
    maximum: int


@dataclass(frozen=True)
class Indicator:
    """One indicator: `level` says what it is computed on (a dataset, or each distribution of
    a dataset), `property` the DCAT-AP property it reads, `decision` how it is decided."""

    id: str
    name: str            # a message id (English), translated where it is shown
    dimension: str
    weight: int
    level: str
    property: str
    decision: str


DIMENSIONS: tuple[Dimension, ...] = (
    Dimension("findability", N_("Findability"), 100),
    Dimension("accessibility", N_("Accessibility"), 100),
    Dimension("interoperability", N_("Interoperability"), 110),
    Dimension("reusability", N_("Reusability"), 75),
    Dimension("contextuality", N_("Contextuality"), 20),
)

INDICATORS: tuple[Indicator, ...] = (
    # Findability
    Indicator("keyword-usage", N_("Keyword usage"), "findability", 30, DATASET,
              DCAT + "keyword", "the dataset has a dcat:keyword (how many does not count)"),
    Indicator("categories", N_("Categories"), "findability", 30, DATASET,
              DCAT + "theme", "the dataset has a dcat:theme"),
    Indicator("geo-search", N_("Geo search"), "findability", 20, DATASET,
              DCTERMS + "spatial", "the dataset has a dct:spatial"),
    Indicator("time-based-search", N_("Time based search"), "findability", 20, DATASET,
              DCTERMS + "temporal", "the dataset has a dct:temporal"),
    # Accessibility
    Indicator("access-url-accessibility", N_("AccessURL accessibility"), "accessibility", 50,
              DISTRIBUTION, DCAT + "accessURL",
              "every dcat:accessURL of the distribution (at least one) answers with an HTTP "
              "status from 200 to 399"),
    Indicator("download-url", N_("DownloadURL"), "accessibility", 20, DISTRIBUTION,
              DCAT + "downloadURL", "the distribution has a dcat:downloadURL"),
    Indicator("download-url-accessibility", N_("DownloadURL accessibility"), "accessibility",
              30, DISTRIBUTION, DCAT + "downloadURL",
              "every dcat:downloadURL of the distribution (at least one) answers with an HTTP "
              "status from 200 to 399"),
    # Interoperability
    Indicator("format", N_("Format"), "interoperability", 20, DISTRIBUTION,
              DCTERMS + "format", "the distribution has a dct:format"),
    Indicator("media-type", N_("Media type"), "interoperability", 10, DISTRIBUTION,
              DCAT + "mediaType", "the distribution has a dcat:mediaType"),
    Indicator("format-media-type-vocabulary", N_("Format / Media type from vocabulary"),
              "interoperability", 10, DISTRIBUTION, DCTERMS + "format",
              "the distribution has a dct:format or a dcat:mediaType, every dct:format is a "
              "concept of the EU file-type table and every dcat:mediaType an IANA media type "
              "that table names"),
    Indicator("non-proprietary", N_("Non-proprietary"), "interoperability", 20, DISTRIBUTION,
              DCTERMS + "format",
              "a dct:format of the distribution is marked non-proprietary (is-nonPropExt) in the "
              "EU file-type table"),
    Indicator("machine-readable", N_("Machine readable"), "interoperability", 20,
              DISTRIBUTION, DCTERMS + "format",
              "a dct:format of the distribution is marked machine-readable "
              "(is-machine-readable) in the EU file-type table"),
    Indicator("dcat-ap-compliance", N_("DCAT-AP compliance"), "interoperability", 30, DATASET,
              DCAT + "Dataset",
              "the official DCAT-AP 2.1.1 shapes (core, ranges, controlled vocabularies) find no "
              "violation on the dataset or on what its description reaches"),
    # Reusability
    Indicator("licence-information", N_("Licence information"), "reusability", 20,
              DISTRIBUTION, DCTERMS + "license", "the distribution has a dct:license"),
    Indicator("licence-vocabulary", N_("Licence vocabulary"), "reusability", 10, DISTRIBUTION,
              DCTERMS + "license",
              "a dct:license of the distribution is a concept of the EU licence table"),
    Indicator("access-restrictions", N_("Access restrictions"), "reusability", 10, DATASET,
              DCTERMS + "accessRights", "the dataset has a dct:accessRights"),
    Indicator("access-restrictions-vocabulary", N_("Access restrictions vocabulary"),
              "reusability", 5, DATASET, DCTERMS + "accessRights",
              "a dct:accessRights of the dataset is a concept of the EU access-right table"),
    Indicator("contact-point", N_("Contact point"), "reusability", 20, DATASET,
              DCAT + "contactPoint", "the dataset has a dcat:contactPoint"),
    Indicator("publisher", N_("Publisher"), "reusability", 10, DATASET,
              DCTERMS + "publisher", "the dataset has a dct:publisher"),
    # Contextuality
    Indicator("rights", N_("Rights"), "contextuality", 5, DISTRIBUTION,
              DCTERMS + "rights", "the distribution has a dct:rights"),
    Indicator("file-size", N_("File size"), "contextuality", 5, DISTRIBUTION,
              DCAT + "byteSize", "the distribution has a dcat:byteSize"),
    Indicator("date-of-issue", N_("Date of issue"), "contextuality", 5, DATASET,
              DCTERMS + "issued", "the dataset has a dct:issued"),
    Indicator("modification-date", N_("Modification date"), "contextuality", 5, DATASET,
              DCTERMS + "modified", "the dataset has a dct:modified"),
)

INDICATOR_BY_ID = {indicator.id: indicator for indicator in INDICATORS}
DIMENSION_BY_ID = {dimension.id: dimension for dimension in DIMENSIONS}
#: The most points a dataset can have (405).
MAXIMUM = sum(dimension.maximum for dimension in DIMENSIONS)

#: The methodology's rating groups: the least points of each, best first.
RATINGS: tuple[tuple[str, int], ...] = (
    ("excellent", 351), ("good", 221), ("sufficient", 121), ("bad", 0))
RATING_NAMES = {"excellent": N_("Excellent"), "good": N_("Good"),
                "sufficient": N_("Sufficient"), "bad": N_("Bad")}


def rating(points: int) -> str:
    """The rating group of a score: excellent 351–405, good 221–350, sufficient 121–220,
    bad 0–120."""
    return next(name for name, least in RATINGS if points >= least)


def _check_weights() -> None:
    for dimension in DIMENSIONS:
        total = sum(i.weight for i in INDICATORS if i.dimension == dimension.id)
        if total != dimension.maximum:
            raise AssertionError(f"{dimension.id}: weights sum to {total}, "
                                 f"not {dimension.maximum}")


_check_weights()
