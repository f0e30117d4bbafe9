"""What a page shows of a resource's history: its versions (release, date, what happened),
and for a chosen pair of them the statements added and removed, each with labels in the
page's language — what people read, not raw IRIs."""
from __future__ import annotations

from typing import Any

import pyoxigraph as ox

from publisher.docs.labels import Index, collation_key
from publisher.history import REMOVED, Version
from publisher.vocab import timemap_iri, version_iri
from publisher.web.context import here, settings
from publisher.web.history import History
from publisher.web.pages.parts import labeller
from publisher.web.pages.properties import value_view


def version_rows(history: History, iri: str) -> list[dict[str, Any]]:
    """The versions of a resource, newest first, each linked to its memento."""
    base = settings().base_uri
    rows = []
    for version in reversed(history.versions(iri)):
        rows.append({"release": version.release, "built": version.built,
                     "date": version.built[:10], "state": version.state,
                     "href": None if version.state == REMOVED
                     else here().local(version_iri(base, version.release, iri))})
    return rows


def history_box(history: History, iri: str) -> dict[str, Any] | None:
    """The history section of a resource page: its versions and where to compare them."""
    rows = version_rows(history, iri)
    if not rows:
        return None
    return {"versions": rows,
            "timemap": here().local(timemap_iri(settings().base_uri, iri)) + ".html"}


def _statement(triple: ox.Triple, names: Any, iri: str) -> dict[str, Any]:
    subject = triple.subject
    part = isinstance(subject, ox.NamedNode) and subject.value != iri
    return {"part": names.link(subject) if part else None,
            "predicate": names.term_link(triple.predicate.value),
            "value": value_view(triple.object, names, subject, depth=3)}


def _sort_key(row: dict[str, Any]) -> tuple[str, str, str]:
    value = row["value"]
    shown = value.get("value") or value.get("label", {}).get("value", "")
    return (collation_key((row["part"] or {}).get("label", {}).get("value", "")),
            collation_key(row["predicate"]["label"]["value"]), collation_key(str(shown)))


def comparison(history: History, iri: str, older: Version, newer: Version,
               context: list[ox.Triple]) -> dict[str, Any]:
    """The statements `newer` added to and removed from `older`, labelled (the labels of
    linked resources come from `context`, the served release's description)."""
    before, after = set(history.triples(older)), set(history.triples(newer))
    names = labeller(Index([*before, *after, *context]))
    added = sorted((_statement(t, names, iri) for t in after - before), key=_sort_key)
    removed = sorted((_statement(t, names, iri) for t in before - after), key=_sort_key)
    return {"from": older.release, "to": newer.release, "added": added, "removed": removed}
