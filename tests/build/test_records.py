"""The record contract: every field a mapping file reads — in its templates, `each`, `when`
and `unless` — is a field `publisher/build/records.py` defines for the records that file is
given, looked up as the interpreter looks it up (in a list item, then in the scopes around it).
"""
from __future__ import annotations

import types
from pathlib import Path
from typing import (Any, NotRequired, Union, get_args, get_origin, get_type_hints,
                    is_typeddict)

import pytest

from publisher.build.mapping import RecordMapping, Template, load_mapping
from publisher.build.pipeline import run_pipeline
from publisher.build.records import MAPPING_RECORDS, MappingSettings
from publisher.build.sources import FAMILIES
from publisher.config import PROJECT_ROOT, load_settings

MAPPINGS = PROJECT_ROOT / "mappings"
BASE = "https://example.test/"
MISSING = object()
Path_ = tuple[str, ...]


def _types(hint: Any) -> list[Any]:
    """The types a hint allows, None left out (`X | None` → [X])."""
    if get_origin(hint) in (Union, types.UnionType):
        return [t for arg in get_args(hint) for t in _types(arg)]
    return [] if hint is type(None) else [hint]


def _walk(scope: Any, path: Path_) -> Any:
    """The type at `path` inside a record type, or MISSING when it has no such field."""
    if not path:
        return scope
    for option in _types(scope):
        if option is Any:
            return Any
        if is_typeddict(option) and path[0] in get_type_hints(option):
            found = _walk(get_type_hints(option)[path[0]], path[1:])
            if found is not MISSING:
                return found
    return MISSING


def _resolve(path: Path_, scopes: list[Any]) -> Any:
    if path[:1] == ("settings",):
        return Any if path[1] in get_type_hints(MappingSettings) else MISSING
    for scope in reversed(scopes):
        found = _walk(scope, path)
        if found is not MISSING:
            return found
    return MISSING


def _item(hint: Any) -> Any:
    """What `each` walks over: the items of a list (one value is one item)."""
    options = _types(hint)
    lists = [get_args(t)[0] for t in options if get_origin(t) is list]
    return lists[0] if lists else hint


def unknown_fields(mapping: RecordMapping, records: dict[str | None, type]) -> list[str]:
    """Where the mapping reads a field its records do not have, as "where: field"."""
    problems: list[str] = []

    def check(path: Path_ | None, scopes: list[Any], where: str) -> Any:
        found = Any if path is None else _resolve(path, scopes)
        if found is MISSING:
            problems.append(f"{where}: {'.'.join(path or ())}")
        return found

    def templates(*items: Template | None) -> list[Path_]:
        return [p for t in items if t is not None for p in t.parts if not isinstance(p, str)]

    def inside(each: Path_ | None, scopes: list[Any], where: str) -> list[Any]:
        return scopes if each is None else scopes + [_item(check(each, scopes, f"{where} each"))]

    def node(name: str, scopes: list[Any], seen: set[tuple[str, int]]) -> None:
        if (name, len(scopes)) in seen:
            return
        seen.add((name, len(scopes)))
        rule, where = mapping.nodes[name], f"[nodes.{name}]"
        for path in templates(rule.iri) + [rule.when, rule.unless]:
            check(path, scopes, where)
        for prop in rule.properties:
            at = f"{where} {prop.predicate}"
            check(prop.when, scopes, at)
            check(prop.unless, scopes, at)
            item = inside(prop.each, scopes, at)
            for path in templates(prop.value, prop.iri, prop.language):
                check(path, item, at)
            if prop.node:
                node(prop.node, item, seen)

    def record(root: str, emits: tuple, record_type: type) -> None:
        node(root, [record_type], set())
        for emit in emits:
            node(emit.node, inside(emit.each, [record_type], "[record] emit"), set())

    for kind, rule in mapping.record_types.items():
        if kind not in records:
            problems.append(f"[records.{kind}]: no record type in records.MAPPING_RECORDS")
            continue
        record(rule.root, rule.emits, records[kind])
    if not mapping.record_types:
        record(mapping.root, mapping.emits, records[None])
    return problems


@pytest.mark.parametrize("path", sorted(MAPPINGS.glob("*.mapping.toml")), ids=lambda p: p.name)
def test_every_field_a_mapping_file_reads_is_in_the_record_contract(path: Path) -> None:
    assert path.name in MAPPING_RECORDS, f"{path.name}: add its records to records.MAPPING_RECORDS"
    assert unknown_fields(load_mapping(path, BASE), MAPPING_RECORDS[path.name]) == []


def test_the_contract_names_only_mapping_files_that_exist_and_every_familys() -> None:
    assert {p.name for p in MAPPINGS.glob("*.mapping.toml")} == set(MAPPING_RECORDS)
    assert {f.mapping_file for f in FAMILIES.values()} <= set(MAPPING_RECORDS)


def test_a_field_the_contract_does_not_define_is_found(tmp_path: Path) -> None:
    path = tmp_path / "catalogue.mapping.toml"
    path.write_text("""
[record]
root = "project"
emit = [ { node = "organisation", each = "organisations_prepared" } ]
[nodes.project]
iri = "{base}id/project/{key}"
properties = [
  { predicate = "rdfs:label",   value = "{label}", language = "{language}" },
  { predicate = "kd:lead",      iri = "{base}id/organisation/{lead.code}" },
  { predicate = "kd:section",   node = "section", each = "sections_prepared", when = "settings.nope" },
  { predicate = "kd:typo",      value = "{descripton_text}" },
]
[nodes.section]
iri = "{base}id/project/{key}#section-{order}"
properties = [ { predicate = "dcterms:title", value = "{heading}", language = "{languages}" } ]
[nodes.organisation]
iri = "{base}id/organisation/{key}"
properties = [ { predicate = "skos:prefLabel", value = "{name}", each = "names" } ]
""", encoding="utf-8")
    problems = unknown_fields(load_mapping(path, BASE), MAPPING_RECORDS["catalogue.mapping.toml"])
    assert problems == [
        "[nodes.project] <https://example.test/def/lead>: lead.code",
        "[nodes.project] <https://example.test/def/section>: settings.nope",
        "[nodes.section] <http://purl.org/dc/terms/title>: languages",
        "[nodes.project] <https://example.test/def/typo>: descripton_text",
        "[nodes.organisation] <http://www.w3.org/2004/02/skos/core#prefLabel> each: names",
    ]


def test_the_records_a_build_maps_are_what_the_contract_says(monkeypatch) -> None:
    """The other way round: no record has a field the contract does not name, or lacks one
    it requires (each record as its mapping file is given it, on the real texts)."""
    given: list[tuple[str, dict]] = []
    lines = RecordMapping.lines

    def spy(mapping: RecordMapping, record: dict, settings: dict) -> list[str]:
        given.append((mapping.path.name, record))
        return lines(mapping, record, settings)

    monkeypatch.setattr(RecordMapping, "lines", spy)
    run_pipeline(load_settings(PROJECT_ROOT / "publisher.toml", environ={})).close()
    wrong = set()
    for name, record in given:
        types = MAPPING_RECORDS[name]
        kind = None if None in types else record.get("type")
        hints = get_type_hints(types[kind], include_extras=True)
        required = {f for f, hint in hints.items() if get_origin(hint) is not NotRequired}
        wrong |= {(name, kind, f, "not in the contract") for f in set(record) - set(hints)}
        wrong |= {(name, kind, f, "missing") for f in required - set(record)}
    assert {name for name, _ in given} == set(MAPPING_RECORDS)
    assert wrong == set()
