"""Reading the fixtures' expected findings and comparing them with what a validation found.

An `*.expected.tsv` file lists one finding a line: severity, focus, path, check, value and
the English message, tab-separated, `-` for none. The check is the named SPARQL constraint
or property shape (kdq:…) where a profile names its checks, else the constraint component.
"""
from __future__ import annotations

from pathlib import Path

FOLDER = Path(__file__).resolve().parent

Finding = tuple[str, str, str, str, str, str]


def fixture(name: str) -> Path:
    return FOLDER / name


def expected(name: str) -> set[Finding]:
    """The findings listed in `name` (an .expected.tsv file of this folder)."""
    rows = set()
    for number, line in enumerate((FOLDER / name).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        assert len(cells) == 6, f"{name} line {number}: six tab-separated cells expected"
        rows.add(tuple(cells))
    return rows


def check_of(result) -> str:
    """A named check (kdq:…) where the profile has one, else the constraint component."""
    if (result.constraint or "").startswith("sh:") and result.shape and "›" not in result.shape \
            and not result.shape.startswith("<"):
        return result.shape
    return result.constraint or ""


def found(outcome, namespace: str, prefix: str = "ex:") -> set[Finding]:
    """What a validation found, in the terms of the expected files."""
    def short(iri: str) -> str:
        if iri == namespace:
            return f"<{iri}>"
        return prefix + iri[len(namespace):] if iri.startswith(namespace) else iri

    return {(r.severity, short(r.focus), r.path or "-", check_of(r), r.value or "-", r.message)
            for r in outcome.results}
