"""The build's own parts of the build report: the merge decisions, the people named in more
than one place, and the figures of the build, so a reviewer can check what was made one."""
from __future__ import annotations

from typing import Any

from publisher.build.merge import PROGRAMME, Candidate, MergeResult
from publisher.build.sources import DocumentResult, PersonPlace
from publisher.build.themes import Assignment, ThemeText


def merge_report(merged: MergeResult, notes: list[dict[str, Any]],
                 iris: dict[tuple[int, int], str], candidates: list[Candidate],
                 programme_iri: str | None) -> dict[str, Any]:
    """What was merged (with the resource), what was considered and not, what was set aside."""
    decisions = []
    for decision in merged.decisions:
        item = dict(decision)
        if decision["decision"] == "merged":
            members = [c for c in candidates
                       if any(m["document"] == c.document and m["lines"] == c.where().split(":", 1)[1]
                              and m["name"] == c.name for m in decision["members"])]
            item["resource"] = (programme_iri if decision.get("into") == PROGRAMME
                                else iris.get(members[0].id) if members else None)
        decisions.append(item)
    return {
        "merged": [d for d in decisions if d["decision"] == "merged"],
        "not_merged": [d for d in decisions if d["decision"] == "not merged"],
        "set_aside": notes,
    }


def _person_places(documents: list[DocumentResult]) -> list[PersonPlace]:
    return [place for document in documents for prepared in document.prepared
            for place in document.family.persons(prepared, document.path.name)]


def person_report(documents: list[DocumentResult]) -> list[dict[str, Any]]:
    """People named in more than one place: one URI by name (rule person-same-name), with a
    warning where the places give different organisations."""
    places: dict[str, list[dict[str, Any]]] = {}
    for key, place in _person_places(documents):
        places.setdefault(key, []).append(place)
    out = []
    for key, items in sorted(places.items()):
        if len(items) < 2:
            continue
        organisations = sorted({i["organisation"] for i in items if i["organisation"]})
        out.append({"decision": "merged", "rules": ["person-same-name"],
                    "resource": f"person/{key}", "members": items,
                    "check": ("the places name different organisations: " + ", ".join(organisations))
                    if len(organisations) > 1 else None})
    return out


def _spread(counts: list[int]) -> dict[str, Any]:
    return {"min": min(counts, default=0), "max": max(counts, default=0),
            "mean": round(sum(counts) / len(counts), 2) if counts else 0}


def summary(documents: list[DocumentResult], merged: MergeResult,
            assignments: dict[str, list[Assignment]], texts: list[ThemeText],
            project_iris: set[str]) -> dict[str, Any]:
    """The figures of the build: projects, initiatives, people, figures, merges, themes."""
    kinds: dict[str, int] = {}
    figures = 0
    for document in documents:
        for prepared in document.prepared:
            if prepared.get("type") == "initiative" and not prepared.get("merged"):
                kinds[prepared.get("kind", "project")] = kinds.get(prepared.get("kind", "project"), 0) + 1
            elif prepared.get("type") == "figure":
                figures += 1
    persons: set[str] = set()
    relations: dict[str, set[str]] = {}
    for key, place in _person_places(documents):
        persons.add(key)
        if "relation" in place:
            relations.setdefault(place["relation"], set()).add(key)
    counts = [len(assignments[t.resource]) for t in texts]
    per_project = [len(assignments.get(iri, [])) for iri in sorted(project_iris)]
    return {
        "catalogue_projects": sum(len(d.records) for d in documents if d.extractor == "catalogue"),
        "projects": sum(len(d.records) for d in documents),
        "page_initiatives_by_kind": dict(sorted(kinds.items())),
        "persons": len(persons),
        "page_persons_by_relation": {k: len(v) for k, v in sorted(relations.items())},
        "figures": figures,
        "merged_resources": len(merged.merged()),
        "considered_not_merged": len(merged.not_merged()),
        "themed_resources": sum(1 for c in counts if c),
        "themes_per_resource": _spread(counts),
        "themes_per_project": _spread(per_project),
    }


def key_messages(keys: dict[str, Any]) -> list[str]:
    """The registry's decisions as lines for stderr: every key kept for a changed title, and
    the keys not yet registered (`publisher keys update` adds them to mappings/keys.tsv)."""
    lines = [item["message"] for item in keys.get("kept", [])]
    new = keys.get("new", [])
    if new:
        shown = ", ".join(f"{n['type']}/{n['key']}" for n in new[:20])
        more = f" and {len(new) - 20} more" if len(new) > 20 else ""
        lines.append(f"{len(new)} new key(s) not in mappings/keys.tsv: {shown}{more} "
                     "(publisher keys update registers them)")
    return lines
