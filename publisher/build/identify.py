"""One thing, one URI: which initiative records are the same (`merge.py`, by the rules of
`mappings/merge-rules.toml`), the URI of each resource, and one label, title and description
per language on a resource several records describe.

A record keeps the key `mappings/keys.tsv` issued to it even when its title is corrected
(`key_registry.py`). URIs are given before preparation, which links records to them; the
texts of a merged resource are reconciled after it, on the prepared records.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Any

from publisher.build.extract import Problem
from publisher.build.key_registry import Registry, Wanted, match_keys, new_entries
from publisher.build.keys import slugify, unique_keys
from publisher.build.merge import PROGRAMME, Candidate, MergeResult, MergeRules, merge
from publisher.build.sources import DocumentResult
from publisher.vocab import thing

Id = tuple[int, int]        # (document position, record index)


@dataclass
class Identity:
    """The outcome of identification: the candidates, the merge decisions, each
    initiative record's URI, and the key clashes as problems."""

    candidates: list[Candidate]
    merged: MergeResult
    iris: dict[Id, str]
    problems: list[Problem]
    #: The keys kept by the registry (`mappings/keys.tsv`) and the new ones, for the report.
    keys: dict[str, Any] = field(default_factory=dict)
    #: (new IRI, old IRI, document position) of each moved key whose record is built.
    same_as: list[tuple[str, str, int]] = field(default_factory=list)


def identify(documents: list[DocumentResult], rules: MergeRules, programme_iri: str | None,
             base: str, registry: Registry | None = None) -> Identity:
    """Merge the initiative records of all texts and give each resource its URI: the key
    the registry issued to the record where it has one (README "URIs")."""
    found = candidates(documents)
    merged = merge(found, rules)
    identity = Identity(found, merged, {}, [])
    identity.iris = assign_iris(documents, found, merged, programme_iri, base,
                                identity.problems, registry or Registry(), identity)
    return identity


def _lead_key(record: dict[str, Any]) -> str:
    lead = record.get("lead_organisation") or {}
    return str(lead.get("code") or slugify(lead.get("name") or "", max_length=80))


def wanted(document: DocumentResult, record: dict[str, Any]) -> Wanted:
    """What identifies a record to the registry: type, minted key, title, document, first
    line and, in the catalogue, the number within its lead's list ("091/2")."""
    number = record.get("number")
    lead = _lead_key(record) if isinstance(number, int) else ""
    return Wanted(document.family.uri_type(record), record.get("key") or "initiative",
                  _initiative_name(record), document.key,
                  (record.get("source") or {}).get("first_line"),
                  f"{lead}/{number}" if lead else "")


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


def unique_numbers(asking: list[Wanted]) -> list[Wanted]:
    """A catalogue number identifies a record only where no other of its text has it (the
    catalogue repeats a lead's "1." once): a repeated one is left out."""
    counts = Counter((w.type, w.document, w.number) for w in asking if w.number)
    return [replace(w, number="") if w.number and counts[(w.type, w.document, w.number)] > 1
            else w for w in asking]


def assign_iris(documents: list[DocumentResult], candidates: list[Candidate], merged: MergeResult,
                programme_iri: str | None, base: str, problems: list[Problem],
                registry: Registry | None = None,
                identity: Identity | None = None) -> dict[Id, str]:
    """One URI per merged group: the key the registry issued to the record, else a new key
    unique across initiatives and every issued key (a clash gets -2, -3 and a report line),
    the type from the kind, the canonical record's key."""
    def record(cid: Id) -> dict[str, Any]:
        return documents[cid[0]].extraction.records[cid[1]]

    canonicals = sorted({c.id if merged.canonical.get(c.id) == PROGRAMME and not programme_iri
                         else merged.canonical.get(c.id, c.id) for c in candidates} - {PROGRAMME})
    registry = registry or Registry()
    asking = unique_numbers([wanted(documents[c[0]], record(c)) for c in canonicals])
    kept, matches = match_keys(registry, asking)
    fresh = [i for i in range(len(canonicals)) if i not in kept]
    minted, fresh_clashes = unique_keys([asking[i].key for i in fresh],
                                        registry.reserved() | set(kept.values()))
    keys = [kept.get(i, "") for i in range(len(canonicals))]
    for i, key in zip(fresh, minted):
        keys[i] = key
    clashes = [(fresh[index], old, new) for index, old, new in fresh_clashes]
    if identity is not None:
        _key_report(identity, documents, canonicals, asking, keys, matches, registry, base)
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


def _key_report(identity: Identity, documents: list[DocumentResult], canonicals: list[Id],
                asking: list[Wanted], keys: list[str], matches: list[Any], registry: Registry,
                base: str) -> None:
    """What the registry decided: the keys kept for changed titles, the keys it does not hold
    yet (`publisher keys update` adds them), the moved keys whose records are built."""
    built = {(w.type, key): cid for w, key, cid in zip(asking, keys, canonicals)}
    identity.keys = {
        "kept": [{"type": asking[m.index].type, "key": m.entry.key, "title": m.title,
                  "was": m.entry.title, "matched_by": m.rule, "message": m.message()}
                 for m in matches],
        "new": [{"type": e.type, "key": e.key, "title": e.title, "document": e.document,
                 "line": e.line, "number": e.number or None}
                for e in new_entries(asking, keys, registry)],
        "moved": [{"type": kind, "from": old, "to": new}
                  for (kind, old), new in sorted(registry.moved.items())],
    }
    identity.same_as = [(thing(base, kind, new), thing(base, kind, old), built[(kind, new)][0])
                        for (kind, old), new in sorted(registry.moved.items())
                        if (kind, new) in built]


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
