"""How many projects each municipality leads and takes part in, from the project index
(the same index the project list filters), for the maps, their tables and the GeoJSON."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import combinations
from typing import Any


@dataclass(frozen=True)
class Counts:
    """A municipality's projects: as lead, as partner, and all (a project counted once)."""

    lead: int = 0
    partner: int = 0
    total: int = 0


def involved(entry: dict[str, Any], municipalities: Iterable[str]) -> tuple[set[str], set[str]]:
    """The municipalities a project names as lead, and as partners."""
    known = set(municipalities)
    return (set(entry["lead"]) & known,
            (set(entry["partners"]) | set(entry["partner_orgs"])) & known)


def project_counts(projects: dict[str, dict[str, Any]], municipalities: Iterable[str],
                   chosen: Iterable[str] | None = None) -> dict[str, Counts]:
    """Counts by municipality IRI over ``projects`` (only those in ``chosen`` if given);
    municipalities without a project are left out."""
    known = set(municipalities)
    wanted = None if chosen is None else set(chosen)
    lead: dict[str, int] = {}
    partner: dict[str, int] = {}
    total: dict[str, int] = {}
    for iri, entry in projects.items():
        if wanted is not None and iri not in wanted:
            continue
        leads, partners = involved(entry, known)
        for m in leads:
            lead[m] = lead.get(m, 0) + 1
        for m in partners:
            partner[m] = partner.get(m, 0) + 1
        for m in leads | partners:
            total[m] = total.get(m, 0) + 1
    return {m: Counts(lead.get(m, 0), partner.get(m, 0), n) for m, n in total.items()}


def shared_projects(projects: dict[str, dict[str, Any]],
                    municipalities: Iterable[str]) -> dict[tuple[str, str], int]:
    """How many projects each pair of municipalities shares (pairs sorted by IRI)."""
    known = set(municipalities)
    pairs: dict[tuple[str, str], int] = {}
    for entry in projects.values():
        leads, partners = involved(entry, known)
        for pair in combinations(sorted(leads | partners), 2):
            pairs[pair] = pairs.get(pair, 0) + 1
    return pairs
