"""The MQA score of the catalogue (`publisher.shacl.mqa.assess`), its URL answers taken from the
check's own URL checks, so that no URL is asked twice; and the score as a reader gets it, names
of dimensions, indicators and the rating in the report's language."""
from __future__ import annotations

from typing import Any

import pyoxigraph as ox

from publisher.config import Settings
from publisher.i18n import translate
from publisher.shacl.catalogue_check.texts import reason_text
from publisher.shacl.catalogue_check.urls import UrlCheck, UrlChecker
from publisher.shacl.mqa import DIMENSION_BY_ID, INDICATOR_BY_ID, RATING_NAMES, UrlStatus, assess


def url_status(check: UrlCheck) -> UrlStatus:
    """A URL check as the MQA reads it: the status, or why there is none (in English)."""
    if check.skipped is not None:
        return UrlStatus(None, error=reason_text("en", *check.skipped))
    problem = check.problem
    error = reason_text("en", problem[0], problem[1]) if problem else None
    return UrlStatus(check.status, check.media_type, error if check.status is None else None)


def quality(triples: list[ox.Triple], checker: UrlChecker, settings: Settings) -> dict[str, Any]:
    """The assessment as JSON (`Assessment.to_json()`)."""
    assessment = assess(triples, lambda url: url_status(checker.check(url)),
                        tables_dir=settings.mappings_dir / "reference" / "eu",
                        shapes_dir=settings.shapes_dir / "dcat-ap-2.1.1")
    return assessment.to_json()


def named(report: dict[str, Any], lang: str) -> dict[str, Any]:
    """The assessment's JSON with the names a reader reads, in `lang`."""
    return {
        **report,
        "rating_name": translate(lang, RATING_NAMES.get(report["rating"], report["rating"])),
        "dimension_names": {key: translate(lang, DIMENSION_BY_ID[key].name)
                            for key in report["dimensions"] if key in DIMENSION_BY_ID},
        "shortfalls": [{**s, "name": translate(lang, INDICATOR_BY_ID[s["indicator"]].name)
                        if s["indicator"] in INDICATOR_BY_ID else s["indicator"]}
                       for s in report["shortfalls"]],
    }
