"""Extraction: turn a source text into records, with an account of every line.

`extract_path` picks the extractor for a file (an explicit name, else the source
registry in the settings, else "catalogue"), reads the file as UTF-8 and runs it.
Every extractor is a function `(path, lines) -> Extraction` registered in EXTRACTORS.
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from publisher.build.extract.base import (Extraction, LineAccount, Problem, SourceError,
                                    read_source_text)
from publisher.build.extract.catalogue import extract_catalogue
from publisher.build.extract.page import extract_page

__all__ = ["EXTRACTORS", "Extraction", "LineAccount", "Problem", "SourceError",
           "extract_path", "extractor_for", "read_source_text"]

DEFAULT_EXTRACTOR = "catalogue"

EXTRACTORS: dict[str, Callable[[Path, list[str]], Extraction]] = {
    "catalogue": extract_catalogue,
    "page": extract_page,
}


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False


def extractor_for(path: Path, settings: Any = None) -> str:
    """The registry's extractor for this file (matched by path, then by file name)."""
    sources = getattr(settings, "sources", None) or ()
    for source in sources:
        if _same_file(Path(source.path), path):
            return source.extractor
    for source in sources:
        if Path(source.path).name == path.name:
            return source.extractor
    return DEFAULT_EXTRACTOR


def extract_path(path: Path, settings: Any = None, extractor: str | None = None) -> Extraction:
    """Read one source file and extract it; SourceError if it cannot be read."""
    path = Path(path)
    name = extractor or extractor_for(path, settings)
    if name not in EXTRACTORS:
        raise SourceError(f"{path.name}: unknown extractor '{name}' "
                          f"(known: {', '.join(sorted(EXTRACTORS))})")
    lines = read_source_text(path)
    return EXTRACTORS[name](path, lines)
