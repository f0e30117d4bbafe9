"""What preparing a record knows about its text, and the small helpers every source
family's preparation shares."""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from publisher.build.prepare.organisations import OrganisationRegistry
from publisher.vocab import DEFAULT_BASE, EU_LANGUAGE

LANGUAGE_IRIS = {"fi": EU_LANGUAGE + "FIN", "sv": EU_LANGUAGE + "SWE", "en": EU_LANGUAGE + "ENG"}


@dataclass(frozen=True)
class DocumentContext:
    """What the link stage knows about the source a record came from.

    `refs` gives the URI of every initiative record of the document by record index (after
    merging: a record merged into another carries the other's URI); `organisations` resolves
    organisation names; `programme_iri` is set for documents whose projects the funding
    programme funds.
    """

    key: str
    lines: Sequence[str]
    build_key: str
    name: str = ""
    refs: Mapping[int, str] = field(default_factory=dict)
    organisations: OrganisationRegistry | None = None
    programme_iri: str | None = None
    base: str = DEFAULT_BASE


def normalise_url(url: str) -> str:
    """A link as written, without trailing punctuation and with a scheme."""
    url = url.strip().rstrip(".,;)")
    return url if url.startswith(("http://", "https://")) else f"https://{url}"


def unique(values: Iterable[Any]) -> list[Any]:
    """The non-empty values once each, in order."""
    seen: list[Any] = []
    for value in values:
        if value and value not in seen:
            seen.append(value)
    return seen
