"""One thing, one URI: which initiative records are the same (`merge.py`, by the rules of
`mappings/merge-rules.toml`), the URI of each resource, and one label, title and description
per language on a resource several records describe.

URIs are given before preparation, which links records to them; the texts of a merged
resource are reconciled after it, on the prepared records.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from publisher.build.extract import Problem
from publisher.build.keys import unique_keys
from publisher.build.merge import PROGRAMME, Candidate, MergeResult, MergeRules, merge
from publisher.build.sources import DocumentResult

Id = tuple[int, int]        # (document position, record index)


@dataclass
class Identity:
    """The outcome of identification: the candidates, the merge decisions, each
    initiative record's URI, and the key clashes as problems."""

    candidates: list[Candidate]
    merged: MergeResult
    iris: dict[Id, str]
    problems: list[Problem]


def identify(documents: list[DocumentResult], rules: MergeRules, programme_iri: str | None,
             base: str) -> Identity:
    """Merge the initiative records of all texts and give each resource its URI."""
    found = candidates(documents)
    merged = merge(found, rules)
    problems: list[Problem] = []
    iris = assign_iris(documents, found, merged, programme_iri, base, problems)
    return Identity(found, merged, iris, problems)


def _initiative_name(record: dict[str, Any]) -> str:
    return record.get("name") or record.get("title") or record.get("key") or "initiative"


def candidates(documents: list[DocumentResult]) -> list[Candidate]:
    """Every initiative record, with the names it goes by."""
    out = []
    for position, document in enumerate(documents):
        family = document.family
        for index, record in enumerate(document.extraction.records):
            if not family.initiatives(record):
                continue
            source = record.get("source") or {}
            names = [record.get("name"), record.get("title"), *(record.get("alt_names") or []),
                     *((record.get("labels") or {}).values())]
            out.append(Candidate((position, index), document.path.name, document.extractor,
                                 _initiative_name(record), tuple(n for n in names if n),
                                 source.get("first_line"), source.get("last_line")))
    return out


def assign_iris(documents: list[DocumentResult], candidates: list[Candidate], merged: MergeResult,
                programme_iri: str | None, base: str, problems: list[Problem]) -> dict[Id, str]:
    """One URI per merged group: keys unique across initiatives (a clash gets -2, -3 and a
    report line), the type from the kind, the canonical record's key."""
    def record(cid: Id) -> dict[str, Any]:
        return documents[cid[0]].extraction.records[cid[1]]

    canonicals = sorted({c.id if merged.canonical.get(c.id) == PROGRAMME and not programme_iri
                         else merged.canonical.get(c.id, c.id) for c in candidates} - {PROGRAMME})
    keys, clashes = unique_keys([record(c).get("key") or "initiative" for c in canonicals])
    iris: dict[Id, str] = {}
    for cid, key in zip(canonicals, keys):
        uri_type = documents[cid[0]].family.uri_type(record(cid))
        record(cid)["key"] = key
        iris[cid] = f"{base}id/{uri_type}/{key}"
    for index, old, new in clashes:
        cid = canonicals[index]
        line = (record(cid).get("source") or {}).get("first_line")
        problems.append(Problem(
            line=line, field="key", message=f"key '{old}' already used; this record is "
            f"published as '{new}'", record=cid[1], document=documents[cid[0]].path.name))
    for candidate in candidates:
        canonical = merged.canonical.get(candidate.id, candidate.id)
        if canonical == PROGRAMME and programme_iri:
            iris[candidate.id] = programme_iri
        elif canonical != candidate.id and canonical in iris:
            iris[candidate.id] = iris[canonical]
    for cid, iri in iris.items():
        if documents[cid[0]].family.records_carry_iri:
            rec = record(cid)
            rec["iri"] = iri
            secondary = merged.canonical.get(cid, cid) != cid
            rec["merged"] = secondary
            if secondary:
                rec["class_iri"] = None
    return iris


def reconcile(documents: list[DocumentResult], merged: MergeResult,
              programme: dict[str, Any] | None) -> list[dict[str, Any]]:
    """One label, title and description per language on a merged resource: a later record's
    label in a language already taken becomes skos:altLabel; its description stays in its
    derivation's source text. Returns what was set aside, for the report."""
    notes = []
    prepared = {p["_id"]: p for d in documents for p in d.prepared}
    for members in merged.groups:
        taken: dict[str, set[str]] = {"label": set(), "title": set(), "description": set()}
        texts: set[tuple[str, str]] = set()
        if merged.canonical.get(members[0]) == PROGRAMME and programme:
            taken["label"] |= set(programme["names"])
            texts |= {(t, lang) for lang, t in programme["names"].items()}
        for cid in sorted(members, key=lambda c: (merged.is_secondary(c), c)):
            record = prepared[cid]
            if record.get("type") is None:          # a catalogue record
                language = record.get("language") or "fi"
                taken["label"].add(language)
                texts.add((record.get("label") or "", language))
                if record.get("title"):
                    taken["title"].add(language)
                if record.get("description_text"):
                    taken["description"].add(language)
                continue
            alt = list(record.get("alt_labels_prepared") or [])
            for field_name, key in (("labels_prepared", "label"), ("titles_prepared", "title"),
                                    ("descriptions_prepared", "description")):
                kept = []
                for item in record.get(field_name) or []:
                    if item["language"] in taken[key]:
                        if key == "label":
                            alt.append(item)
                        elif key == "description":
                            notes.append({"resource": record.get("iri"), "document": record["source"]["document"],
                                          "lines": f"{record['source']['first_line']}–{record['source']['last_line']}",
                                          "note": f"a second {item['language']} description; kept in "
                                                  f"the derivation's kd:sourceText only"})
                        continue
                    taken[key].add(item["language"])
                    kept.append(item)
                    if key == "label":
                        texts.add((item["text"], item["language"]))
                record[field_name] = kept
            seen = set(texts)
            record["alt_labels_prepared"] = []
            for item in alt:
                if (item["text"], item["language"]) not in seen:
                    seen.add((item["text"], item["language"]))
                    record["alt_labels_prepared"].append(item)
            texts |= seen
    return notes
