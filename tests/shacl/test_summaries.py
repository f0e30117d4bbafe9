"""publisher.shacl.summaries: what a profile asks, in brief, with each check's message in the
language asked."""
from __future__ import annotations

from publisher.config import load_settings
from publisher.shacl import profile_shapes, shape_summaries


def _summaries(name: str, lang: str = "en") -> dict:
    return {s["id"]: s for s in shape_summaries(profile_shapes(load_settings(environ={}), name), lang)}


def test_shape_summaries_give_each_check_with_its_message_in_the_language_asked() -> None:
    concept = _summaries("vocabulary", "sv")["ConceptShape"]
    assert concept["targets"] == ["skos:Concept"] and concept["label"] == "Begrepp"
    names = {c["name"]: c for c in concept["checks"]}
    assert names["kdq:BroaderCycle"]["message"].startswith("Cykel i överbegreppsrelationerna")
    assert names["kdq:ConceptLabelMissing"]["message"] == "Föredragen term saknas på språket …"
    assert names["kdq:ConceptPrefLabelUnique"]["path"] == "skos:prefLabel"
    warnings = _summaries("vocabulary")["ConceptDocumentationShape"]
    assert {c["severity"] for c in warnings["checks"]} == {"Warning"}


def test_the_official_shapes_are_summarised_one_row_per_property() -> None:
    distribution = _summaries("dcat-ap-3")["dcat:DistributionShape"]
    assert distribution["targets"] == ["dcat:Distribution"]
    access = [c for c in distribution["checks"] if c["path"] == "dcat:accessURL"]
    assert len(access) == 1
    assert "sh:minCount 1" in access[0]["constraints"] and "access URL" in access[0]["message"]
    paths = [c["path"] for c in distribution["checks"]]
    assert len(paths) == len(set(paths))
