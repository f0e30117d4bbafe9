"""Organisations that are not municipalities (`mappings/organisations.toml`), and finding
the organisation a name as written stands for."""
from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from publisher.build.prepare.municipalities import MunicipalityIndex, default_index


@dataclass(frozen=True)
class Organisation:
    key: str
    names: Mapping[str, str]
    aliases: tuple[str, ...]
    #: where the source texts name it: (document file name, first line, last line)
    named_in: tuple[tuple[str, int, int], ...] = ()


class OrganisationRegistry:
    """The organisations of `mappings/organisations.toml`, found by any of their names.

    A name matches as a whole word, case-insensitively, also with a genitive -s or -n
    ("Kommunförbundets", "finansministeriets")."""

    def __init__(self, organisations: list[Organisation]) -> None:
        self.organisations = organisations
        self.by_key = {o.key: o for o in organisations}
        forms = sorted(((alias, o.key) for o in organisations
                        for alias in {*o.aliases, *o.names.values()}),
                       key=lambda item: -len(item[0]))
        self._patterns = [(re.compile(rf"(?<![\w-]){re.escape(alias)}(?:s|n|ns|ets)?(?![\w-])",
                                      re.IGNORECASE), key) for alias, key in forms]

    @classmethod
    def load(cls, path: Path) -> "OrganisationRegistry":
        if not Path(path).exists():
            return cls([])
        with Path(path).open("rb") as handle:
            table = tomllib.load(handle)
        return cls([Organisation(e["key"], dict(e.get("names", {})), tuple(e.get("aliases", [])),
                                 _named_in(e, Path(path).name))
                    for e in table.get("organisations", [])])

    def named(self, text: str | None) -> set[str]:
        """The keys of every organisation the text names."""
        return {key for pattern, key in self._patterns if text and pattern.search(text)}

    def find(self, text: str | None) -> str | None:
        """The key of the first (longest) organisation name found in the text."""
        if not text:
            return None
        found = [(m.start(), key) for pattern, key in self._patterns
                 if (m := pattern.search(text))]
        return min(found)[1] if found else None


def _named_in(entry: Mapping[str, Any], file_name: str) -> tuple[tuple[str, int, int], ...]:
    """The `named_in` places of an organisation entry, checked."""
    places = []
    for n, place in enumerate(entry.get("named_in", []), start=1):
        try:
            places.append((str(place["document"]), int(place["first_line"]),
                           int(place.get("last_line", place["first_line"]))))
        except (KeyError, TypeError, ValueError) as error:
            raise ValueError(f"{file_name}: organisation '{entry.get('key')}', named_in entry {n}: "
                             f"needs document and first_line (and may have last_line)") from error
    return tuple(places)


def resolve_organisation(text: str | None, registry: OrganisationRegistry | None,
                         index: MunicipalityIndex | None = None) -> str | None:
    """An organisation key for a name as written: a listed organisation or a municipality
    ("i Hyvinge", "Espoo"); None if neither is found."""
    if not text:
        return None
    key = registry.find(text) if registry else None
    if key:
        return key
    index = index or default_index()
    for candidate in [text] + re.findall(r"\bi ([A-ZÅÄÖ][\w-]+)", text):
        found = index.resolve(candidate.strip())
        if found is not None and not found.is_near_miss:
            return found.code
    return None
