"""The build as a PROV activity: named in every language the site speaks."""
from __future__ import annotations

from datetime import datetime, timezone

from publisher.build.provenance import build_activity_quads
from publisher.config import load_settings
from publisher.vocab import RDFS, thing


def test_the_build_is_named_in_finnish_swedish_and_english() -> None:
    settings = load_settings()
    quads = list(build_activity_quads("0123456789abcdef", datetime(2026, 12, 7, tzinfo=timezone.utc),
                                      settings, {}, []))
    build = thing(settings.base_uri, "build", "0123456789abcdef")
    labels = {q.object.language: q.object.value for q in quads
              if q.subject.value == build and q.predicate.value == RDFS + "label"}
    assert set(labels) == {"fi", "sv", "en"}
    assert all("0123456789abcdef" in text for text in labels.values())
    assert len(set(labels.values())) == 3, labels          # translated, not English thrice
